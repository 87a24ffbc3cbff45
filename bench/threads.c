/* threads.c - executions per second of the counter handler on one runtime
 * with one thread and with two, alternated over several rounds. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define ROUND_US 300000.0
#define ROUNDS 7

typedef struct worker {
    nx_runtime_t *rt;
    const nx_handler_t *h;
    double until;
    long done, failed;
} worker_t;

static void *work(void *p)
{
    worker_t *w = p;
    nx_context_t *ctx = counter_context();
    while (now_us() < w->until) {
        nx_result_t *r;
        nx_code_t code = nx_execute_handler(w->rt, w->h, ctx, &r);
        w->failed += code != NX_OK || nx_result_status(r) != NX_STATUS_SUCCESS;
        w->done++;
        nx_result_free(r);
    }
    nx_context_free(ctx);
    return NULL;
}

static double throughput(nx_runtime_t *rt, const nx_handler_t *h, int threads)
{
    pthread_t tid[2];
    worker_t w[2];
    double start = now_us();
    for (int i = 0; i < threads; i++) {
        w[i] = (worker_t){ rt, h, start + ROUND_US, 0, 0 };
        pthread_create(&tid[i], NULL, work, &w[i]);
    }
    long done = 0, failed = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        done += w[i].done;
        failed += w[i].failed;
    }
    if (failed) {
        fprintf(stderr, "threads: %ld failures\n", failed);
        exit(1);
    }
    return (double)done / ((now_us() - start) / 1e6);
}

void bench_threads(const char *counter_path)
{
    size_t len;
    char *src = read_text(counter_path, &len);
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 2;
    nx_runtime_t *rt;
    nx_handler_t *h;
    if (nx_runtime_create(&cfg, &rt) != NX_OK || nx_precompile(rt, src, len, &h, NULL) != NX_OK)
        exit(1);
    throughput(rt, h, 2); /* warm both threads' instances */
    double one[ROUNDS], two[ROUNDS], ratio[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
        one[i] = throughput(rt, h, 1);
        two[i] = throughput(rt, h, 2);
        ratio[i] = two[i] / one[i];
    }
    report_add("execPerSec1Thread", "counter executions/s, 1 thread", median(one, ROUNDS), "/s", GOAL_NONE, 0);
    report_add("execPerSec2Threads", "counter executions/s, 2 threads", median(two, ROUNDS), "/s", GOAL_NONE, 0);
    report_add("threadScaling", "2 threads / 1 thread (median of pairs)", median(ratio, ROUNDS), "x",
               GOAL_AT_LEAST, 1.8);
    nx_handler_free(h);
    nx_runtime_free(rt);
    free(src);
    printf("threads: done\n");
}
