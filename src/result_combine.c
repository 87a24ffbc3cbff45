/* result_combine.c - one result for a whole execution out of its segments
 * (a suspended result and what its resume returned), for a host that
 * resumes by itself and reports once, such as `nexus run --ext`.
 *
 * The rule matches the Node package's: mutations one per key, in
 * first-write order, with the final value; events, view commands and logs
 * in order; durations, compile time and host calls summed. A failed final
 * segment keeps only the logs, so the execution stays all or nothing. */
#include <string.h>

#include "result.h"

static const nx_mutation_t *find_mutation(const nx_result_t *r, const char *key)
{
    for (size_t i = 0; i < nx_result_mutation_count(r); i++)
        if (strcmp(nx_result_mutation(r, i)->key, key) == 0)
            return nx_result_mutation(r, i);
    return NULL;
}

static nx_code_t add_mutation(nx_result_t *r, const nx_mutation_t *m)
{
    return nx_result_add_mutation(r, m->key, strlen(m->key), m->op, m->value, m->value_len);
}

/* Events and view commands. */
static nx_code_t add_effects(nx_result_t *out, const nx_result_t *from)
{
    nx_code_t code = NX_OK;
    for (size_t i = 0; i < nx_result_event_count(from) && code == NX_OK; i++) {
        const nx_event_t *e = nx_result_event(from, i);
        code = nx_result_add_event(out, e->name, strlen(e->name), e->payload, e->payload_len);
    }
    for (size_t i = 0; i < nx_result_view_command_count(from) && code == NX_OK; i++) {
        const nx_view_command_t *v = nx_result_view_command(from, i);
        code = nx_result_add_view_command(out, v->component_id,
                                          v->component_id ? strlen(v->component_id) : 0, v->type,
                                          strlen(v->type), v->args, v->args_len);
    }
    return code;
}

static nx_code_t add_logs(nx_result_t *out, const nx_result_t *from)
{
    nx_code_t code = NX_OK;
    for (size_t i = 0; i < nx_result_log_count(from) && code == NX_OK; i++) {
        const nx_log_t *l = nx_result_log(from, i);
        code = nx_result_add_log(out, l->level, l->message, strlen(l->message), l->timestamp_ms);
    }
    return code;
}

/* Everything of later but its effects, which the caller adds. */
static nx_code_t copy_outcome(nx_result_t *out, const nx_result_t *later)
{
    nx_code_t code = NX_OK;
    size_t len = 0;
    const uint8_t *value = nx_result_value(later, &len);
    if (value)
        code = nx_result_set_value(out, value, len);
    const nx_error_info_t *e = nx_result_error(later);
    if (code == NX_OK && e)
        code = nx_result_set_error(out, e->code, e->message, e->stack, e->line, e->column,
                                   e->source_line);
    for (size_t i = 0; i < nx_result_suspension_count(later) && code == NX_OK; i++) {
        const nx_suspension_t *s = nx_result_suspension(later, i);
        code = nx_result_add_suspension(out, s->id, s->extension, s->method, s->args, s->args_len);
    }
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
    nx_result_t *r = nx_result_create(nx_result_status(later));
    if (!r)
        return NX_E_INTERNAL_ERROR;
    bool failed = nx_result_status(later) == NX_STATUS_ERROR;
    nx_code_t code = copy_outcome(r, later);
    if (!failed) {
        /* earlier's keys in their order, each with its final value */
        for (size_t i = 0; i < nx_result_mutation_count(earlier) && code == NX_OK; i++) {
            const nx_mutation_t *m = nx_result_mutation(earlier, i);
            const nx_mutation_t *final = find_mutation(later, m->key);
            code = add_mutation(r, final ? final : m);
        }
        for (size_t i = 0; i < nx_result_mutation_count(later) && code == NX_OK; i++) {
            const nx_mutation_t *m = nx_result_mutation(later, i);
            if (!find_mutation(earlier, m->key))
                code = add_mutation(r, m);
        }
        if (code == NX_OK)
            code = add_effects(r, earlier);
        if (code == NX_OK)
            code = add_effects(r, later);
    }
    if (code == NX_OK)
        code = add_logs(r, earlier);
    if (code == NX_OK)
        code = add_logs(r, later);
    if (code != NX_OK) {
        nx_result_free(r);
        return code;
    }
    nx_metrics_t *m = nx_result_metrics_mut(r);
    const nx_metrics_t *a = nx_result_metrics(earlier), *b = nx_result_metrics(later);
    *m = *b;
    m->duration_us = a->duration_us + b->duration_us;
    m->compile_us = a->compile_us + b->compile_us;
    m->cache_hit = a->cache_hit;
    m->host_calls = a->host_calls + b->host_calls;
    m->memory_bytes = a->memory_bytes > b->memory_bytes ? a->memory_bytes : b->memory_bytes;
    *out = r;
    return NX_OK;
}
