/* test_limits.c - every limit enforced by the host (time, memory, stack,
 * host calls, sizes and counts), the hardening of the handler context, and
 * isolation: after each hostile run the next execution is clean. */
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "helpers.h"
#include "sandbox/thread.h"

static nx_runtime_t *rt;

static int setup(void **state)
{
    (void)state;
    rt = make_runtime_with_db();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nx_runtime_free(rt);
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The instance that ran something hostile must serve a clean execution. */
static void expect_clean_next(void)
{
    run_opts_t o = { .state = "{\"n\":1}", .caps = { "state:read:n" } };
    expect_run(rt, "return [$state.n, typeof globalThis.leak, ({}).polluted, [1,2,3].map(x => x * 2)]", &o,
               "[1,\"undefined\",null,[2,4,6]]");
}

/* Runs source with the limits and expects code within max_ms of wall time. */
static void expect_stopped(const char *source, nx_limits_t limits, nx_code_t code, double max_ms)
{
    run_opts_t o = { .limits = limits };
    double t0 = now_ms();
    nx_result_t *r = run(rt, source, &o);
    double elapsed = now_ms() - t0;
    assert_result_error(r, code);
    if (elapsed > max_ms)
        fail_msg("%s took %.0f ms (bound %.0f ms)", nx_code_name(code), elapsed, max_ms);
    nx_result_free(r);
    expect_clean_next();
}

/* ---- time -------------------------------------------------------------------------------- */

static void test_endless_loop_times_out(void **state)
{
    (void)state;
    nx_limits_t l = { .timeout_ms = 100 };
    expect_stopped("globalThis.leak = 1; while (true) {}", l, NX_E_TIMEOUT, 2000);
    expect_stopped("for (;;) { try { while (true) {} } catch (e) {} }", l, NX_E_TIMEOUT, 2000);
    expect_stopped("await new Promise(() => { for (;;); });", l, NX_E_TIMEOUT, 2000);
    expect_stopped("const loop = () => Promise.resolve().then(loop); loop(); await new Promise(() => {});",
                   l, NX_E_TIMEOUT, 2000);
}

/* The watchdog's signal names the execution it is for (by its deadline): one
 * that arrives late, during the next execution or between two, changes
 * nothing; one for the execution running now raises its interrupt flag. */
static void test_deadline_signals_name_their_execution(void **state)
{
    (void)state;
    nx_thread_t *t = nx_thread_get();
    assert_non_null(t);
    volatile uint32_t flag = 0;
    assert_int_equal(nx_deadline_arm(t, 60000, 50, &flag), 0);
    union sigval first = { .sival_ptr = (void *)(uintptr_t)atomic_load(&t->deadline_ns) };
    assert_false(nx_deadline_disarm(t));
    assert_int_equal(pthread_sigqueue(pthread_self(), nx_deadline_signal(), first), 0);
    assert_int_equal(nx_deadline_arm(t, 60000, 50, &flag), 0);
    union sigval second = { .sival_ptr = (void *)(uintptr_t)atomic_load(&t->deadline_ns) };
    assert_true(second.sival_ptr != first.sival_ptr);
    /* a signal to this thread is handled before pthread_sigqueue returns */
    assert_int_equal(pthread_sigqueue(pthread_self(), nx_deadline_signal(), first), 0);
    assert_int_equal(flag, 0);
    assert_int_equal(pthread_sigqueue(pthread_self(), nx_deadline_signal(), second), 0);
    assert_int_equal(flag, 1);
    assert_true(nx_deadline_disarm(t));
    assert_int_equal(pthread_sigqueue(pthread_self(), nx_deadline_signal(), second), 0);
    expect_clean_next();
}

/* Compiling runs under the execution's own limits, and what it hits is the
 * handler's fault: a result, counted, not a failed call. */
static void test_compile_under_the_context_limits(void **state)
{
    (void)state;
    size_t lines = 300000, cap = lines * 24 + 64, n = 0;
    char *src = malloc(cap);
    assert_non_null(src);
    n += (size_t)snprintf(src + n, cap - n, "let x = 0;\n");
    for (size_t i = 0; i < lines; i++)
        n += (size_t)snprintf(src + n, cap - n, "x = x + %zu;\n", i % 1000);
    snprintf(src + n, cap - n, "return 1;");
    nx_stats_t before, after;
    nx_runtime_stats(rt, &before);
    nx_code_t code;
    run_opts_t o = { .limits = { .timeout_ms = 20 } };
    nx_result_t *r = run_code(rt, src, &o, &code);
    assert_int_equal(code, NX_OK);
    assert_result_error(r, NX_E_TIMEOUT);
    assert_non_null(strstr(nx_result_error(r)->message, "compiling"));
    nx_result_free(r);
    nx_runtime_stats(rt, &after);
    assert_int_equal(after.errors, before.errors + 1);
    /* with time enough the same source compiles and runs */
    run_opts_t roomy = { .limits = { .timeout_ms = 30000 } };
    r = run_code(rt, src, &roomy, &code);
    assert_int_equal(code, NX_OK);
    assert_result_value(r, "1");
    nx_result_free(r);
    free(src);
    expect_clean_next();
}

static void test_catastrophic_regex_times_out(void **state)
{
    (void)state;
    /* the regular-expression engine never polls the interrupt flag: the
     * watchdog's hard stop ends it */
    nx_limits_t l = { .timeout_ms = 200 };
    expect_stopped("return /(a+)+$/.test('a'.repeat(40) + 'b')", l, NX_E_TIMEOUT, 1000);
}

static void test_long_builtins_time_out(void **state)
{
    (void)state;
    nx_limits_t l = { .timeout_ms = 100 };
    expect_stopped("const a = Array.from({length: 1e5}, (_, i) => i);\n"
                   "a.sort((x, y) => { for (;;); });", l, NX_E_TIMEOUT, 2000);
    expect_stopped("JSON.stringify({ get x() { for (;;); } })", l, NX_E_TIMEOUT, 2000);
    expect_stopped("const s = 'x'.repeat(1 << 20); for (;;) s.split('').reverse().join('');", l,
                   NX_E_TIMEOUT, 2000);
}

/* ---- limits over the whole execution --------------------------------------------------- */

/* Answers r's first pending call with 1 and returns the next result. */
static nx_result_t *answer_first(nx_result_t *r)
{
    uint8_t one = 1;
    nx_outcome_t o = { .value = &one, .value_len = 1 };
    nx_result_t *next = NULL;
    assert_int_equal(nx_resume(rt, nx_result_suspension(r, 0)->id, &o, &next), NX_OK);
    nx_result_free(r);
    return next;
}

/* timeout_ms is the guest's running time over every segment: six segments
 * of at least 60 ms each cannot fit in 200 ms, although each would. */
static void test_timeout_bounds_the_whole_execution(void **state)
{
    (void)state;
    const char *src = "for (let i = 0; i < 6; i++) {\n"
                      "  const t = Date.now(); while (Date.now() - t < 60) {}\n"
                      "  await $ext.db.get(i);\n"
                      "}\nreturn 'done';";
    run_opts_t o = { .caps = { "ext:db" }, .limits = { .timeout_ms = 200, .memory_mb = 1024 } };
    nx_result_t *r = run(rt, src, &o);
    int segments = 1;
    while (nx_result_status(r) == NX_STATUS_SUSPENDED) {
        r = answer_first(r);
        segments++;
    }
    assert_result_error(r, NX_E_TIMEOUT);
    /* it ran out in the fourth segment at the latest (4 x 60 > 200) */
    assert_true(segments <= 4);
    nx_result_free(r);
    /* with time for all six (6 x 60 < 1000 plus the engine's own) it ends */
    run_opts_t roomy = { .caps = { "ext:db" }, .limits = { .timeout_ms = 20000 } };
    r = run(rt, src, &roomy);
    while (nx_result_status(r) == NX_STATUS_SUSPENDED)
        r = answer_first(r);
    assert_result_value(r, "\"done\"");
    nx_result_free(r);
}

/* deadline_ms is the wall clock from the first execute, waits included:
 * an answer that comes after it ends the execution with TIMEOUT. The
 * execution's instance is freed at the first call after the deadline (the
 * sweep), and its id kept only to say why; whether that call is the answer
 * itself or another one, the answer gets TIMEOUT. */
static void test_deadline_bounds_the_wait(void **state)
{
    (void)state;
    run_opts_t o = { .caps = { "ext:db" }, .limits = { .deadline_ms = 150 } };
    for (int swept = 0; swept < 2; swept++) {
        nx_result_t *r = run(rt, "const v = await $ext.db.get(1); return v;", &o);
        assert_int_equal(nx_result_status(r), NX_STATUS_SUSPENDED);
        usleep(300 * 1000);
        if (swept) {
            /* any call sweeps what expired: here the execution's instance is
             * freed and its id kept only to say what happened */
            nx_result_t *other = run(rt, "return 1", NULL);
            nx_result_free(other);
            nx_stats_t st;
            nx_runtime_stats(rt, &st);
            assert_int_equal(st.instances_suspended, 0);
        }
        nx_result_t *next = answer_first(r);
        assert_result_error(next, NX_E_TIMEOUT);
        assert_non_null(strstr(nx_result_error(next)->message, "150 ms overall deadline"));
        nx_result_free(next);
    }
    /* the deadline also bounds a segment's running time */
    run_opts_t tight = { .limits = { .deadline_ms = 100, .timeout_ms = 60000 } };
    expect_stopped("while (true) {}", tight.limits, NX_E_TIMEOUT, 2000);
}

/* ---- memory and stack ----------------------------------------------------------------------- */

static void test_memory_limit(void **state)
{
    (void)state;
    /* a deadline no load can reach: only the memory cap can end these */
    nx_limits_t l = { .memory_mb = 16, .timeout_ms = 600000 };
    expect_stopped("const a = []; while (true) a.push(new Array(100000).fill(1.5));", l,
                   NX_E_MEMORY_LIMIT, 10000);
    expect_stopped("let s = 'x'; while (true) s = s + s;", l, NX_E_MEMORY_LIMIT, 10000);
    expect_stopped("const m = new Map(); for (let i = 0; ; i++) m.set(i, {i});", l, NX_E_MEMORY_LIMIT, 10000);
    expect_stopped("const b = []; for (;;) b.push(new Float64Array(1 << 16));", l, NX_E_MEMORY_LIMIT, 10000);
    /* reaching the cap ends the execution: try/catch cannot keep it going */
    expect_stopped("const a = []; for (;;) { try { a.push(new Array(1e6).fill(0)); } catch (e) {} }", l,
                   NX_E_MEMORY_LIMIT, 10000);
}

static void test_memory_limit_per_execution(void **state)
{
    (void)state;
    /* 20 MiB of doubles fits in 64 MiB, not in 8 */
    const char *src = "const a = new Float64Array(20 * 1024 * 1024 / 8); return a.length;";
    run_opts_t big = { .limits = { .memory_mb = 64 } };
    expect_run(rt, src, &big, "2621440");
    run_opts_t small = { .limits = { .memory_mb = 8 } };
    expect_run_error(rt, src, &small, NX_E_MEMORY_LIMIT);
    run_opts_t bad = { .limits = { .memory_mb = 2 } };
    nx_code_t code;
    nx_result_t *r = run_code(rt, "return 1", &bad, &code);
    assert_int_equal(code, NX_E_INVALID_ARGUMENT);
    nx_result_free(r);
}

static void test_stack_overflow(void **state)
{
    (void)state;
    nx_limits_t l = { 0 };
    expect_stopped("function f(n) { return f(n + 1) + 1; } return f(0);", l, NX_E_RESOURCE_LIMIT, 2000);
    expect_stopped("const f = (n) => [f(n + 1)]; f(0);", l, NX_E_RESOURCE_LIMIT, 2000);
    expect_stopped("return JSON.parse('['.repeat(1e5) + ']'.repeat(1e5)).length;", l,
                   NX_E_RESOURCE_LIMIT, 2000);
    /* caught, it is an ordinary error */
    expect_run(rt, "function f() { f() } try { f() } catch (e) { return e.message }", NULL,
               "\"stack overflow\"");
}

/* ---- host calls, sizes, counts -------------------------------------------------------------- */

static void test_host_call_limit(void **state)
{
    (void)state;
    run_opts_t o = { .limits = { .max_host_calls = 10 } };
    expect_run(rt, "for (let i = 0; i < 10; i++) $log.info(i); return 'ok'", &o, "\"ok\"");
    expect_run_error(rt, "for (let i = 0; i < 11; i++) $log.info(i);", &o, NX_E_RESOURCE_LIMIT);
}

static void test_size_and_count_limits(void **state)
{
    (void)state;
    run_opts_t o = { .caps = { "state:write:*", "events:emit:*", "view:update:*" },
                     .limits = { .max_value_bytes = 1024, .max_log_bytes = 100, .max_events = 3,
                                 .max_view_commands = 2, .max_logs = 4, .max_state_keys = 2 } };
    static const char *const cases[] = {
        "$state.x = 'a'.repeat(2000)",
        "$emit('e', 'a'.repeat(2000))",
        "$view.command('c', 't', {s: 'a'.repeat(2000)})",
        "$log.info('a'.repeat(101))",
        "for (let i = 0; i < 4; i++) $emit('e', i)",
        "for (let i = 0; i < 3; i++) $view.focus('c')",
        "for (let i = 0; i < 5; i++) $log.info(i)",
        "$state.a = 1; $state.b = 2; $state.c = 3",
        "return 'a'.repeat(2000)",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nx_result_t *r = run(rt, cases[i], &o);
        if (!nx_result_error(r) || nx_result_error(r)->code != NX_E_RESOURCE_LIMIT)
            fail_msg("case %zu (%s) was not limited", i, cases[i]);
        nx_result_free(r);
    }
    /* under the limits, the same things work; rewriting a key is free */
    expect_run(rt, "$state.a = 1; $state.a = 2; $state.b = 'a'.repeat(900); $emit('e');"
                   "$view.focus('c'); $log.info('a'.repeat(100)); return 'ok'", &o, "\"ok\"");
    run_opts_t out = { .caps = { "events:emit:*" }, .limits = { .max_output_bytes = 4096 } };
    expect_run_error(rt, "for (let i = 0; i < 100; i++) $emit('e', 'a'.repeat(100))", &out, NX_E_RESOURCE_LIMIT);
}

static void test_large_replies_cross(void **state)
{
    (void)state;
    /* state values larger than the 64 KiB reply buffer take the slow path */
    run_opts_t o = { .caps = { "state:read:*", "state:write:*" } };
    expect_run(rt, "$state.big = 'y'.repeat(300000); const v = $state.big; return [v.length, v[299999]]", &o,
               "[300000,\"y\"]");
}

/* ---- hardening and isolation ------------------------------------------------------------------ */

static void test_no_eval_or_function_constructors(void **state)
{
    (void)state;
    static const char *const attempts[] = {
        "eval('1')",
        "(0, eval)('1')",
        "Function('return 1')()",
        "new Function('return 1')()",
        "(function(){}).constructor('return 1')()",
        "(async function(){}).constructor('return 1')()",
        "(function*(){}).constructor('yield 1')().next()",
        "(async function*(){}).constructor('yield 1')",
        "Reflect.construct(Function, ['return 1'])()",
        "globalThis.constructor.constructor('return 1')()",
    };
    for (size_t i = 0; i < sizeof attempts / sizeof attempts[0]; i++) {
        char src[256];
        snprintf(src, sizeof src, "try { %s; return 'reached'; } catch (e) { return e.message; }", attempts[i]);
        expect_run(rt, src, NULL, "\"eval is not supported\"");
    }
}

static void test_prototypes_frozen(void **state)
{
    (void)state;
    expect_run(rt, "'use strict'; try { Object.prototype.x = 1 } catch (e) { return e.name }", NULL, "\"TypeError\"");
    expect_run(rt, "Object.prototype.x = 1; Array.prototype.map = null; return [({}).x, typeof [].map]", NULL,
               "[null,\"function\"]");
    expect_run(rt, "try { Object.defineProperty(Object.prototype, 'y', {value: 1}) } catch (e) {} return ({}).y",
               NULL, "undefined");
    expect_run(rt, "try { Object.setPrototypeOf(Object.prototype, {z: 1}) } catch (e) {} return ({}).z", NULL,
               "undefined");
    expect_run(rt, "return [Object.isFrozen(Object.prototype), Object.isFrozen(Array.prototype),\n"
                   "  Object.isFrozen(Object.getPrototypeOf(function*(){}).prototype), Object.isFrozen(Math)]",
               NULL, "[true,true,true,true]");
    /* ordinary code that shadows built-in properties still works */
    expect_run(rt, "class E extends Error { constructor(m) { super(m); this.name = 'E'; } }\n"
                   "const o = {}; o.toString = () => 'mine';\n"
                   "return [new E('x').name, String(o), new E('x') instanceof Error]",
               NULL, "[\"E\",\"mine\",true]");
    expect_clean_next();
}

static void test_nothing_survives_an_execution(void **state)
{
    (void)state;
    expect_run(rt, "globalThis.leak = 'secret'; var x = 1; JSON.parse = () => 42; return 1", NULL, "1");
    expect_run(rt, "return [typeof globalThis.leak, JSON.parse('[1]')]", NULL, "[\"undefined\",[1]]");
    /* Math.random is reseeded every execution */
    nx_result_t *a = run(rt, "return Math.random()", NULL);
    nx_result_t *b = run(rt, "return Math.random()", NULL);
    char *va = result_value_json(a), *vb = result_value_json(b);
    assert_string_not_equal(va, vb);
    free(va);
    free(vb);
    nx_result_free(a);
    nx_result_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_endless_loop_times_out),
        cmocka_unit_test(test_deadline_signals_name_their_execution),
        cmocka_unit_test(test_compile_under_the_context_limits),
        cmocka_unit_test(test_catastrophic_regex_times_out),
        cmocka_unit_test(test_long_builtins_time_out),
        cmocka_unit_test(test_timeout_bounds_the_whole_execution),
        cmocka_unit_test(test_deadline_bounds_the_wait),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_memory_limit_per_execution),
        cmocka_unit_test(test_stack_overflow),
        cmocka_unit_test(test_host_call_limit),
        cmocka_unit_test(test_size_and_count_limits),
        cmocka_unit_test(test_large_replies_cross),
        cmocka_unit_test(test_no_eval_or_function_constructors),
        cmocka_unit_test(test_prototypes_frozen),
        cmocka_unit_test(test_nothing_survives_an_execution),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
