/* resume.c - continuing a suspended execution: nx_resume answers one of
 * its pending extension calls and runs it until it succeeds, fails or
 * suspends again; nx_cancel abandons it. */
#include <msgpack.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "common/values.h"
#include "execution/execution.h"
#include "record/recorder.h"
#include "result/result.h"

static bool pack_resume_request(msgpack_sbuffer *sb, const char *id, const nx_outcome_t *o)
{
    msgpack_packer pk;
    msgpack_sbuffer_init(sb);
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 3);
    msgpack_pack_str_with_body(&pk, id, strlen(id));
    if (o->is_error)
        msgpack_pack_false(&pk);
    else
        msgpack_pack_true(&pk);
    if (o->is_error) {
        const char *msg = o->error_message ? o->error_message : "extension call failed";
        msgpack_pack_str_with_body(&pk, msg, strlen(msg));
    } else if (o->value && o->value_len) {
        msgpack_sbuffer_write(sb, (const char *)o->value, o->value_len);
    } else {
        msgpack_pack_nil(&pk);
    }
    return sb->data != NULL;
}

static nx_code_t check_outcome(const nx_outcome_t *o, char *err, size_t err_size)
{
    if (!o) {
        snprintf(err, err_size, "an outcome is required");
        return NX_E_INVALID_ARGUMENT;
    }
    if (o->is_error) {
        const char *m = o->error_message;
        if (m && !nx_utf8_valid(m, strlen(m))) {
            snprintf(err, err_size, "the error message is not valid UTF-8");
            return NX_E_INVALID_ARGUMENT;
        }
        return NX_OK;
    }
    const char *why = NULL;
    if (o->value && o->value_len && nx_value_check(o->value, o->value_len, &why) != NX_OK) {
        snprintf(err, err_size, "the outcome value cannot cross the boundary: %s", why);
        return NX_E_INVALID_ARGUMENT;
    }
    return NX_OK;
}

/* An execution taken out to be resumed whose answer is refused whole goes
 * back to waiting, for the host to answer again. */
static nx_code_t refuse_and_keep(nx_runtime_t *rt, nx_exec_t *e, nx_result_t **out,
                                 const char *why)
{
    if (e->from_store) {
        nx_durable_return(rt, e);
        return nx_execution_fail(out, NX_E_RESOURCE_LIMIT, why);
    }
    nx_code_t code = nx_suspensions_park(&rt->suspensions, e, e->expires_at_ms, e->deadline_at_ms);
    if (code != NX_OK) {
        nx_execution_drop(rt, e);
        return nx_execution_fail(out, code, "out of memory");
    }
    return nx_execution_fail(out, NX_E_RESOURCE_LIMIT, why);
}

/* The answer to a call whose execution passed its overall deadline while
 * it waited: that execution ended with TIMEOUT, and this is its result. */
static nx_code_t deadline_result(nx_runtime_t *rt, uint32_t deadline_ms, uint64_t started,
                                 nx_result_t **out)
{
    *out = nx_result_error_new(NX_E_TIMEOUT, "the execution passed its %u ms overall deadline "
                               "while it waited for extension answers", deadline_ms);
    if (!*out)
        return NX_E_INTERNAL_ERROR;
    nx_result_metrics_mut(*out)->duration_us = nx_clock_us() - started;
    nx_metrics_record(&rt->metrics, *out);
    return NX_OK;
}

nx_code_t nx_resume(nx_runtime_t *rt, const char *suspension_id, const nx_outcome_t *outcome,
                    nx_result_t **out)
{
    uint64_t started = nx_clock_us();
    nx_code_t code = nx_execution_check_call(rt, suspension_id != NULL, out);
    if (code != NX_OK)
        return code;
    char err[256];
    code = check_outcome(outcome, err, sizeof err);
    if (code != NX_OK)
        return nx_execution_fail(out, code, err);
    uint32_t deadline_passed;
    nx_exec_t *e = nx_suspensions_take(&rt->suspensions, suspension_id, &deadline_passed);
    if (!e && !deadline_passed && rt->store) {
        /* not waiting here: perhaps in the store */
        code = nx_durable_take(rt, suspension_id, &e, &deadline_passed, err, sizeof err);
        if (code == NX_E_STORE_UNAVAILABLE)
            return nx_execution_fail(out, code, err);
    }
    if (deadline_passed)
        return deadline_result(rt, deadline_passed, started, out);
    if (e && !outcome->is_error && outcome->value_len > e->limits.max_value_bytes) {
        snprintf(err, sizeof err, "the outcome is %zu bytes, over the execution's %u-byte value limit",
                 outcome->value_len, e->limits.max_value_bytes);
        return refuse_and_keep(rt, e, out, err);
    }
    nx_ledger_call_t *call = e ? nx_exec_find_pending(e, suspension_id) : NULL;
    if (e && !call) /* the table and the execution disagree: keep it waiting */
        nx_suspensions_park(&rt->suspensions, e, e->expires_at_ms, e->deadline_at_ms);
    if (!call) {
        char id[72];
        nx_utf8_clip(suspension_id, strlen(suspension_id), 64, id, sizeof id);
        snprintf(err, sizeof err,
                 "no execution waits on suspension id \"%s\" (unknown, expired, cancelled or "
                 "already resumed)", id);
        return nx_execution_fail(out, NX_E_INVALID_ARGUMENT, err);
    }
    nx_suspensions_answered(&rt->suspensions, call);
    nx_exec_answer(e, call);
    if (!e->from_store)
        nx_pool_unpark(&rt->pool);
    e->from_store = false;
    if (e->recorder)
        nx_recorder_resume(e->recorder, suspension_id, outcome);
    e->out = nx_result_create(NX_STATUS_SUCCESS);
    if (!e->out) {
        nx_instance_t *inst = e->inst;
        nx_suspensions_forget(&rt->suspensions, e);
        nx_exec_free(e);
        nx_pool_release(&rt->pool, inst);
        return nx_execution_fail(out, NX_E_INTERNAL_ERROR, "out of memory");
    }
    msgpack_sbuffer req;
    nx_segment_end_t end = NX_SEGMENT_TRAPPED;
    if (pack_resume_request(&req, suspension_id, outcome)) {
        end = nx_segment_run(e, NX_EXPORT_RESUME, (const uint8_t *)req.data, req.size);
        msgpack_sbuffer_destroy(&req);
    } else {
        nx_result_set_errorf(e->out, NX_E_INTERNAL_ERROR, "out of memory");
    }
    *out = nx_segment_finish(rt, e, end, started);
    return NX_OK;
}

nx_code_t nx_cancel(nx_runtime_t *rt, const char *suspension_id)
{
    if (!rt || !suspension_id)
        return NX_E_INVALID_ARGUMENT;
    uint32_t deadline_passed;
    nx_exec_t *e = nx_suspensions_take(&rt->suspensions, suspension_id, &deadline_passed);
    if (!e && !deadline_passed && rt->store) {
        char err[256];
        nx_code_t code = nx_durable_take(rt, suspension_id, &e, &deadline_passed, err, sizeof err);
        if (code != NX_OK)
            return code;
        if (e) {
            nx_instance_t *inst = e->inst;
            e->inst = NULL;
            nx_exec_free(e);
            nx_pool_release(&rt->pool, inst);
        }
        return NX_OK;
    }
    if (!e)
        return deadline_passed ? NX_OK : NX_E_INVALID_ARGUMENT;
    nx_suspensions_forget(&rt->suspensions, e);
    nx_execution_drop(rt, e);
    return NX_OK;
}
