/* durable.c - suspensions that outlive the nexus process
 * (docs/durable-suspensions.md): `nexus run FILE --suspend-to PATH | --store
 * URL` stops at the first suspension and exports it; `nexus resume PATH |
 * --store URL ID` imports it, answers the calls it waits on from the --ext
 * values, and goes on - to the end, or (with --suspend-to or --store) to
 * the next new call, which it exports again. The result printed when the
 * execution ends covers all of it, as a one-process run prints it. The
 * key that authenticates exports comes from NEXUS_SUSPENSION_KEY. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

int cli_durable_setup(nx_runtime_t *rt, const cli_options_t *o)
{
    if (!o->suspend_to && !o->store_url)
        return CLI_OK;
    const char *key = getenv("NEXUS_SUSPENSION_KEY");
    if (!key || strlen(key) < 16 || strlen(key) > 64) {
        fprintf(stderr, "nexus: --suspend-to, --store and resume need the key that authenticates "
                        "exports in NEXUS_SUSPENSION_KEY (16 to 64 bytes)\n");
        return CLI_USAGE;
    }
    if (nx_runtime_set_suspension_key(rt, key, strlen(key)) != NX_OK) {
        fprintf(stderr, "nexus: the suspension key was refused\n");
        return CLI_USAGE;
    }
    if (!o->store_url)
        return CLI_OK;
    nx_store_t *store;
    char *err = NULL;
    if (nx_store_redis_create(o->store_url, NULL, 2000, &store, &err) != NX_OK) {
        fprintf(stderr, "nexus: --store: %s\n", err ? err : "cannot use this store");
        nx_free(err);
        return CLI_USAGE;
    }
    nx_runtime_set_store(rt, store);
    return CLI_OK;
}

/* Writes bytes to path through a temporary file and a rename, so that a
 * reader never sees half an export. */
static int write_export(const char *path, const uint8_t *bytes, size_t len)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp-%d", path, (int)getpid()) >= sizeof tmp) {
        fprintf(stderr, "nexus: --suspend-to: the path is too long\n");
        return CLI_USAGE;
    }
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(bytes, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "nexus: cannot write the export to %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_durable_leave(nx_runtime_t *rt, const cli_options_t *o, const nx_result_t *r)
{
    if (nx_result_status(r) != NX_STATUS_SUSPENDED || (!o->suspend_to && !o->store_url))
        return CLI_OK;
    if (o->store_url) {
        const char *why = nx_result_store_error(r);
        if (why) {
            fprintf(stderr, "nexus: the suspended execution could not be stored, and ends with this "
                            "process: %s\n", why);
            return CLI_HANDLER_ERROR;
        }
        return CLI_OK;
    }
    uint8_t *bytes;
    size_t len;
    nx_code_t code = nx_export(rt, nx_result_suspension(r, 0)->id, &bytes, &len);
    if (code != NX_OK) {
        fprintf(stderr, "nexus: cannot export the suspended execution: %s\n", nx_code_name(code));
        return CLI_HANDLER_ERROR;
    }
    int rc = write_export(o->suspend_to, bytes, len);
    nx_free(bytes);
    return rc;
}

/* ---- nexus resume ------------------------------------------------------------------------------- */

static bool in_list(char **ids, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ids[i], id))
            return true;
    return false;
}

static nx_code_t import(nx_runtime_t *rt, const cli_options_t *o, nx_recording_t **rec, nx_result_t **r)
{
    if (o->store_url)
        return nx_import_stored(rt, o->file, rec, r);
    size_t len;
    char *bytes = cli_read_file(o->file, &len);
    if (!bytes) {
        *r = NULL;
        return NX_E_INVALID_ARGUMENT;
    }
    nx_code_t code = nx_import(rt, bytes, len, rec, r);
    free(bytes);
    return code;
}

/* Answers whole's pending calls from the --ext values, folding what each
 * resume returns into whole: every call when the execution is not to
 * leave again, else only the calls it waited on when imported (a new
 * call is where it leaves). */
static nx_code_t go_on(nx_runtime_t *rt, const cli_options_t *o, nx_result_t *whole,
                       nx_recording_t **rec)
{
    bool leaves = o->suspend_to || o->store_url;
    size_t n_initial = nx_result_suspension_count(whole);
    char **initial = calloc(n_initial ? n_initial : 1, sizeof *initial);
    for (size_t i = 0; initial && i < n_initial; i++)
        initial[i] = strdup(nx_result_suspension(whole, i)->id);
    nx_code_t code = initial ? NX_OK : NX_E_INTERNAL_ERROR;
    while (code == NX_OK && nx_result_status(whole) == NX_STATUS_SUSPENDED) {
        const nx_suspension_t *s = NULL;
        for (size_t i = 0; i < nx_result_suspension_count(whole) && !s; i++)
            if (!leaves || in_list(initial, n_initial, nx_result_suspension(whole, i)->id))
                s = nx_result_suspension(whole, i);
        if (!s)
            break; /* only new calls wait: the execution leaves here */
        if (o->store_url && *rec) {
            /* between two answers the execution went back to the store, and
             * its recording with it: take both back here */
            nx_recording_t *fresh = NULL;
            nx_result_t *unused = NULL;
            if (nx_import_stored(rt, s->id, &fresh, &unused) == NX_OK && fresh) {
                nx_recording_free(*rec);
                *rec = fresh;
            }
            nx_result_free(unused);
        }
        const cli_answer_t *a = cli_find_answer(o, s->extension, s->method);
        nx_outcome_t outcome = { .is_error = !a, .value = a ? a->value : NULL,
                                 .value_len = a ? a->value_len : 0,
                                 .error_message = "no --ext answer for this call" };
        nx_result_t *next = NULL;
        code = nx_resume(rt, s->id, &outcome, &next);
        if (code == NX_OK)
            code = nx_result_append(whole, next);
        else if (next)
            fprintf(stderr, "nexus: %s\n", nx_result_error(next) ? nx_result_error(next)->message : "resume failed");
        nx_result_free(next);
    }
    for (size_t i = 0; initial && i < n_initial; i++)
        free(initial[i]);
    free(initial);
    return code;
}

int cli_resume(int argc, char **argv)
{
    cli_options_t o;
    int rc = cli_parse_options(CLI_RESUME, argc, argv, &o);
    nx_runtime_t *rt = NULL;
    if (rc == CLI_OK && cli_runtime_create(&rt) != NX_OK)
        rc = CLI_HANDLER_ERROR;
    if (rc == CLI_OK)
        rc = cli_register_answers(rt, &o);
    if (rc == CLI_OK && !o.suspend_to && !o.store_url) {
        /* a file to import still needs the key */
        cli_options_t keyed = o;
        keyed.suspend_to = o.file;
        rc = cli_durable_setup(rt, &keyed);
    } else if (rc == CLI_OK) {
        rc = cli_durable_setup(rt, &o);
    }
    nx_result_t *whole = NULL;
    nx_recording_t *rec = NULL;
    if (rc == CLI_OK) {
        nx_code_t code = import(rt, &o, &rec, &whole);
        if (code != NX_OK) {
            if (whole)
                fprintf(stderr, "nexus: %s\n", nx_result_error(whole)->message);
            rc = code == NX_E_STORE_UNAVAILABLE ? CLI_HANDLER_ERROR : CLI_USAGE;
        } else {
            code = go_on(rt, &o, whole, &rec);
            if (code == NX_OK && nx_result_status(whole) == NX_STATUS_SUSPENDED)
                rc = cli_durable_leave(rt, &o, whole);
            int printed = cli_print_result(whole, code == NX_E_STORE_UNAVAILABLE ? NX_OK : code);
            if (code == NX_E_STORE_UNAVAILABLE)
                printed = CLI_HANDLER_ERROR;
            if (rc == CLI_OK)
                rc = printed;
            if (rec && o.record_path && nx_result_status(whole) != NX_STATUS_SUSPENDED &&
                cli_save_recording(rec, o.record_path) != NX_OK)
                rc = CLI_USAGE;
        }
    }
    nx_recording_free(rec);
    nx_result_free(whole);
    nx_runtime_free(rt);
    cli_options_free(&o);
    return rc;
}
