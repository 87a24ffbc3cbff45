/* main.c - the nexus command: dispatch and help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static const char usage[] =
    "Usage:\n"
    "  nexus run FILE [options]          run a handler, print the result as JSON\n"
    "  nexus bench FILE [options] [--iterations N]\n"
    "                                    time N executions, print JSON figures\n"
    "  nexus infer-caps FILE             suggest the capability tokens FILE needs\n"
    "  nexus replay FILE                 run a recording again, print its result\n"
    "  nexus resume EXPORT [options]     go on with an exported execution\n"
    "  nexus resume --store URL ID [options]\n"
    "                                    ... or with one waiting in Redis\n"
    "  nexus --help | --version\n"
    "\n"
    "FILE holds a handler: the body of an async function; `return` gives the\n"
    "result value. It sees $state, $args, $scope, $emit, $view, $ext, $host,\n"
    "$log (and console) and $time.\n"
    "\n"
    "Options (run and bench):\n"
    "  --state JSON          state snapshot (a JSON object)\n"
    "  --args JSON           $args (a JSON object)\n"
    "  --scope JSON          $scope (a JSON object)\n"
    "  --cap TOKEN           grant a capability; repeatable. Forms:\n"
    "                        state:read:KEY  state:write:KEY  events:emit:NAME\n"
    "                        view:update:ID  ext:NAME  host:INTERFACE\n"
    "                        (KEY, NAME, ID or INTERFACE may be *)\n"
    "  --timeout-ms N        the handler's running time, all of it: compiling\n"
    "                        and every resume included (default 5000)\n"
    "  --deadline-ms N       wall clock from the start to the result, waits\n"
    "                        for extension answers included (default 60000)\n"
    "  --memory-mb N         guest memory limit, 4 to 4096 (default 64)\n"
    "  --max-instructions N  bytecode instructions the handler may run, all\n"
    "                        of it; past them RESOURCE_LIMIT, at the same\n"
    "                        point on every run (default: no budget)\n"
    "  --limit NAME=N        any other limit by name (max_host_calls,\n"
    "                        max_value_bytes, max_log_bytes, max_events,\n"
    "                        max_view_commands, max_logs, max_state_keys,\n"
    "                        max_output_bytes); repeatable; docs/api.md\n"
    "  --ext NAME.METHOD=JSON\n"
    "                        register extension NAME with METHOD; every call is\n"
    "                        answered with JSON (repeatable)\n"
    "  --iterations N        (bench) executions to time, 1 to 10000000\n"
    "  --stop-at-suspend     (run) print the first suspended result instead of\n"
    "                        answering with --ext values\n"
    "  --suspend-to PATH     (run, resume) at the first suspension (resume: the\n"
    "                        first new call), write the execution to PATH and\n"
    "                        stop; `nexus resume PATH` goes on with it, here or\n"
    "                        on another machine\n"
    "  --store redis://HOST:PORT\n"
    "                        (run, resume) the same through Redis: the printed\n"
    "                        suspension.id names it for `nexus resume --store`\n"
    "  --record FILE         (run, resume) record every host call's answer (time and\n"
    "                        randomness included) and the resumes into FILE;\n"
    "                        `nexus replay FILE` reproduces the result\n"
    "\n"
    "Output: one JSON object with status, returnValue, stateMutations, events,\n"
    "viewCommands, logs, suspension, pendingCalls, error {code, message, stack,\n"
    "line, column, sourceLine} and metrics.\n"
    "\n"
    "Exit status: 0 success (or suspended with --stop-at-suspend), 1 the\n"
    "handler failed (error.code says why: TIMEOUT, MEMORY_LIMIT,\n"
    "PERMISSION_DENIED, EXECUTION_ERROR, COMPILATION_ERROR, RESOURCE_LIMIT,\n"
    "...), 2 bad usage or input.\n"
    "\n"
    "Environment: NEXUS_CACHE_DIR keeps compiled bytecode on disk;\n"
    "NEXUS_SUSPENSION_KEY (16 to 64 bytes) authenticates exported executions\n"
    "(--suspend-to, --store, resume need it).\n";

nx_code_t cli_runtime_create(nx_runtime_t **out)
{
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 1;
    cfg.cache_dir = getenv("NEXUS_CACHE_DIR");
    nx_code_t code = nx_runtime_create(&cfg, out);
    if (code != NX_OK)
        fprintf(stderr, "nexus: cannot create the runtime: %s\n", nx_code_name(code));
    return code;
}

int cli_session_open(cli_session_t *s, cli_command_t cmd, int argc, char **argv)
{
    memset(s, 0, sizeof *s);
    int rc = cli_parse_options(cmd, argc, argv, &s->options);
    if (rc == CLI_OK && !(s->source = cli_read_file(s->options.file, &s->source_len)))
        rc = CLI_USAGE;
    if (rc == CLI_OK)
        rc = cli_build_context(&s->options, &s->ctx);
    if (rc == CLI_OK && cli_runtime_create(&s->rt) != NX_OK)
        rc = CLI_HANDLER_ERROR;
    if (rc == CLI_OK)
        rc = cli_register_answers(s->rt, &s->options);
    if (rc == CLI_OK)
        rc = cli_durable_setup(s->rt, &s->options);
    return rc;
}

void cli_session_close(cli_session_t *s)
{
    nx_runtime_free(s->rt);
    nx_context_free(s->ctx);
    free(s->source);
    cli_options_free(&s->options);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("nexus %s\n", nx_version_string());
        return CLI_OK;
    }
    if (!strcmp(cmd, "run"))
        return cli_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "bench"))
        return cli_bench(argc - 2, argv + 2);
    if (!strcmp(cmd, "infer-caps"))
        return cli_infer_caps(argc - 2, argv + 2);
    if (!strcmp(cmd, "replay"))
        return cli_replay(argc - 2, argv + 2);
    if (!strcmp(cmd, "resume"))
        return cli_resume(argc - 2, argv + 2);
    fprintf(stderr, "nexus: unknown command '%s'\nTry 'nexus --help'.\n", cmd);
    return CLI_USAGE;
}
