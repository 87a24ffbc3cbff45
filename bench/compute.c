/* compute.c - the sandbox/native ratio: the same compute-bound script, run
 * by QuickJS inside the sandbox (wasm2c) and by the same QuickJS built
 * natively, interleaved in one process. Prints medians, the ratio, and a
 * JSON line for build/bench.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quickjs.h"
#include "sandbox/instance.h"

#define ROUNDS 9

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare);
    return v[n / 2];
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

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "bench/compute.js";
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    static char src[1 << 20];
    size_t len = fread(src, 1, sizeof src - 1, f);
    fclose(f);
    src[len] = '\0';

    char err[256];
    nx_snapshot_t *snap;
    if (nx_snapshot_create(NX_INIT_RAW_ENGINE, &snap, err, sizeof err) != NX_OK) {
        fprintf(stderr, "snapshot: %s\n", err);
        return 1;
    }
    double native[ROUNDS], sandbox[ROUNDS];
    run_native(src, len); /* warm both up */
    run_sandbox(snap, src, len);
    for (int i = 0; i < ROUNDS; i++) {
        native[i] = run_native(src, len);
        sandbox[i] = run_sandbox(snap, src, len);
    }
    double best_native = native[0], best_sandbox = sandbox[0];
    for (int i = 1; i < ROUNDS; i++) {
        if (native[i] < best_native) best_native = native[i];
        if (sandbox[i] < best_sandbox) best_sandbox = sandbox[i];
    }
    double mn = median(native, ROUNDS), ms = median(sandbox, ROUNDS);
    printf("compute-bound script (%s), %d interleaved rounds\n", path, ROUNDS);
    printf("  native QuickJS (gcc -O2)   median %8.2f ms   best %8.2f ms\n", mn, best_native);
    printf("  sandbox (wasm2c)           median %8.2f ms   best %8.2f ms\n", ms, best_sandbox);
    printf("  sandbox / native           median %8.3f      best %8.3f      goal <= 1.15\n",
           ms / mn, best_sandbox / best_native);
    fprintf(stderr, "{\"computeNativeMs\":%.3f,\"computeSandboxMs\":%.3f,\"computeRatio\":%.4f,"
                    "\"computeRatioBest\":%.4f}\n", mn, ms, ms / mn, best_sandbox / best_native);
    nx_snapshot_free(snap);
    return 0;
}
