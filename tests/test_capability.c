/* test_capability.c - unit tests for src/capability.c: the token grammar and
 * its rejections, the per-kind checker (exact names, "*", kinds never
 * granting each other, length boundaries, large sets), and the "required
 * token" text used in permission errors. Table-driven: add a row, not a
 * function. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/capability.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A pointer nx_caps_parse must overwrite with NULL on failure. */
#define NOT_SET ((nx_caps_t *)(uintptr_t)0x1)
#define BAD_NOT_SET ((size_t)0xdeadbeef)

static nx_caps_t *parse_ok(const char *const *tokens, size_t count)
{
    nx_caps_t *caps = NOT_SET;
    size_t bad = BAD_NOT_SET;
    assert_int_equal(nx_caps_parse(tokens, count, &caps, &bad), NX_OK);
    assert_non_null(caps);
    assert_true(caps != NOT_SET);
    assert_int_equal(bad, BAD_NOT_SET); /* bad is only written on failure */
    return caps;
}

static bool allows_str(const nx_caps_t *caps, nx_cap_kind_t kind, const char *name)
{
    return nx_caps_allows(caps, kind, name, strlen(name));
}

/* ---- 1. grammar: valid and invalid tokens ---------------------------------- */

static const char *const valid_tokens[] = {
    "state:read:*",
    "state:read:count",
    "state:read:user:name",          /* ':' belongs to the key */
    "state:read::",                  /* key ":" */
    "state:read:a",
    "state:write:*",
    "state:write:count",
    "state:write:items/0/title",
    "events:emit:*",
    "events:emit:saved",
    "events:emit:order:placed",
    "view:update:*",
    "view:update:main-panel",
    "view:update:caf\xc3\xa9",        /* U+00E9 */
    "ext:*",
    "ext:http",
    "ext:state:read:x",              /* an extension named "state:read:x" */
    "host:*",
    "host:acme:billing/quota",
    "host:wasi:http/outgoing-handler@0.2.0",
    "state:read:\xc2\xa1",           /* U+00A1, first non-space after C1 */
    "state:read:\xe0\xa0\x80",       /* U+0800, smallest 3-byte */
    "state:read:\xed\x9f\xbf",       /* U+D7FF, just below surrogates */
    "state:read:\xee\x80\x80",       /* U+E000, just above surrogates */
    "state:read:\xef\xbf\xbf",       /* U+FFFF */
    "state:read:\xf0\x90\x80\x80",   /* U+10000, smallest 4-byte */
    "state:read:\xf0\x9f\x98\x80",   /* U+1F600 */
    "state:read:\xf4\x8f\xbf\xbf",   /* U+10FFFF, the last code point */
    "state:read:\xe6\x97\xa5\xe6\x9c\xac", /* CJK */
};

#define VALID_COUNT ARRAY_LEN(valid_tokens)

typedef struct invalid_case {
    const char *token;
    const char *why;
} invalid_case_t;

static const invalid_case_t invalid_tokens[] = {
    {NULL, "NULL token"},
    {"", "empty token"},
    /* unknown domain or action */
    {"*", "bare wildcard"},
    {"state", "domain only"},
    {"state:", "domain and colon"},
    {"state:*", "domain wildcard"},
    {"state:read", "no name separator"},
    {"state:delete:x", "unknown state action"},
    {"state:Read:x", "action is case-sensitive"},
    {"State:read:x", "domain is case-sensitive"},
    {"foo:bar", "unknown domain"},
    {"events:listen:x", "unknown events action"},
    {"events:*", "events wildcard action"},
    {"view:read:x", "unknown view action"},
    {"view:update", "view without name"},
    {"extension:x", "ext spelled out"},
    {"hosts:x", "host plural"},
    {":state:read:x", "leading colon"},
    {"xstate:read:x", "prefix not at start"},
    /* empty names */
    {"state:read:", "empty key"},
    {"state:write:", "empty write key"},
    {"events:emit:", "empty event"},
    {"view:update:", "empty view id"},
    {"ext:", "empty extension"},
    {"host:", "empty interface"},
    /* '*' not as the whole name */
    {"state:read:user*", "prefix wildcard"},
    {"state:read:*user", "suffix wildcard"},
    {"state:read:us*er", "inner star"},
    {"state:read:**", "double star"},
    {"state:read:*:*", "star segments"},
    {"ext:*x", "ext prefix wildcard"},
    {"host:acme:*", "host namespace wildcard"},
    {"events:emit:order:*", "event namespace wildcard"},
    /* whitespace and ASCII controls */
    {" state:read:x", "leading space"},
    {"state:read:x ", "trailing space"},
    {"state:read:a b", "embedded space"},
    {"state:read:a\tb", "embedded tab"},
    {"state:read:a\nb", "embedded newline"},
    {"state:read:a\rb", "embedded CR"},
    {"state:read:a\x0b" "b", "vertical tab"},
    {"state:read:a\x0c" "b", "form feed"},
    {"state:read:\x01", "SOH"},
    {"state:read:a\x1f", "unit separator"},
    {"state:read:a\x7f", "DEL"},
    {"state:read:\x1b[31m", "escape sequence"},
    /* Unicode whitespace and C1 controls */
    {"state:read:a\xc2\x80", "U+0080 C1 control"},
    {"state:read:a\xc2\x85", "U+0085 NEL"},
    {"state:read:a\xc2\x9f", "U+009F C1 control"},
    {"state:read:a\xc2\xa0" "b", "U+00A0 NBSP"},
    {"state:read:a\xe1\x9a\x80" "b", "U+1680 ogham space"},
    {"state:read:a\xe2\x80\x80" "b", "U+2000 en quad"},
    {"state:read:a\xe2\x80\x8a" "b", "U+200A hair space"},
    {"state:read:a\xe2\x80\xa8" "b", "U+2028 line separator"},
    {"state:read:a\xe2\x80\xa9" "b", "U+2029 paragraph separator"},
    {"state:read:a\xe2\x80\xaf" "b", "U+202F narrow NBSP"},
    {"state:read:a\xe2\x81\x9f" "b", "U+205F math space"},
    {"state:read:a\xe3\x80\x80" "b", "U+3000 ideographic space"},
    /* invalid UTF-8 */
    {"state:read:\x80", "lone continuation byte"},
    {"state:read:a\xbf" "b", "continuation byte mid-name"},
    {"state:read:\xc0\xaf", "overlong '/' (2 bytes, C0)"},
    {"state:read:\xc1\xbf", "overlong (2 bytes, C1)"},
    {"state:read:\xe0\x80\xaf", "overlong '/' (3 bytes)"},
    {"state:read:\xe0\x9f\xbf", "overlong U+07FF (3 bytes)"},
    {"state:read:\xf0\x80\x80\xaf", "overlong '/' (4 bytes)"},
    {"state:read:\xf0\x8f\xbf\xbf", "overlong U+FFFF (4 bytes)"},
    {"state:read:\xed\xa0\x80", "surrogate U+D800"},
    {"state:read:\xed\xbf\xbf", "surrogate U+DFFF"},
    {"state:read:\xed\xa0\xbd\xed\xb8\x80", "CESU-8 surrogate pair"},
    {"state:read:\xf4\x90\x80\x80", "U+110000"},
    {"state:read:\xf5\x80\x80\x80", "lead byte F5"},
    {"state:read:\xf8\x88\x80\x80\x80", "5-byte form"},
    {"state:read:\xfc\x84\x80\x80\x80\x80", "6-byte form"},
    {"state:read:\xfe", "byte FE"},
    {"state:read:\xff", "byte FF"},
    {"state:read:\xc3", "truncated 2-byte at end"},
    {"state:read:\xe2\x82", "truncated 3-byte at end"},
    {"state:read:\xf0\x9f\x98", "truncated 4-byte at end"},
    {"state:read:\xc3" "x", "2-byte cut by ASCII"},
    {"state:read:\xe2\x82" "x", "3-byte cut by ASCII"},
    {"state:read:\xf0\x9f" "xx", "4-byte cut by ASCII"},
    {"state:read:\xe2\xc3\xa9", "3-byte cut by a new lead byte"},
    {"\xef\xbb\xbf" "state:read:x", "BOM before the domain"},
};

static void test_valid_tokens_parse_alone(void **state)
{
    (void)state;
    for (size_t i = 0; i < VALID_COUNT; i++) {
        nx_caps_t *caps = NULL;
        nx_code_t code = nx_caps_parse(&valid_tokens[i], 1, &caps, NULL);
        if (code != NX_OK) print_error("valid_tokens[%zu] rejected: %s\n", i, valid_tokens[i]);
        assert_int_equal(code, NX_OK);
        assert_non_null(caps);
        nx_caps_free(caps);
    }
}

static void test_valid_tokens_parse_together(void **state)
{
    (void)state;
    nx_caps_free(parse_ok(valid_tokens, VALID_COUNT));
}

static void expect_rejected_at(const char *const *tokens, size_t count, size_t want_bad,
                               const char *why)
{
    nx_caps_t *caps = NOT_SET;
    size_t bad = BAD_NOT_SET;
    nx_code_t code = nx_caps_parse(tokens, count, &caps, &bad);
    if (code != NX_E_INVALID_ARGUMENT || bad != want_bad)
        print_error("rejection '%s': code %d bad %zu (want %zu)\n", why, (int)code, bad,
                    want_bad);
    assert_int_equal(code, NX_E_INVALID_ARGUMENT);
    assert_null(caps);
    assert_int_equal(bad, want_bad);
}

static void test_invalid_tokens_alone(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(invalid_tokens); i++)
        expect_rejected_at(&invalid_tokens[i].token, 1, 0, invalid_tokens[i].why);
}

/* Each bad token at the start, middle and end of a list of good ones. */
static void test_invalid_tokens_among_valid(void **state)
{
    (void)state;
    const char *list[5];
    for (size_t i = 0; i < ARRAY_LEN(invalid_tokens); i++) {
        for (size_t pos = 0; pos < ARRAY_LEN(list); pos += 2) {
            for (size_t j = 0; j < ARRAY_LEN(list); j++)
                list[j] = valid_tokens[(i + j) % VALID_COUNT];
            list[pos] = invalid_tokens[i].token;
            expect_rejected_at(list, ARRAY_LEN(list), pos, invalid_tokens[i].why);
        }
    }
}

static void test_first_bad_index_is_reported(void **state)
{
    (void)state;
    const char *list[] = {"ext:a", "state:read:", "foo:bar", "ext:b"};
    expect_rejected_at(list, ARRAY_LEN(list), 1, "two bad tokens");

    /* bad may be NULL */
    nx_caps_t *caps = NOT_SET;
    assert_int_equal(nx_caps_parse(list, ARRAY_LEN(list), &caps, NULL), NX_E_INVALID_ARGUMENT);
    assert_null(caps);
}

/* Builds prefix + filler bytes up to total_len, ending with tail. Owner: caller. */
static char *make_token(const char *prefix, size_t total_len, const char *tail)
{
    size_t plen = strlen(prefix), tlen = strlen(tail);
    assert_true(total_len >= plen + tlen);
    char *t = malloc(total_len + 1);
    assert_non_null(t);
    memcpy(t, prefix, plen);
    memset(t + plen, 'a', total_len - plen - tlen);
    memcpy(t + total_len - tlen, tail, tlen);
    t[total_len] = '\0';
    return t;
}

typedef struct length_case {
    size_t len;
    const char *tail;
    bool valid;
} length_case_t;

static void test_token_length_boundary(void **state)
{
    (void)state;
    static const length_case_t rows[] = {
        {1, "", false},          /* "s": too short to be anything */
        {1023, "", true},
        {1024, "", true},
        {1025, "", false},
        {1024, "\xc3\xa9", true},  /* multi-byte char ending at byte 1024 */
        {1025, "\xc3\xa9", false}, /* ... ending at byte 1025 */
        {1024, "\xf0\x9f\x98\x80", true},
        {1026, "\xf0\x9f\x98\x80", false},
        {4096, "", false},
        {100000, "", false},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char *tok = make_token(rows[i].len < 11 ? "" : "state:read:", rows[i].len, rows[i].tail);
        if (rows[i].len < 11) memset(tok, 's', rows[i].len);
        assert_int_equal(strlen(tok), rows[i].len);
        const char *list[] = {"ext:a", "host:b", tok};
        if (rows[i].valid) {
            nx_caps_t *caps = parse_ok(list, ARRAY_LEN(list));
            /* the full name is granted, and only it */
            const char *name = tok + strlen("state:read:");
            assert_true(allows_str(caps, NX_CAP_STATE_READ, name));
            assert_false(nx_caps_allows(caps, NX_CAP_STATE_READ, name, strlen(name) - 1));
            nx_caps_free(caps);
        } else {
            expect_rejected_at(list, ARRAY_LEN(list), 2, "length");
        }
        free(tok);
    }
}

/* ---- 2. checking: every token form against every check --------------------- */

typedef struct allow_case {
    const char *grants[4]; /* NULL-terminated */
    nx_cap_kind_t kind;
    const char *name;
    bool allowed;
} allow_case_t;

#define R NX_CAP_STATE_READ
#define W NX_CAP_STATE_WRITE
#define E NX_CAP_EVENTS_EMIT
#define V NX_CAP_VIEW_UPDATE
#define X NX_CAP_EXT
#define H NX_CAP_HOST

static const allow_case_t allow_cases[] = {
    /* state:read exact */
    {{"state:read:count"}, R, "count", true},
    {{"state:read:count"}, R, "other", false},
    {{"state:read:count"}, R, "Count", false},
    {{"state:read:count"}, R, "COUNT", false},
    {{"state:read:count"}, R, "", false},
    {{"state:read:count"}, R, "*", false},
    {{"state:read:counter"}, R, "count", false},   /* name is a prefix of grant */
    {{"state:read:count"}, R, "counter", false},   /* grant is a prefix of name */
    {{"state:read:count"}, R, "coun", false},
    {{"state:read:count"}, R, "counu", false},     /* same length, last byte differs */
    {{"state:read:count"}, R, "dount", false},     /* same length, first byte differs */
    {{"state:read:count", "state:read:counter"}, R, "count", true},
    {{"state:read:count", "state:read:counter"}, R, "counter", true},
    {{"state:read:count", "state:read:counter"}, R, "counte", false},
    {{"state:read:user:name"}, R, "user:name", true},
    {{"state:read:user:name"}, R, "user", false},
    {{"state:read:user:name"}, R, "user:", false},
    {{"state:read:user:name"}, R, "name", false},
    {{"state:read:user:name"}, R, "user:name:x", false},
    {{"state:read:user"}, R, "user:name", false},
    {{"state:read::"}, R, ":", true},
    {{"state:read::"}, R, "::", false},
    {{"state:read:caf\xc3\xa9"}, R, "caf\xc3\xa9", true},
    {{"state:read:caf\xc3\xa9"}, R, "cafe", false},
    {{"state:read:caf\xc3\xa9"}, R, "caf\xc3", false},       /* cut inside the char */
    {{"state:read:caf\xc3\xa9"}, R, "cafe\xcc\x81", false},  /* NFD form differs */
    {{"state:read:\xf0\x9f\x98\x80"}, R, "\xf0\x9f\x98\x80", true},
    {{"state:read:\xf0\x9f\x98\x80"}, R, "\xf0\x9f\x98\x81", false},
    /* state:read wildcard */
    {{"state:read:*"}, R, "count", true},
    {{"state:read:*"}, R, "user:name", true},
    {{"state:read:*"}, R, "a/b/c", true},
    {{"state:read:*"}, R, "caf\xc3\xa9", true},
    {{"state:read:*"}, R, "*", true},
    {{"state:read:*"}, R, "", true},  /* "*" means any name, even an empty one */
    {{"state:read:*", "state:read:count"}, R, "other", true},
    /* state:write */
    {{"state:write:count"}, W, "count", true},
    {{"state:write:count"}, W, "counter", false},
    {{"state:write:counter"}, W, "count", false},
    {{"state:write:items/0/title"}, W, "items/0/title", true},
    {{"state:write:items/0/title"}, W, "items/0", false},
    {{"state:write:*"}, W, "anything:at/all", true},
    /* read and write never grant each other */
    {{"state:read:*"}, W, "count", false},
    {{"state:read:count"}, W, "count", false},
    {{"state:write:*"}, R, "count", false},
    {{"state:write:count"}, R, "count", false},
    {{"state:read:*", "state:write:a"}, W, "b", false},
    {{"state:read:*", "state:write:a"}, W, "a", true},
    /* events:emit */
    {{"events:emit:saved"}, E, "saved", true},
    {{"events:emit:saved"}, E, "save", false},
    {{"events:emit:saved"}, E, "saved!", false},
    {{"events:emit:order:placed"}, E, "order:placed", true},
    {{"events:emit:order:placed"}, E, "order", false},
    {{"events:emit:*"}, E, "order:placed", true},
    {{"events:emit:*"}, V, "main", false},
    {{"events:emit:*"}, W, "saved", false},
    {{"events:emit:saved"}, V, "saved", false},
    /* view:update */
    {{"view:update:main"}, V, "main", true},
    {{"view:update:main"}, V, "main-panel", false},
    {{"view:update:main-panel"}, V, "main", false},
    {{"view:update:caf\xc3\xa9"}, V, "caf\xc3\xa9", true},
    {{"view:update:*"}, V, "panel/7:header", true},
    {{"view:update:*"}, E, "main", false},
    {{"view:update:main"}, E, "main", false},
    /* ext */
    {{"ext:http"}, X, "http", true},
    {{"ext:http"}, X, "https", false},
    {{"ext:https"}, X, "http", false},
    {{"ext:state:read:x"}, X, "state:read:x", true},
    {{"ext:state:read:x"}, R, "x", false},          /* an ext name is not a state grant */
    {{"ext:*"}, X, "db/sql", true},
    {{"ext:*"}, H, "acme:billing/quota", false},
    {{"ext:http"}, H, "http", false},
    /* host */
    {{"host:acme:billing/quota"}, H, "acme:billing/quota", true},
    {{"host:acme:billing/quota"}, H, "acme:billing", false},
    {{"host:acme:billing/quota"}, H, "acme:billing/quota2", false},
    {{"host:acme:billing"}, H, "acme:billing/quota", false},
    {{"host:wasi:http/outgoing-handler@0.2.0"}, H, "wasi:http/outgoing-handler@0.2.0", true},
    {{"host:*"}, H, "acme:billing/quota", true},
    {{"host:*"}, X, "http", false},
    {{"host:acme"}, X, "acme", false},
    /* duplicates are harmless */
    {{"ext:a", "ext:a", "ext:a"}, X, "a", true},
    {{"ext:a", "ext:a", "ext:a"}, X, "b", false},
    /* many kinds in one set: each answers only for itself */
    {{"state:read:k", "events:emit:e", "host:h"}, R, "k", true},
    {{"state:read:k", "events:emit:e", "host:h"}, E, "e", true},
    {{"state:read:k", "events:emit:e", "host:h"}, H, "h", true},
    {{"state:read:k", "events:emit:e", "host:h"}, R, "e", false},
    {{"state:read:k", "events:emit:e", "host:h"}, E, "h", false},
    {{"state:read:k", "events:emit:e", "host:h"}, H, "k", false},
    {{"state:read:k", "events:emit:e", "host:h"}, W, "k", false},
};

static size_t grant_count(const allow_case_t *c)
{
    size_t n = 0;
    while (n < ARRAY_LEN(c->grants) && c->grants[n] != NULL) n++;
    return n;
}

static void test_allow_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(allow_cases); i++) {
        const allow_case_t *c = &allow_cases[i];
        nx_caps_t *caps = parse_ok(c->grants, grant_count(c));
        bool got = allows_str(caps, c->kind, c->name);
        if (got != c->allowed)
            print_error("allow_cases[%zu]: %s kind %d '%s' -> %d\n", i, c->grants[0],
                        (int)c->kind, c->name, got);
        assert_int_equal(got, c->allowed);
        nx_caps_free(caps);
    }
}

/* The typed helpers in capability.h, by kind, to check their routing. */
typedef bool (*check_fn)(const nx_caps_t *, const char *, size_t);
static const check_fn helper_for_kind[NX_CAP_KIND_COUNT] = {
    [NX_CAP_STATE_READ] = nx_caps_can_read_state,
    [NX_CAP_STATE_WRITE] = nx_caps_can_write_state,
    [NX_CAP_EVENTS_EMIT] = nx_caps_can_emit_event,
    [NX_CAP_VIEW_UPDATE] = nx_caps_can_update_view,
    [NX_CAP_EXT] = nx_caps_can_access_extension,
    [NX_CAP_HOST] = nx_caps_can_call_host,
};

static const char *const prefix_for_kind[NX_CAP_KIND_COUNT] = {
    [NX_CAP_STATE_READ] = "state:read:",
    [NX_CAP_STATE_WRITE] = "state:write:",
    [NX_CAP_EVENTS_EMIT] = "events:emit:",
    [NX_CAP_VIEW_UPDATE] = "view:update:",
    [NX_CAP_EXT] = "ext:",
    [NX_CAP_HOST] = "host:",
};

/* Every kind granted (exactly and by "*") against every kind checked. */
static void test_kind_matrix(void **state)
{
    (void)state;
    static const char *const scopes[] = {"x", "*"};
    char token[64];
    for (int granted = 0; granted < NX_CAP_KIND_COUNT; granted++) {
        for (size_t s = 0; s < ARRAY_LEN(scopes); s++) {
            snprintf(token, sizeof token, "%s%s", prefix_for_kind[granted], scopes[s]);
            const char *list[] = {token};
            nx_caps_t *caps = parse_ok(list, 1);
            bool wild = scopes[s][0] == '*';
            for (int checked = 0; checked < NX_CAP_KIND_COUNT; checked++) {
                bool same = granted == checked;
                assert_int_equal(nx_caps_allows(caps, checked, "x", 1), same);
                assert_int_equal(helper_for_kind[checked](caps, "x", 1), same);
                assert_int_equal(nx_caps_allows(caps, checked, "y:z", 3), same && wild);
                assert_int_equal(nx_caps_allows_any(caps, checked), same && wild);
            }
            nx_caps_free(caps);
        }
    }
}

/* ---- 3. names that are not NUL-terminated ---------------------------------- */

/* A heap copy of exactly len bytes, no terminator, so a read past the
 * end is caught by ASan or valgrind. Owner: caller. */
static char *unterminated(const char *s, size_t len)
{
    char *p = malloc(len ? len : 1);
    assert_non_null(p);
    memcpy(p, s, len);
    return p;
}

typedef struct span_case {
    const char *buffer;
    size_t len;
    bool allowed;
} span_case_t;

static void test_unterminated_names(void **state)
{
    (void)state;
    const char *grants[] = {"state:read:count", "state:read:user:name"};
    static const span_case_t rows[] = {
        {"counterXYZ", 5, true},     /* "count" */
        {"counterXYZ", 7, false},    /* "counter" */
        {"counterXYZ", 4, false},
        {"count", 5, true},
        {"user:nameless", 9, true},  /* "user:name" */
        {"user:nameless", 5, false}, /* "user:" */
        {"user:nameless", 13, false},
    };
    nx_caps_t *caps = parse_ok(grants, ARRAY_LEN(grants));
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char *name = unterminated(rows[i].buffer, rows[i].len);
        assert_int_equal(nx_caps_allows(caps, NX_CAP_STATE_READ, name, rows[i].len),
                         rows[i].allowed);
        /* the same bytes inside a longer buffer give the same answer */
        assert_int_equal(nx_caps_allows(caps, NX_CAP_STATE_READ, rows[i].buffer, rows[i].len),
                         rows[i].allowed);
        free(name);
    }
    nx_caps_free(caps);
}

/* ---- 4. nx_caps_required --------------------------------------------------- */

typedef struct required_case {
    nx_cap_kind_t kind;
    const char *name;
    size_t len;
    size_t size;
    const char *want;
} required_case_t;

static const required_case_t required_cases[] = {
    {R, "count", 5, 64, "state:read:count"},
    {W, "count", 5, 64, "state:write:count"},
    {E, "saved", 5, 64, "events:emit:saved"},
    {V, "main", 4, 64, "view:update:main"},
    {X, "http", 4, 64, "ext:http"},
    {H, "acme:billing/quota", 18, 64, "host:acme:billing/quota"},
    {R, "user:name", 9, 64, "state:read:user:name"},
    {R, "caf\xc3\xa9", 5, 64, "state:read:caf\xc3\xa9"},
    {W, "counterXYZ", 7, 64, "state:write:counter"}, /* len, not strlen */
    {W, "", 0, 64, "state:write:"},                    /* empty name verbatim */
    {W, NULL, 0, 64, "state:write:"},
    {W, "*", 1, 64, "state:write:*"},
    /* truncation: size counts the NUL */
    {W, "count", 5, 18, "state:write:count"},          /* exact fit */
    {W, "count", 5, 17, "state:write:coun"},
    {W, "count", 5, 13, "state:write:"},
    {W, "count", 5, 12, "state:write"},                /* cut inside the prefix */
    {W, "count", 5, 5, "stat"},
    {W, "count", 5, 2, "s"},
    {W, "count", 5, 1, ""},
    /* an unknown kind writes an empty string */
    {NX_CAP_KIND_COUNT, "count", 5, 64, ""},
};

#define SENTINEL '\x5a'

static void test_required_table(void **state)
{
    (void)state;
    char buf[80];
    for (size_t i = 0; i < ARRAY_LEN(required_cases); i++) {
        const required_case_t *c = &required_cases[i];
        memset(buf, SENTINEL, sizeof buf);
        nx_caps_required(c->kind, c->name, c->len, buf, c->size);
        assert_string_equal(buf, c->want);
        /* nothing written past size */
        for (size_t j = c->size; j < sizeof buf; j++) assert_int_equal(buf[j], SENTINEL);
    }
}

static void test_required_edge_buffers(void **state)
{
    (void)state;
    char buf[4] = {SENTINEL, SENTINEL, SENTINEL, SENTINEL};
    nx_caps_required(NX_CAP_EXT, "x", 1, buf, 0); /* size 0: untouched */
    assert_int_equal(buf[0], SENTINEL);
    nx_caps_required(NX_CAP_EXT, "x", 1, NULL, 0);
    nx_caps_required(NX_CAP_EXT, "x", 1, NULL, 16);

    /* A long unterminated name truncated into a small buffer. */
    char *name = unterminated("abcdefghij", 10);
    char small[8];
    nx_caps_required(NX_CAP_HOST, name, 10, small, sizeof small);
    assert_string_equal(small, "host:ab");
    free(name);
}

/* ---- 5. many names of one kind --------------------------------------------- */

/* Name i of a generated set: lengths vary, and some contain ':' '/' or
 * UTF-8, so the (length, bytes) order is exercised. Each ends with ';' so
 * no member is a prefix of another ("k1" of "k10"). */
static void member_name(size_t i, char *buf, size_t size)
{
    static const char *const shapes[] = {"k%zu;", "key:%zu;", "a/b/%zu/c;",
                                         "caf\xc3\xa9%zu;", "%zu;"};
    snprintf(buf, size, shapes[i % ARRAY_LEN(shapes)], i);
}

typedef struct big_set {
    size_t count;
    char (*names)[32];
    char (*tokens)[48];
    const char **list;
    size_t list_len;
} big_set_t;

/* Tokens for names 0..count) in a scrambled order, each exact name given
 * twice, plus unrelated tokens of other kinds. */
static void big_set_build(big_set_t *b, size_t count)
{
    b->count = count;
    b->names = calloc(count, sizeof *b->names);
    b->tokens = calloc(count, sizeof *b->tokens);
    b->list_len = 2 * count + 2;
    b->list = calloc(b->list_len, sizeof *b->list);
    assert_true(b->names && b->tokens && b->list);
    for (size_t i = 0; i < count; i++) {
        member_name(i, b->names[i], sizeof b->names[i]);
        snprintf(b->tokens[i], sizeof b->tokens[i], "state:write:%s", b->names[i]);
    }
    assert_true(count % 7 != 0); /* so i -> 7i+3 mod count visits every name */
    for (size_t i = 0; i < count; i++) {
        size_t j = (i * 7 + 3) % count;
        b->list[2 * i] = b->tokens[j];
        b->list[2 * i + 1] = b->tokens[count - 1 - j];
    }
    b->list[2 * count] = "state:read:*";
    b->list[2 * count + 1] = "events:emit:k1";
}

static void big_set_free(big_set_t *b)
{
    free(b->names);
    free(b->tokens);
    free(b->list);
}

static void check_big_set(size_t count)
{
    big_set_t b;
    char other[40];
    big_set_build(&b, count);
    nx_caps_t *caps = parse_ok(b.list, b.list_len);

    for (size_t i = 0; i < count; i++) {
        const char *n = b.names[i];
        size_t len = strlen(n);
        char *copy = unterminated(n, len);
        assert_true(nx_caps_allows(caps, NX_CAP_STATE_WRITE, copy, len));
        free(copy);
        /* one byte short and one byte long are not members */
        assert_false(nx_caps_allows(caps, NX_CAP_STATE_WRITE, n, len - 1));
        snprintf(other, sizeof other, "%s~", n);
        assert_false(allows_str(caps, NX_CAP_STATE_WRITE, other));
        /* other kinds see none of them, but read has "*" */
        assert_false(allows_str(caps, NX_CAP_VIEW_UPDATE, n));
        assert_true(allows_str(caps, NX_CAP_STATE_READ, n));
    }
    for (size_t i = count; i < count + 50; i++) {
        member_name(i, other, sizeof other);
        assert_false(allows_str(caps, NX_CAP_STATE_WRITE, other));
    }
    assert_false(allows_str(caps, NX_CAP_STATE_WRITE, ""));
    assert_false(allows_str(caps, NX_CAP_STATE_WRITE, "*"));
    assert_false(allows_str(caps, NX_CAP_STATE_WRITE, "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"));
    assert_false(nx_caps_allows_any(caps, NX_CAP_STATE_WRITE));
    assert_true(allows_str(caps, NX_CAP_EVENTS_EMIT, "k1"));
    assert_false(allows_str(caps, NX_CAP_EVENTS_EMIT, "k2"));

    nx_caps_free(caps);
    big_set_free(&b);
}

static void test_large_sets(void **state)
{
    (void)state;
    /* around the linear/binary-search switch, and well past it */
    static const size_t sizes[] = {1, 2, 15, 16, 17, 18, 33, 64, 200, 1000};
    for (size_t i = 0; i < ARRAY_LEN(sizes); i++) check_big_set(sizes[i]);
}

/* ---- 6. empty sets and bad arguments --------------------------------------- */

static void test_empty_set_denies_everything(void **state)
{
    (void)state;
    nx_caps_t *caps = parse_ok(NULL, 0);
    for (int k = 0; k < NX_CAP_KIND_COUNT; k++) {
        assert_false(allows_str(caps, k, "x"));
        assert_false(allows_str(caps, k, "*"));
        assert_false(allows_str(caps, k, ""));
        assert_false(nx_caps_allows_any(caps, k));
    }
    nx_caps_free(caps);

    const char *unused[] = {"state:read:*"};
    caps = parse_ok(unused, 0); /* count 0 ignores the array */
    assert_false(allows_str(caps, NX_CAP_STATE_READ, "x"));
    nx_caps_free(caps);
}

static void test_null_and_out_of_range_arguments(void **state)
{
    (void)state;
    nx_caps_free(NULL);

    for (int k = 0; k < NX_CAP_KIND_COUNT; k++) {
        assert_false(allows_str(NULL, k, "x"));
        assert_false(nx_caps_allows_any(NULL, k));
    }

    const char *all[] = {"state:read:*", "state:write:*", "events:emit:*",
                         "view:update:*", "ext:*", "host:*"};
    nx_caps_t *caps = parse_ok(all, ARRAY_LEN(all));
    assert_false(allows_str(caps, NX_CAP_KIND_COUNT, "x"));
    assert_false(allows_str(caps, (nx_cap_kind_t)-1, "x"));
    assert_false(nx_caps_allows_any(caps, NX_CAP_KIND_COUNT));
    assert_false(nx_caps_allows_any(caps, (nx_cap_kind_t)-1));
    assert_false(nx_caps_allows(caps, NX_CAP_STATE_READ, NULL, 0));
    assert_false(nx_caps_allows(caps, NX_CAP_STATE_READ, NULL, 5));
    nx_caps_free(caps);

    size_t bad = BAD_NOT_SET;
    assert_int_equal(nx_caps_parse(all, 1, NULL, &bad), NX_E_INVALID_ARGUMENT);
    caps = NOT_SET;
    assert_int_equal(nx_caps_parse(NULL, 3, &caps, &bad), NX_E_INVALID_ARGUMENT);
    assert_null(caps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_tokens_parse_alone),
        cmocka_unit_test(test_valid_tokens_parse_together),
        cmocka_unit_test(test_invalid_tokens_alone),
        cmocka_unit_test(test_invalid_tokens_among_valid),
        cmocka_unit_test(test_first_bad_index_is_reported),
        cmocka_unit_test(test_token_length_boundary),
        cmocka_unit_test(test_allow_table),
        cmocka_unit_test(test_kind_matrix),
        cmocka_unit_test(test_unterminated_names),
        cmocka_unit_test(test_required_table),
        cmocka_unit_test(test_required_edge_buffers),
        cmocka_unit_test(test_large_sets),
        cmocka_unit_test(test_empty_set_denies_everything),
        cmocka_unit_test(test_null_and_out_of_range_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
