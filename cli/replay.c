/* replay.c - `nexus replay FILE`: runs a recording made with
 * `nexus run --record FILE` again, answering from its log, and prints the
 * result (identical to the recorded one but for metrics). */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"

int cli_replay(int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "nexus: replay needs exactly one FILE\nTry 'nexus --help'.\n");
        return CLI_USAGE;
    }
    size_t len;
    char *bytes = cli_read_file(argv[0], &len);
    if (!bytes)
        return CLI_USAGE;
    nx_recording_t *rec;
    nx_code_t code = nx_recording_load(bytes, len, &rec);
    free(bytes);
    if (code != NX_OK) {
        fprintf(stderr, "nexus: %s is not a recording\n", argv[0]);
        return CLI_USAGE;
    }
    nx_runtime_t *rt;
    int rc = CLI_HANDLER_ERROR;
    if (cli_runtime_create(&rt) == NX_OK) {
        nx_result_t *r = NULL;
        code = nx_replay(rt, rec, &r);
        rc = r ? cli_print_result(r, code) : CLI_HANDLER_ERROR;
        nx_result_free(r);
        nx_runtime_free(rt);
    }
    nx_recording_free(rec);
    return rc;
}
