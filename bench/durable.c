/* durable.c - what moving a suspended execution costs
 * (docs/durable-suspensions.md): export + import of the counter handler
 * suspended on one call, in-process, Redis excluded; the export's size;
 * a resume from Redis by another process, end to end on loopback; and a
 * worker's resident memory while 100,000 executions wait in Redis. Starts
 * its own redis-server on a free port. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "redis_server.h"
#include "report.h"

#define KEY "bench key, sixteen bytes or more"
#define ROUNDS 2000
#define REMOTE 2000
#define WAITING 100000

static const char *const HANDLER =
    "const step = $args.step ?? 1;\n"
    "const count = ($state.count ?? 0) + step;\n"
    "$state.count = count;\n"
    "$emit('counter:changed', { count });\n"
    "const seen = await $ext.audit.log(count);\n"
    "return count;";

static nx_runtime_t *runtime(uint32_t max_instances)
{
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 1;
    if (max_instances)
        cfg.max_instances = max_instances;
    cfg.suspension_ttl_ms = 600000;
    nx_runtime_t *rt;
    if (nx_runtime_create(&cfg, &rt) != NX_OK || nx_runtime_set_suspension_key(rt, KEY, strlen(KEY)) != NX_OK)
        exit(1);
    static const char *const methods[] = { "log" };
    nx_runtime_register_extension(rt, "audit", methods, 1, NULL, NULL, NULL);
    return rt;
}

static nx_context_t *context(void)
{
    nx_context_t *ctx = counter_context();
    nx_context_add_capability(ctx, "ext:audit");
    return ctx;
}

static nx_result_t *suspend(nx_runtime_t *rt, const nx_handler_t *h, const nx_context_t *ctx)
{
    nx_result_t *r;
    if (nx_execute_handler(rt, h, ctx, &r) != NX_OK || nx_result_status(r) != NX_STATUS_SUSPENDED) {
        fprintf(stderr, "durable: the handler did not suspend\n");
        exit(1);
    }
    return r;
}

static void measure_export_import(void)
{
    nx_runtime_t *rt = runtime(0);
    nx_handler_t *h;
    if (nx_precompile(rt, HANDLER, strlen(HANDLER), &h, NULL) != NX_OK)
        exit(1);
    nx_context_t *ctx = context();
    static double us[ROUNDS], bytes[ROUNDS];
    for (int i = -200; i < ROUNDS; i++) { /* the first 200 warm up */
        nx_result_t *r = suspend(rt, h, ctx);
        uint8_t *blob;
        size_t len;
        double t0 = now_us();
        nx_code_t code = nx_export(rt, nx_result_suspension(r, 0)->id, &blob, &len);
        nx_result_t *back = NULL;
        if (code == NX_OK)
            code = nx_import(rt, blob, len, NULL, &back);
        double t1 = now_us();
        if (code != NX_OK || nx_result_status(back) != NX_STATUS_SUSPENDED)
            exit(1);
        if (i >= 0) {
            us[i] = t1 - t0;
            bytes[i] = (double)len;
        }
        nx_cancel(rt, nx_result_suspension(back, 0)->id);
        nx_free(blob);
        nx_result_free(back);
        nx_result_free(r);
    }
    report_add("exportImportP50Us", "export + import, counter suspended on one call (p50)",
               median(us, ROUNDS), "us", GOAL_AT_MOST, 100);
    report_add("exportBytes", "exported size, counter suspended on one call", median(bytes, ROUNDS) / 1024,
               "KiB", GOAL_AT_MOST, 32);
    nx_context_free(ctx);
    nx_handler_free(h);
    nx_runtime_free(rt);
}

static nx_runtime_t *redis_runtime(const char *url, uint32_t max_instances)
{
    nx_runtime_t *rt = runtime(max_instances);
    nx_store_t *store;
    if (nx_store_redis_create(url, "bench:", 2000, &store, NULL) != NX_OK || nx_runtime_set_store(rt, store) != NX_OK)
        exit(1);
    return rt;
}

/* Another process resumes what this one stored; it sends back its p50. */
static void measure_remote_resume(const redis_server_t *redis)
{
    nx_runtime_t *rt = redis_runtime(redis->url, 4);
    nx_handler_t *h;
    if (nx_precompile(rt, HANDLER, strlen(HANDLER), &h, NULL) != NX_OK)
        exit(1);
    nx_context_t *ctx = context();
    static char ids[REMOTE][64];
    for (int i = 0; i < REMOTE; i++) {
        nx_result_t *r = suspend(rt, h, ctx);
        if (nx_result_store_error(r))
            exit(1);
        snprintf(ids[i], 64, "%s", nx_result_suspension(r, 0)->id);
        nx_result_free(r);
    }
    int fds[2];
    if (pipe(fds) != 0)
        exit(1);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        nx_runtime_t *worker = redis_runtime(redis->url, 4);
        static double us[REMOTE];
        uint8_t answer = 1;
        nx_outcome_t o = { .value = &answer, .value_len = 1 };
        for (int i = 0; i < REMOTE; i++) {
            nx_result_t *r = NULL;
            double t0 = now_us();
            nx_code_t code = nx_resume(worker, ids[i], &o, &r);
            us[i] = now_us() - t0;
            if (code != NX_OK || nx_result_status(r) != NX_STATUS_SUCCESS)
                _exit(2);
            nx_result_free(r);
        }
        double p50 = median(us + REMOTE / 10, REMOTE - REMOTE / 10); /* after warming up */
        _exit(write(fds[1], &p50, sizeof p50) == sizeof p50 ? 0 : 1);
    }
    close(fds[1]);
    double p50 = -1;
    if (read(fds[0], &p50, sizeof p50) != sizeof p50)
        p50 = -1;
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    if (p50 < 0) {
        fprintf(stderr, "durable: the resuming process failed (status %d)\n", status);
        exit(1);
    }
    report_add("redisResumeP50Us", "resume from Redis by another process, end to end (p50)", p50 / 1000.0,
               "ms", GOAL_AT_MOST, 1);
    nx_context_free(ctx);
    nx_handler_free(h);
    nx_runtime_free(rt);
}

static double rss_mib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (double)resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

/* A worker suspends 100,000 executions into Redis: its memory must not
 * grow with them. */
static void measure_waiting_memory(const redis_server_t *redis)
{
    nx_runtime_t *rt = redis_runtime(redis->url, 4);
    nx_handler_t *h;
    if (nx_precompile(rt, HANDLER, strlen(HANDLER), &h, NULL) != NX_OK)
        exit(1);
    nx_context_t *ctx = context();
    double at10k = 0;
    for (int i = 0; i < WAITING; i++) {
        nx_result_t *r = suspend(rt, h, ctx);
        if (nx_result_store_error(r)) {
            fprintf(stderr, "durable: %s\n", nx_result_store_error(r));
            exit(1);
        }
        nx_result_free(r);
        if (i + 1 == 10000)
            at10k = rss_mib();
    }
    double at100k = rss_mib();
    long long waiting = redis_dbsize(redis);
    printf("durable: worker RSS with 10,000 executions waiting in Redis %.1f MiB, with %lld %.1f MiB\n", at10k,
           waiting, at100k);
    report_add("waitingRssGrowthMiB", "worker RSS growth, 10,000 -> 100,000 waiting in Redis",
               at100k - at10k, "MiB", GOAL_AT_MOST, 4);
    nx_context_free(ctx);
    nx_handler_free(h);
    nx_runtime_free(rt);
}

void bench_durable(void)
{
    measure_export_import();
    redis_server_t redis;
    if (!redis_start(&redis, 0)) {
        fprintf(stderr, "durable: cannot start redis-server\n");
        exit(1);
    }
    measure_remote_resume(&redis);
    measure_waiting_memory(&redis);
    redis_stop(&redis, false);
    printf("durable: done\n");
}
