/* report.h - the performance report `make bench` prints: each section adds
 * figures (with the goal beside them where there is one); main
 * prints a table and writes them all as JSON. */
#ifndef NEXUS_BENCH_REPORT_H
#define NEXUS_BENCH_REPORT_H

#include <stddef.h>

typedef enum goal_kind { GOAL_NONE, GOAL_AT_MOST, GOAL_AT_LEAST } goal_kind_t;

void report_add(const char *key, const char *label, double value, const char *unit,
                goal_kind_t kind, double goal);

/* Median of v[0..n) (sorts v). */
double median(double *v, size_t n);
double percentile(double *v, size_t n, double p);
double now_us(void);

/* Sections. */
void bench_compute(const char *compute_path, const char *alloc_path);
void bench_latency(const char *counter_path);
void bench_threads(const char *counter_path);
void bench_memory(const char *counter_path);
void bench_durable(void);

/* The counter handler's context (state {count: 41}, args {step: 1},
 * the three capabilities it needs). */
#include "nexus.h"
nx_context_t *counter_context(void);
char *read_text(const char *path, size_t *len);

#endif
