/* options.h - the flags `nexus run` and `nexus bench` share, and turning
 * them into an nx_context_t plus canned extension answers. */
#ifndef NEXUS_CLI_OPTIONS_H
#define NEXUS_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nexus.h"

/* nexus bench keeps every latency: bounded so the memory is (80 MB). */
#define CLI_MAX_ITERATIONS 10000000u

/* Exit codes. */
#define CLI_OK 0
#define CLI_HANDLER_ERROR 1
#define CLI_USAGE 2

typedef struct cli_answer {
    char *extension, *method;   /* from NAME.METHOD */
    uint8_t *value;             /* MessagePack */
    size_t value_len;
} cli_answer_t;

typedef struct cli_options {
    const char *file;
    const char *state_json, *args_json, *scope_json;
    const char **caps;
    size_t cap_count;
    nx_limits_t limits;         /* zero fields: the runtime's defaults */
    cli_answer_t *answers;
    size_t answer_count;
    bool stop_at_suspend;
    const char *record_path;    /* run, resume: save a recording there */
    const char *suspend_to;     /* run, resume: export the suspension to this file */
    const char *store_url;      /* run, resume: export suspensions to this store */
    uint32_t iterations;        /* bench only */
} cli_options_t;

typedef enum cli_command { CLI_RUN, CLI_BENCH, CLI_RESUME } cli_command_t;

/* Parses argv (after the command word). Prints the problem and returns
 * CLI_USAGE on bad input. */
int cli_parse_options(cli_command_t cmd, int argc, char **argv, cli_options_t *o);
void cli_options_free(cli_options_t *o);

/* Reads a whole file; NULL (message printed) on failure. Caller frees. */
char *cli_read_file(const char *path, size_t *len);

/* The execution context the options describe; CLI_USAGE on bad JSON. */
int cli_build_context(const cli_options_t *o, nx_context_t **out);

/* Registers one extension per NAME in the answers, every call deferred. */
int cli_register_answers(nx_runtime_t *rt, const cli_options_t *o);

/* The canned answer for extension.method, or NULL. */
const cli_answer_t *cli_find_answer(const cli_options_t *o, const char *ext, const char *method);

#endif
