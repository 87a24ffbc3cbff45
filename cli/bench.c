/* bench.c - `nexus bench FILE`: runs a handler N times through the C API,
 * each on a fresh isolated instance with cached bytecode, and prints one
 * JSON object of figures (microseconds). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "json_text.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *sorted, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

static int measure(nx_runtime_t *rt, const nx_handler_t *h, const nx_context_t *ctx,
                   const cli_options_t *o)
{
    size_t n = o->iterations;
    double *lat = malloc(n * sizeof *lat);
    if (!lat) {
        fprintf(stderr, "nexus: cannot keep %zu latencies in memory\n", n);
        return CLI_HANDLER_ERROR;
    }
    size_t failures = 0;
    double start = now_us();
    for (size_t i = 0; i < n; i++) {
        double t0 = now_us();
        nx_result_t *r;
        nx_code_t code = nx_execute_handler(rt, h, ctx, &r);
        if (code == NX_OK)
            code = cli_settle(rt, o, &r);
        lat[i] = now_us() - t0;
        failures += code != NX_OK || nx_result_status(r) == NX_STATUS_ERROR;
        nx_result_free(r);
    }
    double total = now_us() - start;
    qsort(lat, n, sizeof *lat, compare_doubles);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += lat[i];
    printf("{\"file\":");
    cli_print_json_string(stdout, o->file);
    printf(",\"iterations\":%zu,\"failures\":%zu,\"p50Us\":%.2f,\"p90Us\":%.2f,"
           "\"p99Us\":%.2f,\"minUs\":%.2f,\"maxUs\":%.2f,\"meanUs\":%.2f,\"execPerSec\":%.0f}\n",
           n, failures, percentile(lat, n, 0.50), percentile(lat, n, 0.90),
           percentile(lat, n, 0.99), lat[0], lat[n - 1], sum / (double)n, (double)n / (total / 1e6));
    free(lat);
    return failures ? CLI_HANDLER_ERROR : CLI_OK;
}

int cli_bench(int argc, char **argv)
{
    cli_session_t s;
    nx_handler_t *h = NULL;
    int rc = cli_session_open(&s, CLI_BENCH, argc, argv);
    if (rc == CLI_OK) {
        nx_result_t *err = NULL;
        if (nx_precompile(s.rt, s.source, s.source_len, &h, &err) != NX_OK) {
            rc = err ? cli_print_result(err, NX_OK) : CLI_HANDLER_ERROR;
            nx_result_free(err);
        }
    }
    if (rc == CLI_OK)
        rc = measure(s.rt, h, s.ctx, &s.options);
    nx_handler_free(h);
    cli_session_close(&s);
    return rc;
}
