/* counter_app.c - a user's program, built outside the repository against
 * an installed Nexus (pkg-config nexus): runs the counter handler given as
 * argv[1] and checks what the README promises. Exit 0 when it does. */
#include <nexus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

int main(int argc, char **argv)
{
    size_t len;
    char *source = argc > 1 ? read_file(argv[1], &len) : NULL;
    if (!source) {
        fprintf(stderr, "usage: counter_app COUNTER.js\n");
        return 2;
    }
    if ((nx_version() >> 16) != NX_VERSION_MAJOR) {
        fprintf(stderr, "built against %s, running with %s\n", NX_VERSION_STRING, nx_version_string());
        return 1;
    }
    nx_runtime_t *rt;
    if (nx_runtime_create(NULL, &rt) != NX_OK)
        return 1;
    nx_context_t *ctx;
    nx_context_create(&ctx);
    nx_context_set_state_json(ctx, "{\"count\":41}");
    nx_context_set_args_json(ctx, "{\"step\":1}");
    nx_context_add_capability(ctx, "state:read:count");
    nx_context_add_capability(ctx, "state:write:count");
    nx_context_add_capability(ctx, "events:emit:*");
    nx_result_t *r;
    nx_code_t code = nx_execute(rt, source, len, ctx, &r);
    char *json = NULL;
    nx_result_to_json(r, &json);
    printf("%s\n", json ? json : "(no JSON)");
    size_t vlen = 0;
    const uint8_t *value = nx_result_value(r, &vlen);
    char *value_json = NULL;
    if (value)
        nx_value_to_json(value, vlen, &value_json);
    int ok = code == NX_OK && nx_result_status(r) == NX_STATUS_SUCCESS && value_json &&
             strcmp(value_json, "42") == 0 && nx_result_mutation_count(r) == 1 &&
             nx_result_event_count(r) == 1;
    nx_free(value_json);
    nx_free(json);
    nx_result_free(r);
    nx_context_free(ctx);
    nx_runtime_free(rt);
    return ok ? 0 : 1;
}
