/* bench.c - the C API measured from inside the Node process, for
 * bench/compare.js: the same handler and context run through nx_execute
 * in a plain C loop, on the calling thread (latencies) and on N threads of
 * their own (executions per second), so that the Node layer's overhead is
 * measured against the C API in the same process and the same minutes.
 * Blocks the JS thread while it runs: a benchmark entry point only. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addon.h"

typedef struct bench_input {
    nx_runtime_t *rt;
    char *source;
    size_t source_len;
    nx_context_t *ctx;
} bench_input_t;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* argv: runtime, source, state Buffer, args Buffer, capabilities[] */
static bool read_input(napi_env env, napi_value *argv, bench_input_t *in)
{
    memset(in, 0, sizeof *in);
    nxa_runtime_t *o = nxa_unwrap_live_runtime(env, argv[0]);
    if (!o)
        return false;
    in->rt = o->rt;
    if (!(in->source = nxa_string(env, argv[1], "code", &in->source_len)) || nx_context_create(&in->ctx) != NX_OK)
        return false;
    const void *bytes;
    size_t len;
    bool present;
    if (!nxa_optional_bytes(env, argv[2], "state", &bytes, &len, &present) ||
        (present && nx_context_set_state(in->ctx, bytes, len) != NX_OK) ||
        !nxa_optional_bytes(env, argv[3], "args", &bytes, &len, &present) ||
        (present && nx_context_set_args(in->ctx, bytes, len) != NX_OK))
        return false;
    uint32_t n = 0;
    if (!NXA_OK(env, napi_get_array_length(env, argv[4], &n)))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        napi_value v;
        char *token;
        if (!NXA_OK(env, napi_get_element(env, argv[4], i, &v)) || !(token = nxa_string(env, v, "capability", NULL)))
            return false;
        nx_context_add_capability(in->ctx, token);
        free(token);
    }
    return true;
}

static void free_input(bench_input_t *in)
{
    free(in->source);
    nx_context_free(in->ctx);
}

static bool run_once(const bench_input_t *in)
{
    nx_result_t *r = NULL;
    nx_code_t code = nx_execute(in->rt, in->source, in->source_len, in->ctx, &r);
    bool ok = code == NX_OK && r && nx_result_status(r) == NX_STATUS_SUCCESS;
    nx_result_free(r);
    return ok;
}

/* benchLatency(runtime, source, state, args, caps, n) -> Float64Array of
 * per-execution microseconds (nx_execute + nx_result_free). */
napi_value nxa_bench_latency(napi_env env, napi_callback_info info)
{
    napi_value argv[6];
    bench_input_t in = { 0 };
    uint32_t n;
    if (!nxa_args(env, info, 6, argv) || !nxa_u32(env, argv[5], "n", &n) || !read_input(env, argv, &in)) {
        free_input(&in);
        return NULL;
    }
    napi_value ab, out;
    double *samples;
    if (!NXA_OK(env, napi_create_arraybuffer(env, (size_t)n * sizeof(double), (void **)&samples, &ab)) ||
        !NXA_OK(env, napi_create_typedarray(env, napi_float64_array, n, ab, 0, &out))) {
        free_input(&in);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint64_t t0 = now_ns();
        if (!run_once(&in)) {
            free_input(&in);
            nxa_throw(env, "EXECUTION_ERROR", "the benchmark handler did not succeed");
            return NULL;
        }
        samples[i] = (double)(now_ns() - t0) / 1000.0;
    }
    free_input(&in);
    return out;
}

typedef struct bench_thread {
    const bench_input_t *in;
    uint64_t until_ns;
    atomic_bool *go;
    uint64_t count;
    bool failed;
} bench_thread_t;

static void *bench_thread(void *arg)
{
    bench_thread_t *t = arg;
    while (!atomic_load(t->go))
        ;
    while (now_ns() < t->until_ns) {
        if (!run_once(t->in)) {
            t->failed = true;
            break;
        }
        t->count++;
    }
    return NULL;
}

/* benchThroughput(runtime, source, state, args, caps, threads, ms) ->
 * executions per second over `threads` threads of the C API's own. */
napi_value nxa_bench_throughput(napi_env env, napi_callback_info info)
{
    napi_value argv[7];
    bench_input_t in = { 0 };
    uint32_t threads, ms;
    if (!nxa_args(env, info, 7, argv) || !nxa_u32(env, argv[5], "threads", &threads) ||
        !nxa_u32(env, argv[6], "ms", &ms) || !read_input(env, argv, &in)) {
        free_input(&in);
        return NULL;
    }
    if (threads < 1 || threads > 64) {
        free_input(&in);
        nxa_throw(env, "INVALID_ARGUMENT", "threads must be 1..64");
        return NULL;
    }
    bench_thread_t t[64];
    pthread_t ids[64];
    atomic_bool go = false;
    uint64_t start = now_ns(), until = start + (uint64_t)ms * 1000000u;
    uint32_t started = 0;
    for (; started < threads; started++) {
        t[started] = (bench_thread_t){ .in = &in, .until_ns = until, .go = &go };
        if (pthread_create(&ids[started], NULL, bench_thread, &t[started]) != 0)
            break;
    }
    start = now_ns();
    for (bench_thread_t *p = t; p < t + started; p++)
        p->until_ns = start + (uint64_t)ms * 1000000u;
    atomic_store(&go, true);
    uint64_t total = 0;
    bool failed = started < threads;
    for (uint32_t i = 0; i < started; i++) {
        pthread_join(ids[i], NULL);
        total += t[i].count;
        failed = failed || t[i].failed;
    }
    double seconds = (double)(now_ns() - start) / 1e9;
    free_input(&in);
    if (failed) {
        nxa_throw(env, "EXECUTION_ERROR", "the benchmark handler did not succeed");
        return NULL;
    }
    napi_value out;
    return NXA_OK(env, napi_create_double(env, (double)total / seconds, &out)) ? out : NULL;
}
