/* metrics.h - aggregated execution metrics: executions by status and
 * error code, host calls, compile time, peak memory and a latency
 * histogram; exposed as nx_stats_t and as Prometheus text. */
#ifndef NEXUS_METRICS_H
#define NEXUS_METRICS_H

#include <pthread.h>
#include <stdint.h>

#include "nexus.h"

#define NX_LATENCY_BUCKETS 17

typedef struct nx_metrics_agg {
    pthread_mutex_t lock;
    uint64_t executions;
    uint64_t by_status[3];
    uint64_t by_code[NX_CODE_COUNT];
    uint64_t host_calls;
    uint64_t compilations, compile_us;
    uint64_t peak_memory;
    uint64_t latency_le[NX_LATENCY_BUCKETS]; /* cumulative counts per bucket */
    uint64_t latency_count;
    uint64_t latency_sum_us;
} nx_metrics_agg_t;

/* Bucket upper bounds, microseconds. */
extern const uint64_t nx_latency_bounds_us[NX_LATENCY_BUCKETS];

void nx_metrics_init(nx_metrics_agg_t *m);
void nx_metrics_destroy(nx_metrics_agg_t *m);
/* Counts one finished execute/resume call. */
void nx_metrics_record(nx_metrics_agg_t *m, const nx_result_t *r);
/* Counts one compilation. */
void nx_metrics_record_compile(nx_metrics_agg_t *m, uint64_t us);
/* Copies the counters into out. */
void nx_metrics_fill(nx_metrics_agg_t *m, nx_stats_t *out);

/* Prometheus text exposition of the counters in stats plus the histogram.
 * Owner of *text: caller, free(). */
nx_code_t nx_metrics_prometheus(nx_metrics_agg_t *m, const nx_stats_t *stats, char **text);

#endif
