/* segment.c - one segment of an execution (the first run, or a resume):
 * the guest called within what is left of the execution's time, the
 * outcome decided from the host's facts and the guest's report, and the
 * result settled: the execution parked (here or in the store) when it
 * suspended, or its instance released when it ended. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "execution/execution.h"
#include "execution/guest_report.h"
#include "execution/handler_error.h"
#include "execution/outcome.h"
#include "record/recorder.h"
#include "result/result.h"
#include "sandbox/guest_call.h"

/* ---- running a segment --------------------------------------------------------------- */

/* What is left of e's limits on time, and which one binds: the guest's
 * running time (timeout_ms, all segments) or the wall clock from the
 * first execute (deadline_ms). 0 when nothing is left. */
static uint64_t time_left_ns(const nx_exec_t *e, bool *overall)
{
    uint64_t budget = (uint64_t)e->limits.timeout_ms * 1000000u;
    uint64_t run_left = budget > e->guest_ns ? budget - e->guest_ns : 0;
    uint64_t deadline = e->started_ns + (uint64_t)e->limits.deadline_ms * 1000000u;
    uint64_t now = nx_clock_ns();
    uint64_t wall_left = deadline > now ? deadline - now : 0;
    *overall = wall_left < run_left;
    return *overall ? wall_left : run_left;
}

static nx_segment_end_t time_is_up(nx_exec_t *e, bool overall)
{
    if (overall)
        nx_result_set_errorf(e->out, NX_E_TIMEOUT, "the execution passed its %u ms overall deadline",
                             e->limits.deadline_ms);
    else
        nx_result_set_errorf(e->out, NX_E_TIMEOUT, "execution exceeded the %u ms time limit",
                             e->limits.timeout_ms);
    return NX_SEGMENT_DONE;
}

nx_segment_end_t nx_segment_run(nx_exec_t *e, nx_guest_export_t which, const uint8_t *input,
                                size_t len)
{
    nx_instance_t *inst = e->inst;
    nx_result_t *r = e->out;
    e->call_host_calls = 0;
    bool overall;
    uint64_t left_ns = time_left_ns(e, &overall);
    if (left_ns < 1000000u) /* less than the deadline's 1 ms resolution */
        return time_is_up(e, overall);
    uint64_t left_ms = (left_ns + 999999u) / 1000000u;
    inst->exec = e;
    if (which == NX_EXPORT_RUN) /* the count covers all segments: from here */
        nx_instance_meter_start(inst, e->limits.max_instructions ? e->limits.max_instructions : INT64_MAX,
                                e->limits.max_value_bytes);
    nx_guest_call_facts_t facts;
    const char *why = "";
    nx_code_t code = nx_guest_call(inst, which, input, len, (uint32_t)left_ms, e->limits.memory_mb,
                                   &facts, &why);
    e->guest_ns += facts.guest_ns;
    e->guest_cpu_ns += facts.guest_cpu_ns;
    if (which != NX_EXPORT_COMPILE)
        e->instructions = nx_instance_instructions(inst);
    nx_result_metrics_mut(r)->memory_bytes = facts.memory_bytes;
    if (code != NX_OK) {
        nx_result_set_errorf(r, code, "%s", why);
        /* nothing ran when this thread was busy; otherwise the instance may
         * hold a partial input */
        return code == NX_E_INVALID_ARGUMENT ? NX_SEGMENT_DONE : NX_SEGMENT_TRAPPED;
    }
    if (facts.deadline_passed && overall) {
        /* the wall clock ran out, not the running time: say which */
        time_is_up(e, true);
        return facts.trap ? NX_SEGMENT_TRAPPED : NX_SEGMENT_DONE;
    }

    /* after a trap the guest reported nothing the host should read */
    nx_guest_report_t rep;
    bool parsed = !facts.trap;
    if (parsed)
        nx_guest_report_parse(&rep, inst);
    nx_segment_facts_t f = {
        .compiling = which == NX_EXPORT_COMPILE,
        .trap = facts.trap,
        .deadline_passed = facts.deadline_passed,
        .memory_cap_hit = facts.memory_cap_hit,
        .guest_failed = facts.ret == NX_GUEST_FAILED,
        .guest_pending = facts.ret == NX_GUEST_PENDING,
        .report = parsed ? rep.status : NX_REPORT_NONE,
        .report_too_large = inst->report_overflow,
        .pending_calls = e->pending_count,
        .instructions_over = e->limits.max_instructions && e->instructions > e->limits.max_instructions,
        .timeout_ms = e->limits.timeout_ms,
        .memory_mb = e->limits.memory_mb,
        .max_instructions = e->limits.max_instructions,
    };
    nx_verdict_t v;
    nx_outcome_decide(&f, &v);
    nx_segment_end_t end = v.trapped ? NX_SEGMENT_TRAPPED : NX_SEGMENT_DONE;
    switch (v.kind) {
    case NX_VERDICT_HOST_ERROR:
        nx_result_set_errorf(r, v.code, "%s", v.message);
        break;
    case NX_VERDICT_GUEST_ERROR:
        nx_handler_error_set(r, &rep, e->source, e->source_len, v.code);
        if (v.code != NX_OK && v.message[0])
            nx_result_set_errorf(r, v.code, "%s", v.message);
        break;
    case NX_VERDICT_SUSPENDED:
        nx_result_set_status(r, NX_STATUS_SUSPENDED);
        end = NX_SEGMENT_SUSPENDED;
        break;
    case NX_VERDICT_SUCCESS:
        if (which != NX_EXPORT_COMPILE)
            nx_handler_value_set(r, &rep, &e->limits);
        break;
    }
    if (parsed)
        nx_guest_report_free(&rep);
    return end;
}

/* ---- settling --------------------------------------------------------------------------- */

/* Recording: keeps the segment's result. Replaying: a divergence (a host
 * call or the result differing from the log) makes the result an error. */
static nx_segment_end_t observe_segment(nx_exec_t *e, nx_result_t *r, nx_segment_end_t end)
{
    bool ended = !(end == NX_SEGMENT_SUSPENDED && nx_result_status(r) == NX_STATUS_SUSPENDED);
    if (!nx_recorder_divergence(e->recorder))
        nx_recorder_segment_end(e->recorder, r, ended);
    const char *why = nx_recorder_divergence(e->recorder);
    if (!why)
        return end;
    nx_result_set_errorf(r, NX_E_INVALID_HANDLER, "replay diverged: %s", why);
    nx_result_clear_effects(r);
    return NX_SEGMENT_DONE;
}

/* When a suspended execution's overall deadline passes (monotonic ms). */
static uint64_t deadline_ms(const nx_exec_t *e)
{
    return e->started_ns / 1000000u + e->limits.deadline_ms;
}

nx_result_t *nx_segment_finish(nx_runtime_t *rt, nx_exec_t *e, nx_segment_end_t end,
                               uint64_t started_us)
{
    nx_result_t *r = e->out;
    e->out = NULL;
    if (e->output_bytes > e->limits.max_output_bytes && nx_result_status(r) != NX_STATUS_ERROR) {
        /* only a recording's kept answers can pass the limit without a
         * host call failing on it */
        nx_result_set_errorf(r, NX_E_RESOURCE_LIMIT, "output over %u bytes (a recording's answers included)",
                             e->limits.max_output_bytes);
        if (end == NX_SEGMENT_SUSPENDED)
            end = NX_SEGMENT_DONE;
    }
    if (e->recorder)
        end = observe_segment(e, r, end);
    nx_status_t status = nx_result_status(r);
    if (status == NX_STATUS_ERROR)
        nx_result_clear_effects(r);
    else
        nx_exec_flush_mutations(e, r);
    bool suspended = end == NX_SEGMENT_SUSPENDED && status == NX_STATUS_SUSPENDED;
    if (suspended) {
        e->suspensions++;
        nx_exec_list_pending(e, r);
    }
    nx_metrics_t *m = nx_result_metrics_mut(r);
    m->duration_us = nx_clock_us() - started_us;
    m->host_calls = e->call_host_calls;
    m->suspensions = e->suspensions;
    m->instructions = e->instructions;
    m->guest_cpu_us = e->guest_cpu_ns / 1000u;
    if (suspended && rt->suspension_key_len) {
        /* an execution that may leave the process carries what it has
         * returned so far, for the process that ends it to report */
        if (!e->whole)
            e->whole = nx_result_create(NX_STATUS_SUSPENDED);
        if (!e->whole || nx_result_append(e->whole, r) != NX_OK) {
            nx_result_set_errorf(r, NX_E_INTERNAL_ERROR, "out of memory");
            nx_result_clear_effects(r);
            suspended = false;
        }
    }
    if (suspended && nx_durable_store(rt, e, r)) {
        nx_metrics_record(&rt->metrics, r);
        return r; /* e is in the store, its instance released */
    }
    nx_code_t parked = suspended ? nx_suspensions_park(&rt->suspensions, e,
                                                       nx_clock_ms() + rt->config.suspension_ttl_ms,
                                                       deadline_ms(e))
                                 : NX_OK;
    if (parked != NX_OK) {
        if (parked == NX_E_INVALID_ARGUMENT)
            nx_result_set_errorf(r, NX_E_INVALID_HANDLER, "another execution waits on the same call "
                                                          "id (two replays of one recording at once)");
        else
            nx_result_set_errorf(r, NX_E_INTERNAL_ERROR, "cannot keep the suspended execution");
        nx_result_clear_effects(r);
        suspended = false;
    }
    nx_metrics_record(&rt->metrics, r);
    if (suspended) {
        nx_pool_park(&rt->pool);
        return r;
    }
    /* an execution can end with calls still pending (a Promise.all whose
     * first answer threw): their entries go with it */
    nx_suspensions_forget(&rt->suspensions, e);
    nx_instance_t *inst = e->inst;
    e->inst = NULL;
    nx_exec_free(e);
    nx_pool_release(&rt->pool, inst);
    return r;
}
