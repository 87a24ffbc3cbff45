/* metrics.c - counting executions and writing the Prometheus exposition
 * (metrics.h). One mutex: recording costs a lock and a few additions per
 * execution, far below an execution's own cost. */
#include "metrics/metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const uint64_t nx_latency_bounds_us[NX_LATENCY_BUCKETS] = {
    10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
    25000, 50000, 100000, 250000, 500000, 1000000, 5000000,
};

void nx_metrics_init(nx_metrics_agg_t *m)
{
    memset(m, 0, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
}

void nx_metrics_destroy(nx_metrics_agg_t *m) { pthread_mutex_destroy(&m->lock); }

void nx_metrics_record(nx_metrics_agg_t *m, const nx_result_t *r)
{
    const nx_metrics_t *x = nx_result_metrics(r);
    nx_status_t status = nx_result_status(r);
    const nx_error_info_t *err = nx_result_error(r);
    pthread_mutex_lock(&m->lock);
    m->executions++;
    m->by_status[status]++;
    if (err && (unsigned)err->code < NX_CODE_COUNT)
        m->by_code[err->code]++;
    m->host_calls += x->host_calls;
    if (x->memory_bytes > m->peak_memory)
        m->peak_memory = x->memory_bytes;
    for (int i = 0; i < NX_LATENCY_BUCKETS; i++)
        if (x->duration_us <= nx_latency_bounds_us[i])
            m->latency_le[i]++;
    m->latency_count++;
    m->latency_sum_us += x->duration_us;
    pthread_mutex_unlock(&m->lock);
}

void nx_metrics_record_compile(nx_metrics_agg_t *m, uint64_t us)
{
    pthread_mutex_lock(&m->lock);
    m->compilations++;
    m->compile_us += us;
    pthread_mutex_unlock(&m->lock);
}

void nx_metrics_fill(nx_metrics_agg_t *m, nx_stats_t *out)
{
    pthread_mutex_lock(&m->lock);
    out->executions = m->executions;
    out->successes = m->by_status[NX_STATUS_SUCCESS];
    out->errors = m->by_status[NX_STATUS_ERROR];
    out->suspensions = m->by_status[NX_STATUS_SUSPENDED];
    memcpy(out->errors_by_code, m->by_code, sizeof m->by_code);
    out->host_calls = m->host_calls;
    out->compilations = m->compilations;
    out->peak_memory_bytes = m->peak_memory;
    pthread_mutex_unlock(&m->lock);
}

/* ---- exposition ---------------------------------------------------------------------- */

typedef struct text {
    char *buf;
    size_t len, cap;
    int failed;
} text_t;

static void put(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text_t *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap * 2 + (size_t)n;
        char *grown = realloc(t->buf, cap);
        if (!grown) {
            t->failed = 1;
            return;
        }
        t->buf = grown;
        t->cap = cap;
    }
}

static void header(text_t *t, const char *name, const char *type, const char *help)
{
    put(t, "# HELP nexus_%s %s\n# TYPE nexus_%s %s\n", name, help, name, type);
}

static void scalar(text_t *t, const char *name, const char *type, const char *help, double v)
{
    header(t, name, type, help);
    put(t, "nexus_%s %.17g\n", name, v);
}

nx_code_t nx_metrics_prometheus(nx_metrics_agg_t *m, const nx_stats_t *s, char **text)
{
    text_t t = { .cap = 4096 };
    t.buf = malloc(t.cap);
    if (!t.buf)
        return NX_E_INTERNAL_ERROR;
    t.buf[0] = '\0';

    header(&t, "executions_total", "counter", "Finished execute and resume calls, by status.");
    put(&t, "nexus_executions_total{status=\"success\"} %llu\n", (unsigned long long)s->successes);
    put(&t, "nexus_executions_total{status=\"error\"} %llu\n", (unsigned long long)s->errors);
    put(&t, "nexus_executions_total{status=\"suspended\"} %llu\n", (unsigned long long)s->suspensions);

    header(&t, "errors_total", "counter", "Failed execute and resume calls, by error code.");
    for (int c = 1; c < NX_CODE_COUNT; c++)
        put(&t, "nexus_errors_total{code=\"%s\"} %llu\n", nx_code_name((nx_code_t)c),
            (unsigned long long)s->errors_by_code[c]);

    scalar(&t, "host_calls_total", "counter", "Host calls made by handlers.", (double)s->host_calls);
    scalar(&t, "cache_hits_total", "counter", "Bytecode cache hits.", (double)s->cache_hits);
    scalar(&t, "cache_misses_total", "counter", "Bytecode cache misses.", (double)s->cache_misses);
    double lookups = (double)(s->cache_hits + s->cache_misses);
    scalar(&t, "cache_hit_ratio", "gauge", "Bytecode cache hits over lookups.",
           lookups > 0 ? (double)s->cache_hits / lookups : 0);
    scalar(&t, "cache_entries", "gauge", "Entries in the in-memory bytecode cache.", (double)s->cache_entries);
    scalar(&t, "cache_bytes", "gauge", "Bytes in the in-memory bytecode cache.", (double)s->cache_bytes);
    scalar(&t, "compilations_total", "counter", "Handler sources compiled to bytecode.", (double)s->compilations);

    header(&t, "instances", "gauge", "Sandbox instances, by state.");
    put(&t, "nexus_instances{state=\"idle\"} %llu\n", (unsigned long long)s->instances_idle);
    put(&t, "nexus_instances{state=\"busy\"} %llu\n", (unsigned long long)s->instances_busy);
    put(&t, "nexus_instances{state=\"suspended\"} %llu\n", (unsigned long long)s->instances_suspended);
    scalar(&t, "instances_created_total", "counter", "Sandbox instances created.", (double)s->instances_created);
    scalar(&t, "memory_bytes", "gauge", "Guest linear memory of live instances.", (double)s->memory_bytes);
    scalar(&t, "memory_peak_bytes", "gauge", "Largest guest memory an execution ended with.",
           (double)s->peak_memory_bytes);
    scalar(&t, "suspensions_pending", "gauge", "Executions waiting for extension answers.",
           (double)s->pending_suspensions);

    pthread_mutex_lock(&m->lock);
    header(&t, "execution_duration_seconds", "histogram", "Wall time of execute and resume calls.");
    for (int i = 0; i < NX_LATENCY_BUCKETS; i++)
        put(&t, "nexus_execution_duration_seconds_bucket{le=\"%g\"} %llu\n",
            (double)nx_latency_bounds_us[i] / 1e6, (unsigned long long)m->latency_le[i]);
    put(&t, "nexus_execution_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
        (unsigned long long)m->latency_count);
    put(&t, "nexus_execution_duration_seconds_sum %.9g\n", (double)m->latency_sum_us / 1e6);
    put(&t, "nexus_execution_duration_seconds_count %llu\n", (unsigned long long)m->latency_count);
    pthread_mutex_unlock(&m->lock);

    if (t.failed) {
        free(t.buf);
        return NX_E_INTERNAL_ERROR;
    }
    *text = t.buf;
    return NX_OK;
}
