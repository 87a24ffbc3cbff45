/* test_hostile.c - owns the runner for the hostile-handler corpus in
 * tests/hostile/ and the hostile tests that need C: forged and stale
 * suspension ids, ids of other executions and other runtimes, ids used from
 * inside an extension callback, state a handler wrote fed back as the next
 * snapshot, and oversized values handed to the guest by the host.
 *
 * Every .js file in tests/hostile/ is one handler (the body of an async
 * function) whose leading // comment lines state what must happen.
 * Directives (one per line, "// key: value"; an unknown key is an error;
 * other comment lines are description):
 *
 *   expect: success | suspended | CODE [within=MS] [LIMIT=N ...] [caps=T,T]
 *           CODE is an nx_code_name ("TIMEOUT", "RESOURCE_LIMIT", ...); a
 *           suspended execution is cancelled after the checks.
 *           within: wall-time bound for the whole case (default: the
 *           effective timeout + 1500 ms). LIMIT: timeout (ms), memory (MiB)
 *           or any nx_limits_t field name (max_logs, max_log_bytes, ...).
 *   limits: LIMIT=N ...           the same limits on a line of their own
 *   caps: TOKEN TOKEN ...          capabilities (space or comma separated)
 *   state: / args: / scope: JSON   the context's inputs
 *   call: CODE                     nx_execute's own return code (default OK:
 *                                  the handler ran)
 *   value: JSON                    the return value (compact JSON, exact
 *                                  structure; "undefined" for none)
 *   value_hex: HEX                 the return value's exact MessagePack
 *   mutation_hex: / payload_hex:   the first mutation's value / the first
 *                                  event's payload, exact MessagePack
 *   ext_args: JSON, ext_args_hex:  the arguments the last $ext.echo call
 *                                  delivered to the host
 *   result: JSON                   a subset of nx_result_to_json: objects
 *                                  match key by key, arrays element-wise
 *                                  with equal length
 *   message: TEXT                  a substring of the error message
 *   log_count: N                   the number of logs in the result
 *   resume: JSON                   answer every deferred call with this value
 *                                  until the execution settles
 *   rss: MIB                       peak RSS while the case runs may exceed
 *                                  the RSS before it by at most MIB; once the
 *                                  result is freed (and the heap trimmed), at
 *                                  most RETAINED_MB (4, 8 under ASan) may stay
 *   bug: TEXT                      a known library bug: the case's checks are
 *                                  expected to fail (reported, not failed);
 *                                  when they pass the case fails, so the
 *                                  marker is removed once the bug is fixed
 *
 * Whatever a case expects, every result must also: serialise to JSON and
 * MessagePack; carry no mutations, events or view commands when it failed;
 * never report the same mutation key twice; never be INTERNAL_ERROR unless
 * expected. After every case a fixed probe runs on the same runtime: its
 * return value (a fingerprint of every reachable intrinsic, the global
 * object and the behaviour of common built-ins), its effects and its memory
 * must equal those of the probe run on the fresh runtime, and the runtime
 * must have no busy or suspended instance left.
 *
 * The runtime registers: extension "db" (get, put: always deferred), "echo"
 * (args: answers at once with its argument array, which the runner keeps),
 * "fail" (call: answers with an error) and host interface "acme:test/echo"
 * (echo: returns its argument). */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <malloc.h>
#include <msgpack.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#ifndef HOSTILE_DIR
#define HOSTILE_DIR NULL /* derived from __FILE__ at run time */
#endif

#define MAX_CASES 512
#define MAX_RESUMES 1000
/* what a case may leave resident once its result is freed and the heap is
 * trimmed (under ASan the shadow of freed heap regions stays mapped: about
 * 1/8 of the peak, so a little more) */
#if defined(__SANITIZE_ADDRESS__)
#define RETAINED_MB 8
#else
#define RETAINED_MB 4
#endif

/* ---- small utilities --------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double rss_mb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (double)resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

/* Peak RSS since the last reset_peak (VmHWM), in MiB. */
static double peak_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtod(line + 6, NULL);
    if (f)
        fclose(f);
    return kb / 1024.0;
}

static void reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

#if defined(__SANITIZE_ADDRESS__)
void __sanitizer_purge_allocator(void);
#endif

/* Gives freed heap memory back to the system, so RSS measures what is still
 * in use (under ASan: its quarantine and caches too). */
static void trim_heap(void)
{
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_purge_allocator();
#else
    malloc_trim(0);
#endif
}

static char *hex_of(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        sprintf(s + 2 * i, "%02x", p[i]);
    s[2 * n] = '\0';
    return s;
}

/* ---- failures collected per case ------------------------------------------------------ */

typedef struct problems {
    char text[8192];
    size_t len;
    int count;
} problems_t;

static void problem(problems_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(problems_t *p, const char *fmt, ...)
{
    p->count++;
    if (p->len + 4 >= sizeof p->text)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(p->text + p->len, sizeof p->text - p->len - 2, fmt, ap);
    va_end(ap);
    if (n > 0)
        p->len += (size_t)n < sizeof p->text - p->len - 2 ? (size_t)n : sizeof p->text - p->len - 2;
    p->text[p->len++] = '\n';
    p->text[p->len] = '\0';
}

/* ---- JSON comparison ---------------------------------------------------------------------- */

/* expected is a subset of actual: objects key by key, arrays element-wise
 * with equal lengths, numbers by value, other scalars exactly. */
static bool json_subset(json_t *expected, json_t *actual)
{
    if (!expected || !actual)
        return expected == actual;
    if (json_is_object(expected)) {
        if (!json_is_object(actual))
            return false;
        const char *key;
        json_t *v;
        json_object_foreach(expected, key, v) {
            if (!json_subset(v, json_object_get(actual, key)))
                return false;
        }
        return true;
    }
    if (json_is_array(expected)) {
        if (!json_is_array(actual) || json_array_size(expected) != json_array_size(actual))
            return false;
        for (size_t i = 0; i < json_array_size(expected); i++)
            if (!json_subset(json_array_get(expected, i), json_array_get(actual, i)))
                return false;
        return true;
    }
    if (json_is_number(expected) && json_is_number(actual))
        return json_number_value(expected) == json_number_value(actual);
    return json_equal(expected, actual);
}

static json_t *parse_json(const char *text)
{
    json_error_t err;
    return json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
}

/* ---- the corpus: parsing headers ----------------------------------------------------------- */

typedef struct hcase {
    char *path, *name, *source;
    size_t source_len;
    char *desc;
    bool expect_success, expect_suspended;
    nx_code_t expect_code;      /* when an error is expected */
    nx_code_t expect_call;      /* nx_execute's return code */
    double within_ms;           /* 0: derived from the timeout */
    char *value, *value_hex, *mutation_hex, *payload_hex, *ext_args, *ext_args_hex;
    char *result, *message, *resume, *bug;
    char *state, *args, *scope;
    char *caps[MAX_CAPS];
    int ncaps;
    nx_limits_t limits;
    long log_count;             /* -1: not checked */
    double rss_limit_mb;        /* 0: not checked */
    char parse_error[256];
} hcase_t;

static hcase_t g_cases[MAX_CASES];
static size_t g_case_count;

static char *dup_trim(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return strndup(s, n);
}

static bool set_limit(nx_limits_t *l, const char *key, const char *val)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(val, &end, 10);
    if (errno || end == val || (*end && strcmp(end, "ms") != 0) || v > UINT32_MAX)
        return false;
    /* the two short names, then every limit by its field name */
    if (strcmp(key, "timeout") == 0)
        key = "timeout_ms";
    else if (strcmp(key, "memory") == 0)
        key = "memory_mb";
    return nx_limits_set(l, key, (uint32_t)v) == NX_OK;
}

static bool add_caps(hcase_t *c, const char *list)
{
    char *copy = strdup(list), *save = NULL;
    for (char *tok = strtok_r(copy, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
        if (c->ncaps >= MAX_CAPS - 1) {
            free(copy);
            return false;
        }
        c->caps[c->ncaps++] = strdup(tok);
    }
    free(copy);
    return true;
}

/* "KEY=VALUE" tokens shared by expect: and limits: lines. */
static bool parse_options(hcase_t *c, char *rest)
{
    char *save = NULL;
    for (char *tok = strtok_r(rest, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        if (strcmp(tok, "within") == 0) { /* "within 1500ms" */
            char *next = strtok_r(NULL, " ", &save);
            if (!next)
                return false;
            c->within_ms = strtod(next, NULL);
            continue;
        }
        if (!eq)
            return false;
        *eq = '\0';
        if (strcmp(tok, "within") == 0)
            c->within_ms = strtod(eq + 1, NULL);
        else if (strcmp(tok, "caps") == 0) {
            if (!add_caps(c, eq + 1))
                return false;
        } else if (!set_limit(&c->limits, tok, eq + 1))
            return false;
    }
    return true;
}

static bool parse_expect(hcase_t *c, const char *value)
{
    char *copy = strdup(value), *save = NULL;
    char *what = strtok_r(copy, " ", &save);
    bool ok = what != NULL;
    if (ok && strcmp(what, "success") == 0) {
        c->expect_success = true;
    } else if (ok && strcmp(what, "suspended") == 0) {
        c->expect_suspended = true;
    } else if (ok) {
        c->expect_code = nx_code_from_name(what);
        ok = strcmp(nx_code_name(c->expect_code), what) == 0 && c->expect_code != NX_OK;
    }
    char *rest = ok ? strtok_r(NULL, "", &save) : NULL;
    if (ok && rest)
        ok = parse_options(c, rest);
    free(copy);
    return ok;
}

static void set_text(char **slot, const char *v) { free(*slot); *slot = dup_trim(v); }

static void parse_header(hcase_t *c)
{
    const char *p = c->source;
    bool have_expect = false;
    size_t desc_len = 0;
    c->desc = calloc(1, 1);
    c->log_count = -1;
    while (strncmp(p, "//", 2) == 0) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char *line = strndup(p + 2, n - 2);
        char *body = line;
        while (*body == ' ')
            body++;
        size_t klen = 0;
        while (islower((unsigned char)body[klen]) || body[klen] == '_')
            klen++;
        if (klen && body[klen] == ':') {
            body[klen] = '\0';
            const char *key = body, *val = body + klen + 1;
            while (*val == ' ')
                val++;
            if (strcmp(key, "expect") == 0) {
                have_expect = parse_expect(c, val);
                if (!have_expect)
                    snprintf(c->parse_error, sizeof c->parse_error, "bad expect: line \"%s\"", val);
            } else if (strcmp(key, "limits") == 0) {
                char *copy = strdup(val);
                if (!parse_options(c, copy))
                    snprintf(c->parse_error, sizeof c->parse_error, "bad limits: line \"%s\"", val);
                free(copy);
            } else if (strcmp(key, "caps") == 0) {
                if (!add_caps(c, val))
                    snprintf(c->parse_error, sizeof c->parse_error, "too many caps");
            } else if (strcmp(key, "call") == 0) {
                c->expect_call = nx_code_from_name(val);
                if (strcmp(nx_code_name(c->expect_call), val) != 0)
                    snprintf(c->parse_error, sizeof c->parse_error, "bad call: code \"%s\"", val);
            } else if (strcmp(key, "value") == 0) set_text(&c->value, val);
            else if (strcmp(key, "value_hex") == 0) set_text(&c->value_hex, val);
            else if (strcmp(key, "mutation_hex") == 0) set_text(&c->mutation_hex, val);
            else if (strcmp(key, "payload_hex") == 0) set_text(&c->payload_hex, val);
            else if (strcmp(key, "ext_args") == 0) set_text(&c->ext_args, val);
            else if (strcmp(key, "ext_args_hex") == 0) set_text(&c->ext_args_hex, val);
            else if (strcmp(key, "result") == 0) set_text(&c->result, val);
            else if (strcmp(key, "message") == 0) set_text(&c->message, val);
            else if (strcmp(key, "resume") == 0) set_text(&c->resume, val);
            else if (strcmp(key, "bug") == 0) set_text(&c->bug, val);
            else if (strcmp(key, "state") == 0) set_text(&c->state, val);
            else if (strcmp(key, "args") == 0) set_text(&c->args, val);
            else if (strcmp(key, "scope") == 0) set_text(&c->scope, val);
            else if (strcmp(key, "log_count") == 0) c->log_count = strtol(val, NULL, 10);
            else if (strcmp(key, "rss") == 0) c->rss_limit_mb = strtod(val, NULL);
            else
                snprintf(c->parse_error, sizeof c->parse_error, "unknown directive \"%s:\"", key);
        } else {
            size_t l = strlen(body);
            char *grown = realloc(c->desc, desc_len + l + 2);
            if (grown) {
                c->desc = grown;
                memcpy(c->desc + desc_len, body, l);
                desc_len += l;
                c->desc[desc_len++] = ' ';
                c->desc[desc_len] = '\0';
            }
        }
        free(line);
        if (!eol)
            break;
        p = eol + 1;
    }
    if (!have_expect && !c->parse_error[0])
        snprintf(c->parse_error, sizeof c->parse_error, "no expect: line in the header");
}

static const char *hostile_dir(void)
{
    static char dir[4096];
    const char *d = HOSTILE_DIR;
    if (d)
        return d;
    /* tests/test_hostile.c -> tests/hostile (relative to where the compiler
     * ran, which is where make runs the tests from) */
    const char *file = __FILE__, *slash = strrchr(file, '/');
    if (slash)
        snprintf(dir, sizeof dir, "%.*s/hostile", (int)(slash - file), file);
    else
        snprintf(dir, sizeof dir, "hostile");
    return dir;
}

static void load_corpus(void)
{
    char pattern[4200];
    snprintf(pattern, sizeof pattern, "%s/*.js", hostile_dir());
    glob_t g;
    memset(&g, 0, sizeof g);
    if (glob(pattern, 0, NULL, &g) != 0) {
        globfree(&g);
        return;
    }
    for (size_t i = 0; i < g.gl_pathc && g_case_count < MAX_CASES; i++) {
        hcase_t *c = &g_cases[g_case_count++];
        c->path = strdup(g.gl_pathv[i]);
        const char *slash = strrchr(c->path, '/');
        c->name = strdup(slash ? slash + 1 : c->path);
        c->source = read_whole_file(c->path, &c->source_len);
        if (!c->source) {
            snprintf(c->parse_error, sizeof c->parse_error, "cannot read %s", c->path);
            continue;
        }
        parse_header(c);
    }
    globfree(&g);
}

static void free_corpus(void)
{
    for (size_t i = 0; i < g_case_count; i++) {
        hcase_t *c = &g_cases[i];
        char **strings[] = { &c->path, &c->name, &c->source, &c->desc, &c->value, &c->value_hex,
                             &c->mutation_hex, &c->payload_hex, &c->ext_args, &c->ext_args_hex,
                             &c->result, &c->message, &c->resume, &c->bug, &c->state, &c->args,
                             &c->scope };
        for (size_t j = 0; j < sizeof strings / sizeof strings[0]; j++)
            free(*strings[j]);
        for (int j = 0; j < c->ncaps; j++)
            free(c->caps[j]);
    }
}

/* ---- the shared runtime and its extensions ------------------------------------------------- */

static nx_runtime_t *rt;
static uint8_t *g_echo_args;    /* the last $ext.echo.args(...) arguments */
static size_t g_echo_len;
static unsigned g_echo_calls;

static void serve_echo(void *user, const nx_ext_call_t *call, nx_ext_reply_t *reply)
{
    (void)user;
    free(g_echo_args);
    g_echo_args = malloc(call->args_len ? call->args_len : 1);
    assert_non_null(g_echo_args);
    memcpy(g_echo_args, call->args, call->args_len);
    g_echo_len = call->args_len;
    g_echo_calls++;
    nx_ext_reply_value(reply, call->args, call->args_len);
}

static void serve_fail(void *user, const nx_ext_call_t *call, nx_ext_reply_t *reply)
{
    (void)user; (void)call;
    nx_ext_reply_error(reply, "the extension failed on purpose");
}

static void host_echo(void *user, const char *interface, const char *function, const uint8_t *args,
                      size_t args_len, nx_ext_reply_t *reply)
{
    (void)user; (void)interface; (void)function;
    nx_ext_reply_value(reply, args, args_len);
}

static void register_extensions(nx_runtime_t *r)
{
    static const char *const db[] = { "get", "put" };
    static const char *const echo[] = { "args" };
    static const char *const fail[] = { "call" };
    assert_int_equal(nx_runtime_register_extension(r, "db", db, 2, NULL, NULL, NULL), NX_OK);
    assert_int_equal(nx_runtime_register_extension(r, "echo", echo, 1, serve_echo, NULL, NULL), NX_OK);
    assert_int_equal(nx_runtime_register_extension(r, "fail", fail, 1, serve_fail, NULL, NULL), NX_OK);
    static const nx_host_function_t fns[] = { { "echo", host_echo, NULL, NULL } };
    assert_int_equal(nx_runtime_register_interface(r, "acme:test/echo", fns, 1, NULL, NULL, NULL), NX_OK);
}

static int setup(void **state)
{
    (void)state;
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 1;
    cfg.max_instances = 8;
    if (nx_runtime_create(&cfg, &rt) != NX_OK)
        return -1;
    register_extensions(rt);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nx_runtime_free(rt);
    free(g_echo_args);
    g_echo_args = NULL;
    return 0;
}

/* ---- the clean-next probe ------------------------------------------------------------------ */

/* A fingerprint of everything a handler can reach: every object reachable
 * from the global object and from instances' prototypes, with each own
 * property's attributes and (for data) its type and primitive value, the
 * integrity level of every object; then the behaviour of common built-ins
 * and of the API. Deterministic: two clean executions give the same text. */
static const char probe_source[] =
    "const skip = new Set([$state, $ext, $host]);\n"
    "const own = (o, k) => { const d = Object.getOwnPropertyDescriptor(o, k); return d && 'value' in d ? d.value : undefined; };\n"
    "const show = (v) => {\n"
    "  if (typeof v === 'function') return 'fn:' + String(own(v, 'name')) + '/' + String(own(v, 'length'));\n"
    "  if (typeof v === 'object') return v === null ? 'null' : 'obj';\n"
    "  if (typeof v === 'symbol') return 'sym:' + String(v.description);\n"
    "  if (typeof v === 'number' && Object.is(v, -0)) return 'number:-0';\n"
    "  return typeof v + ':' + String(v);\n"
    "};\n"
    "const seen = new Set(), queue = [], lines = [];\n"
    "const visit = (v, path) => {\n"
    "  if (((typeof v === 'object' && v !== null) || typeof v === 'function') && !seen.has(v) && !skip.has(v)) {\n"
    "    seen.add(v); queue.push([v, path]);\n"
    "  }\n"
    "};\n"
    "visit(globalThis, 'G');\n"
    "const samples = [function* () {}, async function () {}, async function* () {}, () => {}, class {},\n"
    "  [][Symbol.iterator](), new Map().entries(), new Set().values(), ''[Symbol.iterator](),\n"
    "  /x/g[Symbol.matchAll](''), (function* () {})(), (async function* () {})(), Promise.resolve(),\n"
    "  new Error('e'), new Uint8Array(1), new DataView(new ArrayBuffer(1)), (function () { return arguments; })(),\n"
    "  (function () { 'use strict'; return arguments; })(), function () {}.bind(null), new Proxy({}, {}), Symbol('s')];\n"
    "samples.forEach((s, i) => { visit(s, 'S' + i); visit(Object(s), 'S' + i + 'o'); });\n"
    "for (let i = 0; i < queue.length; i++) {\n"
    "  const [o, path] = queue[i];\n"
    "  lines.push(path + ' ' + (Object.isFrozen(o) ? 'F' : '') + (Object.isSealed(o) ? 'S' : '') + (Object.isExtensible(o) ? 'X' : ''));\n"
    "  const p = Object.getPrototypeOf(o);\n"
    "  lines.push(path + '.[[Prototype]] ' + show(p));\n"
    "  visit(p, path + '.[[Prototype]]');\n"
    "  for (const k of Reflect.ownKeys(o)) {\n"
    "    const d = Object.getOwnPropertyDescriptor(o, k);\n"
    "    const kn = typeof k === 'symbol' ? '@' + String(k.description) : k;\n"
    "    const f = (d.writable ? 'w' : '-') + (d.enumerable ? 'e' : '-') + (d.configurable ? 'c' : '-');\n"
    "    if ('value' in d) { lines.push(path + '.' + kn + ' ' + f + ' ' + show(d.value)); visit(d.value, path + '.' + kn); }\n"
    "    else { lines.push(path + '.' + kn + ' ' + f + ' get=' + show(d.get) + ' set=' + show(d.set));\n"
    "           visit(d.get, path + '.' + kn + '<get>'); visit(d.set, path + '.' + kn + '<set>'); }\n"
    "  }\n"
    "}\n"
    "const checks = [];\n"
    "const check = (label, f) => { let v; try { v = f(); } catch (e) { v = 'threw ' + (e && e.name) + ': ' + (e && e.message); } checks.push([label, v]); };\n"
    "check('map', () => [1, 2, 3].map((x) => x * 2));\n"
    "check('push', () => { const a = []; a.push(1, 2); return a; });\n"
    "check('spread', () => [...[1, 2], ...'ab', ...new Set([3, 3, 4])]);\n"
    "check('from map', () => Array.from(new Map([[1, 'a']])));\n"
    "check('sort', () => [3, 1, 2, 10].sort());\n"
    "check('json', () => JSON.stringify(JSON.parse('{\"a\":[1,{\"b\":null}],\"c\":\"\\\\u00e9\"}')));\n"
    "check('keys', () => Object.keys({ b: 1, a: 2, 1: 3 }));\n"
    "check('entries', () => Object.entries({ x: 1 }));\n"
    "check('math', () => [Math.max(1, 5, 3), Math.min(), Math.abs(-2), Math.floor(2.5), Math.PI]);\n"
    "check('random', () => { const r = Math.random(); return typeof r === 'number' && r >= 0 && r < 1 && Math.random() !== r; });\n"
    "check('string', () => ['abc'.replace(/b/g, 'x'), 'a,b'.split(','), ' t '.trim(), 'x'.padStart(3, '-'), 'abc'.at ? 'at' : 'no at']);\n"
    "check('regexp', () => { const m = /(\\d+)-(?<w>\\w+)/.exec('a12-xy'); return [m[1], m.groups.w, /a/y.sticky]; });\n"
    "check('tostring', () => [String({}), String([1, [2, 3]]), Object.prototype.toString.call([]), String(null), `${1}`, (12.345).toFixed(1)]);\n"
    "check('function', () => [(function f(a, b) {}).length, (() => 1).call(null), Math.max.apply(null, [1, 2]), ((a) => a).bind(null, 7)()]);\n"
    "check('symbol', () => [String(Symbol.iterator), typeof Symbol.for('p'), Symbol.keyFor(Symbol.for('p'))]);\n"
    "check('iterator', () => { const it = [7][Symbol.iterator](); return [it.next(), it.next()]; });\n"
    "check('generator', () => { function* g() { yield 1; yield 2; } return [...g()]; });\n"
    "check('date', () => [new Date(0).toISOString(), typeof Date.now(), new Date(Date.UTC(2020, 1, 29)).getUTCDate()]);\n"
    "check('numbers', () => [Number('0x10'), parseInt('12px'), parseFloat('1.5e3'), 0.1 + 0.2, (255).toString(16), Number.isInteger(5)]);\n"
    "check('bigint', () => String(2n ** 64n + 1n));\n"
    "check('typed', () => { const u = new Uint8Array([1, 2, 3]); return [u.length, Array.from(u.subarray(1)), new DataView(u.buffer).getUint8(2)]; });\n"
    "check('error', () => { class E extends Error { constructor(m) { super(m); this.name = 'E'; } } const e = new E('m'); return [e.name, e.message, e instanceof Error, String(new TypeError('t'))]; });\n"
    "check('object', () => { const o = {}; o.toString = () => 'mine'; o.constructor = 1; return [String(o), o.constructor, Object.freeze({}) !== null]; });\n"
    "check('proxy', () => new Proxy({}, { get: (t, k) => k }).hello);\n"
    "check('reflect', () => [Reflect.ownKeys({ a: 1, [Symbol.iterator]: 2 }).length, Reflect.has({ x: 1 }, 'x')]);\n"
    "check('weak', () => { const k = {}; const w = new WeakMap([[k, 1]]); return [w.get(k), new WeakSet([k]).has(k)]; });\n"
    "check('eval', () => eval('1'));\n"
    "check('Function', () => Function('return 1')());\n"
    "check('ctor', () => (async function () {}).constructor('return 1'));\n"
    "check('leaks', () => [typeof globalThis.leak, typeof leakVar, ({}).polluted, [].polluted, (() => {}).polluted, typeof Object.prototype.then]);\n"
    "check('frozen', () => [Object.isFrozen(Object.prototype), Object.isFrozen(Array.prototype), Object.isFrozen(Function.prototype), Object.isFrozen(Promise.prototype), Object.isFrozen(JSON), Object.isFrozen(Math), Object.isFrozen(console)]);\n"
    "check('console', () => [typeof console.log, console.log === $log.info]);\n"
    "check('state', () => [$state.keys(), $state.n, $state.get('probe'), 'n' in $state, $state.missing]);\n"
    "check('inputs', () => [$args, $scope, $handler, Object.isFrozen($args), Object.isFrozen($args.a), Object.isFrozen($handler)]);\n"
    "check('ext', () => [Object.keys($ext), Object.keys($ext.db), Object.keys($host)]);\n"
    "check('throws', () => { try { null.x; } catch (e) { return [e.name, e instanceof TypeError]; } });\n"
    "const order = [];\n"
    "const p = Promise.resolve(1).then((x) => { order.push('then'); return x + 1; });\n"
    "order.push('sync');\n"
    "checks.push(['promise', [await p, await Promise.all([1, Promise.resolve(2)]), (await Promise.allSettled([Promise.reject(new Error('r'))]))[0].status, order]]);\n"
    "checks.push(['async', await (async () => { await null; return 7; })()]);\n"
    "const ag = async function* () { yield 1; yield 2; };\n"
    "const got = []; for await (const x of ag()) got.push(x);\n"
    "checks.push(['for await', got]);\n"
    "checks.push(['thenable', await { then(r) { r(9); } }]);\n"
    "$emit('probe', { ok: true });\n"
    "console.log('probe');\n"
    "return { count: lines.length, lines, checks };\n";

static const char probe_expected_checks[] =
    "[[\"map\",[2,4,6]],[\"push\",[1,2]],[\"spread\",[1,2,\"a\",\"b\",3,4]],[\"from map\",[[1,\"a\"]]],"
    "[\"sort\",[1,10,2,3]],[\"json\",\"{\\\"a\\\":[1,{\\\"b\\\":null}],\\\"c\\\":\\\"\xc3\xa9\\\"}\"],"
    "[\"keys\",[\"1\",\"b\",\"a\"]],[\"entries\",[[\"x\",1]]],[\"math\",[5,null,2,2,3.1415926535897931]],"
    "[\"random\",true],[\"string\",[\"axc\",[\"a\",\"b\"],\"t\",\"--x\",\"at\"]],"
    "[\"regexp\",[\"12\",\"xy\",true]],"
    "[\"tostring\",[\"[object Object]\",\"1,2,3\",\"[object Array]\",\"null\",\"1\",\"12.3\"]],"
    "[\"function\",[2,1,2,7]],[\"symbol\",[\"Symbol(Symbol.iterator)\",\"symbol\",\"p\"]],"
    "[\"iterator\",[{\"value\":7,\"done\":false},{\"done\":true}]],[\"generator\",[1,2]],"
    "[\"date\",[\"1970-01-01T00:00:00.000Z\",\"number\",29]],"
    "[\"numbers\",[16,12,1500,0.30000000000000004,\"ff\",true]],[\"bigint\",\"18446744073709551617\"],"
    "[\"typed\",[3,[2,3],3]],[\"error\",[\"E\",\"m\",true,\"TypeError: t\"]],"
    "[\"object\",[\"mine\",1,true]],[\"proxy\",\"hello\"],[\"reflect\",[2,true]],[\"weak\",[1,true]],"
    "[\"eval\",\"threw TypeError: eval is not supported\"],"
    "[\"Function\",\"threw TypeError: eval is not supported\"],"
    "[\"ctor\",\"threw TypeError: eval is not supported\"],"
    "[\"leaks\",[\"undefined\",\"undefined\",null,null,null,\"undefined\"]],"
    "[\"frozen\",[true,true,true,true,true,true,true]],[\"console\",[\"function\",true]],"
    "[\"state\",[[\"n\",\"probe\"],1,true,true,null]],"
    "[\"inputs\",[{\"a\":[1,2]},{\"s\":\"x\"},{\"panelId\":\"probe-panel\",\"name\":\"probe\"},true,true,true]],"
    "[\"ext\",[[\"db\",\"echo\",\"fail\"],[\"get\",\"put\"],[\"acme:test/echo\"]]],"
    "[\"throws\",[\"TypeError\",true]],"
    "[\"promise\",[2,[1,2],\"rejected\",[\"sync\",\"then\"]]],[\"async\",7],[\"for await\",[1,2]],"
    "[\"thenable\",9]]";

static char *g_probe_baseline;   /* the fresh runtime's probe value (JSON) */
static uint64_t g_probe_memory;  /* its guest memory at the end */

static nx_result_t *run_probe(nx_code_t *code)
{
    nx_context_t *ctx;
    assert_int_equal(nx_context_create(&ctx), NX_OK);
    assert_int_equal(nx_context_set_state_json(ctx, "{\"n\":1,\"probe\":true}"), NX_OK);
    assert_int_equal(nx_context_set_args_json(ctx, "{\"a\":[1,2]}"), NX_OK);
    assert_int_equal(nx_context_set_scope_json(ctx, "{\"s\":\"x\"}"), NX_OK);
    assert_int_equal(nx_context_set_panel_id(ctx, "probe-panel"), NX_OK);
    assert_int_equal(nx_context_set_handler_name(ctx, "probe"), NX_OK);
    assert_int_equal(nx_context_add_capability(ctx, "state:read:*"), NX_OK);
    assert_int_equal(nx_context_add_capability(ctx, "events:emit:probe"), NX_OK);
    assert_int_equal(nx_context_add_capability(ctx, "ext:*"), NX_OK);
    assert_int_equal(nx_context_add_capability(ctx, "host:*"), NX_OK);
    nx_result_t *r = NULL;
    *code = nx_execute(rt, probe_source, sizeof probe_source - 1, ctx, &r);
    nx_context_free(ctx);
    assert_non_null(r);
    return r;
}

/* Prints where two long texts first differ. */
static void print_difference(const char *want, const char *got)
{
    size_t i = 0;
    while (want[i] && want[i] == got[i])
        i++;
    size_t from = i > 160 ? i - 160 : 0;
    fprintf(stderr, "  first difference at byte %zu\n  baseline: ...%.320s\n  now:      ...%.320s\n", i,
            want + from, got + from);
}

/* Runs the probe and compares it with the baseline; problems go to p. */
static void probe_clean(problems_t *p)
{
    nx_code_t code;
    nx_result_t *r = run_probe(&code);
    const nx_error_info_t *e = nx_result_error(r);
    if (code != NX_OK || nx_result_status(r) != NX_STATUS_SUCCESS) {
        problem(p, "probe: %s %s %s", nx_code_name(code), nx_status_name(nx_result_status(r)),
                e ? e->message : "");
        nx_result_free(r);
        return;
    }
    char *got = result_value_json(r);
    if (strcmp(got, g_probe_baseline) != 0) {
        problem(p, "probe: the next execution is not clean (fingerprint differs)");
        print_difference(g_probe_baseline, got);
    }
    free(got);
    if (nx_result_mutation_count(r) != 0 || nx_result_view_command_count(r) != 0 ||
        nx_result_event_count(r) != 1 || nx_result_log_count(r) != 1 ||
        strcmp(nx_result_event(r, 0)->name, "probe") != 0 ||
        strcmp(nx_result_log(r, 0)->message, "probe") != 0)
        problem(p, "probe: effects from elsewhere (%zu mutations, %zu events, %zu views, %zu logs)",
                nx_result_mutation_count(r), nx_result_event_count(r),
                nx_result_view_command_count(r), nx_result_log_count(r));
    if (nx_result_metrics(r)->memory_bytes != g_probe_memory)
        problem(p, "probe: guest memory %llu bytes, %llu on the fresh runtime",
                (unsigned long long)nx_result_metrics(r)->memory_bytes,
                (unsigned long long)g_probe_memory);
    nx_result_free(r);
    nx_stats_t st;
    nx_runtime_stats(rt, &st);
    if (st.instances_busy || st.instances_suspended || st.pending_suspensions)
        problem(p, "runtime not at rest: %llu busy, %llu suspended instances, %llu pending",
                (unsigned long long)st.instances_busy, (unsigned long long)st.instances_suspended,
                (unsigned long long)st.pending_suspensions);
}

static void test_probe_baseline(void **state)
{
    (void)state;
    nx_code_t code;
    nx_result_t *r = run_probe(&code);
    assert_int_equal(code, NX_OK);
    assert_int_equal(nx_result_status(r), NX_STATUS_SUCCESS);
    g_probe_baseline = result_value_json(r);
    g_probe_memory = nx_result_metrics(r)->memory_bytes;
    json_t *v = parse_json(g_probe_baseline), *want = parse_json(probe_expected_checks);
    assert_non_null(v);
    assert_non_null(want);
    json_t *checks = json_object_get(v, "checks");
    if (!json_subset(want, checks)) {
        char *got = json_dumps(checks, JSON_COMPACT);
        fprintf(stderr, "probe checks on a fresh runtime:\n  want %s\n  got  %s\n", probe_expected_checks, got);
        free(got);
        fail_msg("the probe's behaviour checks fail on a fresh runtime");
    }
    size_t count = (size_t)json_integer_value(json_object_get(v, "count"));
    printf("probe fingerprint: %zu lines, %zu bytes\n", count, strlen(g_probe_baseline));
    assert_true(count > 1000); /* it really walked the realm */
    json_decref(v);
    json_decref(want);
    nx_result_free(r);
    /* deterministic: a second clean run gives the same fingerprint */
    problems_t p = { .len = 0 };
    probe_clean(&p);
    if (p.count)
        fail_msg("%s", p.text);
}

/* ---- running one case ----------------------------------------------------------------------- */

static nx_context_t *case_context(const hcase_t *c, problems_t *p)
{
    nx_context_t *ctx;
    assert_int_equal(nx_context_create(&ctx), NX_OK);
    struct { const char *json; nx_code_t (*set)(nx_context_t *, const char *); const char *what; } in[] = {
        { c->state, nx_context_set_state_json, "state" },
        { c->args, nx_context_set_args_json, "args" },
        { c->scope, nx_context_set_scope_json, "scope" },
    };
    for (size_t i = 0; i < 3; i++)
        if (in[i].json && in[i].set(ctx, in[i].json) != NX_OK)
            problem(p, "the %s JSON was refused: %s", in[i].what, in[i].json);
    for (int i = 0; i < c->ncaps; i++)
        assert_int_equal(nx_context_add_capability(ctx, c->caps[i]), NX_OK);
    /* each limit is tested where only it can fire: a case that expects
     * MEMORY_LIMIT and names no deadline gets one no load can reach, and a
     * case that expects TIMEOUT and names no memory cap gets a cap no
     * 300 ms loop can reach */
    nx_limits_t limits = c->limits;
    if (c->expect_code == NX_E_MEMORY_LIMIT && !limits.timeout_ms)
        limits.timeout_ms = 600000;
    if (c->expect_code == NX_E_TIMEOUT && !limits.memory_mb)
        limits.memory_mb = 1024;
    assert_int_equal(nx_context_set_limits(ctx, &limits), NX_OK);
    return ctx;
}

static bool value_from_json(const char *json, uint8_t **mp, size_t *len)
{
    char err[256];
    return nx_json_to_msgpack(json, strlen(json), mp, len, err, sizeof err) == NX_OK;
}

/* Answers deferred calls with c->resume until r settles. */
static nx_result_t *settle(const hcase_t *c, nx_result_t *r, problems_t *p)
{
    uint8_t *mp = NULL;
    size_t len = 0;
    if (c->resume && !value_from_json(c->resume, &mp, &len)) {
        problem(p, "bad resume: JSON");
        return r;
    }
    for (int i = 0; c->resume && i < MAX_RESUMES && nx_result_status(r) == NX_STATUS_SUSPENDED; i++) {
        nx_outcome_t o = { .value = mp, .value_len = len };
        nx_result_t *next = NULL;
        nx_code_t code = nx_resume(rt, nx_result_suspension(r, 0)->id, &o, &next);
        if (code != NX_OK)
            problem(p, "resume: %s", nx_code_name(code));
        nx_result_free(r);
        r = next;
        if (code != NX_OK)
            break;
    }
    free(mp);
    return r;
}

/* Drops whatever a suspended result left behind. */
static void cancel_all(const nx_result_t *r)
{
    if (r && nx_result_status(r) == NX_STATUS_SUSPENDED && nx_result_suspension_count(r))
        nx_cancel(rt, nx_result_suspension(r, 0)->id);
}

static void check_hex(problems_t *p, const char *what, const char *want, const uint8_t *bytes, size_t len)
{
    if (!want)
        return;
    char *got = bytes ? hex_of(bytes, len) : strdup("(none)");
    if (strcmp(want, got) != 0)
        problem(p, "%s: want %s, got %s", what, want, got);
    free(got);
}

static void check_json_equal(problems_t *p, const char *what, const char *want, const uint8_t *bytes,
                             size_t len)
{
    if (!want)
        return;
    char *got = value_json(bytes, len);
    if (strcmp(want, "undefined") == 0 || strcmp(got, "undefined") == 0) {
        if (strcmp(want, got) != 0)
            problem(p, "%s: want %s, got %s", what, want, got);
        free(got);
        return;
    }
    json_t *w = parse_json(want), *g = parse_json(got);
    if (!w)
        problem(p, "%s: the expected JSON does not parse: %s", what, want);
    else if (!g || !json_equal(w, g)) /* exact: an integer and a real differ */
        problem(p, "%s: want %s, got %.600s", what, want, got);
    json_decref(w);
    json_decref(g);
    free(got);
}

/* Invariants every result keeps, whatever the case. */
static void check_invariants(problems_t *p, const nx_result_t *r, const hcase_t *c)
{
    char *json = NULL;
    if (nx_result_to_json(r, &json) != NX_OK || !json)
        problem(p, "invariant: the result does not serialise to JSON");
    nx_free(json);
    uint8_t *mp = NULL;
    size_t len = 0;
    /* (only produced, not decoded here: the document wraps values in three
     * more levels, past msgpack-c's default unpacker depth of 32) */
    if (nx_result_to_msgpack(r, &mp, &len) != NX_OK || !mp || !len || (mp[0] & 0xf0) != 0x80)
        problem(p, "invariant: the result does not serialise to a MessagePack map");
    nx_free(mp);
    if (nx_result_status(r) == NX_STATUS_ERROR &&
        (nx_result_mutation_count(r) || nx_result_event_count(r) || nx_result_view_command_count(r)))
        problem(p, "invariant: a failed result carries effects (%zu mutations, %zu events, %zu views)",
                nx_result_mutation_count(r), nx_result_event_count(r), nx_result_view_command_count(r));
    for (size_t i = 0; i < nx_result_mutation_count(r); i++)
        for (size_t j = i + 1; j < nx_result_mutation_count(r); j++)
            if (strcmp(nx_result_mutation(r, i)->key, nx_result_mutation(r, j)->key) == 0)
                problem(p, "invariant: mutation key \"%s\" reported twice", nx_result_mutation(r, i)->key);
    const nx_error_info_t *e = nx_result_error(r);
    if (e && e->code == NX_E_INTERNAL_ERROR && c->expect_code != NX_E_INTERNAL_ERROR)
        problem(p, "invariant: INTERNAL_ERROR: %s", e->message);
    if (e && !e->message)
        problem(p, "invariant: an error without a message");
}

static void check_case(problems_t *p, const hcase_t *c, nx_code_t call, const nx_result_t *r,
                       double elapsed, double bound)
{
    if (call != c->expect_call)
        problem(p, "nx_execute returned %s, want %s", nx_code_name(call), nx_code_name(c->expect_call));
    nx_status_t st = nx_result_status(r);
    const nx_error_info_t *e = nx_result_error(r);
    if (c->expect_success && st != NX_STATUS_SUCCESS)
        problem(p, "want success, got %s: %s %s", nx_status_name(st), e ? nx_code_name(e->code) : "",
                e ? e->message : "");
    if (c->expect_suspended && st != NX_STATUS_SUSPENDED)
        problem(p, "want suspended, got %s: %s %s", nx_status_name(st), e ? nx_code_name(e->code) : "",
                e ? e->message : "");
    if (!c->expect_success && !c->expect_suspended) {
        if (st != NX_STATUS_ERROR || !e)
            problem(p, "want error %s, got %s", nx_code_name(c->expect_code), nx_status_name(st));
        else if (e->code != c->expect_code)
            problem(p, "want error %s, got %s: %s", nx_code_name(c->expect_code), nx_code_name(e->code),
                    e->message);
    }
    if (elapsed > bound)
        problem(p, "took %.0f ms, bound %.0f ms", elapsed, bound);
    if (c->message && (!e || !e->message || !strstr(e->message, c->message)))
        problem(p, "want a message containing \"%s\", got \"%s\"", c->message,
                e && e->message ? e->message : "(none)");
    size_t vlen = 0;
    const uint8_t *v = nx_result_value(r, &vlen);
    check_json_equal(p, "value", c->value, v, vlen);
    check_hex(p, "value_hex", c->value_hex, v, vlen);
    if (c->mutation_hex) {
        const nx_mutation_t *m = nx_result_mutation_count(r) ? nx_result_mutation(r, 0) : NULL;
        check_hex(p, "mutation_hex", c->mutation_hex, m ? m->value : NULL, m ? m->value_len : 0);
    }
    if (c->payload_hex) {
        const nx_event_t *ev = nx_result_event_count(r) ? nx_result_event(r, 0) : NULL;
        check_hex(p, "payload_hex", c->payload_hex, ev ? ev->payload : NULL, ev ? ev->payload_len : 0);
    }
    check_json_equal(p, "ext_args", c->ext_args, g_echo_args, g_echo_len);
    check_hex(p, "ext_args_hex", c->ext_args_hex, g_echo_args, g_echo_len);
    if (c->log_count >= 0 && nx_result_log_count(r) != (size_t)c->log_count)
        problem(p, "want %ld logs, got %zu", c->log_count, nx_result_log_count(r));
    if (c->result) {
        json_t *want = parse_json(c->result);
        char *json = result_json(r);
        json_t *got = parse_json(json);
        if (!want)
            problem(p, "the result: JSON does not parse");
        else if (!json_subset(want, got))
            problem(p, "result: want %s within %.1500s", c->result, json);
        json_decref(want);
        json_decref(got);
        free(json);
    }
    check_invariants(p, r, c);
}

static void run_case(void **state)
{
    const hcase_t *c = *state;
    if (c->parse_error[0])
        fail_msg("%s: %s", c->name, c->parse_error);
    problems_t p = { .len = 0 };
    nx_context_t *ctx = case_context(c, &p);
    free(g_echo_args);
    g_echo_args = NULL;
    g_echo_len = 0;
    uint32_t timeout = c->limits.timeout_ms ? c->limits.timeout_ms : 5000;
    double bound = c->within_ms > 0 ? c->within_ms : timeout + 1500.0;
    if (c->rss_limit_mb > 0) {
        trim_heap();
        reset_peak();
    }
    double rss_before = rss_mb();
    double t0 = now_ms();
    nx_result_t *r = NULL;
    nx_code_t call = nx_execute(rt, c->source, c->source_len, ctx, &r);
    nx_context_free(ctx);
    assert_non_null(r);
    r = settle(c, r, &p);
    assert_non_null(r);
    double elapsed = now_ms() - t0;
    double peak = peak_mb();
    check_case(&p, c, call, r, elapsed, bound);
    cancel_all(r);
    nx_result_free(r);
    if (c->rss_limit_mb > 0) {
        /* while it ran (the result included), and what stays afterwards */
        trim_heap();
        double rss_after = rss_mb();
        if (peak - rss_before > c->rss_limit_mb)
            problem(&p, "peak RSS grew %.1f MiB while it ran (%.1f -> %.1f), bound %.1f MiB",
                    peak - rss_before, rss_before, peak, c->rss_limit_mb);
        if (rss_after - rss_before > RETAINED_MB)
            problem(&p, "RSS kept %.1f MiB after the result was freed (%.1f -> %.1f), bound %d MiB",
                    rss_after - rss_before, rss_before, rss_after, RETAINED_MB);
        if (getenv("NEXUS_HOSTILE_VERBOSE"))
            printf("  rss: %.1f MiB before, peak %.1f, after %.1f\n", rss_before, peak, rss_after);
    }

    /* the probe is never covered by a bug: marker */
    problems_t probe = { .len = 0 };
    probe_clean(&probe);
    if (probe.count)
        fail_msg("%s: after this case:\n%s", c->name, probe.text);
    if (c->bug) {
        if (!p.count)
            fail_msg("%s: passes now, but is marked as a known bug (%s): remove the bug: line",
                     c->name, c->bug);
        printf("[ KNOWN BUG ] %s: %s\n              %s", c->name, c->bug, p.text);
        return;
    }
    if (p.count)
        fail_msg("%s (%s)\n%s", c->name, c->desc, p.text);
}

/* ---- suspension ids: made up, stale, foreign ------------------------------------------------- */

static const run_opts_t ext_opts = { .caps = { "ext:*" } };

static nx_result_t *suspend_one(nx_runtime_t *r, const char *source)
{
    nx_result_t *res = run(r, source, &ext_opts);
    assert_int_equal(nx_result_status(res), NX_STATUS_SUSPENDED);
    return res;
}

static void expect_refused(nx_runtime_t *r, const char *id)
{
    nx_outcome_t o = { .value = (const uint8_t *)"\x2a", .value_len = 1 };
    nx_result_t *bad = NULL;
    nx_code_t code = nx_resume(r, id, &o, &bad);
    if (code != NX_E_INVALID_ARGUMENT)
        fail_msg("nx_resume(\"%.80s\") returned %s", id, nx_code_name(code));
    assert_non_null(bad);
    assert_result_error(bad, NX_E_INVALID_ARGUMENT);
    nx_result_free(bad);
    nx_outcome_t err = { .is_error = true, .error_message = "forged" };
    assert_int_equal(nx_resume(r, id, &err, &bad), NX_E_INVALID_ARGUMENT);
    nx_result_free(bad);
    assert_int_equal(nx_cancel(r, id), NX_E_INVALID_ARGUMENT);
}

/* Answers id with answer_json; the execution must then succeed with want_json. */
static void expect_resumes_to(nx_runtime_t *r, const char *id, const char *answer_json,
                              const char *want_json)
{
    uint8_t *mp;
    size_t len;
    assert_true(value_from_json(answer_json, &mp, &len));
    nx_outcome_t o = { .value = mp, .value_len = len };
    nx_result_t *done = NULL;
    assert_int_equal(nx_resume(r, id, &o, &done), NX_OK);
    assert_result_value(done, want_json);
    nx_result_free(done);
    free(mp);
}

static uint64_t pending(nx_runtime_t *r)
{
    nx_stats_t st;
    nx_runtime_stats(r, &st);
    return st.pending_suspensions;
}

static void test_forged_ids(void **state)
{
    (void)state;
    /* nothing suspended at all */
    expect_refused(rt, "sx-0000000000000000-0");
    nx_result_t *live = suspend_one(rt, "return await $ext.db.get('live');");
    const char *id = nx_result_suspension(live, 0)->id;
    size_t n = strlen(id);
    char big[16384];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char variants[8][128];
    snprintf(variants[0], sizeof variants[0], "%sx", id);             /* longer */
    snprintf(variants[1], sizeof variants[1], "%.*s", (int)n - 1, id); /* shorter */
    snprintf(variants[2], sizeof variants[2], "%s", id);
    variants[2][n - 1] = variants[2][n - 1] == '9' ? '8' : '9';      /* last digit */
    snprintf(variants[3], sizeof variants[3], "%s", id);
    variants[3][3] = variants[3][3] == 'f' ? 'e' : 'f';              /* nonce */
    snprintf(variants[4], sizeof variants[4], "%s", id);
    for (char *q = variants[4]; *q; q++)
        *q = (char)toupper((unsigned char)*q);
    snprintf(variants[5], sizeof variants[5], " %s", id);
    snprintf(variants[6], sizeof variants[6], "%s\n", id);
    snprintf(variants[7], sizeof variants[7], "%.*s", 3, id);        /* "sx-" */
    const char *made_up[] = {
        "", "0", "sx-", "sx-0000000000000000-0", "sx-ffffffffffffffff-18446744073709551615",
        "sx-%s%n%x", "\xff\xfe\xfd", "sx-\xed\xa0\x80", "../../etc/passwd", big,
        variants[0], variants[1], variants[2], variants[3], variants[4], variants[5], variants[6],
        variants[7],
    };
    for (size_t i = 0; i < sizeof made_up / sizeof made_up[0]; i++) {
        expect_refused(rt, made_up[i]);
        assert_int_equal(pending(rt), 1);
    }
    /* NULL everything */
    nx_result_t *bad = NULL;
    nx_outcome_t o = { 0 };
    assert_int_equal(nx_resume(rt, NULL, &o, &bad), NX_E_INVALID_ARGUMENT);
    nx_result_free(bad);
    assert_int_equal(nx_resume(rt, id, NULL, &bad), NX_E_INVALID_ARGUMENT);
    nx_result_free(bad);
    assert_int_equal(nx_cancel(rt, NULL), NX_E_INVALID_ARGUMENT);
    assert_int_equal(pending(rt), 1);
    /* none of that touched the real one */
    expect_resumes_to(rt, id, "\"real\"", "\"real\"");
    assert_int_equal(pending(rt), 0);
    nx_result_free(live);
}

static void test_stale_ids(void **state)
{
    (void)state;
    /* finished */
    nx_result_t *a = suspend_one(rt, "return await $ext.db.get('a');");
    char id_a[64];
    snprintf(id_a, sizeof id_a, "%s", nx_result_suspension(a, 0)->id);
    nx_result_free(a);
    expect_resumes_to(rt, id_a, "1", "1");
    expect_refused(rt, id_a);
    /* cancelled */
    nx_result_t *b = suspend_one(rt, "return await $ext.db.get('b');");
    char id_b[64];
    snprintf(id_b, sizeof id_b, "%s", nx_result_suspension(b, 0)->id);
    nx_result_free(b);
    assert_int_equal(nx_cancel(rt, id_b), NX_OK);
    expect_refused(rt, id_b);
    /* failed after its resume */
    nx_result_t *f = suspend_one(rt, "await $ext.db.get('f'); throw new Error('after');");
    char id_f[64];
    snprintf(id_f, sizeof id_f, "%s", nx_result_suspension(f, 0)->id);
    nx_result_free(f);
    nx_outcome_t o = { .value = (const uint8_t *)"\x01", .value_len = 1 };
    nx_result_t *done;
    assert_int_equal(nx_resume(rt, id_f, &o, &done), NX_OK);
    assert_result_error(done, NX_E_EXECUTION_ERROR);
    nx_result_free(done);
    expect_refused(rt, id_f);
    /* Promise.all: two ids; the first one is spent after its answer, the
     * other stays good; ids of finished executions do not touch a live one */
    nx_result_t *c = suspend_one(rt, "return await Promise.all([$ext.db.get('x'), $ext.db.get('y')]);");
    assert_int_equal(nx_result_suspension_count(c), 2);
    char id_x[64], id_y[64];
    snprintf(id_x, sizeof id_x, "%s", nx_result_suspension(c, 0)->id);
    snprintf(id_y, sizeof id_y, "%s", nx_result_suspension(c, 1)->id);
    nx_result_free(c);
    assert_int_equal(nx_resume(rt, id_x, &o, &done), NX_OK);
    assert_int_equal(nx_result_status(done), NX_STATUS_SUSPENDED);
    nx_result_free(done);
    expect_refused(rt, id_x);
    expect_refused(rt, id_a);
    expect_refused(rt, id_b);
    assert_int_equal(pending(rt), 1);
    expect_resumes_to(rt, id_y, "2", "[1,2]");
    expect_refused(rt, id_y);
    assert_int_equal(pending(rt), 0);
}

static void test_foreign_and_expired_ids(void **state)
{
    (void)state;
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 0;
    cfg.suspension_ttl_ms = 50;
    nx_runtime_t *other;
    assert_int_equal(nx_runtime_create(&cfg, &other), NX_OK);
    register_extensions(other);
    /* a live id of another runtime means nothing here, and is not spent */
    nx_result_t *x = suspend_one(other, "return await $ext.db.get('x');");
    nx_result_t *mine = suspend_one(rt, "return await $ext.db.get('mine');");
    expect_refused(rt, nx_result_suspension(x, 0)->id);
    expect_refused(other, nx_result_suspension(mine, 0)->id);
    expect_resumes_to(other, nx_result_suspension(x, 0)->id, "\"x\"", "\"x\"");
    expect_resumes_to(rt, nx_result_suspension(mine, 0)->id, "\"mine\"", "\"mine\"");
    nx_result_free(x);
    nx_result_free(mine);
    /* expired */
    nx_result_t *y = suspend_one(other, "return await $ext.db.get('y');");
    usleep(250 * 1000);
    expect_refused(other, nx_result_suspension(y, 0)->id);
    nx_stats_t st;
    nx_runtime_stats(other, &st);
    assert_int_equal(st.pending_suspensions, 0);
    assert_int_equal(st.instances_suspended, 0);
    assert_int_equal(st.instances_busy, 0);
    nx_result_free(y);
    nx_runtime_free(other);
}

/* A runtime of its own (no prewarm) with the corpus's extensions and one
 * more, name.get, served by fn, which gets the runtime as its user data. */
static nx_runtime_t *runtime_with_extension(const char *name, nx_ext_fn fn)
{
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 0;
    nx_runtime_t *r;
    assert_int_equal(nx_runtime_create(&cfg, &r), NX_OK);
    register_extensions(r);
    static const char *const m[] = { "get" };
    assert_int_equal(nx_runtime_register_extension(r, name, m, 1, fn, r, NULL), NX_OK);
    return r;
}

/* An embedder callback using ids while a call is in progress. */
static char g_parked_id[64];
static int g_inside_problems;
static bool g_nested_resume_spent;

static void serve_peek(void *user, const nx_ext_call_t *call, nx_ext_reply_t *reply)
{
    nx_runtime_t *r = user;
    nx_outcome_t o = { .value = (const uint8_t *)"\x07", .value_len = 1 };
    nx_result_t *res = NULL;
    /* the id of the call being served is not a suspension (yet) */
    if (nx_resume(r, call->id, &o, &res) != NX_E_INVALID_ARGUMENT)
        g_inside_problems++;
    nx_result_free(res);
    if (nx_cancel(r, call->id) != NX_E_INVALID_ARGUMENT)
        g_inside_problems++;
    /* another execution's real id, from inside this one on the same
     * thread: it cannot run here, and should be refused untouched */
    res = NULL;
    nx_code_t code = nx_resume(r, g_parked_id, &o, &res);
    g_nested_resume_spent = code != NX_E_INVALID_ARGUMENT;
    nx_result_free(res);
    /* nor can a new execution start here */
    res = NULL;
    nx_context_t *ctx = NULL;
    if (nx_context_create(&ctx) != NX_OK || nx_execute(r, "return 1", 8, ctx, &res) != NX_E_INVALID_ARGUMENT)
        g_inside_problems++;
    nx_result_free(res);
    nx_context_free(ctx);
    nx_ext_reply_value(reply, "\x05", 1);
}

static void test_ids_inside_a_callback(void **state)
{
    (void)state;
    nx_runtime_t *r = runtime_with_extension("peek", serve_peek);
    nx_result_t *parked = suspend_one(r, "return await $ext.db.get('parked');");
    snprintf(g_parked_id, sizeof g_parked_id, "%s", nx_result_suspension(parked, 0)->id);
    g_inside_problems = 0;
    expect_run(r, "return await $ext.peek.get(1);", &ext_opts, "5");
    assert_int_equal(g_inside_problems, 0);
    /* the nested nx_resume was refused and left the parked execution
     * untouched: it resumes now, from outside any execution */
    nx_outcome_t o = { .value = (const uint8_t *)"\x09", .value_len = 1 };
    nx_result_t *done = NULL;
    assert_false(g_nested_resume_spent);
    assert_int_equal(nx_resume(r, g_parked_id, &o, &done), NX_OK);
    assert_result_value(done, "9");
    nx_result_free(done);
    nx_stats_t st;
    nx_runtime_stats(r, &st);
    assert_int_equal(st.pending_suspensions, 0);
    assert_int_equal(st.instances_busy, 0);
    assert_int_equal(st.instances_suspended, 0);
    nx_result_free(parked);
    nx_runtime_free(r);
}

/* ---- state a handler writes must load again as the next snapshot ---------------------- */

/* The mutations of r as a state snapshot map (what an embedder persists). */
static void snapshot_of(const nx_result_t *r, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    msgpack_sbuffer_init(sb);
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, (uint32_t)nx_result_mutation_count(r));
    for (size_t i = 0; i < nx_result_mutation_count(r); i++) {
        const nx_mutation_t *m = nx_result_mutation(r, i);
        msgpack_pack_str_with_body(&pk, m->key, strlen(m->key));
        msgpack_sbuffer_write(sb, (const char *)m->value, m->value_len);
    }
}

static void test_written_state_loads_again(void **state)
{
    (void)state;
    /* hostile but legal writes: the largest value, the longest key, an
     * empty key, awkward key text */
    run_opts_t w = { .caps = { "state:write:*" } };
    nx_result_t *r = run(rt,
                         "$state.big = 'b'.repeat(1024 * 1024 - 6);\n"
                         "$state['k'.repeat(4096)] = 1;\n"
                         "$state[''] = 'empty';\n"
                         "$state['__proto__'] = { polluted: true };\n"
                         "$state['constructor'] = 'c';\n", &w);
    assert_int_equal(nx_result_status(r), NX_STATUS_SUCCESS);
    assert_int_equal(nx_result_mutation_count(r), 5);
    msgpack_sbuffer sb;
    snapshot_of(r, &sb);
    nx_result_free(r);
    nx_context_t *ctx;
    assert_int_equal(nx_context_create(&ctx), NX_OK);
    assert_int_equal(nx_context_set_state(ctx, sb.data, sb.size), NX_OK);
    assert_int_equal(nx_context_add_capability(ctx, "state:read:*"), NX_OK);
    static const char reader[] =
        "return [$state.big.length, $state.get('k'.repeat(4096)), $state.get(''), "
        "$state.get('__proto__').polluted, ({}).polluted, $state.get('constructor'), $state.keys().length]";
    nx_result_t *back = NULL;
    assert_int_equal(nx_execute(rt, reader, sizeof reader - 1, ctx, &back), NX_OK);
    assert_result_value(back, "[1048570,1,\"empty\",true,null,\"c\",5]");
    nx_result_free(back);
    nx_context_free(ctx);
    msgpack_sbuffer_destroy(&sb);

    /* a value nested 32 levels deep is a legal state value... */
    r = run(rt, "let v = {}; for (let i = 1; i < 32; i++) v = { n: v }; $state.deep = v;", &w);
    assert_int_equal(nx_result_status(r), NX_STATUS_SUCCESS);
    snapshot_of(r, &sb);
    nx_result_free(r);
    assert_int_equal(nx_context_create(&ctx), NX_OK);
    /* ...so the snapshot holding it (33 levels with the map) must load */
    assert_int_equal(nx_context_set_state(ctx, sb.data, sb.size), NX_OK);
    assert_int_equal(nx_context_add_capability(ctx, "state:read:deep"), NX_OK);
    static const char depth[] = "let d = 0; for (let c = $state.deep; c; c = c.n) d++; return d;";
    assert_int_equal(nx_execute(rt, depth, sizeof depth - 1, ctx, &back), NX_OK);
    assert_result_value(back, "32");
    nx_result_free(back);
    nx_context_free(ctx);
    msgpack_sbuffer_destroy(&sb);
}

/* ---- values the host hands the guest are capped by max_value_bytes too --------------- */

static msgpack_sbuffer g_big_value; /* a str of 2 MiB */

static void serve_big(void *user, const nx_ext_call_t *call, nx_ext_reply_t *reply)
{
    (void)user; (void)call;
    nx_ext_reply_value(reply, g_big_value.data, g_big_value.size);
}

static void host_big(void *user, const char *interface, const char *function, const uint8_t *args,
                     size_t args_len, nx_ext_reply_t *reply)
{
    (void)user; (void)interface; (void)function; (void)args; (void)args_len;
    nx_ext_reply_value(reply, (const uint8_t *)g_big_value.data, g_big_value.size);
}

static void test_host_values_are_capped(void **state)
{
    (void)state;
    /* docs/values.md: "The return value and every value the host hands the
     * guest are also capped by max_value_bytes." */
    msgpack_packer pk;
    msgpack_sbuffer_init(&g_big_value);
    msgpack_packer_init(&pk, &g_big_value, msgpack_sbuffer_write);
    size_t n = 2 * 1024 * 1024;
    char *s = malloc(n);
    assert_non_null(s);
    memset(s, 'z', n);
    msgpack_pack_str_with_body(&pk, s, n);
    nx_runtime_t *r = runtime_with_extension("big", serve_big);
    static const nx_host_function_t fns[] = { { "get", host_big, NULL, NULL } };
    assert_int_equal(nx_runtime_register_interface(r, "acme:test/big", fns, 1, NULL, NULL, NULL), NX_OK);
    run_opts_t o = { .caps = { "ext:*", "host:*", "state:read:*" } };

    /* a custom interface's answer: refused (this one holds) */
    nx_result_t *res = run(r, "return $host['acme:test/big'].get().length;", &o);
    assert_result_error(res, NX_E_RESOURCE_LIMIT);
    nx_result_free(res);

    /* an extension's immediate answer: the await throws RESOURCE_LIMIT */
    res = run(r, "try { await $ext.big.get(); return 'got it'; } catch (e) { return e.code; }", &o);
    assert_result_value(res, "\"RESOURCE_LIMIT\"");
    nx_result_free(res);
    /* a deferred answer given to nx_resume: refused whole, the execution
     * still waits and takes a smaller answer */
    res = run(r, "return (await $ext.db.get(1)).length;", &o);
    assert_int_equal(nx_result_status(res), NX_STATUS_SUSPENDED);
    const char *id = nx_result_suspension(res, 0)->id;
    nx_outcome_t big = { .value = (const uint8_t *)g_big_value.data, .value_len = g_big_value.size };
    nx_result_t *done = NULL;
    assert_int_equal(nx_resume(r, id, &big, &done), NX_E_RESOURCE_LIMIT);
    nx_result_free(done);
    nx_outcome_t small = { .value = (const uint8_t *)"\xa3" "abc", .value_len = 4 };
    done = NULL;
    assert_int_equal(nx_resume(r, id, &small, &done), NX_OK);
    assert_result_value(done, "3");
    nx_result_free(done);
    nx_result_free(res);
    /* a value in the state snapshot: reading it throws RESOURCE_LIMIT */
    msgpack_sbuffer st;
    msgpack_sbuffer_init(&st);
    msgpack_packer_init(&pk, &st, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 1);
    msgpack_pack_str_with_body(&pk, "big", 3);
    msgpack_pack_str_with_body(&pk, s, n);
    nx_context_t *ctx;
    assert_int_equal(nx_context_create(&ctx), NX_OK);
    assert_int_equal(nx_context_add_capability(ctx, "state:read:*"), NX_OK);
    assert_int_equal(nx_context_set_state(ctx, st.data, st.size), NX_OK);
    static const char src[] =
        "const has = $state.has('big'); try { $state.big; return 'got it'; } catch (e) { return [has, e.code]; }";
    res = NULL;
    assert_int_equal(nx_execute(r, src, sizeof src - 1, ctx, &res), NX_OK);
    assert_result_value(res, "[true,\"RESOURCE_LIMIT\"]");
    nx_result_free(res);
    nx_context_free(ctx);
    msgpack_sbuffer_destroy(&st);
    nx_runtime_free(r);
    msgpack_sbuffer_destroy(&g_big_value);
    free(s);
}

static void test_runtime_at_rest(void **state)
{
    (void)state;
    nx_stats_t st;
    nx_runtime_stats(rt, &st);
    assert_int_equal(st.instances_busy, 0);
    assert_int_equal(st.instances_suspended, 0);
    assert_int_equal(st.pending_suspensions, 0);
    assert_int_equal(st.executions, st.successes + st.errors + st.suspensions);
    uint64_t by_code = 0;
    for (int i = 0; i < NX_CODE_COUNT; i++)
        by_code += st.errors_by_code[i];
    assert_int_equal(by_code, st.errors);
    assert_int_equal(st.errors_by_code[NX_E_INTERNAL_ERROR], 0);
    assert_true(st.instances_created <= 8);
    printf("runtime after the corpus: %llu executions (%llu ok, %llu errors, %llu suspended), "
           "%llu instances created, restore by %s\n",
           (unsigned long long)st.executions, (unsigned long long)st.successes,
           (unsigned long long)st.errors, (unsigned long long)st.suspensions,
           (unsigned long long)st.instances_created, st.dirty_page_restore ? "dirty pages" : "full copy");
}

static void test_corpus_present(void **state)
{
    (void)state;
    printf("hostile corpus: %zu cases in %s\n", g_case_count, hostile_dir());
    if (g_case_count == 0)
        fail_msg("no cases found in %s", hostile_dir());
}

int main(void)
{
    load_corpus();
    size_t fixed_before = 2, fixed_after = 7;
    size_t n = fixed_before + g_case_count + fixed_after;
    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    if (!tests)
        return 1;
    size_t i = 0;
    tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_corpus_present);
    tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_probe_baseline);
    for (size_t k = 0; k < g_case_count; k++)
        tests[i++] = (struct CMUnitTest){ g_cases[k].name, run_case, NULL, NULL, &g_cases[k] };
    tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_forged_ids);
    tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_stale_ids);
    tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_foreign_and_expired_ids);
    tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_ids_inside_a_callback);
    tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_written_state_loads_again);
    tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_host_values_are_capped);
    tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_runtime_at_rest);
    int failed = _cmocka_run_group_tests("hostile", tests, n, setup, teardown);
    free(tests);
    free(g_probe_baseline);
    free_corpus();
    return failed;
}
