/* latency.c - per-execution figures for the counter handler through the C
 * API (fresh isolated instance, cached bytecode), the restore alone, and
 * the cost of one host call ($state.get round trip). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "runtime/runtime.h"

#define RUNS 20000
#define HOST_CALL_LOOP 200000
#define HOST_CALL_ROUNDS 9

static void measure_counter(nx_runtime_t *rt, const nx_handler_t *h, const nx_context_t *ctx)
{
    static double lat[RUNS];
    for (int i = 0; i < 2000; i++) { /* warm-up: pages, caches, hot set */
        nx_result_t *r;
        nx_execute_handler(rt, h, ctx, &r);
        nx_result_free(r);
    }
    int failures = 0;
    for (int i = 0; i < RUNS; i++) {
        nx_result_t *r;
        double t0 = now_us();
        nx_code_t code = nx_execute_handler(rt, h, ctx, &r);
        lat[i] = now_us() - t0;
        failures += code != NX_OK || nx_result_status(r) != NX_STATUS_SUCCESS;
        nx_result_free(r);
    }
    if (failures) {
        fprintf(stderr, "counter: %d failures\n", failures);
        exit(1);
    }
    double p99 = percentile(lat, RUNS, 0.99);
    report_add("counterP50Us", "counter handler, fresh instance, cached bytecode (p50)",
               median(lat, RUNS), "us", GOAL_AT_MOST, 25);
    report_add("counterP99Us", "counter handler (p99)", p99, "us", GOAL_NONE, 0);
}

/* The restore alone: the benchmark is linked with
 * -Wl,--wrap=nx_instance_restore, so the pool's calls come here and are
 * timed, and the library itself carries no timing code. */
#define RESTORE_SAMPLES 4096
static double g_restore_us[RESTORE_SAMPLES];
static _Atomic size_t g_restores;

void __real_nx_instance_restore(nx_instance_t *inst);
void __wrap_nx_instance_restore(nx_instance_t *inst);
void __wrap_nx_instance_restore(nx_instance_t *inst)
{
    double t0 = now_us();
    __real_nx_instance_restore(inst);
    g_restore_us[g_restores++ % RESTORE_SAMPLES] = now_us() - t0;
}

static void measure_restore(nx_runtime_t *rt)
{
    static double us[RESTORE_SAMPLES];
    size_t n = g_restores < RESTORE_SAMPLES ? g_restores : RESTORE_SAMPLES;
    memcpy(us, g_restore_us, n * sizeof *us);
    report_add("restoreP50Us", "restoring a fresh instance alone (p50)", median(us, n), "us",
               GOAL_AT_MOST, 15);
    nx_stats_t stats;
    nx_runtime_stats(rt, &stats);
    if (!stats.dirty_page_restore)
        printf("note: dirty-page tracking unavailable here; restores copy the whole snapshot\n");
}

/* Time of one execution of src with $args.n = n, on the handler h. */
static double run_loop(nx_runtime_t *rt, const nx_handler_t *h, int n)
{
    nx_context_t *ctx;
    nx_context_create(&ctx);
    char args[64];
    snprintf(args, sizeof args, "{\"n\":%d}", n);
    nx_context_set_args_json(ctx, args);
    nx_context_set_state_json(ctx, "{\"count\":1}");
    nx_context_add_capability(ctx, "state:read:count");
    nx_limits_t limits = { .max_host_calls = 10 * HOST_CALL_LOOP };
    nx_context_set_limits(ctx, &limits);
    nx_result_t *r;
    double t0 = now_us();
    nx_execute_handler(rt, h, ctx, &r);
    double t = now_us() - t0;
    if (nx_result_status(r) != NX_STATUS_SUCCESS) {
        fprintf(stderr, "host-call loop failed: %s\n", nx_result_error(r)->message);
        exit(1);
    }
    nx_result_free(r);
    nx_context_free(ctx);
    return t;
}

static nx_handler_t *compile(nx_runtime_t *rt, const char *src)
{
    nx_handler_t *h;
    if (nx_precompile(rt, src, strlen(src), &h, NULL) != NX_OK) {
        fprintf(stderr, "cannot compile: %s\n", src);
        exit(1);
    }
    return h;
}

static void measure_host_call(nx_runtime_t *rt)
{
    /* the same loop with the host call and with a local function instead */
    nx_handler_t *calls = compile(rt, "let s = 0; const n = $args.n;\n"
                                      "for (let i = 0; i < n; i++) s += $state.get('count');\nreturn s;");
    nx_handler_t *local = compile(rt, "let s = 0; const n = $args.n; const get = (k) => 1;\n"
                                      "for (let i = 0; i < n; i++) s += get('count');\nreturn s;");
    double per_call[HOST_CALL_ROUNDS];
    for (int i = 0; i < HOST_CALL_ROUNDS; i++) {
        double with = run_loop(rt, calls, HOST_CALL_LOOP);
        double without = run_loop(rt, local, HOST_CALL_LOOP);
        per_call[i] = (with - without) * 1000.0 / HOST_CALL_LOOP;
    }
    report_add("hostCallNs", "host call overhead ($state.get round trip)", median(per_call, HOST_CALL_ROUNDS),
               "ns", GOAL_AT_MOST, 200);
    nx_handler_free(calls);
    nx_handler_free(local);
}

void bench_latency(const char *counter_path)
{
    size_t len;
    char *src = read_text(counter_path, &len);
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 1;
    nx_runtime_t *rt;
    if (nx_runtime_create(&cfg, &rt) != NX_OK)
        exit(1);
    nx_handler_t *h;
    if (nx_precompile(rt, src, len, &h, NULL) != NX_OK)
        exit(1);
    nx_context_t *ctx = counter_context();
    measure_counter(rt, h, ctx);
    measure_restore(rt);
    measure_host_call(rt);
    nx_context_free(ctx);
    nx_handler_free(h);
    nx_runtime_free(rt);
    free(src);
    printf("latency: done\n");
}
