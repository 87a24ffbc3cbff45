/* fuzz_result.c - libFuzzer target for building, folding and serialising
 * results (src/result/): whatever bytes the library is handed for a
 * result's strings and values, the result it builds serialises, and every
 * string in it is valid UTF-8.
 *
 * Input: a little program. Each step takes an opcode byte, a length byte
 * and that many bytes of payload:
 *   0 set the value         1 add a mutation (key | value)
 *   2 add an event          3 add a view command (component | type | args)
 *   4 add a log             5 set the error (message | stack | source line)
 *   6 add a pending call    7 status success  8 status suspended
 *   9 append the result built so far to a fresh suspended one (a fold)
 * Strings are any bytes (invalid UTF-8, U+0000 included); a payload that
 * splits in parts splits at 0xff bytes. Values are the payload when it is
 * one accepted MessagePack value, else a str or bin made of it.
 *
 * Invariants (abort() when broken): nothing crashes or reads out of bounds
 * (ASan); nx_result_to_json and nx_result_to_msgpack succeed; the JSON is
 * valid UTF-8 that jansson parses back (but for a key holding U+0000,
 * which jansson alone declines); the MessagePack is one well-formed
 * document; every string an accessor returns is valid UTF-8. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "common/values.h"
#include "nexus.h"
#include "result/result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "fuzz_result: invariant failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

typedef struct part {
    const char *p;
    size_t len;
} part_t;

/* The k-th 0xff-separated part of payload (empty when there is none). */
static part_t part_of(const uint8_t *payload, size_t len, int k)
{
    size_t start = 0;
    for (int i = 0; i < k; i++) {
        const uint8_t *sep = memchr(payload + start, 0xff, len - start);
        if (!sep)
            return (part_t){ "", 0 };
        start = (size_t)(sep - payload) + 1;
    }
    const uint8_t *sep = memchr(payload + start, 0xff, len - start);
    size_t end = sep ? (size_t)(sep - payload) : len;
    return (part_t){ (const char *)payload + start, end - start };
}

/* A C string copy of a part (it may hold U+0000; the copy stops there). */
static char *cstr(part_t s)
{
    char *c = malloc(s.len + 1);
    CHECK(c != NULL);
    memcpy(c, s.p, s.len);
    c[s.len] = '\0';
    return c;
}

/* An accepted value from a part: itself when it is one, else a bin. */
static uint8_t *value_of(part_t s, size_t *len)
{
    if (s.len && nx_value_check((const uint8_t *)s.p, s.len, NULL) == NX_OK) {
        uint8_t *v = malloc(s.len);
        CHECK(v != NULL);
        memcpy(v, s.p, s.len);
        *len = s.len;
        return v;
    }
    size_t n = s.len > 255 ? 255 : s.len;
    uint8_t *v = malloc(n + 2);
    CHECK(v != NULL);
    v[0] = 0xc4; /* bin 8 */
    v[1] = (uint8_t)n;
    memcpy(v + 2, s.p, n);
    *len = n + 2;
    return v;
}

static void check_string(const char *s)
{
    if (s)
        CHECK(nx_utf8_valid(s, strlen(s)));
}

static void check_result(const nx_result_t *r)
{
    for (size_t i = 0; i < nx_result_mutation_count(r); i++)
        check_string(nx_result_mutation(r, i)->key);
    for (size_t i = 0; i < nx_result_event_count(r); i++)
        check_string(nx_result_event(r, i)->name);
    for (size_t i = 0; i < nx_result_view_command_count(r); i++) {
        check_string(nx_result_view_command(r, i)->component_id);
        check_string(nx_result_view_command(r, i)->type);
    }
    for (size_t i = 0; i < nx_result_log_count(r); i++)
        check_string(nx_result_log(r, i)->message);
    for (size_t i = 0; i < nx_result_suspension_count(r); i++) {
        const nx_suspension_t *s = nx_result_suspension(r, i);
        CHECK(s != NULL);
        check_string(s->id);
        check_string(s->extension);
        check_string(s->method);
    }
    const nx_error_info_t *e = nx_result_error(r);
    if (e) {
        check_string(e->message);
        check_string(e->stack);
        check_string(e->source_line);
    }
    char *json = NULL;
    CHECK(nx_result_to_json(r, &json) == NX_OK);
    CHECK(nx_utf8_valid(json, strlen(json)));
    json_error_t err;
    json_t *doc = json_loads(json, JSON_ALLOW_NUL, &err);
    /* "\u0000" in a key is JSON (a handler may name a property so) that
     * jansson alone declines to load; anything else it refuses is ours */
    if (!doc && !strstr(err.text, "NUL byte in object key"))
        fprintf(stderr, "fuzz_result: jansson refuses the JSON (%s at %d): %.300s\n", err.text,
                err.position, json);
    CHECK(doc != NULL || strstr(err.text, "NUL byte in object key"));
    json_decref(doc);
    nx_free(json);
    uint8_t *mp = NULL;
    size_t len = 0;
    CHECK(nx_result_to_msgpack(r, &mp, &len) == NX_OK);
    /* one well-formed document, nested as deep as a value inside it allows
     * (deeper than msgpack-c's unpacker takes: nexus.h says so) */
    const char *why = NULL;
    if (nx_result_document_check(mp, len, &why) != NX_OK)
        fprintf(stderr, "fuzz_result: the MessagePack document is malformed: %s\n", why);
    CHECK(nx_result_document_check(mp, len, NULL) == NX_OK);
    nx_free(mp);
}

static void step(nx_result_t **rp, uint8_t op, part_t payload)
{
    nx_result_t *r = *rp;
    const uint8_t *pl = (const uint8_t *)payload.p;
    part_t a = part_of(pl, payload.len, 0), b = part_of(pl, payload.len, 1),
           c = part_of(pl, payload.len, 2);
    size_t vlen;
    uint8_t *v;
    char *s1, *s2, *s3;
    switch (op % 10) {
    case 0:
        v = value_of(payload, &vlen);
        if (nx_result_status(r) == NX_STATUS_SUCCESS)
            nx_result_set_value(r, v, vlen);
        free(v);
        break;
    case 1:
        v = value_of(b, &vlen);
        nx_result_put_mutation(r, (s1 = cstr(a)), vlen & 1 ? NX_MUTATION_DELETE : NX_MUTATION_SET, v, vlen);
        free(s1);
        free(v);
        break;
    case 2:
        v = value_of(b, &vlen);
        nx_result_add_event(r, a.p, a.len, v, vlen);
        free(v);
        break;
    case 3:
        v = value_of(c, &vlen);
        nx_result_add_view_command(r, a.len ? a.p : NULL, a.len, b.p, b.len, v, vlen);
        free(v);
        break;
    case 4:
        nx_result_add_log(r, (nx_log_level_t)(payload.len % 4), payload.p, payload.len, 1.5e12);
        break;
    case 5:
        s1 = cstr(a), s2 = cstr(b), s3 = cstr(c);
        nx_result_set_error(r, (nx_code_t)(payload.len % NX_CODE_COUNT), s1, s2, (uint32_t)a.len,
                            (uint32_t)b.len, s3);
        free(s1), free(s2), free(s3);
        break;
    case 6:
        v = value_of(c, &vlen);
        s1 = cstr(a), s2 = cstr(b);
        if (strlen(s1) < 40)
            nx_result_add_suspension(r, s1, s2, s2, v, vlen);
        free(s1), free(s2), free(v);
        break;
    case 7:
        nx_result_set_status(r, NX_STATUS_SUCCESS);
        break;
    case 8:
        nx_result_set_status(r, NX_STATUS_SUSPENDED);
        break;
    case 9: {
        nx_result_t *whole = nx_result_create(NX_STATUS_SUSPENDED);
        CHECK(whole != NULL);
        nx_code_t code = nx_result_append(whole, r);
        CHECK(code == NX_OK || code == NX_E_INTERNAL_ERROR);
        nx_result_free(r);
        *rp = whole;
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nx_result_t *r = nx_result_create(NX_STATUS_SUCCESS);
    CHECK(r != NULL);
    size_t i = 0;
    while (i + 2 <= size) {
        uint8_t op = data[i], n = data[i + 1];
        i += 2;
        size_t len = n < size - i ? n : size - i;
        step(&r, op, (part_t){ (const char *)data + i, len });
        i += len;
    }
    check_result(r);
    nx_result_free(r);
    return 0;
}
