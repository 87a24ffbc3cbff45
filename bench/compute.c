/* compute.c - the sandbox/native ratio: the same compute-bound script, run
 * by QuickJS inside the sandbox (wasm2c) and by the same QuickJS built
 * natively, interleaved in one process. The figure is the median of the
 * per-round ratios (each round runs both back to back). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quickjs.h"
#include "report.h"
#include "sandbox/instance.h"

#define ROUNDS 11

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
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

void bench_compute(const char *path)
{
    size_t len;
    char *src = read_text(path, &len);
    char err[256];
    nx_snapshot_t *snap;
    if (nx_snapshot_create(NX_INIT_RAW_ENGINE, &snap, err, sizeof err) != NX_OK) {
        fprintf(stderr, "snapshot: %s\n", err);
        exit(1);
    }
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
    printf("compute-bound script %s: %d interleaved rounds\n", path, ROUNDS);
    report_add("computeNativeMs", "compute script, native QuickJS (gcc -O2)", median(native, ROUNDS), "ms",
               GOAL_NONE, 0);
    report_add("computeSandboxMs", "compute script, in the sandbox", median(sandbox, ROUNDS), "ms", GOAL_NONE, 0);
    report_add("computeRatio", "compute sandbox / native (median of pairs)", median(ratio, ROUNDS), "x",
               GOAL_AT_MOST, 1.15);
    nx_snapshot_free(snap);
    free(src);
}
