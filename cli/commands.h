/* commands.h - the nexus subcommands and what they share. */
#ifndef NEXUS_CLI_COMMANDS_H
#define NEXUS_CLI_COMMANDS_H

#include "nexus.h"
#include "options.h"

int cli_run(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_infer_caps(int argc, char **argv);
int cli_replay(int argc, char **argv);
int cli_resume(int argc, char **argv);

/* --suspend-to / --store: the key from NEXUS_SUSPENSION_KEY and the store
 * set on rt (CLI_USAGE, the problem printed, when they cannot be). */
int cli_durable_setup(nx_runtime_t *rt, const cli_options_t *o);
/* A suspended r leaves the process: exported to --suspend-to, or checked
 * to be in the --store. Returns the exit code so far. */
int cli_durable_leave(nx_runtime_t *rt, const cli_options_t *o, const nx_result_t *r);
/* Saves a recording to path (the problem printed on failure). */
nx_code_t cli_save_recording(const nx_recording_t *rec, const char *path);

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
