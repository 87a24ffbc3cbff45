/* capability.c - capability tokens: validating and parsing them into a
 * per-kind lookup structure, and answering "is (kind, name) granted?" on
 * every host call.
 *
 * A parsed set is one malloc'd block: the nx_caps header, then every exact
 * name's (length, pointer) entry grouped by kind, then the name bytes. Per
 * kind we keep a "*" flag and the exact names sorted by (length, bytes) with
 * duplicates removed, so a check is a flag test plus a short scan (or a
 * binary search for large sets). A set is immutable once built, so any
 * number of threads may check it at once.
 */
#include "common/capability.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NX_CAP_TOKEN_MAX 1024
/* Up to this many exact names a linear scan beats a binary search. */
#define NX_CAP_LINEAR_MAX 16

typedef struct nx_cap_name {
    size_t len;
    const char *bytes; /* not NUL-terminated; points into the set's block */
} nx_cap_name_t;

typedef struct nx_cap_scope {
    bool any;                   /* granted with "*" */
    size_t count;
    const nx_cap_name_t *names; /* sorted by (len, bytes), unique */
} nx_cap_scope_t;

struct nx_caps {
    nx_cap_scope_t scopes[NX_CAP_KIND_COUNT];
    /* followed in the same allocation by the name entries, then the bytes */
};

_Static_assert(sizeof(struct nx_caps) % _Alignof(nx_cap_name_t) == 0,
               "name entries must be aligned when placed after the header");

/* What one token says, as pointers into the caller's string. */
typedef struct nx_cap_token {
    nx_cap_kind_t kind;
    bool any;
    const char *name;
    size_t name_len;
} nx_cap_token_t;

static const struct {
    const char *text;
    size_t len;
} cap_prefixes[NX_CAP_KIND_COUNT] = {
    [NX_CAP_STATE_READ] = {"state:read:", 11},
    [NX_CAP_STATE_WRITE] = {"state:write:", 12},
    [NX_CAP_EVENTS_EMIT] = {"events:emit:", 12},
    [NX_CAP_VIEW_UPDATE] = {"view:update:", 12},
    [NX_CAP_EXT] = {"ext:", 4},
    [NX_CAP_HOST] = {"host:", 5},
};

/* ---- token validation ------------------------------------------------------ */

static bool is_cont_byte(unsigned char b) { return (b & 0xC0) == 0x80; }

/* Decodes one UTF-8 sequence at s[0..avail). Returns its length and sets *cp,
 * or returns 0 when the sequence is truncated, overlong, a surrogate, above
 * U+10FFFF or starts with a byte that cannot start a sequence. */
static size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    unsigned char b = s[0];
    size_t len;
    uint32_t v;

    if (b < 0x80) { *cp = b; return 1; }
    if (b >= 0xC0 && b < 0xE0) { len = 2; v = b & 0x1F; }
    else if (b >= 0xE0 && b < 0xF0) { len = 3; v = b & 0x0F; }
    else if (b >= 0xF0 && b < 0xF8) { len = 4; v = b & 0x07; }
    else return 0; /* a continuation byte, or 0xF8..0xFF */

    if (len > avail) return 0;
    for (size_t i = 1; i < len; i++) {
        if (!is_cont_byte(s[i])) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min_for_len[len]) return 0; /* overlong */
    if (v >= 0xD800 && v <= 0xDFFF) return 0;
    if (v > 0x10FFFF) return 0;
    *cp = v;
    return len;
}

/* Whitespace and control characters would let two tokens look alike in a
 * manifest or a log while granting different things, so none are allowed:
 * ASCII controls, space and DEL, C1 controls and Unicode White_Space. */
static bool is_space_or_control(uint32_t cp)
{
    if (cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0)) return true;
    if (cp == 0x1680 || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
        cp == 0x205F || cp == 0x3000)
        return true;
    return cp >= 0x2000 && cp <= 0x200A;
}

static bool is_clean_utf8(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0 || is_space_or_control(cp)) return false;
        i += n;
    }
    return true;
}

/* Splits "PREFIX NAME" into kind and name; fails on an unknown prefix. */
static bool split_prefix(const char *text, size_t len, nx_cap_token_t *tok)
{
    for (int k = 0; k < NX_CAP_KIND_COUNT; k++) {
        size_t plen = cap_prefixes[k].len;
        if (len >= plen && memcmp(text, cap_prefixes[k].text, plen) == 0) {
            tok->kind = (nx_cap_kind_t)k;
            tok->name = text + plen;
            tok->name_len = len - plen;
            return true;
        }
    }
    return false;
}

/* A name is "*" or a non-empty string without '*': a '*' elsewhere would
 * read as a prefix wildcard, which the grammar does not have. */
static bool classify_name(nx_cap_token_t *tok)
{
    if (tok->name_len == 0) return false;
    tok->any = tok->name_len == 1 && tok->name[0] == '*';
    return tok->any || memchr(tok->name, '*', tok->name_len) == NULL;
}

static bool parse_token(const char *text, nx_cap_token_t *tok)
{
    if (text == NULL) return false;
    /* strnlen stops early so an absurdly long string is not walked twice */
    size_t len = strnlen(text, NX_CAP_TOKEN_MAX + 1);
    if (len == 0 || len > NX_CAP_TOKEN_MAX) return false;
    if (!is_clean_utf8(text, len)) return false;
    return split_prefix(text, len, tok) && classify_name(tok);
}

bool nx_caps_name_fits(nx_cap_kind_t kind, const char *name, size_t len)
{
    if ((unsigned)kind >= NX_CAP_KIND_COUNT || name == NULL || len == 0) return false;
    if (len > NX_CAP_TOKEN_MAX - cap_prefixes[kind].len || memchr(name, '*', len)) return false;
    return is_clean_utf8(name, len);
}

char *nx_caps_token_dup(nx_cap_kind_t kind, const char *name, size_t len)
{
    if ((unsigned)kind >= NX_CAP_KIND_COUNT || name == NULL) return NULL;
    size_t plen = cap_prefixes[kind].len;
    char *token = malloc(plen + len + 1);
    if (token == NULL) return NULL;
    memcpy(token, cap_prefixes[kind].text, plen);
    memcpy(token + plen, name, len);
    token[plen + len] = '\0';
    return token;
}

/* ---- building the set ------------------------------------------------------ */

static int compare_names(const nx_cap_name_t *a, const nx_cap_name_t *b)
{
    if (a->len != b->len) return a->len < b->len ? -1 : 1;
    return memcmp(a->bytes, b->bytes, a->len);
}

static int compare_names_qsort(const void *a, const void *b)
{
    return compare_names(a, b);
}

/* Sorts a kind's names and drops duplicates, so lookups can stop early
 * and binary search is possible. Returns the new count. */
static size_t sort_unique(nx_cap_name_t *names, size_t count)
{
    if (count < 2) return count;
    qsort(names, count, sizeof *names, compare_names_qsort);
    size_t kept = 1;
    for (size_t i = 1; i < count; i++)
        if (compare_names(&names[kept - 1], &names[i]) != 0) names[kept++] = names[i];
    return kept;
}

static bool size_add(size_t a, size_t b, size_t *sum)
{
    if (a > SIZE_MAX - b) return false;
    *sum = a + b;
    return true;
}

/* Totals for sizing the block. */
typedef struct nx_cap_sizes {
    size_t names_per_kind[NX_CAP_KIND_COUNT];
    size_t names;
    size_t bytes;
} nx_cap_sizes_t;

/* Validates every token and counts what the block must hold. On a bad
 * token returns false with *bad set to its index. */
static bool measure_tokens(const char *const *tokens, size_t count, nx_cap_sizes_t *sz, size_t *bad)
{
    memset(sz, 0, sizeof *sz);
    for (size_t i = 0; i < count; i++) {
        nx_cap_token_t tok;
        if (!parse_token(tokens[i], &tok)) { *bad = i; return false; }
        if (tok.any) continue;
        sz->names_per_kind[tok.kind]++;
        sz->names++;
        /* name_len <= 1024, so only bytes can overflow, on 32-bit hosts */
        if (!size_add(sz->bytes, tok.name_len, &sz->bytes)) { *bad = i; return false; }
    }
    return true;
}

static nx_caps_t *alloc_block(const nx_cap_sizes_t *sz)
{
    size_t entries = sz->names * sizeof(nx_cap_name_t);
    size_t total;

    if (sz->names > SIZE_MAX / sizeof(nx_cap_name_t)) return NULL;
    if (!size_add(sizeof(nx_caps_t), entries, &total)) return NULL;
    if (!size_add(total, sz->bytes, &total)) return NULL;
    return malloc(total);
}

/* Copies every exact name into the block, grouped by kind; tokens were
 * already validated by measure_tokens. */
static void fill_block(nx_caps_t *caps, const char *const *tokens, size_t count,
                       const nx_cap_sizes_t *sz)
{
    nx_cap_name_t *entries = (nx_cap_name_t *)(caps + 1);
    char *bytes = (char *)(entries + sz->names);
    nx_cap_name_t *next[NX_CAP_KIND_COUNT];

    for (int k = 0; k < NX_CAP_KIND_COUNT; k++) {
        caps->scopes[k] = (nx_cap_scope_t){.any = false, .count = 0, .names = entries};
        next[k] = entries;
        entries += sz->names_per_kind[k];
    }
    for (size_t i = 0; i < count; i++) {
        nx_cap_token_t tok;
        if (!parse_token(tokens[i], &tok)) continue; /* cannot happen: measured */
        if (tok.any) { caps->scopes[tok.kind].any = true; continue; }
        memcpy(bytes, tok.name, tok.name_len);
        *next[tok.kind]++ = (nx_cap_name_t){.len = tok.name_len, .bytes = bytes};
        bytes += tok.name_len;
    }
    for (int k = 0; k < NX_CAP_KIND_COUNT; k++) {
        nx_cap_name_t *names = (nx_cap_name_t *)caps->scopes[k].names;
        caps->scopes[k].count = sort_unique(names, sz->names_per_kind[k]);
    }
}

nx_code_t nx_caps_parse(const char *const *tokens, size_t count, nx_caps_t **out, size_t *bad)
{
    nx_cap_sizes_t sz;
    size_t bad_index = 0;

    if (out == NULL) return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    if (tokens == NULL && count > 0) return NX_E_INVALID_ARGUMENT;
    if (!measure_tokens(tokens, count, &sz, &bad_index)) {
        if (bad != NULL) *bad = bad_index;
        return NX_E_INVALID_ARGUMENT;
    }
    nx_caps_t *caps = alloc_block(&sz);
    if (caps == NULL) return NX_E_INTERNAL_ERROR;
    fill_block(caps, tokens, count, &sz);
    *out = caps;
    return NX_OK;
}

void nx_caps_free(nx_caps_t *caps)
{
    free(caps); /* names and bytes live in the same block */
}

/* ---- checking (hot path) --------------------------------------------------- */

static bool find_linear(const nx_cap_scope_t *scope, const char *name, size_t len)
{
    for (size_t i = 0; i < scope->count; i++) {
        const nx_cap_name_t *n = &scope->names[i];
        if (n->len == len && memcmp(n->bytes, name, len) == 0) return true;
    }
    return false;
}

static bool find_sorted(const nx_cap_scope_t *scope, const char *name, size_t len)
{
    const nx_cap_name_t key = {.len = len, .bytes = name};
    size_t lo = 0, hi = scope->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare_names(&scope->names[mid], &key);
        if (c == 0) return true;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return false;
}

static const nx_cap_scope_t *scope_of(const nx_caps_t *caps, nx_cap_kind_t kind)
{
    if (caps == NULL || (unsigned)kind >= NX_CAP_KIND_COUNT) return NULL;
    return &caps->scopes[kind];
}

bool nx_caps_allows(const nx_caps_t *caps, nx_cap_kind_t kind, const char *name, size_t len)
{
    const nx_cap_scope_t *scope = scope_of(caps, kind);

    if (scope == NULL || name == NULL) return false;
    if (scope->any) return true;
    if (scope->count <= NX_CAP_LINEAR_MAX) return find_linear(scope, name, len);
    return find_sorted(scope, name, len);
}

bool nx_caps_allows_any(const nx_caps_t *caps, nx_cap_kind_t kind)
{
    const nx_cap_scope_t *scope = scope_of(caps, kind);
    return scope != NULL && scope->any;
}

/* ---- messages -------------------------------------------------------------- */

/* Appends src[0..len) to buf at *used, leaving room for the NUL. */
static void append_truncated(char *buf, size_t size, size_t *used, const char *src, size_t len)
{
    size_t room = size - 1 - *used;
    size_t n = len < room ? len : room;
    if (n > 0) memcpy(buf + *used, src, n);
    *used += n;
}

void nx_caps_required(nx_cap_kind_t kind, const char *name, size_t len, char *buf, size_t size)
{
    size_t used = 0;

    if (buf == NULL || size == 0) return;
    if ((unsigned)kind < NX_CAP_KIND_COUNT) {
        append_truncated(buf, size, &used, cap_prefixes[kind].text, cap_prefixes[kind].len);
        if (name != NULL) append_truncated(buf, size, &used, name, len);
    }
    buf[used] = '\0';
}
