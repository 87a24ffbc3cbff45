/* test_infer.c - unit tests for src/infer.c (nx_infer_capabilities,
 * nx_strings_free) and src/js_lexer.c. Table-driven: a row is a handler
 * source and the tokens it must suggest, space-separated in strcmp order;
 * add a row, not a function. Also: argument checks, long names, NUL bytes,
 * 1 MB and deeply nested sources, and the lexer on its own. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "infer/js_lexer.h"
#include "nexus.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ------------------------------------------------------------------ */

/* Runs the inference and joins the tokens with spaces. Owner: caller. */
static char *infer_joined(const char *src, size_t len)
{
    char **tokens = (char **)(uintptr_t)0x1;
    size_t count = 12345;
    assert_int_equal(nx_infer_capabilities(src, len, &tokens, &count), NX_OK);
    if (count == 0) assert_null(tokens);
    size_t total = 1;
    for (size_t i = 0; i < count; i++) total += strlen(tokens[i]) + 1;
    char *joined = calloc(1, total);
    assert_non_null(joined);
    for (size_t i = 0; i < count; i++) {
        if (i) strcat(joined, " ");
        strcat(joined, tokens[i]);
        if (i) assert_true(strcmp(tokens[i - 1], tokens[i]) < 0); /* sorted, unique */
    }
    nx_strings_free(tokens, count);
    return joined;
}

/* ---- 1. the table ------------------------------------------------------------ */

typedef struct infer_case {
    const char *source;
    const char *expected; /* space-separated, strcmp order; "" for none */
} infer_case_t;

static const infer_case_t infer_cases[] = {
    /* $state reads */
    {"return $state.count;", "state:read:count"},
    {"$state['count']", "state:read:count"},
    {"$state[\"count\"]", "state:read:count"},
    {"$state[`count`]", "state:read:count"},
    {"$state.get('count')", "state:read:count"},
    {"$state.get(\"count\", 0)", "state:read:count"},
    {"$state.has('flag')", "state:read:flag"},
    {"$state.keys()", "state:read:*"},
    {"Object.keys($state)", "state:read:*"},
    {"Object.entries($state)", "state:read:*"},
    {"Reflect.ownKeys($state)", "state:read:*"},
    {"for (const k in $state) {}", "state:read:*"},
    {"'k' in $state", "state:read:k"},
    {"if ('k' in $state) go()", "state:read:k"},
    {"x == 'k' in $state", "state:read:k"},
    {"a + 'k' in $state", "state:read:*"},
    {"!'k' in $state", "state:read:*"},
    {"'k' in $state.sub", "state:read:sub"},
    {"$state.count == 1", "state:read:count"},
    {"$state.a.b = 1", "state:read:a"},                 /* mutates a copy */
    {"$state['a']['b'] = 1", "state:read:a"},
    {"$state.k.length", "state:read:k"},
    {"$state.count\n++other", "state:read:count"},      /* ASI: prefix of other */
    /* $state writes */
    {"$state.set('count', 1)", "state:write:count"},
    {"$state.count = 1", "state:write:count"},
    {"$state['count'] = 1", "state:write:count"},
    {"delete $state.count", "state:write:count"},
    {"delete $state['count']", "state:write:count"},
    {"$state.delete('count')", "state:write:count"},
    {"$state.get = 1", "state:write:get"},              /* assigning a method name */
    {"delete $state.get", "state:write:get"},
    {"$state.keys = []", "state:write:keys"},
    {"delete $state.a.b", "state:read:a"},
    /* read and write */
    {"$state.count += 1", "state:read:count state:write:count"},
    {"$state.count **= 2", "state:read:count state:write:count"},
    {"$state.count >>>= 1", "state:read:count state:write:count"},
    {"$state.n ?\?= 0", "state:read:n state:write:n"},
    {"$state.count++", "state:read:count state:write:count"},
    {"$state.count--", "state:read:count state:write:count"},
    {"++$state.count", "state:read:count state:write:count"},
    {"--$state['count']", "state:read:count state:write:count"},
    {"$state.update('count', n => n + 1)", "state:read:count state:write:count"},
    {"$state.a = $state.b + 1", "state:read:b state:write:a"},
    {"if (x) $state.a = 1; else $state.b -= 2",
     "state:read:b state:write:a state:write:b"},
    /* dynamic $state */
    {"$state[key]", "state:read:*"},
    {"$state[key] = 1", "state:write:*"},
    {"$state[key] += 1", "state:read:* state:write:*"},
    {"$state[key]++", "state:read:* state:write:*"},
    {"delete $state[key]", "state:write:*"},
    {"$state[a[0]].x = 1", "state:read:*"},
    {"$state[m](k)", "state:read:* state:write:*"},
    {"$state.get(name)", "state:read:*"},
    {"$state.get('a' + b)", "state:read:*"},
    {"$state.get(('a'))", "state:read:*"},
    {"$state.get()", "state:read:*"},
    {"$state.get(`a${b}`)", "state:read:*"},
    {"$state[`a${b}`]", "state:read:*"},
    {"$state.set(name, 1)", "state:write:*"},
    {"$state.delete(k)", "state:write:*"},
    {"$state.update(k, f)", "state:read:* state:write:*"},
    {"$state[$state.idx]", "state:read:* state:read:idx"},
    {"$state[k] = $state[j]", "state:read:* state:write:*"},
    {"[1, 2].map($state.get)", "state:read:*"},
    {"$state.set.call(null, 'a', 1)", "state:write:*"},
    {"g($state.update)", "state:read:* state:write:*"},
    /* $state as a value */
    {"f($state)", "state:read:* state:write:*"},
    {"const s = $state; s.x = 1", "state:read:* state:write:*"},
    {"const o = { ...$state }", "state:read:* state:write:*"},
    {"return a ? $state : b", "state:read:* state:write:*"},
    {"Object.assign({}, $state)", "state:read:* state:write:*"},
    {"$state", "state:read:* state:write:*"},
    {"typeof $state", ""},
    {"({ $state: 1 })", ""},
    {"({ a: 1, $emit: 2, $ext: 3 })", ""},
    /* not the global */
    {"x.$state.y", ""},
    {"x?.$state.y = 1", ""},
    {"my$state.x = 1", ""},
    {"$stateful.x", ""},
    {"obj.$emit('a')", ""},
    /* optional chaining */
    {"$state?.k", "state:read:k"},
    {"$state?.['k']", "state:read:k"},
    {"$state.get?.('k')", "state:read:k"},
    {"$state['get']?.('k')", "state:read:k"},
    {"$state?.['set']?.('k', 1)", "state:write:k"},
    {"$state.k?.x", "state:read:k"},
    {"a?.5:$state.b", "state:read:b"},                 /* a conditional */
    /* $emit */
    {"$emit('saved', { id: 1 })", "events:emit:saved"},
    {"$emit(\"saved\")", "events:emit:saved"},
    {"$emit(`done`)", "events:emit:done"},
    {"$emit?.('x')", "events:emit:x"},
    {"$emit(name, x)", "events:emit:*"},
    {"$emit('a' + b)", "events:emit:*"},
    {"$emit()", "events:emit:*"},
    {"$emit.toast('hi')", "events:emit:toast"},
    {"$emit['toast']('hi')", "events:emit:toast"},
    {"$emit?.toast('hi')", "events:emit:toast"},
    {"const t = $emit.toast", "events:emit:toast"},
    {"$emit.call(null, 'x')", "events:emit:*"},
    {"$emit[k]('x')", "events:emit:*"},
    {"handlers.push($emit)", "events:emit:*"},
    {"$emit`x`", "events:emit:*"},
    {"typeof $emit === 'function'", ""},
    {"'toast' in $emit", ""},
    /* $view */
    {"$view.setFilter('list', { q: 1 })", "view:update:list"},
    {"$view.scrollTo('list', 0)", "view:update:list"},
    {"$view.focus('search')", "view:update:search"},
    {"$view['focus']('a')", "view:update:a"},
    {"$view.setFilter?.('list', f)", "view:update:list"},
    {"$view.focus(id)", "view:update:*"},
    {"$view.focus", "view:update:*"},
    {"$view.command('grid', 'reload', {})", "view:update:grid"},
    {"$view.command('grid', 'reload', {}, extra)", "view:update:grid"},
    {"$view.command('grid', 'reload', {},)", "view:update:grid"},
    {"$view.command('reload', {})", "view:update:*"},
    {"$view.command('reload', {},)", "view:update:*"},
    {"$view.command('reload')", "view:update:*"},
    {"$view.command()", "view:update:*"},
    {"$view.command(id, 'reload', {})", "view:update:*"},
    {"$view.command('grid', f(a, b))", "view:update:*"},
    {"$view.command('grid', [a, b])", "view:update:*"},
    {"$view.command('grid', 'x', ...rest)", "view:update:*"},
    {"$view.command('grid', 'x', { n: $state.n })", "state:read:n view:update:grid"},
    {"$view.command('grid', `t${a, b}`)", "view:update:*"},
    {"$view.command('a', 'b', $view.command('c', 'd'))", "view:update:* view:update:a"},
    {"$view.unknown('a')", ""},
    {"const v = $view", "view:update:*"},
    /* $ext */
    {"await $ext.http.get(url)", "ext:http"},
    {"$ext['http'].get(u)", "ext:http"},
    {"$ext.http?.get()", "ext:http"},
    {"$ext?.http.get()", "ext:http"},
    {"$ext[name].get()", "ext:*"},
    {"use($ext)", "ext:*"},
    {"'http' in $ext", ""},
    {"$ext.http; $ext.http; $ext.mail", "ext:http ext:mail"},
    /* $host */
    {"$host['acme:billing/quota'].check(x)", "host:acme:billing/quota"},
    {"$host[\"acme:billing/quota\"].check(x)", "host:acme:billing/quota"},
    {"$host.simple.fn()", "host:simple"},
    {"$host[x].check()", "host:*"},
    {"$host['acme:' + p].check()", "host:*"},
    {"inspect($host)", "host:*"},
    /* strings and comments */
    {"const s = \"$emit('x')\"; $emit('real')", "events:emit:real"},
    {"'$state.x = 1'", ""},
    {"\"$ext.http\" + '$host[x]'", ""},
    {"// $emit('a')\n", ""},
    {"/* $ext.http */", ""},
    {"/* $ext.http\n $state.a */ $state.b", "state:read:b"},
    {"$state.k = 1; // $state.z = 2", "state:write:k"},
    {"$state /*x*/ . k", "state:read:k"},
    {"$state\n  .k", "state:read:k"},
    {"$state // c\n .k = 1", "state:write:k"},
    {"$state /* a */ [ /* b */ 'k' /* c */ ] /* d */ = 1", "state:write:k"},
    {"const o = { a: '}' }; $state.k", "state:read:k"},
    {"#!/usr/bin/env node\n$state.k", "state:read:k"},
    /* regular expressions and division */
    {"/\\/$state.a/.test(x)", ""},
    {"x = /'/; $state.k = 1", "state:write:k"},
    {"x = /[/]$emit('a')/g; $emit('b')", "events:emit:b"},
    {"x = /\\[$emit('a')/; $emit('b')", "events:emit:b"},
    {"return /$state.a/", ""},
    {"if (typeof /$state/ === 'x') {}", ""},
    {"a / $state.b / c", "state:read:b"},
    {"(a) / $state.b / 2", "state:read:b"},
    {"x[0] / $state.b / 2", "state:read:b"},
    {"1 / $state.b / 2", "state:read:b"},
    {"'s' / $state.b / 2", "state:read:b"},
    {"x.return / $state.a / 2", "state:read:a"},       /* property, not keyword */
    {"this / $state.a / 2", "state:read:a"},
    {"a /= $state.b / 2", "state:read:b"},
    {"x = y\n/$state.a/g.exec(z)", "state:read:a"},     /* division after y */
    {"}\n/$state.a/.test(z)", ""},                       /* regex after } */
    /* template literals */
    {"`${$state.a}`", "state:read:a"},
    {"`text $state.b ${1} $emit('x')`", ""},
    {"`a${`b${$emit('n')}`}c`", "events:emit:n"},
    {"`${ {a: 1}.a }${$state.z}`", "state:read:z"},
    {"`${ `${ `${$state.deep}` }` }` + $state.after", "state:read:after state:read:deep"},
    {"tag`${$state.t}`", "state:read:t"},
    {"`\\${$state.escaped}`", ""},
    {"switch (x) { case 'a': $emit('a') }", "events:emit:a"},
    /* names: escapes and what a token can hold */
    {"$state['caf\\u00e9']", "state:read:caf\xc3\xa9"},
    {"$state['caf\\xe9']", "state:read:caf\xc3\xa9"},
    {"$state[\"caf\xc3\xa9\"]", "state:read:caf\xc3\xa9"},
    {"$state['\\u{1F600}']", "state:read:\xf0\x9f\x98\x80"},
    {"$state['\\uD83D\\uDE00']", "state:read:\xf0\x9f\x98\x80"},
    {"$state['\\uD83D']", "state:read:*"},              /* lone surrogate */
    {"$state['\\u{110000}']", "state:read:*"},
    {"$state['\\q']", "state:read:q"},
    {"$state['a\\\nb']", "state:read:ab"},            /* line continuation */
    {"$state['\\1']", "state:read:*"},                  /* legacy octal */
    {"$state['\\x4']", "state:read:*"},                 /* malformed */
    {"$state['has space']", "state:read:*"},
    {"$state['a\\nb']", "state:read:*"},
    {"$state['a\\tb'] = 1", "state:write:*"},
    {"$state['nb\\u00a0sp']", "state:read:*"},
    {"$state['']", "state:read:*"},
    {"$state['a*b']", "state:read:*"},
    {"$state['*']", "state:read:*"},
    {"$state['\xff']", "state:read:*"},                 /* invalid UTF-8 */
    {"$state['user:name/0']", "state:read:user:name/0"},
    {"$state.k\\u0061", "state:read:ka"},
    {"\\u0024state.x = 1", "state:write:x"},
    {"$state.caf\xc3\xa9", "state:read:caf\xc3\xa9"},
    {"$emit('has space')", "events:emit:*"},
    {"$view.focus('')", "view:update:*"},
    {"$ext['a b'].x()", "ext:*"},
    /* sorting and uniqueness */
    {"$state.b; $state.a; $state.b; $emit('z'); $ext.http; $host['h:p/n']; $view.focus('v')",
     "events:emit:z ext:http host:h:p/n state:read:a state:read:b view:update:v"},
    {"$state.a; $state[k]; $state.a", "state:read:* state:read:a"},
    {"$emit(x); $emit(y); $emit('a'); $emit('a')", "events:emit:* events:emit:a"},
    /* empty, junk, and constructs left open at the end */
    {"", ""},
    {"   \n\t ", ""},
    {"@#\\ \x01 \x7f", ""},
    {"$state.k; \"unterminated", "state:read:k"},
    {"$state.k; 'unterminated\n$state.j", "state:read:j state:read:k"},
    {"$state.k; /* open", "state:read:k"},
    {"$state.k; `open ${", "state:read:k"},
    {"$state.k; `open ${ $state.j", "state:read:j state:read:k"},
    {"$state.k; /open", "state:read:k"},
    {"$state.k; /[open", "state:read:k"},
    {"$state.k; x = '\\", "state:read:k"},
    {"$state.k; `\\", "state:read:k"},
    {"$state.", "state:read:* state:write:*"},
    {"$state[", "state:read:*"},
    {"$state['k'", "state:read:*"},
    {"$state.get(", "state:read:*"},
    {"$state.get('k'", "state:read:*"},
    {"$emit('a", "events:emit:*"},
    {"$view.command('a', 'b', ", "view:update:*"},
    {"$view.command('a', 'b', c", "view:update:a"},
    {")))]]]}}} $state.k", "state:read:k"},
    {"$state[k))) = 1", "state:read:*"},            /* the first closer ends it */
};

static void test_table(void **state)
{
    (void)state;
    size_t failures = 0;
    for (size_t i = 0; i < ARRAY_LEN(infer_cases); i++) {
        const infer_case_t *c = &infer_cases[i];
        char *got = infer_joined(c->source, strlen(c->source));
        if (strcmp(got, c->expected) != 0) {
            print_error("row %zu: %s\n  expected: [%s]\n  got:      [%s]\n", i, c->source,
                        c->expected, got);
            failures++;
        }
        free(got);
    }
    print_message("%zu rows, %zu failures\n", ARRAY_LEN(infer_cases), failures);
    assert_int_equal(failures, 0);
}

/* ---- 2. arguments and edges ------------------------------------------------------ */

static void test_invalid_arguments(void **state)
{
    (void)state;
    char **tokens = NULL;
    size_t count = 0;
    assert_int_equal(nx_infer_capabilities(NULL, 3, &tokens, &count), NX_E_INVALID_ARGUMENT);
    assert_int_equal(nx_infer_capabilities("$state.a", 8, NULL, &count), NX_E_INVALID_ARGUMENT);
    assert_int_equal(nx_infer_capabilities("$state.a", 8, &tokens, NULL), NX_E_INVALID_ARGUMENT);
    tokens = (char **)(uintptr_t)0x1;
    count = 7;
    assert_int_equal(nx_infer_capabilities(NULL, 0, &tokens, &count), NX_OK);
    assert_null(tokens);
    assert_int_equal(count, 0);
    nx_strings_free(NULL, 0);
    nx_strings_free(tokens, count);
}

/* The source is bounded by len, not by a NUL; NUL bytes are junk. */
static void test_length_and_nul_bytes(void **state)
{
    (void)state;
    char *got = infer_joined("$state.a; $state.b", 8);
    assert_string_equal(got, "state:read:a");
    free(got);
    static const char with_nul[] = "$state.a\0$emit('x')\0'\0";
    got = infer_joined(with_nul, sizeof with_nul - 1);
    assert_string_equal(got, "events:emit:x state:read:a");
    free(got);
    /* a NUL inside a key makes it a control character: wildcard */
    static const char nul_key[] = "$state['a\0b']";
    got = infer_joined(nul_key, sizeof nul_key - 1);
    assert_string_equal(got, "state:read:*");
    free(got);
}

/* A token holds at most 1024 bytes: "state:read:" leaves 1013 for the key. */
static void test_long_names(void **state)
{
    (void)state;
    enum { KEY_LEN = 1013 };
    char src[KEY_LEN + 32];
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = KEY_LEN + (size_t)extra;
        memcpy(src, "$state['", 8);
        memset(src + 8, 'k', n);
        memcpy(src + 8 + n, "']", 3);
        char *got = infer_joined(src, strlen(src));
        if (extra) {
            assert_string_equal(got, "state:read:*");
        } else {
            assert_int_equal(strlen(got), 1024);
            assert_memory_equal(got, "state:read:kkk", 14);
        }
        free(got);
    }
}

/* ---- 3. size and nesting ------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *repeat(const char *unit, size_t min_bytes, size_t *len)
{
    size_t ulen = strlen(unit), times = min_bytes / ulen + 1;
    char *buf = malloc(ulen * times + 1);
    assert_non_null(buf);
    for (size_t i = 0; i < times; i++) memcpy(buf + i * ulen, unit, ulen);
    buf[ulen * times] = '\0';
    *len = ulen * times;
    return buf;
}

/* 1 MB of mixed handler code with 1000 distinct keys: must finish quickly
 * (timed only for the log) and find every key. */
static void test_one_megabyte(void **state)
{
    (void)state;
    size_t cap = (1u << 20) + 4096, len = 0;
    char *src = malloc(cap);
    assert_non_null(src);
    for (unsigned i = 0; len < (1u << 20); i++) {
        len += (size_t)snprintf(src + len, cap - len,
                                "if (a / b > 2) { $state.k%u = $state.get('r%u') + 1; }\n"
                                "// $emit('comment%u')\nconst s%u = \"$state.no\" + `t${$emit('e%u')}` + /re[/]g/.source;\n",
                                i % 1000, i % 1000, i, i, i % 7);
    }
    double t0 = now_ms();
    char **tokens = NULL;
    size_t count = 0;
    assert_int_equal(nx_infer_capabilities(src, len, &tokens, &count), NX_OK);
    print_message("1 MB (%zu bytes): %zu tokens in %.1f ms\n", len, count, now_ms() - t0);
    assert_int_equal(count, 7 + 1000 + 1000);
    for (size_t i = 1; i < count; i++) assert_true(strcmp(tokens[i - 1], tokens[i]) < 0);
    assert_string_equal(tokens[0], "events:emit:e0");
    assert_string_equal(tokens[count - 1], "state:write:k999");
    nx_strings_free(tokens, count);
    free(src);
}

/* Pathological nesting grows the lexer's and scanner's stacks, linearly. */
static void test_deep_nesting(void **state)
{
    (void)state;
    static const struct {
        const char *unit;
        const char *expected;
    } cases[] = {
        {"$state[", "state:read:*"},
        {"`${", ""},
        {"`${$state.a", "state:read:a"},
        {"$view.command('a', 'b', ", "view:update:* view:update:a"}, /* innermost: 2 args */
        {"{[(", ""},
        {"'", ""},
        {"/", ""},
        {"$emit('a', ", "events:emit:a"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        size_t len;
        char *src = repeat(cases[i].unit, 1u << 20, &len);
        double t0 = now_ms();
        char *got = infer_joined(src, len);
        print_message("nested '%s' x %zu: %.1f ms\n", cases[i].unit, len / strlen(cases[i].unit),
                      now_ms() - t0);
        assert_string_equal(got, cases[i].expected);
        free(got);
        free(src);
    }
}

/* ---- 4. the lexer alone ----------------------------------------------------------------- */

typedef struct lex_expect {
    js_tok_kind_t kind;
    const char *text; /* the whole token */
} lex_expect_t;

typedef struct lex_case {
    const char *source;
    lex_expect_t tokens[16]; /* ends at the first JS_TOK_EOF */
} lex_case_t;

static const lex_case_t lex_cases[] = {
    {"a = /re[/]x/g.test(b) / 2;",
     {{JS_TOK_IDENT, "a"}, {JS_TOK_PUNCT, "="}, {JS_TOK_REGEX, "/re[/]x/g"}, {JS_TOK_PUNCT, "."},
      {JS_TOK_IDENT, "test"}, {JS_TOK_PUNCT, "("}, {JS_TOK_IDENT, "b"}, {JS_TOK_PUNCT, ")"},
      {JS_TOK_PUNCT, "/"}, {JS_TOK_NUMBER, "2"}, {JS_TOK_PUNCT, ";"}}},
    {"`a${ {b:1}.b }c${`d${e}`}f`",
     {{JS_TOK_TEMPLATE_HEAD, "`a${"}, {JS_TOK_PUNCT, "{"}, {JS_TOK_IDENT, "b"},
      {JS_TOK_PUNCT, ":"}, {JS_TOK_NUMBER, "1"}, {JS_TOK_PUNCT, "}"}, {JS_TOK_PUNCT, "."},
      {JS_TOK_IDENT, "b"}, {JS_TOK_TEMPLATE_MIDDLE, "}c${"}, {JS_TOK_TEMPLATE_HEAD, "`d${"},
      {JS_TOK_IDENT, "e"}, {JS_TOK_TEMPLATE_TAIL, "}`"}, {JS_TOK_TEMPLATE_TAIL, "}f`"}}},
    {"x.delete(y); delete x.y; a?.in",
     {{JS_TOK_IDENT, "x"}, {JS_TOK_PUNCT, "."}, {JS_TOK_IDENT, "delete"}, {JS_TOK_PUNCT, "("},
      {JS_TOK_IDENT, "y"}, {JS_TOK_PUNCT, ")"}, {JS_TOK_PUNCT, ";"}, {JS_TOK_KEYWORD, "delete"},
      {JS_TOK_IDENT, "x"}, {JS_TOK_PUNCT, "."}, {JS_TOK_IDENT, "y"}, {JS_TOK_PUNCT, ";"},
      {JS_TOK_IDENT, "a"}, {JS_TOK_PUNCT, "?."}, {JS_TOK_IDENT, "in"}}},
    {"1.5e+3 0x1F 10n .5 a?.5:b",
     {{JS_TOK_NUMBER, "1.5e+3"}, {JS_TOK_NUMBER, "0x1F"}, {JS_TOK_NUMBER, "10n"},
      {JS_TOK_NUMBER, ".5"}, {JS_TOK_IDENT, "a"}, {JS_TOK_PUNCT, "?"}, {JS_TOK_NUMBER, ".5"},
      {JS_TOK_PUNCT, ":"}, {JS_TOK_IDENT, "b"}}},
    {"a >>>= b ... c === d !== e ?? f",
     {{JS_TOK_IDENT, "a"}, {JS_TOK_PUNCT, ">>>="}, {JS_TOK_IDENT, "b"}, {JS_TOK_PUNCT, "..."},
      {JS_TOK_IDENT, "c"}, {JS_TOK_PUNCT, "==="}, {JS_TOK_IDENT, "d"}, {JS_TOK_PUNCT, "!=="},
      {JS_TOK_IDENT, "e"}, {JS_TOK_PUNCT, "??"}, {JS_TOK_IDENT, "f"}}},
    {"return /a/; typeof /b/; x = this / 2 / y",
     {{JS_TOK_KEYWORD, "return"}, {JS_TOK_REGEX, "/a/"}, {JS_TOK_PUNCT, ";"},
      {JS_TOK_KEYWORD, "typeof"}, {JS_TOK_REGEX, "/b/"}, {JS_TOK_PUNCT, ";"},
      {JS_TOK_IDENT, "x"}, {JS_TOK_PUNCT, "="}, {JS_TOK_KEYWORD, "this"}, {JS_TOK_PUNCT, "/"},
      {JS_TOK_NUMBER, "2"}, {JS_TOK_PUNCT, "/"}, {JS_TOK_IDENT, "y"}}},
    {"'abc\nx \"q\\\"\" #p caf\xc3\xa9 @",
     {{JS_TOK_STRING, "'abc"}, {JS_TOK_IDENT, "x"}, {JS_TOK_STRING, "\"q\\\"\""},
      {JS_TOK_IDENT, "#p"}, {JS_TOK_IDENT, "caf\xc3\xa9"}, {JS_TOK_PUNCT, "@"}}},
    {"a\xc2\xa0" "b\xe2\x80\xa8" "c // d\n/* e */ f",
     {{JS_TOK_IDENT, "a"}, {JS_TOK_IDENT, "b"}, {JS_TOK_IDENT, "c"}, {JS_TOK_IDENT, "f"}}},
    {"for (x of /y/g) {}",
     {{JS_TOK_KEYWORD, "for"}, {JS_TOK_PUNCT, "("}, {JS_TOK_IDENT, "x"}, {JS_TOK_IDENT, "of"},
      {JS_TOK_REGEX, "/y/g"}, {JS_TOK_PUNCT, ")"}, {JS_TOK_PUNCT, "{"}, {JS_TOK_PUNCT, "}"}}},
    {"\\u0061b \\ x",
     {{JS_TOK_IDENT, "\\u0061b"}, {JS_TOK_INVALID, "\\"}, {JS_TOK_IDENT, "x"}}},
};

static void expect_tokens(const lex_case_t *c)
{
    js_lexer_t lx;
    js_lexer_init(&lx, c->source, strlen(c->source), 0);
    size_t i = 0;
    for (;; i++) {
        js_token_t tok;
        bool more = js_lexer_next(&lx, &tok);
        assert_true(i < ARRAY_LEN(c->tokens));
        const lex_expect_t *want = &c->tokens[i];
        if (want->kind == JS_TOK_EOF) {
            assert_false(more);
            assert_int_equal(tok.kind, JS_TOK_EOF);
            break;
        }
        assert_true(more);
        if (tok.kind != want->kind || tok.len != strlen(want->text) ||
            memcmp(tok.start, want->text, tok.len) != 0)
            print_error("source %s, token %zu: got kind %d '%.*s', want kind %d '%s'\n",
                        c->source, i, (int)tok.kind, (int)tok.len, tok.start, (int)want->kind,
                        want->text);
        assert_int_equal(tok.kind, want->kind);
        assert_int_equal(tok.len, strlen(want->text));
        assert_memory_equal(tok.start, want->text, tok.len);
    }
    js_lexer_dispose(&lx);
}

static void test_lexer_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(lex_cases); i++) expect_tokens(&lex_cases[i]);
}

static void test_lexer_token_details(void **state)
{
    (void)state;
    static const char src[] = "'a\\x41' /* c\n */ b `t` \"open";
    js_lexer_t lx;
    js_token_t tok;
    js_lexer_init(&lx, src, sizeof src - 1, 0);

    assert_true(js_lexer_next(&lx, &tok));
    assert_int_equal(tok.kind, JS_TOK_STRING);
    assert_true(tok.has_escapes && tok.terminated && !tok.newline_before);
    assert_int_equal(tok.value_len, 5);
    assert_memory_equal(tok.value, "a\\x41", 5);

    assert_true(js_lexer_next(&lx, &tok)); /* a comment with a newline counts as one */
    assert_true(js_token_is(&tok, JS_TOK_IDENT, "b"));
    assert_true(tok.newline_before);

    assert_true(js_lexer_next(&lx, &tok));
    assert_int_equal(tok.kind, JS_TOK_TEMPLATE);
    assert_int_equal(tok.value_len, 1);
    assert_false(tok.newline_before);

    assert_true(js_lexer_next(&lx, &tok));
    assert_int_equal(tok.kind, JS_TOK_STRING);
    assert_false(tok.terminated);
    assert_int_equal(tok.value_len, 4);

    assert_false(js_lexer_next(&lx, &tok));
    assert_int_equal(tok.kind, JS_TOK_EOF);
    assert_false(js_lexer_next(&lx, &tok)); /* and stays there */
    assert_false(js_lexer_failed(&lx));
    js_lexer_dispose(&lx);
}

static void test_lexer_keeps_comments(void **state)
{
    (void)state;
    static const char src[] = "a // one\n/* two */ b /* open";
    js_lexer_t lx;
    js_token_t tok;
    js_lexer_init(&lx, src, sizeof src - 1, JS_LEX_KEEP_COMMENTS);
    assert_true(js_lexer_next(&lx, &tok) && js_token_is(&tok, JS_TOK_IDENT, "a"));
    assert_true(js_lexer_next(&lx, &tok) && tok.kind == JS_TOK_COMMENT);
    assert_int_equal(tok.value_len, 4);
    assert_memory_equal(tok.value, " one", 4);
    assert_true(js_lexer_next(&lx, &tok) && tok.kind == JS_TOK_COMMENT);
    assert_memory_equal(tok.value, " two ", 5);
    assert_int_equal(tok.value_len, 5);
    assert_true(js_lexer_next(&lx, &tok) && js_token_is(&tok, JS_TOK_IDENT, "b"));
    assert_true(tok.newline_before);
    assert_true(js_lexer_next(&lx, &tok) && tok.kind == JS_TOK_COMMENT);
    assert_false(tok.terminated);
    assert_memory_equal(tok.value, " open", 5);
    assert_false(js_lexer_next(&lx, &tok));
    js_lexer_dispose(&lx);
}

static void test_decode_escapes(void **state)
{
    (void)state;
    static const struct {
        const char *raw;
        const char *decoded; /* NULL: must be refused */
        size_t decoded_len;
    } cases[] = {
        {"plain", "plain", 5},
        {"a\\x41\\u0042\\u{43}\\n", "aABC\n", 5},
        {"\\t\\r\\b\\f\\v\\'\\\"\\\\", "\t\r\b\f\v'\"\\", 8},
        {"\\0", "\0", 1},
        {"x\\\r\ny", "xy", 2},
        {"\\uD83D\\uDE00", "\xf0\x9f\x98\x80", 4},
        {"\\u{10FFFF}", "\xf4\x8f\xbf\xbf", 4},
        {"\\u00e9\\u20ac", "\xc3\xa9\xe2\x82\xac", 5},
        {"\\z\\$", "z$", 2},
        {"\\uD83D", NULL, 0},
        {"\\uDE00x", NULL, 0},
        {"\\u{110000}", NULL, 0},
        {"\\u{}", NULL, 0},
        {"\\u{41", NULL, 0},
        {"\\u12", NULL, 0},
        {"\\x4", NULL, 0},
        {"\\01", NULL, 0},
        {"\\7", NULL, 0},
        {"end\\", NULL, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        size_t len = strlen(cases[i].raw);
        char out[64];
        size_t out_len = 999;
        bool ok = js_decode_escapes(cases[i].raw, len, out, &out_len);
        if (ok != (cases[i].decoded != NULL)) print_error("decode case %zu: %s\n", i, cases[i].raw);
        assert_int_equal(ok, cases[i].decoded != NULL);
        if (!ok) continue;
        assert_true(out_len <= len);
        assert_int_equal(out_len, cases[i].decoded_len);
        assert_memory_equal(out, cases[i].decoded, out_len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_length_and_nul_bytes),
        cmocka_unit_test(test_long_names),
        cmocka_unit_test(test_one_megabyte),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_lexer_table),
        cmocka_unit_test(test_lexer_token_details),
        cmocka_unit_test(test_lexer_keeps_comments),
        cmocka_unit_test(test_decode_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
