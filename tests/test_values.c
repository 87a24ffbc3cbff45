/* test_values.c - unit tests for src/values.c: the MessagePack validator
 * (every accepted type and width, every rejection reason, truncation at every
 * byte, the depth limit, huge declared lengths failing fast), strict UTF-8,
 * JSON -> MessagePack -> JSON round trips and the JSON side's errors, and the
 * JSON forms of bin, timestamps and non-finite floats. Inputs are written out
 * byte by byte so that the tests do not share code with the implementation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "common/values.h"

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

/* ---- helpers ------------------------------------------------------------- */

static void check_accepts(const uint8_t *buf, size_t len)
{
    const char *why = "unset";
    nx_code_t code = nx_value_check(buf, len, &why);
    if (code != NX_OK)
        fail_msg("rejected (%s) a valid value of %zu bytes starting 0x%02x", why, len, buf[0]);
}

static void check_rejects(const uint8_t *buf, size_t len, const char *reason)
{
    const char *why = NULL;
    assert_int_equal(nx_value_check(buf, len, &why), NX_E_SERIALIZATION_ERROR);
    assert_non_null(why);
    assert_string_equal(why, reason);
    /* A value the validator refuses never converts either. */
    char *json = (char *)"unchanged";
    assert_int_equal(nx_msgpack_to_json(buf, len, &json), NX_E_SERIALIZATION_ERROR);
    assert_null(json);
    assert_null(nx_msgpack_to_jansson(buf, len));
}

/* Checks buf converts to exactly the JSON text expected. */
static void check_json(const uint8_t *buf, size_t len, const char *expected)
{
    char *json = NULL;
    assert_int_equal(nx_msgpack_to_json(buf, len, &json), NX_OK);
    assert_non_null(json);
    assert_string_equal(json, expected);
    free(json);
}

/* JSON text -> MessagePack (which must pass the validator). Owner: caller. */
static uint8_t *json_to_mp(const char *json, size_t *len)
{
    uint8_t *mp = NULL;
    char err[256] = "";
    nx_code_t code = nx_json_to_msgpack(json, strlen(json), &mp, len, err, sizeof err);
    if (code != NX_OK)
        fail_msg("nx_json_to_msgpack(%s) failed: %s", json, err);
    assert_int_equal(nx_value_check(mp, *len, NULL), NX_OK);
    return mp;
}

/* JSON -> MessagePack -> JSON; the result must be identical to the input. */
static void check_round_trip(const char *json)
{
    size_t len;
    uint8_t *mp = json_to_mp(json, &len);
    check_json(mp, len, json);
    free(mp);
}

static void check_packs_to(const char *json, const uint8_t *expected, size_t expected_len)
{
    size_t len;
    uint8_t *mp = json_to_mp(json, &len);
    assert_int_equal(len, expected_len);
    assert_memory_equal(mp, expected, len);
    free(mp);
}

/* A double survives JSON -> MessagePack -> JSON -> jansson bit for bit. */
static void check_double_round_trip(double d)
{
    char text[64];
    snprintf(text, sizeof text, "%.17g", d);
    if (!strpbrk(text, ".e"))
        strcat(text, ".0");
    size_t len;
    uint8_t *mp = json_to_mp(text, &len);
    assert_int_equal(len, 9);
    assert_int_equal(mp[0], 0xcb);
    char *back = NULL;
    assert_int_equal(nx_msgpack_to_json(mp, len, &back), NX_OK);
    json_t *parsed = json_loads(back, JSON_DECODE_ANY, NULL);
    assert_non_null(parsed);
    assert_true(json_is_real(parsed));
    double again = json_real_value(parsed);
    assert_memory_equal(&again, &d, sizeof d);
    json_decref(parsed);
    free(back);
    free(mp);
}

/* `levels` nested containers: arrays [[[...]]] or maps {"k":{"k":...{}}}. */
static uint8_t *nested_msgpack(size_t levels, bool maps, size_t *len)
{
    uint8_t *buf = malloc(levels * 3 + 1);
    size_t n = 0;
    for (size_t i = 0; i + 1 < levels; i++) {
        if (maps) {
            buf[n++] = 0x81;
            buf[n++] = 0xa1;
            buf[n++] = 'k';
        } else {
            buf[n++] = 0x91;
        }
    }
    buf[n++] = maps ? 0x80 : 0x90; /* the innermost, empty */
    *len = n;
    return buf;
}

static char *nested_json(size_t levels, bool objects)
{
    char *text = malloc(levels * 6 + 1);
    size_t n = 0;
    for (size_t i = 0; i < levels; i++)
        n += (size_t)sprintf(text + n, "%s", objects ? (i + 1 < levels ? "{\"k\":" : "{") : "[");
    for (size_t i = 0; i < levels; i++)
        text[n++] = objects ? '}' : ']';
    text[n] = '\0';
    return text;
}

/* CPU time, not wall time, so a loaded machine does not fail the test. */
static void start_clock(struct timespec *start) { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, start); }

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* ---- accepted values ---------------------------------------------------- */

static void test_accepts_nil_bool_ints(void **state)
{
    (void)state;
    check_accepts(BYTES(0xc0));
    check_accepts(BYTES(0xc2));
    check_accepts(BYTES(0xc3));
    check_accepts(BYTES(0x00));
    check_accepts(BYTES(0x7f));
    check_accepts(BYTES(0xe0));
    check_accepts(BYTES(0xff));
    check_accepts(BYTES(0xcc, 0xff));
    check_accepts(BYTES(0xcd, 0xff, 0xff));
    check_accepts(BYTES(0xce, 0xff, 0xff, 0xff, 0xff));
    check_accepts(BYTES(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    check_accepts(BYTES(0xd0, 0x80));
    check_accepts(BYTES(0xd1, 0x80, 0x00));
    check_accepts(BYTES(0xd2, 0x80, 0x00, 0x00, 0x00));
    check_accepts(BYTES(0xd3, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00));
}

static void test_accepts_floats(void **state)
{
    (void)state;
    check_accepts(BYTES(0xca, 0x3f, 0xc0, 0x00, 0x00));
    check_accepts(BYTES(0xcb, 0x3f, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00));
    check_accepts(BYTES(0xcb, 0x7f, 0xf8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00)); /* NaN */
}

static void test_accepts_strings_every_width(void **state)
{
    (void)state;
    check_accepts(BYTES(0xa0));
    check_accepts(BYTES(0xa3, 'a', 'b', 'c'));
    check_accepts(BYTES(0xa2, 0xc3, 0xa9));                   /* é */
    check_accepts(BYTES(0xa4, 0xf0, 0x9f, 0x98, 0x80));      /* U+1F600 */
    check_accepts(BYTES(0xa1, 0x00));                         /* U+0000 is valid */
    check_accepts(BYTES(0xd9, 0x03, 'a', 'b', 'c'));
    check_accepts(BYTES(0xda, 0x00, 0x03, 'a', 'b', 'c'));
    check_accepts(BYTES(0xdb, 0x00, 0x00, 0x00, 0x03, 'a', 'b', 'c'));
    check_accepts(BYTES(0xd9, 0x00));
    /* A 31-byte fixstr, the longest. */
    uint8_t fix31[32];
    fix31[0] = 0xbf;
    memset(fix31 + 1, 'x', 31);
    check_accepts(fix31, sizeof fix31);
}

static void test_accepts_bin_every_width(void **state)
{
    (void)state;
    check_accepts(BYTES(0xc4, 0x00));
    check_accepts(BYTES(0xc4, 0x02, 0xff, 0xc1));            /* any bytes, not UTF-8 */
    check_accepts(BYTES(0xc5, 0x00, 0x02, 0xff, 0xfe));
    check_accepts(BYTES(0xc6, 0x00, 0x00, 0x00, 0x02, 0xff, 0xfe));
}

static void test_accepts_arrays_every_width(void **state)
{
    (void)state;
    check_accepts(BYTES(0x90));
    check_accepts(BYTES(0x93, 0x01, 0xc0, 0xa1, 'x'));
    check_accepts(BYTES(0xdc, 0x00, 0x00));
    check_accepts(BYTES(0xdc, 0x00, 0x02, 0xc2, 0xc3));
    check_accepts(BYTES(0xdd, 0x00, 0x00, 0x00, 0x00));
    check_accepts(BYTES(0xdd, 0x00, 0x00, 0x00, 0x02, 0x90, 0x80));
    check_accepts(BYTES(0x92, 0x91, 0x91, 0x01, 0x81, 0xa1, 'a', 0x90));
}

static void test_accepts_maps_every_width(void **state)
{
    (void)state;
    check_accepts(BYTES(0x80));
    check_accepts(BYTES(0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0x92, 0x01, 0x02));
    check_accepts(BYTES(0xde, 0x00, 0x00));
    check_accepts(BYTES(0xde, 0x00, 0x01, 0xd9, 0x01, 'k', 0xc0));
    check_accepts(BYTES(0xdf, 0x00, 0x00, 0x00, 0x00));
    check_accepts(BYTES(0xdf, 0x00, 0x00, 0x00, 0x01, 0xda, 0x00, 0x01, 'k', 0x80));
    check_accepts(BYTES(0x81, 0xdb, 0x00, 0x00, 0x00, 0x02, 0xc3, 0xa9, 0xc0)); /* key "é" */
    check_accepts(BYTES(0x81, 0xa0, 0xc0));                                    /* key "" */
}

static void test_accepts_timestamps(void **state)
{
    (void)state;
    check_accepts(BYTES(0xd6, 0xff, 0x65, 0x93, 0x7d, 0x25));
    check_accepts(BYTES(0xd7, 0xff, 0xa1, 0xdc, 0xd7, 0xc8, 0x65, 0x93, 0x7d, 0x25));
    /* 999999999 ns and the largest 34-bit seconds. */
    check_accepts(BYTES(0xd7, 0xff, 0xee, 0x6b, 0x27, 0xff, 0xff, 0xff, 0xff, 0xff));
    check_accepts(BYTES(0xc7, 0x0c, 0xff, 0x1d, 0xcd, 0x65, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff,
                        0xff, 0xff, 0xff));
    check_accepts(BYTES(0x91, 0xd6, 0xff, 0x00, 0x00, 0x00, 0x00));
}

/* ---- rejected values ---------------------------------------------------- */

static void test_rejects_empty_and_null(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(nx_value_check((const uint8_t *)"", 0, &why), NX_E_SERIALIZATION_ERROR);
    assert_string_equal(why, "truncated value");
    assert_int_equal(nx_value_check(NULL, 0, &why), NX_E_SERIALIZATION_ERROR);
    assert_int_equal(nx_value_check(NULL, 5, &why), NX_E_SERIALIZATION_ERROR);
    assert_int_equal(nx_value_check(NULL, 0, NULL), NX_E_SERIALIZATION_ERROR);
    char *json = NULL;
    assert_int_equal(nx_msgpack_to_json(NULL, 0, &json), NX_E_SERIALIZATION_ERROR);
    assert_null(json);
    assert_int_equal(nx_msgpack_to_json(BYTES(0xc0), NULL), NX_E_INVALID_ARGUMENT);
}

/* Every proper prefix of these valid encodings is a truncated value. */
static void test_rejects_truncation_at_every_byte(void **state)
{
    (void)state;
    const struct { const uint8_t *bytes; size_t len; } encodings[] = {
#define ENC(...) { (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }) }
        ENC(0xcf, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08),
        ENC(0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe),
        ENC(0xcb, 0x3f, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00),
        ENC(0xca, 0x3f, 0xc0, 0x00, 0x00),
        ENC(0xdb, 0x00, 0x00, 0x00, 0x04, 0xf0, 0x9f, 0x98, 0x80),
        ENC(0xc6, 0x00, 0x00, 0x00, 0x02, 0xff, 0xfe),
        ENC(0xdd, 0x00, 0x00, 0x00, 0x02, 0xcd, 0x01, 0x02, 0xa2, 0xc3, 0xa9),
        ENC(0xdf, 0x00, 0x00, 0x00, 0x02, 0xa1, 'a', 0x01, 0xd9, 0x01, 'b', 0x81, 0xa0, 0xc0),
        ENC(0x82, 0xa1, 'a', 0x93, 0x01, 0x02, 0x03, 0xa1, 'b', 0xc4, 0x01, 0x00),
        ENC(0xd7, 0xff, 0xa1, 0xdc, 0xd7, 0xc8, 0x65, 0x93, 0x7d, 0x25),
        ENC(0xc7, 0x0c, 0xff, 0x1d, 0xcd, 0x65, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff),
#undef ENC
    };
    for (size_t e = 0; e < sizeof encodings / sizeof encodings[0]; e++) {
        check_accepts(encodings[e].bytes, encodings[e].len);
        for (size_t prefix = 0; prefix < encodings[e].len; prefix++) {
            /* A heap copy of exactly the prefix, so ASan catches any
             * read past it. */
            uint8_t *copy = malloc(prefix ? prefix : 1);
            memcpy(copy, encodings[e].bytes, prefix);
            check_rejects(copy, prefix, "truncated value");
            free(copy);
        }
    }
}

static void test_rejects_bad_utf8_in_strings_and_keys(void **state)
{
    (void)state;
    check_rejects(BYTES(0xa1, 0x80), "invalid UTF-8 in string");
    check_rejects(BYTES(0xa2, 0xc3, 0x28), "invalid UTF-8 in string");
    check_rejects(BYTES(0xa2, 0xc0, 0x80), "invalid UTF-8 in string");        /* overlong NUL */
    check_rejects(BYTES(0xd9, 0x03, 0xed, 0xa0, 0x80), "invalid UTF-8 in string"); /* surrogate */
    check_rejects(BYTES(0xda, 0x00, 0x01, 0xff), "invalid UTF-8 in string");
    check_rejects(BYTES(0xdb, 0x00, 0x00, 0x00, 0x04, 0xf4, 0x90, 0x80, 0x80),
                  "invalid UTF-8 in string");
    check_rejects(BYTES(0xa1, 0xc3), "invalid UTF-8 in string"); /* sequence cut by the length */
    check_rejects(BYTES(0x81, 0xa2, 0xc0, 0x80, 0x01), "invalid UTF-8 in string");
    check_rejects(BYTES(0x91, 0x81, 0xa1, 'a', 0xa1, 0xfe), "invalid UTF-8 in string");
}

static void test_rejects_non_string_keys(void **state)
{
    (void)state;
    check_rejects(BYTES(0x81, 0x01, 0x01), "map key is not a string");
    check_rejects(BYTES(0x81, 0xc0, 0x01), "map key is not a string");
    check_rejects(BYTES(0x81, 0xc4, 0x01, 'a', 0x01), "map key is not a string");
    check_rejects(BYTES(0x81, 0x90, 0x01), "map key is not a string");
    check_rejects(BYTES(0x81, 0x80, 0x01), "map key is not a string");
    check_rejects(BYTES(0x81, 0xd6, 0xff, 0x00, 0x00, 0x00, 0x00, 0x01), "map key is not a string");
    /* The second key, after a container value. */
    check_rejects(BYTES(0x82, 0xa1, 'a', 0x91, 0x01, 0x02, 0x03), "map key is not a string");
    /* A key of a map nested inside an array inside a map. */
    check_rejects(BYTES(0xde, 0x00, 0x01, 0xa1, 'a', 0x91, 0x81, 0xc3, 0xc0),
                  "map key is not a string");
}

static void test_rejects_reserved_byte_and_extensions(void **state)
{
    (void)state;
    check_rejects(BYTES(0xc1), "reserved type byte 0xc1");
    check_rejects(BYTES(0x91, 0xc1), "reserved type byte 0xc1");
    check_rejects(BYTES(0xd4, 0x05, 0x00), "unsupported extension type");
    check_rejects(BYTES(0xd6, 0x05, 0x00, 0x00, 0x00, 0x00), "unsupported extension type");
    check_rejects(BYTES(0xc7, 0x01, 0x05, 0x00), "unsupported extension type");
    check_rejects(BYTES(0xc8, 0x00, 0x01, 0x00, 0x00), "unsupported extension type");
    check_rejects(BYTES(0xc9, 0x00, 0x00, 0x00, 0x01, 0xfe, 0x00), "unsupported extension type");
    /* Timestamps in any but the three canonical forms. */
    check_rejects(BYTES(0xc7, 0x05, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00), "invalid timestamp length");
    check_rejects(BYTES(0xc7, 0x04, 0xff, 0x00, 0x00, 0x00, 0x00), "invalid timestamp length");
    check_rejects(BYTES(0xd4, 0xff, 0x00), "invalid timestamp length");
    check_rejects(BYTES(0xd5, 0xff, 0x00, 0x00), "invalid timestamp length");
    check_rejects(BYTES(0xd8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                  "invalid timestamp length");
    check_rejects(BYTES(0xc8, 0x00, 0x0c, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                  "invalid timestamp length");
    /* Nanoseconds of one full second. */
    check_rejects(BYTES(0xd7, 0xff, 0xee, 0x6b, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00),
                  "timestamp nanoseconds out of range");
    check_rejects(BYTES(0xc7, 0x0c, 0xff, 0x3b, 0x9a, 0xca, 0x00, 0, 0, 0, 0, 0, 0, 0, 0),
                  "timestamp nanoseconds out of range");
}

static void test_rejects_trailing_bytes(void **state)
{
    (void)state;
    check_rejects(BYTES(0xc0, 0xc0), "trailing bytes");
    check_rejects(BYTES(0x91, 0x01, 0x02), "trailing bytes");
    check_rejects(BYTES(0x80, 0x00), "trailing bytes");
    check_rejects(BYTES(0xa1, 'a', 'b'), "trailing bytes");
    check_rejects(BYTES(0x90, 0xc1), "trailing bytes"); /* even garbage after a complete value */
}

static void check_depth_limit(bool maps)
{
    size_t len;
    for (size_t levels = 1; levels <= NX_VALUE_MAX_DEPTH; levels++) {
        uint8_t *buf = nested_msgpack(levels, maps, &len);
        check_accepts(buf, len);
        char *json = NULL;
        assert_int_equal(nx_msgpack_to_json(buf, len, &json), NX_OK);
        free(json);
        free(buf);
    }
    for (size_t levels = NX_VALUE_MAX_DEPTH + 1; levels <= NX_VALUE_MAX_DEPTH + 3; levels++) {
        uint8_t *buf = nested_msgpack(levels, maps, &len);
        check_rejects(buf, len, "nesting deeper than 32 levels");
        free(buf);
    }
}

static void test_depth_32_arrays_ok_33_rejected(void **state)
{
    (void)state;
    check_depth_limit(false);
    /* Also when the innermost array holds a scalar. */
    uint8_t buf[NX_VALUE_MAX_DEPTH + 2];
    memset(buf, 0x91, sizeof buf);
    buf[NX_VALUE_MAX_DEPTH] = 0x01;
    check_accepts(buf, NX_VALUE_MAX_DEPTH + 1);
    buf[NX_VALUE_MAX_DEPTH] = 0x91;
    buf[NX_VALUE_MAX_DEPTH + 1] = 0x01;
    check_rejects(buf, NX_VALUE_MAX_DEPTH + 2, "nesting deeper than 32 levels");
}

static void test_depth_32_maps_ok_33_rejected(void **state)
{
    (void)state;
    check_depth_limit(true);
}

/* Depth counts open containers, not containers seen: many siblings at depth
 * 32 are fine. */
static void test_depth_counts_nesting_not_siblings(void **state)
{
    (void)state;
    uint8_t buf[NX_VALUE_MAX_DEPTH + 8];
    size_t n = 0;
    for (int i = 0; i < NX_VALUE_MAX_DEPTH - 1; i++)
        buf[n++] = 0x91;
    buf[n++] = 0x93; /* depth 32, three children */
    buf[n++] = 0x01;
    buf[n++] = 0xc0;
    buf[n++] = 0xa0;
    check_accepts(buf, n);
    buf[n - 1] = 0x90; /* a 33rd level */
    check_rejects(buf, n, "nesting deeper than 32 levels");
}

static void test_huge_declared_lengths_fail_fast(void **state)
{
    (void)state;
    struct timespec start;
    start_clock(&start);
    check_rejects(BYTES(0xdd, 0xff, 0xff, 0xff, 0xff), "truncated value");
    check_rejects(BYTES(0xdd, 0xf0, 0x00, 0x00, 0x00, 0xc0, 0xc0), "truncated value");
    check_rejects(BYTES(0xdf, 0xff, 0xff, 0xff, 0xff), "truncated value");
    check_rejects(BYTES(0xdf, 0x80, 0x00, 0x00, 0x00, 0xa0, 0xc0), "truncated value");
    check_rejects(BYTES(0xdb, 0xff, 0xff, 0xff, 0xff, 'a'), "truncated value");
    check_rejects(BYTES(0xc6, 0xff, 0xff, 0xff, 0xff), "truncated value");
    check_rejects(BYTES(0xc9, 0xff, 0xff, 0xff, 0xff, 0xff), "invalid timestamp length");
    check_rejects(BYTES(0xdc, 0xff, 0xff, 0xc0), "truncated value");
    /* 33 nested headers each claiming 4 billion entries: refused at the
     * first header, whose count exceeds the bytes left, before the walk
     * could reach the depth limit. */
    uint8_t nested[5 * (NX_VALUE_MAX_DEPTH + 1)];
    for (size_t i = 0; i < sizeof nested; i += 5)
        memcpy(nested + i, (const uint8_t[]){ 0xdd, 0xff, 0xff, 0xff, 0xff }, 5);
    check_rejects(nested, sizeof nested, "truncated value");
    /* Looping over the claimed counts would take seconds. */
    assert_true(seconds_since(&start) < 1.0);
}

/* A large valid value is walked in linear time: the bound is generous for
 * a linear walk (well under a second even with sanitizers) and hopeless for
 * a quadratic one. */
static void test_large_value_is_fast(void **state)
{
    (void)state;
    /* An array32 of 1000000 one-element arrays [1]. */
    size_t count = 1000 * 1000;
    uint8_t *buf = malloc(5 + 2 * count);
    memcpy(buf, (const uint8_t[]){ 0xdd, 0x00, 0x0f, 0x42, 0x40 }, 5);
    for (size_t i = 0; i < count; i++) {
        buf[5 + 2 * i] = 0x91;
        buf[6 + 2 * i] = 0x01;
    }
    struct timespec start;
    start_clock(&start);
    check_accepts(buf, 5 + 2 * count);
    check_rejects(buf, 5 + 2 * count - 1, "truncated value");
    assert_true(seconds_since(&start) < 5.0);
    free(buf);
}

static void test_check_map(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(nx_value_check_map(BYTES(0x80), false, &why), NX_OK);
    assert_int_equal(nx_value_check_map(BYTES(0x81, 0xa1, 'a', 0x01), false, &why), NX_OK);
    assert_int_equal(nx_value_check_map(BYTES(0xde, 0x00, 0x00), false, &why), NX_OK);
    assert_int_equal(nx_value_check_map(BYTES(0xdf, 0x00, 0x00, 0x00, 0x00), false, &why), NX_OK);
    assert_int_equal(nx_value_check_map(BYTES(0xc0), true, &why), NX_OK);
    assert_int_equal(nx_value_check_map(BYTES(0xc0), false, &why), NX_E_SERIALIZATION_ERROR);
    assert_string_equal(why, "not a map");
    assert_int_equal(nx_value_check_map(BYTES(0x90), true, &why), NX_E_SERIALIZATION_ERROR);
    assert_string_equal(why, "not a map or nil");
    assert_int_equal(nx_value_check_map(BYTES(0xa1, 'a'), false, NULL), NX_E_SERIALIZATION_ERROR);
    assert_int_equal(nx_value_check_map(BYTES(0x81, 0x01, 0x01), true, &why),
                     NX_E_SERIALIZATION_ERROR);
    assert_string_equal(why, "map key is not a string");
    assert_int_equal(nx_value_check_map(BYTES(0x80, 0x80), true, &why), NX_E_SERIALIZATION_ERROR);
    assert_string_equal(why, "trailing bytes");
    assert_int_equal(nx_value_check_map(NULL, 0, true, &why), NX_E_SERIALIZATION_ERROR);
}

/* A state snapshot's map adds a level to the values it holds: members may
 * nest 32 deep (33 with the map), no deeper; args and scope maps may not. */
static void test_check_state_allows_members_full_depth(void **state)
{
    (void)state;
    const char *why = NULL;
    for (size_t levels = NX_VALUE_MAX_DEPTH; levels <= NX_VALUE_MAX_DEPTH + 2; levels++) {
        size_t len;
        uint8_t *member = nested_msgpack(levels - 1, true, &len);
        uint8_t *snapshot = malloc(len + 3);
        assert_non_null(snapshot);
        snapshot[0] = 0x81; /* {"k": member} */
        snapshot[1] = 0xa1;
        snapshot[2] = 'k';
        memcpy(snapshot + 3, member, len);
        nx_code_t want = levels <= NX_VALUE_MAX_DEPTH + 1 ? NX_OK : NX_E_SERIALIZATION_ERROR;
        assert_int_equal(nx_value_check_state(snapshot, len + 3, &why), want);
        assert_int_equal(nx_value_check_map(snapshot, len + 3, true, &why),
                         levels <= NX_VALUE_MAX_DEPTH ? NX_OK : NX_E_SERIALIZATION_ERROR);
        free(member);
        free(snapshot);
    }
    assert_int_equal(nx_value_check_state(BYTES(0xc0), &why), NX_OK);
    assert_int_equal(nx_value_check_state(BYTES(0x90), &why), NX_E_SERIALIZATION_ERROR);
}

/* ---- UTF-8 ---------------------------------------------------------------- */

static void test_utf8_table(void **state)
{
    (void)state;
    static const struct { const char *bytes; size_t len; bool valid; } cases[] = {
        { "", 0, true },
        { "plain ascii", 11, true },
        { "\x00", 1, true },
        { "\x7f", 1, true },
        { "\xc2\x80", 2, true },              /* U+0080, smallest 2-byte */
        { "\xdf\xbf", 2, true },              /* U+07FF */
        { "\xe0\xa0\x80", 3, true },          /* U+0800, smallest 3-byte */
        { "\xed\x9f\xbf", 3, true },          /* U+D7FF, just below surrogates */
        { "\xee\x80\x80", 3, true },          /* U+E000, just above */
        { "\xef\xbf\xbf", 3, true },          /* U+FFFF */
        { "\xf0\x90\x80\x80", 4, true },      /* U+10000 */
        { "\xf4\x8f\xbf\xbf", 4, true },      /* U+10FFFF */
        { "\xe2\x98\x83 \xf0\x9f\x98\x80", 8, true },
        { "\x80", 1, false },                 /* lone continuation */
        { "\xbf", 1, false },
        { "\xc0\x80", 2, false },             /* overlong NUL */
        { "\xc1\xbf", 2, false },             /* overlong U+007F */
        { "\xe0\x80\x80", 3, false },         /* overlong 3-byte */
        { "\xe0\x9f\xbf", 3, false },
        { "\xf0\x80\x80\x80", 4, false },     /* overlong 4-byte */
        { "\xf0\x8f\xbf\xbf", 4, false },
        { "\xed\xa0\x80", 3, false },         /* U+D800 */
        { "\xed\xbf\xbf", 3, false },         /* U+DFFF */
        { "\xf4\x90\x80\x80", 4, false },     /* U+110000 */
        { "\xf5\x80\x80\x80", 4, false },
        { "\xf8\x88\x80\x80\x80", 5, false },
        { "\xfe", 1, false },
        { "\xff", 1, false },
        { "\xc3", 1, false },                 /* truncated sequences */
        { "\xe2\x98", 2, false },
        { "\xf0\x9f\x98", 3, false },
        { "a\xc3", 2, false },
        { "\xc3\x28", 2, false },             /* bad continuation */
        { "\xe2\x28\xa1", 3, false },
        { "\xe2\x82\x28", 3, false },
        { "\xf0\x9f\x98\x28", 4, false },
        { "\xc3\xa9\xc3", 3, false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (nx_utf8_valid(cases[i].bytes, cases[i].len) != cases[i].valid)
            fail_msg("case %zu: expected %s", i, cases[i].valid ? "valid" : "invalid");
    /* The length bounds the check: a valid prefix of invalid text. */
    assert_true(nx_utf8_valid("ab\xff", 2));
    assert_true(nx_utf8_valid(NULL, 0));
    assert_false(nx_utf8_valid(NULL, 1));
}

/* ---- JSON -> MessagePack -> JSON ------------------------------------------ */

static void test_json_round_trips(void **state)
{
    (void)state;
    check_round_trip("{\"a\":1,\"b\":[true,false,null],\"c\":\"x\"}");
    check_round_trip("{\"z\":1,\"a\":2,\"m\":3}"); /* key order is kept */
    check_round_trip("[]");
    check_round_trip("{}");
    check_round_trip("[[],{},[[{}]],{\"k\":{\"k\":[1,2,{\"x\":null}]}}]");
    check_round_trip("\"h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80\"");
    check_round_trip("{\"\xe6\x97\xa5\xe6\x9c\xac\":\"\xd0\xbc\xd0\xb8\xd1\x80\"}");
    check_round_trip("\"quote \\\" backslash \\\\ newline \\n tab \\t\"");
    check_round_trip("\"nul \\u0000 inside\"");
    check_round_trip("9223372036854775807");
    check_round_trip("-9223372036854775808");
    check_round_trip("[0,-1,127,128,-32,-33,255,256,65535,65536,4294967295,4294967296]");
    check_round_trip("1.5");
    check_round_trip("-0.0");
    check_round_trip("true");
    check_round_trip("null");
    check_round_trip("\"\"");
}

static void test_json_packs_integers_as_ints_and_reals_as_float64(void **state)
{
    (void)state;
    check_packs_to("{\"a\":1}", BYTES(0x81, 0xa1, 'a', 0x01));
    check_packs_to("-1", BYTES(0xff));
    check_packs_to("-9223372036854775808", BYTES(0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0));
    check_packs_to("9223372036854775807", BYTES(0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    check_packs_to("0.5", BYTES(0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0));
    check_packs_to("1.0", BYTES(0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0));
    check_packs_to("[null,true,false]", BYTES(0x93, 0xc0, 0xc3, 0xc2));
    check_packs_to("\"a\\u0000\"", BYTES(0xa2, 'a', 0x00));
    /* Duplicate keys: jansson keeps the last. */
    check_packs_to("{\"a\":1,\"a\":2}", BYTES(0x81, 0xa1, 'a', 0x02));
}

static void test_json_doubles_round_trip_exactly(void **state)
{
    (void)state;
    check_double_round_trip(0.1);
    check_double_round_trip(1e300);
    check_double_round_trip(-1e-300);
    check_double_round_trip(4.9406564584124654e-324); /* smallest subnormal */
    check_double_round_trip(1.7976931348623157e308);
    check_double_round_trip(1.0 / 3.0);
    check_double_round_trip(-0.0);
    check_double_round_trip(9007199254740993.0);
    /* Negative zero keeps its sign through the text form. */
    size_t len;
    uint8_t *mp = json_to_mp("-0.0", &len);
    assert_memory_equal(mp, ((const uint8_t[]){ 0xcb, 0x80, 0, 0, 0, 0, 0, 0, 0 }), 9);
    free(mp);
}

static void test_invalid_json_reports_position(void **state)
{
    (void)state;
    uint8_t *mp = (uint8_t *)"unchanged";
    size_t len = 99;
    char err[256] = "";
    const char *text = "{\"a\": 1,\n  \"b\": tru }";
    assert_int_equal(nx_json_to_msgpack(text, strlen(text), &mp, &len, err, sizeof err),
                     NX_E_INVALID_ARGUMENT);
    assert_null(mp);
    assert_int_equal(len, 0);
    assert_non_null(strstr(err, "invalid JSON at line 2 column "));
    assert_non_null(strstr(err, "invalid token"));

    const char *bad[] = { "", "{", "[1,]", "{\"a\"}", "nul", "1 2", "{\"a\\u0000\":1}",
                          "\"\\ud800\"", "\xff", "[1e400]", "99999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(nx_json_to_msgpack(bad[i], strlen(bad[i]), &mp, &len, err, sizeof err),
                         NX_E_INVALID_ARGUMENT);
        if (strncmp(err, "invalid JSON at line ", 21) != 0)
            fail_msg("bad JSON #%zu gave \"%s\"", i, err);
    }
    /* The length bounds the text: a valid prefix parses. */
    assert_int_equal(nx_json_to_msgpack("[1]xyz", 3, &mp, &len, err, sizeof err), NX_OK);
    assert_int_equal(len, 2);
    free(mp);
    /* No err buffer is fine; a small one is truncated, not overrun. */
    assert_int_equal(nx_json_to_msgpack("{", 1, &mp, &len, NULL, 0), NX_E_INVALID_ARGUMENT);
    char tiny[8];
    memset(tiny, 'x', sizeof tiny);
    assert_int_equal(nx_json_to_msgpack("{", 1, &mp, &len, tiny, 5), NX_E_INVALID_ARGUMENT);
    assert_string_equal(tiny, "inva");
    assert_int_equal(tiny[5], 'x');
    assert_int_equal(nx_json_to_msgpack("1", 1, NULL, &len, err, sizeof err), NX_E_INVALID_ARGUMENT);
    assert_int_equal(nx_json_to_msgpack(NULL, 1, &mp, &len, err, sizeof err), NX_E_INVALID_ARGUMENT);
}

static void test_json_deeper_than_32_rejected(void **state)
{
    (void)state;
    for (int objects = 0; objects <= 1; objects++) {
        char *ok = nested_json(NX_VALUE_MAX_DEPTH, objects);
        size_t len;
        uint8_t *mp = json_to_mp(ok, &len); /* also asserts nx_value_check accepts it */
        check_json(mp, len, ok);
        free(mp);
        free(ok);

        char *deep = nested_json(NX_VALUE_MAX_DEPTH + 1, objects);
        char err[256] = "";
        mp = NULL;
        assert_int_equal(nx_json_to_msgpack(deep, strlen(deep), &mp, &len, err, sizeof err),
                         NX_E_INVALID_ARGUMENT);
        assert_null(mp);
        assert_string_equal(err, "JSON nested deeper than 32 levels");
        free(deep);
    }
    /* Very deep input is refused without trouble too. */
    char *very = nested_json(5000, false);
    uint8_t *mp = NULL;
    size_t len;
    assert_int_equal(nx_json_to_msgpack(very, strlen(very), &mp, &len, NULL, 0),
                     NX_E_INVALID_ARGUMENT);
    free(very);
}

/* ---- MessagePack -> JSON -------------------------------------------------- */

static void test_scalars_to_json(void **state)
{
    (void)state;
    check_json(BYTES(0xc0), "null");
    check_json(BYTES(0xc3), "true");
    check_json(BYTES(0xc2), "false");
    check_json(BYTES(0x7f), "127");
    check_json(BYTES(0xe0), "-32");
    check_json(BYTES(0xd0, 0x80), "-128");
    check_json(BYTES(0xd1, 0x80, 0x00), "-32768");
    check_json(BYTES(0xd2, 0x80, 0x00, 0x00, 0x00), "-2147483648");
    check_json(BYTES(0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0), "-9223372036854775808");
    check_json(BYTES(0xd0, 0x7f), "127"); /* a signed form may hold a positive value */
    check_json(BYTES(0xcc, 0xff), "255");
    check_json(BYTES(0xcd, 0xff, 0xff), "65535");
    check_json(BYTES(0xce, 0xff, 0xff, 0xff, 0xff), "4294967295");
    check_json(BYTES(0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), "9223372036854775807");
    /* Above INT64_MAX only a real can hold it. */
    check_json(BYTES(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), "1.8446744073709552e19");
    check_json(BYTES(0xca, 0x3f, 0xc0, 0x00, 0x00), "1.5");
    check_json(BYTES(0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0), "0.5");
    check_json(BYTES(0xcb, 0x80, 0, 0, 0, 0, 0, 0, 0), "-0.0");
    check_json(BYTES(0xa3, 'a', 'b', 'c'), "\"abc\"");
    check_json(BYTES(0xa1, 0x00), "\"\\u0000\"");
}

static void test_nan_and_infinity_become_null(void **state)
{
    (void)state;
    check_json(BYTES(0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0), "null");       /* NaN */
    check_json(BYTES(0xcb, 0xff, 0xf8, 0, 0, 0, 0, 0, 1), "null");       /* -NaN, payload */
    check_json(BYTES(0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0), "null");       /* +Infinity */
    check_json(BYTES(0xcb, 0xff, 0xf0, 0, 0, 0, 0, 0, 0), "null");       /* -Infinity */
    check_json(BYTES(0xca, 0x7f, 0xc0, 0x00, 0x00), "null");             /* float32 NaN */
    check_json(BYTES(0xca, 0xff, 0x80, 0x00, 0x00), "null");             /* float32 -Inf */
    check_json(BYTES(0x93, 0x01, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0, 0x02), "[1,null,2]");
}

static void test_bin_to_base64(void **state)
{
    (void)state;
    check_json(BYTES(0xc4, 0x00), "\"\"");
    check_json(BYTES(0xc4, 0x01, 'f'), "\"Zg==\"");
    check_json(BYTES(0xc4, 0x02, 'f', 'o'), "\"Zm8=\"");
    check_json(BYTES(0xc4, 0x03, 'f', 'o', 'o'), "\"Zm9v\"");
    check_json(BYTES(0xc5, 0x00, 0x06, 'f', 'o', 'o', 'b', 'a', 'r'), "\"Zm9vYmFy\"");
    check_json(BYTES(0xc6, 0x00, 0x00, 0x00, 0x03, 0xfb, 0xff, 0xbf), "\"+/+/\"");
    check_json(BYTES(0xc4, 0x05, 0x00, 0x01, 0x02, 0xfe, 0xff), "\"AAEC/v8=\"");
    check_json(BYTES(0x81, 0xa1, 'b', 0xc4, 0x01, 0x00), "{\"b\":\"AA==\"}");
}

static void test_timestamps_to_iso(void **state)
{
    (void)state;
    /* 32-bit: 2024-01-02T03:04:05Z. */
    check_json(BYTES(0xd6, 0xff, 0x65, 0x93, 0x7d, 0x25), "\"2024-01-02T03:04:05.000Z\"");
    check_json(BYTES(0xd6, 0xff, 0x00, 0x00, 0x00, 0x00), "\"1970-01-01T00:00:00.000Z\"");
    /* 64-bit: the same second and 678901234 ns, truncated to ms. */
    check_json(BYTES(0xd7, 0xff, 0xa1, 0xdc, 0xd7, 0xc8, 0x65, 0x93, 0x7d, 0x25),
               "\"2024-01-02T03:04:05.678Z\"");
    check_json(BYTES(0xd7, 0xff, 0xee, 0x6b, 0x27, 0xff, 0xff, 0xff, 0xff, 0xff),
               "\"2514-05-30T01:53:03.999Z\"");
    /* 96-bit: one second before the epoch plus half a second. */
    check_json(BYTES(0xc7, 0x0c, 0xff, 0x1d, 0xcd, 0x65, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff,
                     0xff, 0xff, 0xff),
               "\"1969-12-31T23:59:59.500Z\"");
    check_json(BYTES(0xc7, 0x0c, 0xff, 0x3b, 0x8b, 0x87, 0xc0, 0xff, 0xff, 0xff, 0xf1, 0x88,
                     0x6e, 0x09, 0x00),
               "\"0001-01-01T00:00:00.999Z\"");
    check_json(BYTES(0xc7, 0x0c, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xf1, 0x86, 0x8b, 0x84,
                     0x00),
               "\"0000-01-01T00:00:00.000Z\"");
    /* Years outside 0000..9999 take the expanded form. */
    check_json(BYTES(0xc7, 0x0c, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xf1, 0x86, 0x8b, 0x83,
                     0xff),
               "\"-000001-12-31T23:59:59.000Z\"");
    check_json(BYTES(0xc7, 0x0c, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x3a, 0xff, 0xf4, 0x41, 0x80),
               "\"+010000-01-01T00:00:00.000Z\"");
    /* Beyond any representable year: null rather than a wrong date. */
    check_json(BYTES(0xc7, 0x0c, 0xff, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                     0xff),
               "null");
    check_json(BYTES(0xc7, 0x0c, 0xff, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0), "null");
}

static void test_maps_to_json(void **state)
{
    (void)state;
    check_json(BYTES(0x82, 0xa1, 'z', 0x01, 0xa1, 'a', 0x02), "{\"z\":1,\"a\":2}");
    /* Duplicate keys: the last one wins. */
    check_json(BYTES(0x83, 0xa1, 'a', 0x01, 0xa1, 'b', 0x02, 0xa1, 'a', 0x03),
               "{\"a\":3,\"b\":2}");
    /* A key holding U+0000 keeps its full length. */
    check_json(BYTES(0x82, 0xa2, 'a', 0x00, 0x01, 0xa1, 'a', 0x02), "{\"a\\u0000\":1,\"a\":2}");
    check_json(BYTES(0x92, 0x80, 0x90), "[{},[]]");
}

static void test_msgpack_to_jansson(void **state)
{
    (void)state;
    json_t *v = nx_msgpack_to_jansson(BYTES(0x82, 0xa1, 'n', 0x05, 0xa1, 'l', 0x92, 0xc3, 0xa0));
    assert_non_null(v);
    assert_true(json_is_object(v));
    assert_int_equal(json_integer_value(json_object_get(v, "n")), 5);
    json_t *list = json_object_get(v, "l");
    assert_int_equal(json_array_size(list), 2);
    assert_true(json_is_true(json_array_get(list, 0)));
    assert_string_equal(json_string_value(json_array_get(list, 1)), "");
    json_decref(v);
    assert_null(nx_msgpack_to_jansson(BYTES(0x81, 0x01, 0x01)));
    assert_null(nx_msgpack_to_jansson(NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_nil_bool_ints),
        cmocka_unit_test(test_accepts_floats),
        cmocka_unit_test(test_accepts_strings_every_width),
        cmocka_unit_test(test_accepts_bin_every_width),
        cmocka_unit_test(test_accepts_arrays_every_width),
        cmocka_unit_test(test_accepts_maps_every_width),
        cmocka_unit_test(test_accepts_timestamps),
        cmocka_unit_test(test_rejects_empty_and_null),
        cmocka_unit_test(test_rejects_truncation_at_every_byte),
        cmocka_unit_test(test_rejects_bad_utf8_in_strings_and_keys),
        cmocka_unit_test(test_rejects_non_string_keys),
        cmocka_unit_test(test_rejects_reserved_byte_and_extensions),
        cmocka_unit_test(test_rejects_trailing_bytes),
        cmocka_unit_test(test_depth_32_arrays_ok_33_rejected),
        cmocka_unit_test(test_depth_32_maps_ok_33_rejected),
        cmocka_unit_test(test_depth_counts_nesting_not_siblings),
        cmocka_unit_test(test_huge_declared_lengths_fail_fast),
        cmocka_unit_test(test_large_value_is_fast),
        cmocka_unit_test(test_check_map),
        cmocka_unit_test(test_check_state_allows_members_full_depth),
        cmocka_unit_test(test_utf8_table),
        cmocka_unit_test(test_json_round_trips),
        cmocka_unit_test(test_json_packs_integers_as_ints_and_reals_as_float64),
        cmocka_unit_test(test_json_doubles_round_trip_exactly),
        cmocka_unit_test(test_invalid_json_reports_position),
        cmocka_unit_test(test_json_deeper_than_32_rejected),
        cmocka_unit_test(test_scalars_to_json),
        cmocka_unit_test(test_nan_and_infinity_become_null),
        cmocka_unit_test(test_bin_to_base64),
        cmocka_unit_test(test_timestamps_to_iso),
        cmocka_unit_test(test_maps_to_json),
        cmocka_unit_test(test_msgpack_to_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
