/* memory.c - resident memory per idle pooled instance: RSS before and
 * after a pool of instances has each run the counter handler and gone back
 * idle, divided by their number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

#define INSTANCES 32

static double rss_bytes(void)
{
    long pages_total, pages_resident;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) {
        if (f)
            fclose(f);
        return 0;
    }
    fclose(f);
    return (double)pages_resident * (double)sysconf(_SC_PAGESIZE);
}

void bench_memory(const char *counter_path)
{
    size_t len;
    char *src = read_text(counter_path, &len);
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 0;
    cfg.max_instances = INSTANCES;
    nx_runtime_t *rt;
    nx_handler_t *h;
    if (nx_runtime_create(&cfg, &rt) != NX_OK || nx_precompile(rt, src, len, &h, NULL) != NX_OK)
        exit(1);
    nx_context_t *ctx = counter_context();
    double before = rss_bytes();
    /* hold INSTANCES executions suspended at once so the pool creates them
     * all, then finish them: every instance has run and is idle again */
    static const char *const m[] = { "wait" };
    nx_runtime_register_extension(rt, "hold", m, 1, NULL, NULL, NULL);
    nx_context_add_capability(ctx, "ext:hold");
    const char *holder = "await $ext.hold.wait(); $state.count = 1; $emit('x'); return 1;";
    nx_result_t *held[INSTANCES];
    for (int i = 0; i < INSTANCES; i++)
        nx_execute(rt, holder, strlen(holder), ctx, &held[i]);
    for (int i = 0; i < INSTANCES; i++) {
        nx_result_t *r;
        nx_outcome_t o = { 0 };
        if (nx_result_status(held[i]) == NX_STATUS_SUSPENDED)
            nx_resume(rt, nx_result_suspension(held[i], 0)->id, &o, &r);
        else
            r = NULL;
        nx_result_free(r);
        nx_result_free(held[i]);
    }
    double after = rss_bytes();
    nx_stats_t stats;
    nx_runtime_stats(rt, &stats);
    double per = (after - before) / (double)stats.instances_idle / (1024.0 * 1024.0);
    report_add("idleInstanceMiB", "resident memory per idle pooled instance", per, "MiB", GOAL_AT_MOST, 2);
    nx_context_free(ctx);
    nx_handler_free(h);
    nx_runtime_free(rt);
    free(src);
    printf("memory: %llu idle instances, %.1f MiB before, %.1f MiB after\n",
           (unsigned long long)stats.instances_idle, before / 1048576.0, after / 1048576.0);
}
