/* infer.c - nx_infer_capabilities: suggests the capability tokens a
 * handler's source needs, by scanning its tokens (js_lexer.h) for uses of
 * the API globals. It does not parse or run anything; it is a helper for
 * writing manifests, never a security check (the host checks every call).
 *
 * A global is $state, $emit, $view, $ext or $host written as a whole
 * identifier and not as a property (`x.$state`, `x?.$state` are ignored).
 * Text inside strings, comments, regexes and template text never counts;
 * code inside ${ ... } does. "a literal" below is a terminated string or a
 * template without substitutions, alone (`['k']`, `('k', ...)`), or a
 * property name after '.' / '?.'. Its escapes are decoded; one that cannot
 * be decoded (malformed, lone surrogate, legacy octal) counts as dynamic.
 * "*" below is that kind's wildcard, used for every dynamic access.
 *
 * $state (`?.` works wherever `.` does; `$state['k']` is `$state.k`):
 *   $state.k, $state.has('k'), 'k' in $state      state:read:k
 *   $state.k = v, delete $state.k,
 *   $state.set('k', v), $state.delete('k')        state:write:k
 *   $state.k += v (any compound op), $state.k++,
 *   ++$state.k, $state.update('k', fn)            state:read:k state:write:k
 *   $state.keys(), Object.keys($state) (also values, entries,
 *   getOwnPropertyNames, Reflect.ownKeys), X in $state where X is
 *   not a lone literal, for (k in $state)         state:read:*
 *   get/set/delete/has/keys/update are methods when read; assigning or
 *   deleting one (`$state.get = 1`) writes that key, as the runtime does.
 *   A method not called directly (`f($state.get)`, `$state.set.call(...)`)
 *   suggests the wildcard(s) of what it does.
 *   Only the end of a chain is written: `$state.a.b = 1` reads a (the
 *   handler mutates its copy). A postfix ++/-- on the next line is not
 *   postfix (ASI). `$state[expr]` is judged by what follows its ']'; called
 *   (`$state[m](k)`) it suggests read:* and write:*.
 * $emit('name', ...)                              events:emit:name
 * $emit.toast(...)                                events:emit:toast
 * $emit.other (call, apply, bind ...)            events:emit:*
 * $view.setFilter('id', ...), .scrollTo('id', ...), .focus('id')
 *                                                 view:update:id
 * $view.command('id', 'type', args) (3+ args)     view:update:id
 * $view.command('type', args) (fewer args, or a spread argument)
 *                                                 view:update:*
 *   A view method not called directly suggests view:update:*; other
 *   $view properties suggest nothing (they do not exist).
 * $ext.http, $ext['http'] (whatever follows)      ext:http
 * $host['acme:billing/quota'], $host.name         host:acme:billing/quota
 * A global used as a value - passed, assigned, spread, returned, called
 * where it is not a function, anything not listed - suggests its kind's
 * wildcard (both state:read:* and state:write:* for $state). Not as
 * values: `typeof $x`, an object key `{ $x: 1 }`, and `k in $emit` (etc.),
 * which suggest nothing.
 * A name a token cannot hold (empty, containing '*', whitespace or control
 * characters, invalid UTF-8, or making the token longer than 1024 bytes)
 * suggests the wildcard instead.
 * The list keeps exact names next to a wildcard of the same kind: the
 * names still say what the handler is known to touch.
 *
 * Out of scope: aliases (`const s = $state; s.x`), shadowing locals or
 * parameters named like a global, destructuring assignment targets
 * (`[$state.a] = v`, `for ($state.k of xs)`: read only), and the lexer's
 * regex heuristic (js_lexer.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/capability.h"
#include "infer/js_lexer.h"
#include "nexus.h"

/* The deepest lookahead below is $x?.['m']?.('k', ...): index 7. */
#define LOOKAHEAD 12
/* Object.keys($state) needs the global and four tokens before it. */
#define HISTORY 6
#define NO_CALL SIZE_MAX

/* ---- suggestions ------------------------------------------------------------- */

/* Exact tokens as they are found (duplicates sorted out at the end) and one
 * flag per kind for its wildcard. */
typedef struct suggestions {
    char **items;
    size_t count;
    size_t cap;
    bool any[NX_CAP_KIND_COUNT];
    bool failed; /* out of memory */
} suggestions_t;

static void suggest_any(suggestions_t *out, nx_cap_kind_t kind) { out->any[kind] = true; }

static bool append_item(suggestions_t *out, char *item)
{
    if (out->count == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 16;
        char **grown = realloc(out->items, cap * sizeof *grown);
        if (!grown) return false;
        out->items = grown;
        out->cap = cap;
    }
    out->items[out->count++] = item;
    return true;
}

/* Suggests kind:name, or kind's wildcard when no token can hold name. */
static void suggest_name(suggestions_t *out, nx_cap_kind_t kind, const char *name, size_t len)
{
    if (!nx_caps_name_fits(kind, name, len)) {
        suggest_any(out, kind);
        return;
    }
    char *item = nx_caps_token_dup(kind, name, len);
    if (!item || !append_item(out, item)) {
        free(item);
        out->failed = true;
    }
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the wildcards, sorts, and drops duplicates. */
static bool finish_suggestions(suggestions_t *out)
{
    for (int k = 0; k < NX_CAP_KIND_COUNT; k++) {
        if (!out->any[k]) continue;
        char *item = nx_caps_token_dup((nx_cap_kind_t)k, "*", 1);
        if (!item || !append_item(out, item)) {
            free(item);
            return false;
        }
    }
    if (out->count == 0) return true;
    qsort(out->items, out->count, sizeof *out->items, compare_strings);
    size_t kept = 1;
    for (size_t i = 1; i < out->count; i++) {
        if (strcmp(out->items[kept - 1], out->items[i]) == 0) free(out->items[i]);
        else out->items[kept++] = out->items[i];
    }
    out->count = kept;
    return true;
}

/* ---- literal names ----------------------------------------------------------- */

/* A literal's text with escapes decoded; owned is set when it was copied. */
typedef struct literal {
    const char *text;
    size_t len;
    char *owned;
} literal_t;

/* A terminated string, or a template without substitutions. */
static bool is_literal_token(const js_token_t *t)
{
    return (t->kind == JS_TOK_STRING || t->kind == JS_TOK_TEMPLATE) && t->terminated;
}

/* Decodes the literal or property name t. Returns false when its value is
 * unknown here: not a literal, bad escapes, a #private name, or no memory
 * (then out->failed is set). */
static bool literal_value(suggestions_t *out, const js_token_t *t, literal_t *lit)
{
    memset(lit, 0, sizeof *lit);
    bool name = t->kind == JS_TOK_IDENT && t->len > 0 && t->start[0] != '#';
    if (!name && !is_literal_token(t)) return false;
    if (!t->has_escapes) {
        lit->text = t->value;
        lit->len = t->value_len;
        return true;
    }
    lit->owned = malloc(t->value_len + 1);
    if (!lit->owned) {
        out->failed = true;
        return false;
    }
    if (!js_decode_escapes(t->value, t->value_len, lit->owned, &lit->len)) {
        free(lit->owned);
        lit->owned = NULL;
        return false;
    }
    lit->text = lit->owned;
    return true;
}

static bool literal_is(const literal_t *lit, const char *text)
{
    return lit->len == strlen(text) && memcmp(lit->text, text, lit->len) == 0;
}

/* Suggests kind:VALUE for the literal t, or kind's wildcard. */
static void suggest_literal(suggestions_t *out, nx_cap_kind_t kind, const js_token_t *t)
{
    literal_t lit;
    if (!t || !literal_value(out, t, &lit)) {
        suggest_any(out, kind);
        return;
    }
    suggest_name(out, kind, lit.text, lit.len);
    free(lit.owned);
}

/* ---- the scanner: tokens with lookahead, history and bracket frames ------ */

enum { ACCESS_READ = 1u, ACCESS_WRITE = 2u };

typedef enum prefix { PREFIX_NONE, PREFIX_DELETE, PREFIX_INCDEC } prefix_t;

typedef enum frame_kind { FRAME_STATE_INDEX, FRAME_VIEW_COMMAND } frame_kind_t;

/* A bracket whose contents must be seen before deciding: `$state[expr]`
 * (read or write depends on what follows ']') and `$view.command(...)`
 * (the component is the first of three or more arguments). */
typedef struct frame {
    frame_kind_t kind;
    size_t depth;          /* bracket depth outside the bracket */
    prefix_t prefix;       /* FRAME_STATE_INDEX: delete/++/-- before $state */
    bool has_first;        /* FRAME_VIEW_COMMAND: first argument is a literal */
    js_token_t first;
    size_t commas;         /* top-level commas in the arguments */
    bool segment_nonempty; /* a token since the last top-level comma */
    bool spread;           /* a top-level ... argument */
} frame_t;

typedef struct scanner {
    js_lexer_t lexer;
    js_token_t ahead[LOOKAHEAD]; /* ring of tokens read but not consumed */
    size_t ahead_first;
    size_t ahead_count;
    js_token_t eof;
    js_token_t history[HISTORY]; /* consumed tokens, [0] the latest */
    size_t history_count;
    size_t depth;                /* open ( [ { and ${ */
    frame_t *frames;
    size_t frame_count;
    size_t frame_cap;
    /* A frame to open when the bracket starting at pending_at is consumed. */
    bool has_pending;
    const char *pending_at;
    frame_t pending;
    suggestions_t out;
} scanner_t;

/* The token i places ahead of the last consumed one. */
static const js_token_t *peek(scanner_t *s, size_t i)
{
    if (i >= LOOKAHEAD) return &s->eof;
    while (s->ahead_count <= i) {
        js_token_t *slot = &s->ahead[(s->ahead_first + s->ahead_count) % LOOKAHEAD];
        js_lexer_next(&s->lexer, slot);
        s->ahead_count++;
    }
    return &s->ahead[(s->ahead_first + i) % LOOKAHEAD];
}

/* The i-th token before the latest consumed one (0: just before it). */
static const js_token_t *before(const scanner_t *s, size_t i)
{
    return i + 1 < s->history_count ? &s->history[i + 1] : NULL;
}

static bool is_punct(const js_token_t *t, const char *text)
{
    return t && js_token_is(t, JS_TOK_PUNCT, text);
}

static bool is_keyword(const js_token_t *t, const char *text)
{
    return t && js_token_is(t, JS_TOK_KEYWORD, text);
}

static bool is_ident(const js_token_t *t, const char *text)
{
    return t && js_token_is(t, JS_TOK_IDENT, text);
}

/* The bracket a one-character punctuator token is, or 0. */
static char bracket_of(const js_token_t *t)
{
    if (t->kind != JS_TOK_PUNCT || t->len != 1) return 0;
    char c = t->start[0];
    return c == '(' || c == '[' || c == '{' || c == ')' || c == ']' || c == '}' ? c : 0;
}

static bool is_opener(const js_token_t *t)
{
    char b = bracket_of(t);
    return b == '(' || b == '[' || b == '{' || t->kind == JS_TOK_TEMPLATE_HEAD;
}

static bool is_closer(const js_token_t *t)
{
    char b = bracket_of(t);
    return b == ')' || b == ']' || b == '}' || t->kind == JS_TOK_TEMPLATE_TAIL;
}

static void resolve_frame(scanner_t *s, const frame_t *f);

static void push_frame(scanner_t *s, const frame_t *f)
{
    if (s->frame_count == s->frame_cap) {
        size_t cap = s->frame_cap ? s->frame_cap * 2 : 8;
        frame_t *grown = realloc(s->frames, cap * sizeof *grown);
        if (!grown) {
            s->out.failed = true;
            return;
        }
        s->frames = grown;
        s->frame_cap = cap;
    }
    s->frames[s->frame_count++] = *f;
}

/* Arms a frame for the bracket token t, about to be consumed. */
static void expect_frame(scanner_t *s, const js_token_t *t, const frame_t *f)
{
    s->has_pending = true;
    s->pending_at = t->start;
    s->pending = *f;
}

static void open_bracket(scanner_t *s, const js_token_t *t)
{
    if (s->has_pending && s->pending_at == t->start) {
        s->has_pending = false;
        s->pending.depth = s->depth;
        push_frame(s, &s->pending);
    }
    s->depth++;
}

/* Closes a bracket and the frames it ends. Unbalanced input just closes
 * whatever is open. */
static void close_bracket(scanner_t *s)
{
    if (s->depth > 0) s->depth--;
    while (s->frame_count > 0 && s->frames[s->frame_count - 1].depth >= s->depth) {
        frame_t f = s->frames[--s->frame_count];
        resolve_frame(s, &f);
    }
}

/* Counts the arguments of the innermost frame: t is directly inside it. */
static void note_argument_token(scanner_t *s, const js_token_t *t)
{
    if (s->frame_count == 0) return;
    frame_t *top = &s->frames[s->frame_count - 1];
    if (s->depth != top->depth + 1) {
        top->segment_nonempty = true; /* t is deeper: part of an argument */
        return;
    }
    if (is_punct(t, ",")) {
        top->commas++;
        top->segment_nonempty = false;
        return;
    }
    if (is_punct(t, "...")) top->spread = true;
    top->segment_nonempty = true;
}

static void remember(scanner_t *s, const js_token_t *t)
{
    memmove(&s->history[1], &s->history[0], (HISTORY - 1) * sizeof s->history[0]);
    s->history[0] = *t;
    if (s->history_count < HISTORY) s->history_count++;
}

/* Consumes the next token into *t, keeping brackets, frames and history. */
static void take_token(scanner_t *s, js_token_t *t)
{
    *t = *peek(s, 0);
    if (t->kind == JS_TOK_EOF) return;
    s->ahead_first = (s->ahead_first + 1) % LOOKAHEAD;
    s->ahead_count--;
    if (is_closer(t)) {
        close_bracket(s);
    } else {
        note_argument_token(s, t);
        if (is_opener(t)) open_bracket(s, t);
    }
    remember(s, t);
}

/* ---- reading the expression around a global -------------------------------- */

/* What follows a global: `.name` / `?.name` / `['lit']` (named), `[expr]`
 * (computed) or neither. */
typedef enum member_form { MEMBER_NONE, MEMBER_NAMED, MEMBER_COMPUTED } member_form_t;

typedef struct member {
    member_form_t form;
    const js_token_t *name; /* MEMBER_NAMED: property name or literal */
    size_t next;            /* MEMBER_NAMED: lookahead index after it */
    size_t bracket;         /* MEMBER_COMPUTED: lookahead index of '[' */
} member_t;

static member_t read_computed(scanner_t *s, size_t bracket)
{
    member_t m = {.form = MEMBER_COMPUTED, .bracket = bracket};
    const js_token_t *key = peek(s, bracket + 1);
    if (is_literal_token(key) && is_punct(peek(s, bracket + 2), "]")) {
        m.form = MEMBER_NAMED;
        m.name = key;
        m.next = bracket + 3;
    }
    return m;
}

/* Reads the member access starting at lookahead index i. */
static member_t read_member(scanner_t *s, size_t i)
{
    member_t none = {.form = MEMBER_NONE};
    const js_token_t *t = peek(s, i);
    bool optional = is_punct(t, "?.");
    if (is_punct(t, ".") || optional) {
        const js_token_t *name = peek(s, i + 1);
        if (name->kind == JS_TOK_IDENT)
            return (member_t){.form = MEMBER_NAMED, .name = name, .next = i + 2};
        if (optional && is_punct(name, "[")) return read_computed(s, i + 1);
        return none;
    }
    if (is_punct(t, "[")) return read_computed(s, i);
    return none;
}

/* The lookahead index of the '(' of a call `(` or `?.(` at i, or NO_CALL. */
static size_t call_paren(scanner_t *s, size_t i)
{
    if (is_punct(peek(s, i), "(")) return i;
    if (is_punct(peek(s, i), "?.") && is_punct(peek(s, i + 1), "(")) return i + 1;
    return NO_CALL;
}

/* The call's first argument when it is a lone literal, else NULL. */
static const js_token_t *first_literal_argument(scanner_t *s, size_t paren)
{
    if (paren == NO_CALL) return NULL;
    const js_token_t *arg = peek(s, paren + 1);
    const js_token_t *after = peek(s, paren + 2);
    if (is_literal_token(arg) && (is_punct(after, ",") || is_punct(after, ")"))) return arg;
    return NULL;
}

static bool continues_chain(const js_token_t *t)
{
    return is_punct(t, ".") || is_punct(t, "?.") || is_punct(t, "[") || is_punct(t, "(") ||
           t->kind == JS_TOK_TEMPLATE || t->kind == JS_TOK_TEMPLATE_HEAD;
}

static bool is_compound_assignment(const js_token_t *t)
{
    static const char *const ops[] = {"+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=",
                                      ">>>=", "&=", "|=", "^=", "&&=", "||=", "?\?="};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (is_punct(t, ops[i])) return true;
    return false;
}

/* delete / ++ / -- right before the global. */
static prefix_t prefix_of_global(const scanner_t *s)
{
    const js_token_t *b = before(s, 0);
    if (is_keyword(b, "delete")) return PREFIX_DELETE;
    if (is_punct(b, "++") || is_punct(b, "--")) return PREFIX_INCDEC;
    return PREFIX_NONE;
}

/* How the member access ending before lookahead index next is used. */
static unsigned access_at(scanner_t *s, size_t next, prefix_t prefix)
{
    const js_token_t *t = peek(s, next);
    if (continues_chain(t)) return ACCESS_READ;
    if (prefix == PREFIX_DELETE) return ACCESS_WRITE;
    if (prefix == PREFIX_INCDEC) return ACCESS_READ | ACCESS_WRITE;
    if (is_punct(t, "=")) return ACCESS_WRITE;
    if (is_compound_assignment(t)) return ACCESS_READ | ACCESS_WRITE;
    if ((is_punct(t, "++") || is_punct(t, "--")) && !t->newline_before)
        return ACCESS_READ | ACCESS_WRITE;
    return ACCESS_READ;
}

/* ---- bare uses of a global ------------------------------------------------- */

/* `typeof $x` and the key of `{ $x: 1 }` do not use the global. */
static bool is_harmless_bare_use(scanner_t *s)
{
    const js_token_t *b = before(s, 0);
    if (is_keyword(b, "typeof")) return true;
    return (is_punct(b, "{") || is_punct(b, ",")) && is_punct(peek(s, 0), ":");
}

/* Whether an expression ending just before the token t starts at t's
 * position with `in` binding tighter than everything in between: t is
 * nothing, an opener, or an operator of lower precedence than `in`. */
static bool starts_in_operand(const js_token_t *t)
{
    static const char *const puncts[] = {"(", "[", "{", "}", ",", ";", "=", "=>", "?", ":",
                                         "&&", "||", "??", "==", "!=", "===", "!==",
                                         "&", "|", "^"};
    static const char *const keywords[] = {"return", "case", "throw", "else", "do", "yield"};
    if (!t || t->kind == JS_TOK_TEMPLATE_HEAD || t->kind == JS_TOK_TEMPLATE_MIDDLE) return true;
    if (is_compound_assignment(t)) return true;
    for (size_t i = 0; i < sizeof puncts / sizeof puncts[0]; i++)
        if (is_punct(t, puncts[i])) return true;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (is_keyword(t, keywords[i])) return true;
    return false;
}

/* `X in $state`: reads X when it is a lone literal, any key otherwise. */
static void state_in_test(scanner_t *s)
{
    const js_token_t *key = before(s, 1);
    if (key && is_literal_token(key) && starts_in_operand(before(s, 2)))
        suggest_literal(&s->out, NX_CAP_STATE_READ, key);
    else
        suggest_any(&s->out, NX_CAP_STATE_READ);
}

/* Object.keys($state) and friends only list and read. */
static bool is_key_listing_argument(scanner_t *s)
{
    static const char *const object_fns[] = {"keys", "values", "entries",
                                             "getOwnPropertyNames"};
    const js_token_t *fn = before(s, 1);
    if (!is_punct(before(s, 0), "(") || !is_punct(before(s, 2), ".") ||
        !is_punct(peek(s, 0), ")"))
        return false;
    if (is_ident(before(s, 3), "Reflect")) return is_ident(fn, "ownKeys");
    if (!is_ident(before(s, 3), "Object")) return false;
    for (size_t i = 0; i < sizeof object_fns / sizeof object_fns[0]; i++)
        if (is_ident(fn, object_fns[i])) return true;
    return false;
}

static void state_bare(scanner_t *s)
{
    if (is_harmless_bare_use(s)) return;
    if (is_keyword(before(s, 0), "in")) {
        state_in_test(s);
        return;
    }
    suggest_any(&s->out, NX_CAP_STATE_READ);
    if (!is_key_listing_argument(s)) suggest_any(&s->out, NX_CAP_STATE_WRITE);
}

/* Any other global used as a value; `k in $x` only asks if k exists. */
static void other_bare(scanner_t *s, nx_cap_kind_t kind)
{
    if (is_harmless_bare_use(s) || is_keyword(before(s, 0), "in")) return;
    suggest_any(&s->out, kind);
}

/* ---- $state -------------------------------------------------------------------- */

typedef enum state_method {
    METHOD_NONE, METHOD_GET, METHOD_SET, METHOD_DELETE, METHOD_HAS, METHOD_KEYS, METHOD_UPDATE
} state_method_t;

static const struct {
    const char *name;
    unsigned access;
} state_methods[] = {
    [METHOD_GET] = {"get", ACCESS_READ},
    [METHOD_SET] = {"set", ACCESS_WRITE},
    [METHOD_DELETE] = {"delete", ACCESS_WRITE},
    [METHOD_HAS] = {"has", ACCESS_READ},
    [METHOD_KEYS] = {"keys", ACCESS_READ},
    [METHOD_UPDATE] = {"update", ACCESS_READ | ACCESS_WRITE},
};

static state_method_t state_method_of(const literal_t *name)
{
    for (int m = METHOD_GET; m <= METHOD_UPDATE; m++)
        if (literal_is(name, state_methods[m].name)) return (state_method_t)m;
    return METHOD_NONE;
}

static void suggest_state_any(scanner_t *s, unsigned access)
{
    if (access & ACCESS_READ) suggest_any(&s->out, NX_CAP_STATE_READ);
    if (access & ACCESS_WRITE) suggest_any(&s->out, NX_CAP_STATE_WRITE);
}

static void suggest_state_key(scanner_t *s, const char *key, size_t len, unsigned access)
{
    if (access & ACCESS_READ) suggest_name(&s->out, NX_CAP_STATE_READ, key, len);
    if (access & ACCESS_WRITE) suggest_name(&s->out, NX_CAP_STATE_WRITE, key, len);
}

/* A key we cannot name, used as the member ending before index next. A
 * call may be any method, so it may read or write. */
static void state_unknown_key(scanner_t *s, size_t next, prefix_t prefix)
{
    if (call_paren(s, next) != NO_CALL) suggest_state_any(s, ACCESS_READ | ACCESS_WRITE);
    else suggest_state_any(s, access_at(s, next, prefix));
}

/* $state.method followed (or not) by a call at index next. */
static void state_method_use(scanner_t *s, state_method_t method, size_t next)
{
    unsigned access = state_methods[method].access;
    const js_token_t *key = NULL;
    if (method != METHOD_KEYS) key = first_literal_argument(s, call_paren(s, next));
    literal_t lit;
    if (!key || !literal_value(&s->out, key, &lit)) {
        suggest_state_any(s, access);
        return;
    }
    suggest_state_key(s, lit.text, lit.len, access);
    free(lit.owned);
}

static void state_named(scanner_t *s, const member_t *m, prefix_t prefix)
{
    literal_t name;
    if (!literal_value(&s->out, m->name, &name)) {
        state_unknown_key(s, m->next, prefix);
        return;
    }
    unsigned access = access_at(s, m->next, prefix);
    state_method_t method = state_method_of(&name);
    /* reading a method's name gets the method; writing it writes the key */
    if (method != METHOD_NONE && access == ACCESS_READ) state_method_use(s, method, m->next);
    else suggest_state_key(s, name.text, name.len, access);
    free(name.owned);
}

static void handle_state(scanner_t *s)
{
    prefix_t prefix = prefix_of_global(s);
    member_t m = read_member(s, 0);
    if (m.form == MEMBER_NAMED) {
        state_named(s, &m, prefix);
    } else if (m.form == MEMBER_COMPUTED) {
        frame_t f = {.kind = FRAME_STATE_INDEX, .prefix = prefix};
        expect_frame(s, peek(s, m.bracket), &f);
    } else {
        state_bare(s);
    }
}

/* ---- $emit, $view, $ext, $host --------------------------------------------- */

static void handle_emit(scanner_t *s)
{
    size_t paren = call_paren(s, 0);
    if (paren != NO_CALL) {
        suggest_literal(&s->out, NX_CAP_EVENTS_EMIT, first_literal_argument(s, paren));
        return;
    }
    member_t m = read_member(s, 0);
    if (m.form == MEMBER_NONE) {
        other_bare(s, NX_CAP_EVENTS_EMIT);
        return;
    }
    literal_t name;
    if (m.form == MEMBER_NAMED && literal_value(&s->out, m.name, &name)) {
        if (literal_is(&name, "toast")) suggest_name(&s->out, NX_CAP_EVENTS_EMIT, "toast", 5);
        else suggest_any(&s->out, NX_CAP_EVENTS_EMIT); /* call, apply, bind: name unknown */
        free(name.owned);
        return;
    }
    suggest_any(&s->out, NX_CAP_EVENTS_EMIT);
}

/* $view.command(...): decided when its ')' is reached. */
static void expect_view_command(scanner_t *s, size_t paren)
{
    frame_t f = {.kind = FRAME_VIEW_COMMAND};
    const js_token_t *first = first_literal_argument(s, paren);
    if (first) {
        f.has_first = true;
        f.first = *first;
    }
    expect_frame(s, peek(s, paren), &f);
}

static void view_method_use(scanner_t *s, const literal_t *name, size_t next)
{
    size_t paren = call_paren(s, next);
    if (literal_is(name, "command")) {
        if (paren == NO_CALL) suggest_any(&s->out, NX_CAP_VIEW_UPDATE);
        else expect_view_command(s, paren);
        return;
    }
    if (literal_is(name, "setFilter") || literal_is(name, "scrollTo") ||
        literal_is(name, "focus"))
        suggest_literal(&s->out, NX_CAP_VIEW_UPDATE, first_literal_argument(s, paren));
}

static void handle_view(scanner_t *s)
{
    member_t m = read_member(s, 0);
    literal_t name;
    if (m.form == MEMBER_NONE) {
        other_bare(s, NX_CAP_VIEW_UPDATE);
    } else if (m.form == MEMBER_NAMED && literal_value(&s->out, m.name, &name)) {
        view_method_use(s, &name, m.next);
        free(name.owned);
    } else {
        suggest_any(&s->out, NX_CAP_VIEW_UPDATE);
    }
}

/* $ext.NAME and $host['NAME']: the name is the capability. */
static void handle_namespace(scanner_t *s, nx_cap_kind_t kind)
{
    member_t m = read_member(s, 0);
    if (m.form == MEMBER_NONE) other_bare(s, kind);
    else if (m.form == MEMBER_NAMED) suggest_literal(&s->out, kind, m.name);
    else suggest_any(&s->out, kind);
}

/* ---- frames ------------------------------------------------------------------- */

static void resolve_view_command(scanner_t *s, const frame_t *f)
{
    size_t args = f->commas + (f->segment_nonempty ? 1 : 0);
    if (f->has_first && !f->spread && args >= 3) suggest_literal(&s->out, NX_CAP_VIEW_UPDATE, &f->first);
    else suggest_any(&s->out, NX_CAP_VIEW_UPDATE);
}

/* Called with the closing bracket consumed: index 0 is what follows it. */
static void resolve_frame(scanner_t *s, const frame_t *f)
{
    if (f->kind == FRAME_STATE_INDEX) state_unknown_key(s, 0, f->prefix);
    else resolve_view_command(s, f);
}

/* ---- the scan --------------------------------------------------------------------- */

typedef enum global {
    GLOBAL_NONE, GLOBAL_STATE, GLOBAL_EMIT, GLOBAL_VIEW, GLOBAL_EXT, GLOBAL_HOST
} global_t;

static global_t global_named(const char *text, size_t len)
{
    static const struct {
        const char *name;
        global_t global;
    } globals[] = {{"$state", GLOBAL_STATE}, {"$emit", GLOBAL_EMIT}, {"$view", GLOBAL_VIEW},
                   {"$ext", GLOBAL_EXT}, {"$host", GLOBAL_HOST}};
    for (size_t i = 0; i < sizeof globals / sizeof globals[0]; i++)
        if (strlen(globals[i].name) == len && memcmp(globals[i].name, text, len) == 0)
            return globals[i].global;
    return GLOBAL_NONE;
}

/* Which global the just-consumed token t is, if any (not as a property). */
static global_t global_of(scanner_t *s, const js_token_t *t)
{
    if (t->kind != JS_TOK_IDENT || t->len == 0 || (t->start[0] != '$' && !t->has_escapes))
        return GLOBAL_NONE;
    const js_token_t *b = before(s, 0);
    if (is_punct(b, ".") || is_punct(b, "?.")) return GLOBAL_NONE;
    literal_t name;
    if (!literal_value(&s->out, t, &name)) return GLOBAL_NONE;
    global_t g = global_named(name.text, name.len);
    free(name.owned);
    return g;
}

static void handle_global(scanner_t *s, global_t g)
{
    switch (g) {
    case GLOBAL_STATE: handle_state(s); break;
    case GLOBAL_EMIT: handle_emit(s); break;
    case GLOBAL_VIEW: handle_view(s); break;
    case GLOBAL_EXT: handle_namespace(s, NX_CAP_EXT); break;
    case GLOBAL_HOST: handle_namespace(s, NX_CAP_HOST); break;
    case GLOBAL_NONE: break;
    }
}

static void scan(scanner_t *s)
{
    for (;;) {
        js_token_t t;
        take_token(s, &t);
        if (t.kind == JS_TOK_EOF) break;
        handle_global(s, global_of(s, &t));
    }
    /* brackets still open at the end are decided with what we have */
    while (s->frame_count > 0) {
        frame_t f = s->frames[--s->frame_count];
        resolve_frame(s, &f);
    }
}

static void scanner_init(scanner_t *s, const char *source, size_t len)
{
    memset(s, 0, sizeof *s);
    js_lexer_init(&s->lexer, source, len, 0);
    s->eof.kind = JS_TOK_EOF;
    s->eof.start = s->eof.value = s->lexer.src + s->lexer.len;
    s->eof.terminated = true;
}

static void scanner_dispose(scanner_t *s)
{
    js_lexer_dispose(&s->lexer);
    free(s->frames);
}

/* ---- public API --------------------------------------------------------------------- */

nx_code_t nx_infer_capabilities(const char *source, size_t len, char ***tokens, size_t *count)
{
    if (tokens) *tokens = NULL;
    if (count) *count = 0;
    if (!tokens || !count || (!source && len > 0)) return NX_E_INVALID_ARGUMENT;

    scanner_t *s = malloc(sizeof *s);
    if (!s) return NX_E_INTERNAL_ERROR;
    scanner_init(s, source, len);
    scan(s);
    bool ok = !s->out.failed && !js_lexer_failed(&s->lexer) && finish_suggestions(&s->out);
    suggestions_t out = s->out;
    scanner_dispose(s);
    free(s);
    if (!ok) {
        nx_strings_free(out.items, out.count);
        return NX_E_INTERNAL_ERROR;
    }
    if (out.count == 0) {
        free(out.items);
        return NX_OK;
    }
    *tokens = out.items;
    *count = out.count;
    return NX_OK;
}

void nx_strings_free(char **strings, size_t count)
{
    if (!strings) return;
    for (size_t i = 0; i < count; i++) free(strings[i]);
    free(strings);
}
