/* result_append.c - the one rule for folding an execution's segments into
 * one result (nx_result_append, nx_result_combine), for a host that
 * resumes by itself and reports once, and for replays. Every face of
 * Nexus (the CLI, the Node package, replay) folds with it.
 *
 * Mutations one per key, in first-write order, with the final value;
 * events, view commands and logs in order; durations, compile time and
 * host calls summed, memory the largest; status, value, error and pending
 * calls the later segment's. A failed later segment keeps only the logs,
 * so the execution stays all or nothing. Appending costs time linear in
 * the later segment, so folding N segments is linear in their sum. */
#include <string.h>

#include "result/result.h"

static nx_code_t append_effects(nx_result_t *whole, const nx_result_t *later)
{
    nx_code_t code = NX_OK;
    for (size_t i = 0; i < nx_result_mutation_count(later) && code == NX_OK; i++) {
        const nx_mutation_t *m = nx_result_mutation(later, i);
        code = nx_result_put_mutation(whole, m->key, m->op, m->value, m->value_len);
    }
    for (size_t i = 0; i < nx_result_event_count(later) && code == NX_OK; i++) {
        const nx_event_t *e = nx_result_event(later, i);
        code = nx_result_add_event(whole, e->name, strlen(e->name), e->payload, e->payload_len);
    }
    for (size_t i = 0; i < nx_result_view_command_count(later) && code == NX_OK; i++) {
        const nx_view_command_t *v = nx_result_view_command(later, i);
        code = nx_result_add_view_command(whole, v->component_id,
                                          v->component_id ? strlen(v->component_id) : 0, v->type,
                                          strlen(v->type), v->args, v->args_len);
    }
    return code;
}

static nx_code_t append_logs(nx_result_t *whole, const nx_result_t *later)
{
    nx_code_t code = NX_OK;
    for (size_t i = 0; i < nx_result_log_count(later) && code == NX_OK; i++) {
        const nx_log_t *l = nx_result_log(later, i);
        code = nx_result_add_log(whole, l->level, l->message, strlen(l->message), l->timestamp_ms);
    }
    return code;
}

/* later's status, value, error and pending calls replace whole's. */
static nx_code_t take_outcome(nx_result_t *whole, const nx_result_t *later)
{
    nx_result_clear_suspensions(whole);
    nx_result_set_status(whole, nx_result_status(later));
    size_t len = 0;
    const uint8_t *value = nx_result_value(later, &len);
    nx_code_t code = nx_result_set_value(whole, value, value ? len : 0);
    const nx_error_info_t *e = nx_result_error(later);
    if (code == NX_OK && e)
        code = nx_result_set_error(whole, e->code, e->message, e->stack, e->line, e->column,
                                   e->source_line);
    if (code == NX_OK)
        nx_result_copy_pending(whole, later);
    return code;
}

nx_code_t nx_result_append(nx_result_t *whole, const nx_result_t *later)
{
    if (!whole || !later || whole == later || nx_result_status(whole) != NX_STATUS_SUSPENDED)
        return NX_E_INVALID_ARGUMENT;
    bool failed = nx_result_status(later) == NX_STATUS_ERROR;
    nx_code_t code = failed ? NX_OK : append_effects(whole, later);
    if (failed)
        nx_result_clear_effects(whole);
    if (code == NX_OK)
        code = append_logs(whole, later);
    if (code == NX_OK)
        code = take_outcome(whole, later);
    nx_metrics_t *m = nx_result_metrics_mut(whole);
    const nx_metrics_t *b = nx_result_metrics(later);
    m->duration_us += b->duration_us;
    m->compile_us += b->compile_us;
    m->host_calls += b->host_calls;
    if (b->memory_bytes > m->memory_bytes)
        m->memory_bytes = b->memory_bytes;
    /* counted over the whole execution already */
    m->suspensions = b->suspensions;
    m->instructions = b->instructions;
    m->guest_cpu_us = b->guest_cpu_us;
    return code;
}

nx_code_t nx_result_combine(const nx_result_t *earlier, const nx_result_t *later,
                            nx_result_t **out)
{
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    if (!earlier || !later || nx_result_status(earlier) != NX_STATUS_SUSPENDED)
        return NX_E_INVALID_ARGUMENT;
    nx_result_t *r = nx_result_create(NX_STATUS_SUSPENDED);
    if (!r)
        return NX_E_INTERNAL_ERROR;
    nx_code_t code = nx_result_append(r, earlier);
    nx_metrics_t *m = nx_result_metrics_mut(r);
    m->cache_hit = nx_result_metrics(earlier)->cache_hit;
    if (code == NX_OK)
        code = nx_result_append(r, later);
    if (code != NX_OK) {
        nx_result_free(r);
        return code;
    }
    *out = r;
    return NX_OK;
}
