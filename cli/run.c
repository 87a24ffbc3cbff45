/* run.c - `nexus run`: execute a handler file, answer its extension calls
 * with the --ext canned values (resuming until it ends, unless
 * --stop-at-suspend), print the result as one JSON object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"

/* Prints r as JSON; returns the exit code it deserves. */
int cli_print_result(const nx_result_t *r, nx_code_t call_code)
{
    char *json = NULL;
    if (nx_result_to_json(r, &json) != NX_OK) {
        fprintf(stderr, "nexus: cannot serialise the result\n");
        return CLI_HANDLER_ERROR;
    }
    printf("%s\n", json);
    nx_free(json);
    if (call_code != NX_OK)
        return CLI_USAGE;
    return nx_result_status(r) == NX_STATUS_ERROR ? CLI_HANDLER_ERROR : CLI_OK;
}

nx_code_t cli_save_recording(const nx_recording_t *rec, const char *path)
{
    uint8_t *buf;
    size_t len;
    nx_code_t code = nx_recording_save(rec, &buf, &len);
    if (code != NX_OK)
        return code;
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(buf, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    nx_free(buf);
    if (!ok) {
        fprintf(stderr, "nexus: cannot write the recording to %s\n", path);
        return NX_E_INVALID_ARGUMENT;
    }
    return NX_OK;
}

/* Resumes r's pending calls with canned answers until it is not suspended. */
nx_code_t cli_settle(nx_runtime_t *rt, const cli_options_t *o, nx_result_t **r)
{
    while (nx_result_status(*r) == NX_STATUS_SUSPENDED && !o->stop_at_suspend) {
        const nx_suspension_t *s = nx_result_suspension(*r, 0);
        const cli_answer_t *a = cli_find_answer(o, s->extension, s->method);
        nx_outcome_t outcome = { .is_error = !a, .value = a ? a->value : NULL,
                                 .value_len = a ? a->value_len : 0,
                                 .error_message = "no --ext answer for this call" };
        nx_result_t *next = NULL;
        nx_code_t code = nx_resume(rt, s->id, &outcome, &next);
        if (code == NX_OK)
            code = nx_result_append(*r, next); /* linear in next: many awaits stay cheap */
        if (code != NX_OK) {
            nx_result_free(*r);
            *r = next;
            return code;
        }
        nx_result_free(next);
    }
    return NX_OK;
}

int cli_run(int argc, char **argv)
{
    cli_session_t s;
    int rc = cli_session_open(&s, CLI_RUN, argc, argv);
    if (rc == CLI_OK) {
        const cli_options_t *o = &s.options;
        nx_result_t *r = NULL;
        nx_recording_t *rec = NULL;
        nx_code_t code = o->record_path ? nx_execute_recorded(s.rt, s.source, s.source_len, s.ctx, &rec, &r)
                                        : nx_execute(s.rt, s.source, s.source_len, s.ctx, &r);
        if (code == NX_OK)
            code = cli_settle(s.rt, o, &r); /* resumes are recorded too */
        int left = code == NX_OK && r ? cli_durable_leave(s.rt, o, r) : CLI_OK;
        rc = r ? cli_print_result(r, code) : CLI_HANDLER_ERROR;
        if (left != CLI_OK)
            rc = left;
        /* a recording that leaves with the execution is saved where it ends */
        bool left_process = (o->suspend_to || o->store_url) && r && nx_result_status(r) == NX_STATUS_SUSPENDED;
        if (rec && !left_process && cli_save_recording(rec, o->record_path) != NX_OK)
            rc = CLI_USAGE;
        nx_recording_free(rec);
        nx_result_free(r);
    }
    cli_session_close(&s);
    return rc;
}
