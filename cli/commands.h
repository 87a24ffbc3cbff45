/* commands.h - the nexus subcommands and what they share. */
#ifndef NEXUS_CLI_COMMANDS_H
#define NEXUS_CLI_COMMANDS_H

#include "nexus.h"
#include "options.h"

int cli_run(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_infer_caps(int argc, char **argv);
int cli_replay(int argc, char **argv);

/* A runtime with the CLI's configuration (NEXUS_CACHE_DIR: disk cache). */
nx_code_t cli_runtime_create(nx_runtime_t **out);

/* What `run` and `bench` set up alike: options, source, context, runtime
 * with the --ext answers registered. */
typedef struct cli_session {
    cli_options_t options;
    char *source;
    size_t source_len;
    nx_context_t *ctx;
    nx_runtime_t *rt;
} cli_session_t;

/* Returns CLI_OK, or the exit code (the problem already printed). */
int cli_session_open(cli_session_t *s, cli_command_t cmd, int argc, char **argv);
void cli_session_close(cli_session_t *s);
int cli_print_result(const nx_result_t *r, nx_code_t call_code);
nx_code_t cli_settle(nx_runtime_t *rt, const cli_options_t *o, nx_result_t **r);

#endif
