/* test_modern_js.c - the language and library additions of the guest
 * (docs/api.md, "The language"): ES2022-ES2025 built-ins, class static
 * blocks, #x in obj, the RegExp d flag, Error cause, and the web globals.
 *
 * Each tests/modern/NAME.js (a handler body returning 'ok', with
 * tests/modern/_harness.js before it) runs twice: as a handler, where
 * every built-in is frozen, and in the raw engine mode, where the
 * specification's property attributes hold and eval can check early
 * errors. The handler compiler's own answers to invalid syntax, the
 * replay of crypto values and microtask failures are checked here in C. */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <msgpack.h>

#include "helpers.h"
#include "sandbox/instance.h"

#ifndef HOSTILE_DIR
#define HOSTILE_DIR "tests/hostile"
#endif

static nx_runtime_t *g_rt;
static nx_snapshot_t *g_raw;
static char g_dir[1024];
static char *g_harness;

/* harness + fixture, wrapped by before/after (either may be ""). */
static char *fixture_source(const char *name, const char *before, const char *after)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    char *body = read_whole_file(path, NULL);
    assert_non_null(body);
    size_t n = strlen(before) + strlen(g_harness) + strlen(body) + strlen(after) + 4;
    char *src = malloc(n);
    snprintf(src, n, "%s%s\n%s\n%s", before, g_harness, body, after);
    free(body);
    return src;
}

/* ---- running a fixture as a handler ------------------------------------------------ */

static void run_as_handler(void **state)
{
    const char *name = *state;
    char *src = fixture_source(name, "", "");
    nx_result_t *r = run(g_rt, src, NULL);
    const nx_error_info_t *e = nx_result_error(r);
    if (nx_result_status(r) != NX_STATUS_SUCCESS)
        fail_msg("%s (handler): %s %s\n%s", name, e ? nx_code_name(e->code) : "", e ? e->message : "",
                 e && e->stack ? e->stack : "");
    assert_result_value(r, "\"ok\"");
    nx_result_free(r);
    free(src);
}

/* ---- running a fixture in the raw engine mode ---------------------------------------- */

/* The report's string at key ("status", or "message" inside "error"). */
static bool report_says(const nx_instance_t *inst, const char *want_status, char *message, size_t cap)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 1024);
    msgpack_object obj;
    size_t off = 0;
    bool ok = false;
    message[0] = '\0';
    if (msgpack_unpack((const char *)inst->report, inst->report_len, &off, &zone, &obj) ==
            MSGPACK_UNPACK_SUCCESS && obj.type == MSGPACK_OBJECT_MAP) {
        for (uint32_t i = 0; i < obj.via.map.size; i++) {
            const msgpack_object_kv *kv = &obj.via.map.ptr[i];
            if (kv->key.type != MSGPACK_OBJECT_STR)
                continue;
            if (kv->key.via.str.size == 6 && memcmp(kv->key.via.str.ptr, "status", 6) == 0)
                ok = kv->val.type == MSGPACK_OBJECT_STR && kv->val.via.str.size == strlen(want_status) &&
                     memcmp(kv->val.via.str.ptr, want_status, strlen(want_status)) == 0;
            if (kv->key.via.str.size == 5 && memcmp(kv->key.via.str.ptr, "error", 5) == 0 &&
                kv->val.type == MSGPACK_OBJECT_MAP) {
                for (uint32_t j = 0; j < kv->val.via.map.size; j++) {
                    const msgpack_object_kv *e = &kv->val.via.map.ptr[j];
                    if (e->key.type == MSGPACK_OBJECT_STR && e->key.via.str.size == 7 &&
                        memcmp(e->key.via.str.ptr, "message", 7) == 0 && e->val.type == MSGPACK_OBJECT_STR)
                        snprintf(message, cap, "%.*s", (int)e->val.via.str.size, e->val.via.str.ptr);
                }
            }
        }
    }
    msgpack_zone_destroy(&zone);
    return ok;
}

static void eval_raw(nx_instance_t *inst, const char *src, const char *name)
{
    size_t len = strlen(src);
    assert_int_equal(nx_instance_write_input(inst, src, len), NX_OK);
    nx_thread_t *t = nx_thread_get();
    assert_non_null(t);
    assert_int_equal(nx_deadline_arm(t, 60000, 50, nx_instance_interrupt_flag(inst)), 0);
    uint32_t ret = 0;
    int trap = nx_instance_call(inst, t, NX_EXPORT_EVAL, (uint32_t)len, &ret);
    bool late = nx_deadline_disarm(t);
    char message[4096];
    if (trap || late || !report_says(inst, "ok", message, sizeof message))
        fail_msg("%s (raw engine): trap %d, late %d: %s", name, trap, late, message);
}

static void run_raw(void **state)
{
    const char *name = *state;
    /* the fixture's promise settles while the eval export runs its jobs;
       a second evaluation reads the outcome */
    char *src = fixture_source(name, "globalThis.__outcome = 'never settled';\n(async function () {\n",
                               "})().then((v) => { globalThis.__outcome = v; },\n"
                               "  (e) => { globalThis.__outcome = String(e) + '\\n' + (e && e.stack); });\n");
    nx_instance_t *inst;
    assert_int_equal(nx_instance_create(g_raw, &inst), NX_OK);
    nx_instance_set_page_cap(inst, 4096);
    eval_raw(inst, src, name);
    eval_raw(inst, "if (globalThis.__outcome !== 'ok') throw new Error(String(globalThis.__outcome));", name);
    nx_instance_free(inst);
    free(src);
}

/* ---- the handler compiler's early errors ------------------------------------------------ */

static void expect_compile_error(const char *src)
{
    nx_result_t *r = run(g_rt, src, NULL);
    const nx_error_info_t *e = nx_result_error(r);
    if (nx_result_status(r) != NX_STATUS_ERROR || !e || e->code != NX_E_COMPILATION_ERROR)
        fail_msg("expected a compilation error for: %s", src);
    nx_result_free(r);
}

static void test_handler_syntax_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "class X { static { return; } }",
        "class X { static { arguments; } }",
        "class X { static { await 0; } }",
        "class X { static { var await; } }",
        "class X { static { super(); } }",
        "class X { static { let a; let a; } }",
        "class X { #a; m(o) { return #b in o; } }",
        "class X { #a; m(o) { return 1 + #a in o; } }",
        "class X { #a; m(o) { return #a in #a in o; } }",
        "#x in {}",
        "/a/dd",
        "/a/dg, /b/x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_compile_error(bad[i]);
    /* and the same shapes that are fine */
    expect_run(g_rt,
               "class X { static #n = 2; static { this.v = X.#n * 21; } #p; static has(o) { return #p in o; } }"
               "return [X.v, X.has(new X()), X.has({}), /b/d.exec('ab').indices[0]];",
               NULL, "[42,true,false,[1,2]]");
}

/* ---- crypto and Math.random under record and replay ---------------------------------------- */

static const char *random_src =
    "return [crypto.randomUUID(), Array.from(crypto.getRandomValues(new Uint8Array(8))), "
    "String(crypto.getRandomValues(new BigUint64Array(1))[0]), Math.random()];";

static void test_crypto_replays(void **state)
{
    (void)state;
    nx_context_t *ctx = make_context(NULL);
    nx_recording_t *rec;
    nx_result_t *r;
    assert_int_equal(nx_execute_recorded(g_rt, random_src, strlen(random_src), ctx, &rec, &r), NX_OK);
    nx_result_t *again;
    assert_int_equal(nx_replay(g_rt, rec, &again), NX_OK);
    char *a = result_value_json(r), *b = result_value_json(again);
    assert_string_equal(a, b);
    /* another execution draws other values */
    nx_result_t *other = run(g_rt, random_src, NULL);
    char *c = result_value_json(other);
    assert_string_not_equal(a, c);
    free(a);
    free(b);
    free(c);
    nx_result_free(r);
    nx_result_free(again);
    nx_result_free(other);
    nx_recording_free(rec);
    nx_context_free(ctx);
}

/* ---- microtasks ------------------------------------------------------------------------------- */

static void test_microtask_failure_fails_execution(void **state)
{
    (void)state;
    nx_result_t *r = run(g_rt, "queueMicrotask(() => { throw new RangeError('in a microtask'); }); return 1;", NULL);
    assert_result_error(r, NX_E_EXECUTION_ERROR);
    assert_non_null(strstr(nx_result_error(r)->message, "in a microtask"));
    nx_result_free(r);
    expect_run(g_rt, "let n = 0; queueMicrotask(() => n++); await null; return n;", NULL, "1");
}

/* A structured clone too deep to finish is a RangeError, never a trap;
 * and large inputs stay inside the memory limit's answer. */
static void test_limits(void **state)
{
    (void)state;
    expect_run(g_rt,
               "let v = []; for (let i = 0; i < 100000; i++) v = [v];"
               "try { structuredClone(v); return 'cloned'; } catch (e) { return e.name; }",
               NULL, "\"RangeError\"");
    run_opts_t o = { .limits = { .memory_mb = 16 } };
    nx_result_t *r = run(g_rt, "const s = 'x'.repeat(1 << 22); const b = new TextEncoder().encode(s);"
                               "const t = []; for (let i = 0; i < 64; i++) t.push(btoa(s)); return t.length;", &o);
    assert_true(nx_result_status(r) == NX_STATUS_ERROR);
    nx_result_free(r);
    expect_run(g_rt, "return new URL('http://a/').href;", NULL, "\"http://a/\"");
}

/* ---- the fixtures -------------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    g_rt = make_runtime();
    char err[256];
    if (nx_snapshot_create(NX_INIT_RAW_ENGINE, &g_raw, err, sizeof err) != NX_OK) {
        fprintf(stderr, "raw snapshot: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nx_snapshot_free(g_raw);
    nx_runtime_free(g_rt);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    /* tests/modern, beside tests/hostile */
    snprintf(g_dir, sizeof g_dir, "%s", HOSTILE_DIR);
    char *slash = strrchr(g_dir, '/');
    snprintf(slash ? slash + 1 : g_dir, sizeof g_dir - (size_t)(slash ? slash + 1 - g_dir : 0), "modern");
    char path[1200];
    snprintf(path, sizeof path, "%s/_harness.js", g_dir);
    g_harness = read_whole_file(path, NULL);
    if (!g_harness) {
        fprintf(stderr, "no fixture harness at %s\n", path);
        return 1;
    }
    char *names[256];
    size_t count = 0;
    DIR *d = opendir(g_dir);
    for (struct dirent *e; d && (e = readdir(d)) && count < 256;) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] != '_' && e->d_name[0] != '.' && n > 3 && strcmp(e->d_name + n - 3, ".js") == 0)
            names[count++] = strdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, count, sizeof names[0], by_name);
    struct CMUnitTest tests[2 * 256 + 8];
    size_t n = 0;
    static char labels[2 * 256][160];
    for (size_t i = 0; i < count; i++) {
        snprintf(labels[2 * i], sizeof labels[0], "%s (handler)", names[i]);
        snprintf(labels[2 * i + 1], sizeof labels[0], "%s (raw engine)", names[i]);
        tests[n++] = (struct CMUnitTest){ labels[2 * i], run_as_handler, NULL, NULL, names[i] };
        tests[n++] = (struct CMUnitTest){ labels[2 * i + 1], run_raw, NULL, NULL, names[i] };
    }
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_handler_syntax_errors);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_crypto_replays);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_microtask_failure_fails_execution);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_limits);
    print_message("%zu fixtures in %s\n", count, g_dir);
    int failed = count == 0 ? 1 : _cmocka_run_group_tests("test_modern_js", tests, n, setup, teardown);
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(g_harness);
    return failed;
}
