/* compute.c - the sandbox/native ratio: the same script, run by QuickJS
 * inside the sandbox (wasm2c) and by the same QuickJS built natively,
 * interleaved in one process. Times are the thread's CPU time around the
 * evaluation alone: both run the same work on the same thread, and on this
 * shared machine wall time mostly measures the neighbours. The figure is
 * the median of the per-round ratios (each round runs both back to back). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quickjs.h"
#include "report.h"
#include "sandbox/instance.h"

#define ROUNDS 15

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double run_native(const char *src, size_t len)
{
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = JS_NewContext(rt);
    double t0 = now_ms();
    JSValue v = JS_Eval(ctx, src, len, "<bench>", JS_EVAL_TYPE_GLOBAL);
    double t = now_ms() - t0;
    if (JS_IsException(v)) {
        fprintf(stderr, "native run failed\n");
        exit(1);
    }
    JS_FreeValue(ctx, v);
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt);
    return t;
}

static double run_sandbox(const nx_snapshot_t *snap, const char *src, size_t len)
{
    nx_instance_t *inst;
    if (nx_instance_create(snap, &inst) != NX_OK ||
        nx_instance_write_input(inst, src, len) != NX_OK) {
        fprintf(stderr, "sandbox setup failed\n");
        exit(1);
    }
    nx_instance_set_page_cap(inst, 4096);
    nx_thread_t *t = nx_thread_get();
    uint32_t ret;
    double t0 = now_ms();
    int trap = nx_instance_call(inst, t, NX_EXPORT_EVAL, (uint32_t)len, &ret);
    double elapsed = now_ms() - t0;
    if (trap || ret != 0) {
        fprintf(stderr, "sandbox run failed (trap %d)\n", trap);
        exit(1);
    }
    nx_instance_free(inst);
    return elapsed;
}

/* Median sandbox/native ratio of ROUNDS interleaved runs of path. */
static double ratio_of(const nx_snapshot_t *snap, const char *path, double *native_ms, double *sandbox_ms)
{
    size_t len;
    char *src = read_text(path, &len);
    double native[ROUNDS], sandbox[ROUNDS], ratio[ROUNDS];
    run_native(src, len); /* warm both up */
    run_sandbox(snap, src, len);
    for (int i = 0; i < ROUNDS; i++) {
        /* alternate the order so drift favours neither */
        if (i % 2) {
            native[i] = run_native(src, len);
            sandbox[i] = run_sandbox(snap, src, len);
        } else {
            sandbox[i] = run_sandbox(snap, src, len);
            native[i] = run_native(src, len);
        }
        ratio[i] = sandbox[i] / native[i];
    }
    *native_ms = median(native, ROUNDS);
    *sandbox_ms = median(sandbox, ROUNDS);
    free(src);
    return median(ratio, ROUNDS);
}

void bench_compute(const char *compute_path, const char *alloc_path)
{
    char err[256];
    nx_snapshot_t *snap;
    if (nx_snapshot_create(NX_INIT_RAW_ENGINE, &snap, err, sizeof err) != NX_OK) {
        fprintf(stderr, "snapshot: %s\n", err);
        exit(1);
    }
    double native, sandbox;
    double r = ratio_of(snap, compute_path, &native, &sandbox);
    report_add("computeNativeMs", "compute-bound script, native QuickJS (gcc -O2)", native, "ms", GOAL_NONE, 0);
    report_add("computeSandboxMs", "compute-bound script, in the sandbox", sandbox, "ms", GOAL_NONE, 0);
    report_add("computeRatio", "compute-bound sandbox / native (median of pairs)", r, "x", GOAL_AT_MOST, 1.15);
    r = ratio_of(snap, alloc_path, &native, &sandbox);
    report_add("allocRatio", "allocation-heavy sandbox / native (median of pairs)", r, "x", GOAL_NONE, 0);
    printf("compute: %d interleaved rounds each, thread CPU time\n", ROUNDS);
    nx_snapshot_free(snap);
}
