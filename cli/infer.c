/* infer.c - `nexus infer-caps FILE`: the capability tokens a handler's
 * source suggests it needs, one per line. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"

int cli_infer_caps(int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "nexus: infer-caps needs exactly one FILE\nTry 'nexus --help'.\n");
        return CLI_USAGE;
    }
    size_t len;
    char *source = cli_read_file(argv[0], &len);
    if (!source)
        return CLI_USAGE;
    char **tokens;
    size_t count;
    nx_code_t code = nx_infer_capabilities(source, len, &tokens, &count);
    free(source);
    if (code != NX_OK) {
        fprintf(stderr, "nexus: cannot scan %s: %s\n", argv[0], nx_code_name(code));
        return CLI_USAGE;
    }
    for (size_t i = 0; i < count; i++)
        printf("%s\n", tokens[i]);
    nx_strings_free(tokens, count);
    return CLI_OK;
}
