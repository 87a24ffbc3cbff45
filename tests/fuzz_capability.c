/* fuzz_capability.c - libFuzzer target for the capability checker in
 * src/capability.c (nx_caps_parse, nx_caps_allows, nx_caps_allows_any,
 * nx_caps_required), checked against a reference model written here from
 * the documented grammar (src/capability.h, docs/capabilities.md), not from
 * the implementation.
 *
 * Input: segments separated by '\n'. Even-numbered segments are tokens (as
 * C strings: cut at the first NUL, as nx_context_add_capability would see
 * them); odd-numbered ones are names to ask about (any bytes, NULs
 * included, passed with their length). Invariants (abort() when broken):
 *   - nx_caps_parse accepts exactly when every token is valid per the model,
 *     and otherwise reports the index of the first invalid one;
 *   - for an accepted set, for every kind and every name asked about (the
 *     fuzzed names, each token's own name, and near misses of it: one byte
 *     more or less, another case, a NUL appended), nx_caps_allows answers
 *     what the model answers; in particular a token PREFIX:NAME allows
 *     exactly NAME for its kind and nothing for another kind unless some
 *     other token grants it;
 *   - nx_caps_allows_any is true exactly when "PREFIX:*" was granted;
 *   - nx_caps_required writes PREFIX + name, cut to the buffer, always
 *     NUL-terminated, never past the buffer (ASan checks exact-size heap
 *     buffers).
 *
 * Build (also compiles with gcc -std=gnu11 -Wall -Wextra -Werror):
 *   clang-14 -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -D_GNU_SOURCE -Iinclude -Isrc tests/fuzz_capability.c src/capability.c \
 *     -o build/fuzz/fuzz_capability */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/capability.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEGMENTS 64

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "fuzz_capability: invariant failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

/* ---- the reference model ------------------------------------------------------------ */

static const char *const prefixes[NX_CAP_KIND_COUNT] = {
    [NX_CAP_STATE_READ] = "state:read:",   [NX_CAP_STATE_WRITE] = "state:write:",
    [NX_CAP_EVENTS_EMIT] = "events:emit:", [NX_CAP_VIEW_UPDATE] = "view:update:",
    [NX_CAP_EXT] = "ext:",                 [NX_CAP_HOST] = "host:",
};

/* Unicode White_Space plus the control characters (Cc). */
static bool model_space_or_control(uint32_t cp)
{
    static const uint32_t white[] = { 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 };
    if (cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F))
        return true;
    if (cp >= 0x2000 && cp <= 0x200A)
        return true;
    for (size_t i = 0; i < sizeof white / sizeof white[0]; i++)
        if (cp == white[i])
            return true;
    return false;
}

/* Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF),
 * decoded by shape and then range, without any whitespace or control. */
static bool model_clean_utf8(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t b = s[i];
        size_t n;
        uint32_t cp, min;
        if (b < 0x80) { n = 1; cp = b; min = 0; }
        else if ((b & 0xE0) == 0xC0) { n = 2; cp = b & 0x1F; min = 0x80; }
        else if ((b & 0xF0) == 0xE0) { n = 3; cp = b & 0x0F; min = 0x800; }
        else if ((b & 0xF8) == 0xF0) { n = 4; cp = b & 0x07; min = 0x10000; }
        else return false;
        if (i + n > len)
            return false;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || model_space_or_control(cp))
            return false;
        i += n;
    }
    return true;
}

typedef struct model_token {
    bool valid;
    nx_cap_kind_t kind;
    bool any;
    const char *name;
    size_t name_len;
} model_token_t;

static model_token_t model_parse(const char *t)
{
    model_token_t m = { .valid = false };
    size_t len = strlen(t);
    if (len == 0 || len > 1024 || !model_clean_utf8((const uint8_t *)t, len))
        return m;
    for (int k = 0; k < NX_CAP_KIND_COUNT; k++) {
        size_t pl = strlen(prefixes[k]);
        if (len < pl || memcmp(t, prefixes[k], pl) != 0)
            continue;
        m.kind = (nx_cap_kind_t)k;
        m.name = t + pl;
        m.name_len = len - pl;
        if (m.name_len == 0)
            return m;
        m.any = m.name_len == 1 && m.name[0] == '*';
        m.valid = m.any || memchr(m.name, '*', m.name_len) == NULL;
        return m;
    }
    return m;
}

static bool model_allows(const model_token_t *toks, size_t n, nx_cap_kind_t kind, const char *name,
                         size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (toks[i].kind != kind)
            continue;
        if (toks[i].any || (toks[i].name_len == len && memcmp(toks[i].name, name, len) == 0))
            return true;
    }
    return false;
}

static bool model_allows_any(const model_token_t *toks, size_t n, nx_cap_kind_t kind)
{
    for (size_t i = 0; i < n; i++)
        if (toks[i].kind == kind && toks[i].any)
            return true;
    return false;
}

/* ---- checks --------------------------------------------------------------------------- */

static void check_name(const nx_caps_t *caps, const model_token_t *toks, size_t n, const char *name,
                       size_t len)
{
    for (int k = 0; k < NX_CAP_KIND_COUNT; k++) {
        /* an exact-size heap copy: any read past len is an ASan report */
        char *copy = malloc(len ? len : 1);
        CHECK(copy != NULL);
        if (len)
            memcpy(copy, name, len);
        bool got = nx_caps_allows(caps, (nx_cap_kind_t)k, copy, len);
        CHECK(got == model_allows(toks, n, (nx_cap_kind_t)k, name, len));
        free(copy);
    }
}

static void check_required(nx_cap_kind_t kind, const char *name, size_t len)
{
    size_t pl = strlen(prefixes[kind]);
    for (size_t size = 1; size <= pl + len + 2; size += (size < 24 ? 1 : 37)) {
        char *buf = malloc(size);
        CHECK(buf != NULL);
        nx_caps_required(kind, name, len, buf, size);
        size_t want = pl + len < size - 1 ? pl + len : size - 1;
        /* what fits, then a NUL; a NUL inside the name ends the string early */
        char *expect = malloc(pl + len + 1);
        CHECK(expect != NULL);
        memcpy(expect, prefixes[kind], pl);
        memcpy(expect + pl, name, len);
        CHECK(memcmp(buf, expect, want) == 0);
        CHECK(buf[want] == '\0');
        free(expect);
        free(buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* split into segments */
    const uint8_t *seg[MAX_SEGMENTS];
    size_t seg_len[MAX_SEGMENTS], nseg = 0, start = 0;
    for (size_t i = 0; i <= size && nseg < MAX_SEGMENTS; i++) {
        if (i == size || data[i] == '\n') {
            seg[nseg] = data + start;
            seg_len[nseg] = i - start;
            nseg++;
            start = i + 1;
        }
    }
    char *tokens[MAX_SEGMENTS];
    model_token_t model[MAX_SEGMENTS];
    size_t ntok = 0;
    for (size_t i = 0; i < nseg; i += 2) {
        tokens[ntok] = strndup((const char *)seg[i], seg_len[i]); /* stops at a NUL */
        CHECK(tokens[ntok] != NULL);
        model[ntok] = model_parse(tokens[ntok]);
        ntok++;
    }
    size_t first_bad = ntok;
    for (size_t i = 0; i < ntok && first_bad == ntok; i++)
        if (!model[i].valid)
            first_bad = i;

    nx_caps_t *caps = NULL;
    size_t bad = (size_t)-1;
    nx_code_t code = nx_caps_parse((const char *const *)tokens, ntok, &caps, &bad);
    if (first_bad < ntok) {
        CHECK(code == NX_E_INVALID_ARGUMENT);
        CHECK(caps == NULL);
        CHECK(bad == first_bad);
    } else {
        CHECK(code == NX_OK);
        CHECK(caps != NULL);
        for (int k = 0; k < NX_CAP_KIND_COUNT; k++)
            CHECK(nx_caps_allows_any(caps, (nx_cap_kind_t)k) == model_allows_any(model, ntok, (nx_cap_kind_t)k));
        /* the fuzzed names */
        for (size_t i = 1; i < nseg; i += 2)
            check_name(caps, model, ntok, (const char *)seg[i], seg_len[i]);
        /* every token's own name and its near misses */
        for (size_t i = 0; i < ntok; i++) {
            const model_token_t *t = &model[i];
            if (!t->any) {
                CHECK(nx_caps_allows(caps, t->kind, t->name, t->name_len));
                for (int k = 0; k < NX_CAP_KIND_COUNT; k++)
                    if (k != (int)t->kind)
                        CHECK(nx_caps_allows(caps, (nx_cap_kind_t)k, t->name, t->name_len) ==
                              model_allows(model, ntok, (nx_cap_kind_t)k, t->name, t->name_len));
            }
            char near[1100];
            check_name(caps, model, ntok, t->name, t->name_len);
            if (t->name_len > 0)
                check_name(caps, model, ntok, t->name, t->name_len - 1);
            memcpy(near, t->name, t->name_len);
            near[t->name_len] = 'x';
            check_name(caps, model, ntok, near, t->name_len + 1);
            near[t->name_len] = '\0';
            check_name(caps, model, ntok, near, t->name_len + 1);
            for (size_t j = 0; j < t->name_len; j++)
                near[j] = (char)(near[j] ^ 0x20);
            check_name(caps, model, ntok, near, t->name_len);
            /* the whole token text as a name: never confused with a grant */
            check_name(caps, model, ntok, tokens[i], strlen(tokens[i]));
            check_required(t->kind, t->name, t->name_len);
        }
        /* NULL name / caps / kinds out of range never allow */
        CHECK(!nx_caps_allows(caps, NX_CAP_STATE_READ, NULL, 0));
        CHECK(!nx_caps_allows(NULL, NX_CAP_STATE_READ, "x", 1));
        CHECK(!nx_caps_allows(caps, NX_CAP_KIND_COUNT, "x", 1));
        CHECK(!nx_caps_allows_any(caps, NX_CAP_KIND_COUNT));
    }
    nx_caps_free(caps);
    for (size_t i = 0; i < ntok; i++)
        free(tokens[i]);
    return 0;
}
