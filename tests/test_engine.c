/* test_engine.c - the runtime as a busy host uses it: the bytecode cache in
 * memory and on disk, precompiled handlers, the pool's limit and its wait,
 * graceful shutdown, statistics and the Prometheus exposition, and one
 * runtime used from many threads at once. */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "common/random.h"

static const char *counter_src =
    "const c = ($state.count ?? 0) + $args.step; $state.count = c; $emit('changed', {c}); return c;";

static nx_context_t *counter_ctx(int count, int step)
{
    char state[64], args[64];
    snprintf(state, sizeof state, "{\"count\":%d}", count);
    snprintf(args, sizeof args, "{\"step\":%d}", step);
    run_opts_t o = { .state = state, .args = args,
                     .caps = { "state:read:count", "state:write:count", "events:emit:*" } };
    return make_context(&o);
}

static nx_runtime_t *runtime_with(uint32_t max_instances, uint32_t prewarm, const char *cache_dir)
{
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.max_instances = max_instances;
    cfg.prewarm_instances = prewarm;
    cfg.acquire_timeout_ms = 100;
    cfg.cache_dir = cache_dir;
    nx_runtime_t *rt;
    assert_int_equal(nx_runtime_create(&cfg, &rt), NX_OK);
    return rt;
}

static void test_cache_statistics(void **state)
{
    (void)state;
    nx_runtime_t *rt = runtime_with(4, 1, NULL);
    nx_context_t *ctx = counter_ctx(1, 1);
    for (int i = 0; i < 3; i++) {
        nx_result_t *r;
        assert_int_equal(nx_execute(rt, counter_src, strlen(counter_src), ctx, &r), NX_OK);
        assert_result_value(r, "2");
        assert_int_equal(nx_result_metrics(r)->cache_hit, i > 0);
        assert_true(i == 0 ? nx_result_metrics(r)->compile_us > 0 : nx_result_metrics(r)->compile_us == 0);
        nx_result_free(r);
    }
    nx_stats_t s;
    nx_runtime_stats(rt, &s);
    assert_int_equal(s.compilations, 1);
    assert_int_equal(s.cache_misses, 1);
    assert_int_equal(s.cache_hits, 2);
    assert_int_equal(s.cache_entries, 1);
    assert_true(s.cache_bytes > 0);
    nx_context_free(ctx);
    nx_runtime_free(rt);
}

static void test_disk_cache_across_runtimes(void **state)
{
    (void)state;
    char dir[] = "/tmp/nexus-cache-XXXXXX";
    assert_non_null(mkdtemp(dir));
    nx_context_t *ctx = counter_ctx(1, 1);
    for (int round = 0; round < 2; round++) {
        nx_runtime_t *rt = runtime_with(2, 0, dir);
        nx_result_t *r;
        assert_int_equal(nx_execute(rt, counter_src, strlen(counter_src), ctx, &r), NX_OK);
        assert_result_value(r, "2");
        /* the second runtime finds the first one's bytecode on disk */
        assert_int_equal(nx_result_metrics(r)->cache_hit, round == 1);
        nx_result_free(r);
        nx_stats_t s;
        nx_runtime_stats(rt, &s);
        assert_int_equal(s.compilations, round == 0 ? 1 : 0);
        nx_runtime_free(rt);
    }
    /* a corrupted entry is ignored: compiled again, same result */
    char cmd[128];
    snprintf(cmd, sizeof cmd, "for f in %s/*.nxbc; do printf 'garbage' > \"$f\"; done", dir);
    assert_int_equal(system(cmd), 0);
    nx_runtime_t *rt = runtime_with(2, 0, dir);
    nx_result_t *r;
    assert_int_equal(nx_execute(rt, counter_src, strlen(counter_src), ctx, &r), NX_OK);
    assert_result_value(r, "2");
    assert_false(nx_result_metrics(r)->cache_hit);
    nx_result_free(r);
    nx_runtime_free(rt);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    nx_context_free(ctx);
}

static void test_precompiled_handlers(void **state)
{
    (void)state;
    nx_runtime_t *rt = runtime_with(4, 1, NULL), *other = runtime_with(1, 0, NULL);
    nx_handler_t *h;
    assert_int_equal(nx_precompile(rt, counter_src, strlen(counter_src), &h, NULL), NX_OK);
    assert_int_equal(strlen(nx_handler_id(h)), 64);
    for (int step = 1; step <= 3; step++) {
        nx_context_t *ctx = counter_ctx(10, step);
        nx_result_t *r;
        assert_int_equal(nx_execute_handler(rt, h, ctx, &r), NX_OK);
        char want[8];
        snprintf(want, sizeof want, "%d", 10 + step);
        assert_result_value(r, want);
        assert_true(nx_result_metrics(r)->cache_hit);
        nx_result_free(r);
        nx_context_free(ctx);
    }
    /* a handle is bound to the runtime that made it */
    nx_context_t *ctx = counter_ctx(1, 1);
    nx_result_t *r;
    assert_int_equal(nx_execute_handler(other, h, ctx, &r), NX_E_INVALID_HANDLER);
    nx_result_free(r);
    nx_result_t *err;
    nx_handler_t *bad;
    assert_int_equal(nx_precompile(rt, "let x = ;", 9, &bad, &err), NX_E_COMPILATION_ERROR);
    assert_null(bad);
    assert_result_error(err, NX_E_COMPILATION_ERROR);
    assert_int_equal(nx_result_error(err)->line, 1);
    nx_result_free(err);
    nx_context_free(ctx);
    nx_handler_free(h);
    nx_runtime_free(other);
    nx_runtime_free(rt);
}

static void test_pool_limit_and_wait(void **state)
{
    (void)state;
    nx_runtime_t *rt = runtime_with(2, 2, NULL);
    static const char *const m[] = { "wait" };
    nx_runtime_register_extension(rt, "hold", m, 1, NULL, NULL, NULL);
    run_opts_t o = { .caps = { "ext:hold" } };
    /* two suspended executions hold both instances */
    nx_result_t *a = run(rt, "return await $ext.hold.wait()", &o);
    nx_result_t *b = run(rt, "return await $ext.hold.wait()", &o);
    assert_int_equal(nx_result_status(b), NX_STATUS_SUSPENDED);
    nx_stats_t s;
    nx_runtime_stats(rt, &s);
    assert_int_equal(s.instances_suspended, 2);
    assert_int_equal(s.instances_idle, 0);
    /* a third waits acquire_timeout_ms, then RESOURCE_LIMIT */
    nx_code_t code;
    nx_result_t *c = run_code(rt, "return 1", &o, &code);
    assert_int_equal(code, NX_E_RESOURCE_LIMIT);
    assert_result_error(c, NX_E_RESOURCE_LIMIT);
    nx_result_free(c);
    /* finishing one frees an instance for the next */
    nx_outcome_t v = { .value = (const uint8_t *)"\x05", .value_len = 1 };
    nx_result_t *done;
    assert_int_equal(nx_resume(rt, nx_result_suspension(a, 0)->id, &v, &done), NX_OK);
    assert_result_value(done, "5");
    nx_result_free(done);
    expect_run(rt, "return 1", &o, "1");
    nx_runtime_stats(rt, &s);
    assert_int_equal(s.instances_created, 2);
    nx_result_free(a);
    /* shutdown cancels b; its id no longer resumes */
    char id[64];
    snprintf(id, sizeof id, "%s", nx_result_suspension(b, 0)->id);
    nx_result_free(b);
    nx_runtime_shutdown(rt);
    nx_runtime_stats(rt, &s);
    assert_int_equal(s.instances_suspended, 0);
    assert_int_equal(s.pending_suspensions, 0);
    assert_int_equal(nx_resume(rt, id, &v, &done), NX_E_INVALID_ARGUMENT);
    nx_result_free(done);
    c = run_code(rt, "return 1", &o, &code);
    assert_int_equal(code, NX_E_INVALID_ARGUMENT);
    nx_result_free(c);
    nx_runtime_free(rt);
}

static void test_shutdown_refuses_new_work(void **state)
{
    (void)state;
    nx_runtime_t *rt = runtime_with(2, 1, NULL);
    nx_runtime_shutdown(rt);
    nx_runtime_shutdown(rt); /* idempotent */
    nx_code_t code;
    nx_result_t *r = run_code(rt, "return 1", NULL, &code);
    assert_int_equal(code, NX_E_INVALID_ARGUMENT);
    nx_result_free(r);
    nx_handler_t *h;
    assert_int_equal(nx_precompile(rt, "return 1", 8, &h, NULL), NX_E_INVALID_ARGUMENT);
    nx_runtime_free(rt);
}

static void test_prometheus(void **state)
{
    (void)state;
    nx_runtime_t *rt = runtime_with(2, 1, NULL);
    nx_context_t *ctx = counter_ctx(1, 1);
    for (int i = 0; i < 3; i++) {
        nx_result_t *r;
        nx_execute(rt, counter_src, strlen(counter_src), ctx, &r);
        nx_result_free(r);
    }
    nx_result_t *r = run(rt, "throw new Error('x')", NULL);
    nx_result_free(r);
    char *text;
    assert_int_equal(nx_runtime_prometheus(rt, &text), NX_OK);
    static const char *const lines[] = {
        "# HELP nexus_executions_total ", "# TYPE nexus_executions_total counter",
        "nexus_executions_total{status=\"success\"} 3", "nexus_executions_total{status=\"error\"} 1",
        "nexus_errors_total{code=\"EXECUTION_ERROR\"} 1", "nexus_errors_total{code=\"TIMEOUT\"} 0",
        "nexus_host_calls_total 9", "nexus_cache_hits_total 2", "nexus_compilations_total 2",
        "# TYPE nexus_execution_duration_seconds histogram",
        "nexus_execution_duration_seconds_bucket{le=\"+Inf\"} 4", "nexus_execution_duration_seconds_count 4",
        "nexus_execution_duration_seconds_sum ", "nexus_instances{state=\"idle\"} 1", "nexus_memory_bytes ",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (!strstr(text, lines[i]))
            fail_msg("missing \"%s\" in:\n%s", lines[i], text);
    /* buckets are cumulative and end at the count */
    unsigned long long prev = 0, v;
    const char *p = text;
    while ((p = strstr(p, "nexus_execution_duration_seconds_bucket{le=\"")) != NULL) {
        p = strchr(p, '}') + 2;
        v = strtoull(p, NULL, 10);
        assert_true(v >= prev);
        prev = v;
    }
    assert_int_equal(prev, 4);
    nx_free(text);
    nx_context_free(ctx);
    nx_runtime_free(rt);
}

typedef struct worker {
    nx_runtime_t *rt;
    const nx_handler_t *h;
    int id, runs, wrong;
} worker_t;

static void *work(void *p)
{
    worker_t *w = p;
    for (int i = 0; i < w->runs; i++) {
        int base = w->id * 100000 + i;
        nx_context_t *ctx = counter_ctx(base, w->id + 1);
        nx_result_t *r;
        nx_code_t code = nx_execute_handler(w->rt, w->h, ctx, &r);
        char want[32];
        snprintf(want, sizeof want, "%d", base + w->id + 1);
        char *got = r ? result_value_json(r) : NULL;
        if (code != NX_OK || !got || strcmp(got, want) != 0 || nx_result_mutation_count(r) != 1)
            w->wrong++;
        free(got);
        nx_result_free(r);
        nx_context_free(ctx);
    }
    return NULL;
}

static void test_many_threads_one_runtime(void **state)
{
    (void)state;
    enum { THREADS = 6, RUNS = 400 };
    nx_runtime_t *rt = runtime_with(4, 2, NULL); /* fewer instances than threads: some wait */
    nx_handler_t *h;
    assert_int_equal(nx_precompile(rt, counter_src, strlen(counter_src), &h, NULL), NX_OK);
    pthread_t tid[THREADS];
    worker_t w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker_t){ rt, h, i, RUNS, 0 };
        pthread_create(&tid[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(tid[i], NULL);
        assert_int_equal(w[i].wrong, 0);
    }
    nx_stats_t s;
    nx_runtime_stats(rt, &s);
    assert_int_equal(s.successes, THREADS * RUNS);
    assert_int_equal(s.executions, THREADS * RUNS);
    assert_int_equal(s.host_calls, 3 * THREADS * RUNS);
    assert_true(s.instances_created <= 4);
    assert_int_equal(s.instances_busy, 0);
    nx_handler_free(h);
    nx_runtime_free(rt);
}

/* The host's random numbers (Math.random seeds, suspension ids): distinct
 * across pool refills, and a forked child does not repeat its parent's. */
static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void test_random_numbers(void **state)
{
    (void)state;
    enum { N = 100 };
    static uint64_t v[N];
    for (int i = 0; i < N; i++)
        v[i] = nx_random_u64();
    qsort(v, N, sizeof v[0], compare_u64);
    for (int i = 1; i < N; i++)
        assert_true(v[i] != v[i - 1]);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        uint64_t child[4];
        for (int i = 0; i < 4; i++)
            child[i] = nx_random_u64();
        _exit(write(fds[1], child, sizeof child) == (ssize_t)sizeof child ? 0 : 1);
    }
    uint64_t parent[4], child[4];
    for (int i = 0; i < 4; i++)
        parent[i] = nx_random_u64();
    assert_int_equal(read(fds[0], child, sizeof child), (ssize_t)sizeof child);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(WEXITSTATUS(status), 0);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            assert_true(parent[i] != child[j]);
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_statistics),
        cmocka_unit_test(test_disk_cache_across_runtimes),
        cmocka_unit_test(test_precompiled_handlers),
        cmocka_unit_test(test_pool_limit_and_wait),
        cmocka_unit_test(test_shutdown_refuses_new_work),
        cmocka_unit_test(test_prometheus),
        cmocka_unit_test(test_many_threads_one_runtime),
        cmocka_unit_test(test_random_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
