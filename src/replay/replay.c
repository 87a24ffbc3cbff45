/* replay.c - the replay driver, above the execution layer: recorded runs
 * (nx_execute_recorded attaches a recorder to a new execution) and replays
 * (nx_replay runs a recording's source again under its context, resuming
 * where it resumed with the answers it recorded). A replay returns the
 * whole execution, every segment's effects folded in order by the same
 * rule as nx_result_append, which is what the recording promises to
 * reproduce. */
#include <stdlib.h>

#include "common/context.h"
#include "execution/execution.h"
#include "record/recorder.h"
#include "result/result.h"

nx_code_t nx_execute_recorded(nx_runtime_t *rt, const char *source, size_t len,
                              const nx_context_t *ctx, nx_recording_t **recording,
                              nx_result_t **out)
{
    if (recording)
        *recording = NULL;
    if (!rt || !ctx || !recording || !out || (!source && len)) {
        if (out)
            *out = nx_result_error_new(NX_E_INVALID_ARGUMENT, "runtime, context, recording and result are required");
        return NX_E_INVALID_ARGUMENT;
    }
    nx_recorder_t *r = nx_recorder_for_recording(rt->engine_id, source ? source : "", len, ctx, recording);
    if (!r) {
        *out = nx_result_error_new(NX_E_INTERNAL_ERROR, "out of memory");
        return NX_E_INTERNAL_ERROR;
    }
    return nx_execute_source(rt, source ? source : "", len, ctx, r, out);
}

/* Cancels the execution r waits on (through any of its pending calls). */
static void cancel_pending(nx_runtime_t *rt, const nx_result_t *r)
{
    for (size_t i = 0; i < nx_result_suspension_count(r); i++)
        if (nx_cancel(rt, nx_result_suspension(r, i)->id) == NX_OK)
            return;
}

nx_code_t nx_replay(nx_runtime_t *rt, const nx_recording_t *rec, nx_result_t **out)
{
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    if (!rt || !rec) {
        *out = nx_result_error_new(NX_E_INVALID_ARGUMENT, "runtime and recording are required");
        return NX_E_INVALID_ARGUMENT;
    }
    nx_context_t *ctx;
    nx_code_t code = nx_recording_context(rec, &ctx);
    nx_recorder_t *r = code == NX_OK ? nx_recorder_for_replay(rec) : NULL;
    if (!r) {
        nx_context_free(ctx);
        *out = nx_result_error_new(NX_E_INVALID_ARGUMENT, "the recording's context is unusable");
        return NX_E_INVALID_ARGUMENT;
    }
    nx_result_t *whole;
    code = nx_execute_source(rt, rec->source, rec->source_len, ctx, r, &whole);
    nx_context_free(ctx);
    /* resume where the recording resumed, with the recorded answers */
    for (size_t i = 1; code == NX_OK && i < rec->count && nx_result_status(whole) == NX_STATUS_SUSPENDED; i++) {
        const char *id;
        nx_outcome_t outcome;
        if (!nx_recording_resume_of(rec, i, &id, &outcome))
            break;
        nx_result_t *next;
        code = nx_resume(rt, id, &outcome, &next);
        if (code != NX_OK) {
            /* the recording names a call the replay is not waiting on: the
             * replay ends here, with nothing left behind */
            cancel_pending(rt, whole);
            nx_result_free(whole);
            whole = next;
            break;
        }
        code = nx_result_append(whole, next);
        nx_result_free(next);
    }
    /* a replay that stops suspended (the recording ended there) leaves
     * nothing behind either */
    if (nx_result_status(whole) == NX_STATUS_SUSPENDED)
        cancel_pending(rt, whole);
    *out = whole;
    return code;
}
