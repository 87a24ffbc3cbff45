/* main.c - `make bench`: runs every section, prints the table, writes
 * build/bench.json. Figures on this shared 2-core machine are noisy:
 * sections interleave what they compare and report medians. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

#define MAX_FIGURES 32

typedef struct figure {
    const char *key, *label, *unit;
    double value, goal;
    goal_kind_t kind;
} figure_t;

static figure_t g_figures[MAX_FIGURES];
static int g_count;

void report_add(const char *key, const char *label, double value, const char *unit,
                goal_kind_t kind, double goal)
{
    if (g_count < MAX_FIGURES)
        g_figures[g_count++] = (figure_t){ key, label, unit, value, goal, kind };
}

double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double percentile(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, compare);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

double median(double *v, size_t n) { return percentile(v, n, 0.5); }

char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return strdup(buf);
}

nx_context_t *counter_context(void)
{
    nx_context_t *ctx;
    nx_context_create(&ctx);
    nx_context_set_state_json(ctx, "{\"count\":41}");
    nx_context_set_args_json(ctx, "{\"step\":1}");
    nx_context_add_capability(ctx, "state:read:count");
    nx_context_add_capability(ctx, "state:write:count");
    nx_context_add_capability(ctx, "events:emit:*");
    return ctx;
}

static const char *verdict(const figure_t *f)
{
    if (f->kind == GOAL_NONE)
        return "";
    bool met = f->kind == GOAL_AT_MOST ? f->value <= f->goal : f->value >= f->goal;
    return met ? "met" : "NOT met";
}

static void print_table(void)
{
    printf("\n%-52s %12s %-6s %12s  %s\n", "figure", "measured", "unit", "goal", "");
    for (int i = 0; i < g_count; i++) {
        const figure_t *f = &g_figures[i];
        char goal[32] = "";
        if (f->kind != GOAL_NONE)
            snprintf(goal, sizeof goal, "%s %g", f->kind == GOAL_AT_MOST ? "<=" : ">=", f->goal);
        printf("%-52s %12.3f %-6s %12s  %s\n", f->label, f->value, f->unit, goal, verdict(f));
    }
}

static void write_json(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return;
    }
    fprintf(f, "{\n");
    for (int i = 0; i < g_count; i++) {
        const figure_t *x = &g_figures[i];
        fprintf(f, "  \"%s\": {\"value\": %.6g, \"unit\": \"%s\"", x->key, x->value, x->unit);
        if (x->kind != GOAL_NONE)
            fprintf(f, ", \"goal\": \"%s %g\", \"met\": %s", x->kind == GOAL_AT_MOST ? "<=" : ">=",
                    x->goal, strcmp(verdict(x), "met") == 0 ? "true" : "false");
        fprintf(f, "}%s\n", i + 1 < g_count ? "," : "");
    }
    fprintf(f, "}\n");
    fclose(f);
    printf("\nwritten to %s\n", path);
}

/* Whether section name was asked for: all of them when none is named. */
static bool wanted(int argc, char **argv, const char *name)
{
    if (argc <= 2)
        return true;
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

/* report [OUT.json [SECTION...]]: sections latency, threads, memory,
 * compute, durable (default: all). */
int main(int argc, char **argv)
{
    const char *out = argc > 1 ? argv[1] : "build/bench.json";
    const char *counter = "examples/counter.js";
    printf("Nexus performance report (medians; 2-core machine, noisy)\n");
    printf("guest memory: %s\n", NX_SEGUE ? "Segue (%gs:address, SEGUE=1)" : "plain (base + address, SEGUE=0)");
    if (wanted(argc, argv, "latency"))
        bench_latency(counter);
    if (wanted(argc, argv, "threads"))
        bench_threads(counter);
    if (wanted(argc, argv, "memory"))
        bench_memory(counter);
    if (wanted(argc, argv, "compute"))
        bench_compute("bench/compute.js", "bench/alloc.js");
    if (wanted(argc, argv, "durable"))
        bench_durable();
    print_table();
    write_json(out);
    return 0;
}
