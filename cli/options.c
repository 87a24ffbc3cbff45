/* options.c - parsing the shared flags of `nexus run` / `nexus bench`,
 * building the context, registering canned extension answers. */
#include "options.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "nexus: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'nexus --help'.\n");
    return CLI_USAGE;
}

/* A whole number in min..max written as decimal digits only: no sign, no
 * spaces, no other base. */
static int parse_u32(const char *flag, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
    bool digits = *s != '\0' && strspn(s, "0123456789") == strlen(s);
    errno = 0;
    unsigned long long v = digits ? strtoull(s, NULL, 10) : 0;
    if (!digits || errno || v < min || v > max) {
        fprintf(stderr, "nexus: %s needs a whole number from %u to %u\nTry 'nexus --help'.\n", flag,
                min, max);
        return CLI_USAGE;
    }
    *out = (uint32_t)v;
    return CLI_OK;
}

/* --limit NAME=N: any limit of nx_limits_t by its name. */
static int add_limit(cli_options_t *o, const char *spec)
{
    const char *eq = strchr(spec, '=');
    char name[64];
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof name)
        return usage_error("--limit needs NAME=N, got \"%s\"", spec);
    memcpy(name, spec, (size_t)(eq - spec));
    name[eq - spec] = '\0';
    uint32_t value;
    if (parse_u32("--limit", eq + 1, 1, UINT32_MAX, &value) != CLI_OK)
        return CLI_USAGE;
    if (nx_limits_set(&o->limits, name, value) != NX_OK) {
        fprintf(stderr, "nexus: --limit: no limit named \"%s\"; the limits are:", name);
        for (size_t i = 0; nx_limits_name(i); i++)
            fprintf(stderr, " %s", nx_limits_name(i));
        fprintf(stderr, "\n");
        return CLI_USAGE;
    }
    return CLI_OK;
}

static int add_answer(cli_options_t *o, const char *spec)
{
    const char *eq = strchr(spec, '=');
    const char *dot = memchr(spec, '.', eq ? (size_t)(eq - spec) : strlen(spec));
    if (!eq || !dot || dot == spec || dot + 1 == eq)
        return usage_error("--ext needs NAME.METHOD=JSON, got \"%s\"", spec);
    cli_answer_t a = { 0 };
    a.extension = strndup(spec, (size_t)(dot - spec));
    a.method = strndup(dot + 1, (size_t)(eq - dot - 1));
    char *err = NULL;
    if (nx_value_from_json(eq + 1, strlen(eq + 1), &a.value, &a.value_len, &err) != NX_OK) {
        fprintf(stderr, "nexus: --ext %.*s: %s\n", (int)(eq - spec), spec, err ? err : "invalid JSON");
        nx_free(err);
        free(a.extension);
        free(a.method);
        return CLI_USAGE;
    }
    cli_answer_t *grown = realloc(o->answers, (o->answer_count + 1) * sizeof *grown);
    if (!grown)
        return usage_error("%s", "out of memory");
    o->answers = grown;
    o->answers[o->answer_count++] = a;
    return CLI_OK;
}

static int add_cap(cli_options_t *o, const char *token)
{
    const char **grown = realloc(o->caps, (o->cap_count + 1) * sizeof *grown);
    if (!grown)
        return usage_error("%s", "out of memory");
    o->caps = grown;
    o->caps[o->cap_count++] = token;
    return CLI_OK;
}

/* Handles flag (with its value in *val if it takes one). */
static int parse_flag(cli_command_t cmd, cli_options_t *o, const char *flag, const char *val)
{
    if (!strcmp(flag, "--state")) o->state_json = val;
    else if (!strcmp(flag, "--args")) o->args_json = val;
    else if (!strcmp(flag, "--scope")) o->scope_json = val;
    else if (!strcmp(flag, "--cap")) return add_cap(o, val);
    else if (!strcmp(flag, "--timeout-ms")) return parse_u32(flag, val, 1, UINT32_MAX, &o->limits.timeout_ms);
    else if (!strcmp(flag, "--deadline-ms")) return parse_u32(flag, val, 1, UINT32_MAX, &o->limits.deadline_ms);
    else if (!strcmp(flag, "--memory-mb")) return parse_u32(flag, val, 4, 4096, &o->limits.memory_mb);
    else if (!strcmp(flag, "--max-instructions"))
        return parse_u32(flag, val, 1, UINT32_MAX, &o->limits.max_instructions);
    else if (!strcmp(flag, "--limit")) return add_limit(o, val);
    else if (!strcmp(flag, "--ext")) return add_answer(o, val);
    else if (!strcmp(flag, "--record") && cmd != CLI_BENCH) o->record_path = val;
    else if (!strcmp(flag, "--suspend-to") && cmd != CLI_BENCH) o->suspend_to = val;
    else if (!strcmp(flag, "--store") && cmd != CLI_BENCH) o->store_url = val;
    else if (!strcmp(flag, "--iterations") && cmd == CLI_BENCH)
        return parse_u32(flag, val, 1, CLI_MAX_ITERATIONS, &o->iterations);
    else return usage_error("unknown option %s", flag);
    return CLI_OK;
}

static bool takes_value(const char *flag)
{
    return strcmp(flag, "--stop-at-suspend") != 0;
}

int cli_parse_options(cli_command_t cmd, int argc, char **argv, cli_options_t *o)
{
    memset(o, 0, sizeof *o);
    o->iterations = 1000;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0) {
            if (o->file)
                return usage_error("unexpected argument %s", arg);
            o->file = arg;
            continue;
        }
        if (!strcmp(arg, "--stop-at-suspend") && cmd == CLI_RUN) {
            o->stop_at_suspend = true;
            continue;
        }
        if (!takes_value(arg) || i + 1 >= argc)
            return usage_error("%s needs a value", arg);
        int rc = parse_flag(cmd, o, arg, argv[++i]);
        if (rc != CLI_OK)
            return rc;
    }
    if (!o->file)
        return usage_error("%s", cmd == CLI_RESUME ? (o->store_url ? "missing the suspension ID"
                                                                  : "missing the exported FILE")
                                                   : "missing the handler FILE");
    if (o->suspend_to && o->store_url)
        return usage_error("%s", "--suspend-to and --store do not go together");
    if (cmd != CLI_RESUME && (o->suspend_to || o->store_url))
        o->stop_at_suspend = true; /* the first suspension leaves the process */
    return CLI_OK;
}

void cli_options_free(cli_options_t *o)
{
    for (size_t i = 0; i < o->answer_count; i++) {
        free(o->answers[i].extension);
        free(o->answers[i].method);
        free(o->answers[i].value);
    }
    free(o->answers);
    free(o->caps);
    memset(o, 0, sizeof *o);
}

char *cli_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "nexus: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        char *grown = realloc(buf, cap * 2);
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    bool failed = ferror(f);
    fclose(f);
    if (!buf || failed) {
        fprintf(stderr, "nexus: cannot read %s\n", path);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

typedef nx_code_t (*set_map_fn)(nx_context_t *, const void *, size_t);

static int set_json(nx_context_t *ctx, const char *flag, const char *json, set_map_fn set)
{
    if (!json)
        return CLI_OK;
    uint8_t *mp;
    size_t len;
    char *err = NULL;
    if (nx_value_from_json(json, strlen(json), &mp, &len, &err) != NX_OK) {
        fprintf(stderr, "nexus: %s: %s\n", flag, err ? err : "invalid JSON");
        nx_free(err);
        return CLI_USAGE;
    }
    /* a JSON object, as the help says: null is not one */
    nx_code_t code = len && mp[0] == 0xc0 ? NX_E_INVALID_ARGUMENT : set(ctx, mp, len);
    nx_free(mp);
    if (code != NX_OK) {
        fprintf(stderr, "nexus: %s must be a JSON object\n", flag);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_build_context(const cli_options_t *o, nx_context_t **out)
{
    nx_context_t *ctx;
    if (nx_context_create(&ctx) != NX_OK)
        return usage_error("%s", "out of memory");
    int rc = set_json(ctx, "--state", o->state_json, nx_context_set_state);
    if (rc == CLI_OK)
        rc = set_json(ctx, "--args", o->args_json, nx_context_set_args);
    if (rc == CLI_OK)
        rc = set_json(ctx, "--scope", o->scope_json, nx_context_set_scope);
    for (size_t i = 0; rc == CLI_OK && i < o->cap_count; i++)
        if (nx_context_add_capability(ctx, o->caps[i]) != NX_OK)
            rc = usage_error("%s", "out of memory");
    if (rc == CLI_OK)
        nx_context_set_limits(ctx, &o->limits);
    nx_context_set_handler_name(ctx, o->file);
    if (rc != CLI_OK) {
        nx_context_free(ctx);
        return rc;
    }
    *out = ctx;
    return CLI_OK;
}

int cli_register_answers(nx_runtime_t *rt, const cli_options_t *o)
{
    for (size_t i = 0; i < o->answer_count; i++) {
        const char *name = o->answers[i].extension;
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen |= !strcmp(o->answers[j].extension, name);
        if (seen)
            continue;
        const char *methods[o->answer_count];
        size_t n = 0;
        for (size_t j = i; j < o->answer_count; j++) {
            if (strcmp(o->answers[j].extension, name) != 0)
                continue;
            bool repeated = false;
            for (size_t k = 0; k < n; k++)
                repeated |= !strcmp(methods[k], o->answers[j].method);
            if (!repeated)
                methods[n++] = o->answers[j].method;
        }
        if (nx_runtime_register_extension(rt, name, methods, n, NULL, NULL, NULL) != NX_OK)
            return usage_error("cannot register extension \"%s\" (bad or repeated name)", name);
    }
    return CLI_OK;
}

const cli_answer_t *cli_find_answer(const cli_options_t *o, const char *ext, const char *method)
{
    for (size_t i = 0; i < o->answer_count; i++)
        if (!strcmp(o->answers[i].extension, ext) && !strcmp(o->answers[i].method, method))
            return &o->answers[i];
    return NULL;
}
