/* result_pack.c - a result's effects and metrics as MessagePack and back:
 * what an exported execution carries of the results it has already
 * returned (its "whole so far"), so that the process that ends it can
 * report the whole execution (docs/durable-suspensions.md).
 *
 *   [mutations: [[key, op, value | nil]], events: [[name, payload | nil]],
 *    views: [[component | nil, type, args | nil]],
 *    logs: [[level, message, timestamp]],
 *    metrics: [durationUs, compileUs, cacheHit, memoryBytes, hostCalls,
 *              suspensions, instructions, guestCpuUs]]
 *
 * Unpacking checks every field as if the bytes were untrusted, although an
 * export is authenticated before it is opened. */
#include <msgpack.h>
#include <string.h>

#include "common/msgpack_io.h"
#include "common/values.h"
#include "result/result.h"


void nx_result_pack_effects(const nx_result_t *r, msgpack_packer *pk)
{
    msgpack_pack_array(pk, 5);
    msgpack_pack_array(pk, (uint32_t)nx_result_mutation_count(r));
    for (size_t i = 0; i < nx_result_mutation_count(r); i++) {
        const nx_mutation_t *m = nx_result_mutation(r, i);
        msgpack_pack_array(pk, 3);
        nx_pack_str(pk, m->key);
        msgpack_pack_uint8(pk, (uint8_t)m->op);
        nx_pack_bin(pk, m->value, m->value_len);
    }
    msgpack_pack_array(pk, (uint32_t)nx_result_event_count(r));
    for (size_t i = 0; i < nx_result_event_count(r); i++) {
        const nx_event_t *e = nx_result_event(r, i);
        msgpack_pack_array(pk, 2);
        nx_pack_str(pk, e->name);
        nx_pack_bin(pk, e->payload, e->payload_len);
    }
    msgpack_pack_array(pk, (uint32_t)nx_result_view_command_count(r));
    for (size_t i = 0; i < nx_result_view_command_count(r); i++) {
        const nx_view_command_t *v = nx_result_view_command(r, i);
        msgpack_pack_array(pk, 3);
        nx_pack_str(pk, v->component_id);
        nx_pack_str(pk, v->type);
        nx_pack_bin(pk, v->args, v->args_len);
    }
    msgpack_pack_array(pk, (uint32_t)nx_result_log_count(r));
    for (size_t i = 0; i < nx_result_log_count(r); i++) {
        const nx_log_t *l = nx_result_log(r, i);
        msgpack_pack_array(pk, 3);
        msgpack_pack_uint8(pk, (uint8_t)l->level);
        nx_pack_str(pk, l->message);
        msgpack_pack_double(pk, l->timestamp_ms);
    }
    const nx_metrics_t *m = nx_result_metrics(r);
    msgpack_pack_array(pk, 8);
    msgpack_pack_uint64(pk, m->duration_us);
    msgpack_pack_uint64(pk, m->compile_us);
    if (m->cache_hit)
        msgpack_pack_true(pk);
    else
        msgpack_pack_false(pk);
    msgpack_pack_uint64(pk, m->memory_bytes);
    msgpack_pack_uint32(pk, m->host_calls);
    msgpack_pack_uint32(pk, m->suspensions);
    msgpack_pack_uint64(pk, m->instructions);
    msgpack_pack_uint64(pk, m->guest_cpu_us);
}

/* ---- unpacking ------------------------------------------------------------------------------ */

static bool is_array(const msgpack_object *o, uint32_t n)
{
    return o->type == MSGPACK_OBJECT_ARRAY && (n == UINT32_MAX || o->via.array.size == n);
}

static bool text(const msgpack_object *o, const char **s, size_t *len, bool nil_ok)
{
    if (nil_ok && o->type == MSGPACK_OBJECT_NIL) {
        *s = NULL;
        *len = 0;
        return true;
    }
    if (o->type != MSGPACK_OBJECT_STR || memchr(o->via.str.ptr, 0, o->via.str.size))
        return false;
    *s = o->via.str.ptr;
    *len = o->via.str.size;
    return nx_utf8_valid(*s, *len);
}

/* A value: a bin holding one accepted MessagePack value, or nil. */
static bool value(const msgpack_object *o, const uint8_t **v, size_t *len)
{
    *v = NULL;
    *len = 0;
    if (o->type == MSGPACK_OBJECT_NIL)
        return true;
    if (o->type != MSGPACK_OBJECT_BIN)
        return false;
    *v = (const uint8_t *)o->via.bin.ptr;
    *len = o->via.bin.size;
    return nx_value_check(*v, *len, NULL) == NX_OK;
}


static bool unpack_mutations(nx_result_t *r, const msgpack_object *list)
{
    for (uint32_t i = 0; i < list->via.array.size; i++) {
        const msgpack_object *f = &list->via.array.ptr[i];
        const char *key;
        size_t key_len, len;
        const uint8_t *v;
        uint64_t op;
        if (!is_array(f, 3) || !text(&f->via.array.ptr[0], &key, &key_len, false) ||
            !nx_read_uint(&f->via.array.ptr[1], NX_MUTATION_DELETE, &op) || !value(&f->via.array.ptr[2], &v, &len) ||
            (op == NX_MUTATION_SET) != (v != NULL) ||
            nx_result_add_mutation(r, key, key_len, (nx_mutation_op_t)op, v, len) != NX_OK)
            return false;
    }
    return true;
}

static bool unpack_events(nx_result_t *r, const msgpack_object *list)
{
    for (uint32_t i = 0; i < list->via.array.size; i++) {
        const msgpack_object *f = &list->via.array.ptr[i];
        const char *name;
        size_t name_len, len;
        const uint8_t *v;
        if (!is_array(f, 2) || !text(&f->via.array.ptr[0], &name, &name_len, false) ||
            !value(&f->via.array.ptr[1], &v, &len) ||
            nx_result_add_event(r, name, name_len, v, len) != NX_OK)
            return false;
    }
    return true;
}

static bool unpack_views(nx_result_t *r, const msgpack_object *list)
{
    for (uint32_t i = 0; i < list->via.array.size; i++) {
        const msgpack_object *f = &list->via.array.ptr[i];
        const char *component, *type;
        size_t component_len, type_len, len;
        const uint8_t *v;
        if (!is_array(f, 3) || !text(&f->via.array.ptr[0], &component, &component_len, true) ||
            !text(&f->via.array.ptr[1], &type, &type_len, false) || !value(&f->via.array.ptr[2], &v, &len) ||
            nx_result_add_view_command(r, component, component_len, type, type_len, v, len) != NX_OK)
            return false;
    }
    return true;
}

static bool unpack_logs(nx_result_t *r, const msgpack_object *list)
{
    for (uint32_t i = 0; i < list->via.array.size; i++) {
        const msgpack_object *f = &list->via.array.ptr[i];
        const char *message;
        size_t len;
        uint64_t level;
        if (!is_array(f, 3) || !nx_read_uint(&f->via.array.ptr[0], NX_LOG_ERROR, &level) ||
            !text(&f->via.array.ptr[1], &message, &len, false) ||
            f->via.array.ptr[2].type != MSGPACK_OBJECT_FLOAT64 ||
            nx_result_add_log(r, (nx_log_level_t)level, message, len, f->via.array.ptr[2].via.f64) != NX_OK)
            return false;
    }
    return true;
}

static bool unpack_metrics(nx_result_t *r, const msgpack_object *f)
{
    nx_metrics_t *m = nx_result_metrics_mut(r);
    uint64_t host_calls, suspensions;
    if (!is_array(f, 8) || !nx_read_uint(&f->via.array.ptr[0], UINT64_MAX, &m->duration_us) ||
        !nx_read_uint(&f->via.array.ptr[1], UINT64_MAX, &m->compile_us) ||
        f->via.array.ptr[2].type != MSGPACK_OBJECT_BOOLEAN ||
        !nx_read_uint(&f->via.array.ptr[3], UINT64_MAX, &m->memory_bytes) ||
        !nx_read_uint(&f->via.array.ptr[4], UINT32_MAX, &host_calls) ||
        !nx_read_uint(&f->via.array.ptr[5], UINT32_MAX, &suspensions) ||
        !nx_read_uint(&f->via.array.ptr[6], UINT64_MAX, &m->instructions) ||
        !nx_read_uint(&f->via.array.ptr[7], UINT64_MAX, &m->guest_cpu_us))
        return false;
    m->cache_hit = f->via.array.ptr[2].via.boolean;
    m->host_calls = (uint32_t)host_calls;
    m->suspensions = (uint32_t)suspensions;
    return true;
}

nx_code_t nx_result_unpack_effects(const msgpack_object *o, nx_result_t **out)
{
    *out = NULL;
    if (!is_array(o, 5))
        return NX_E_INVALID_ARGUMENT;
    const msgpack_object *f = o->via.array.ptr;
    for (int i = 0; i < 4; i++)
        if (!is_array(&f[i], UINT32_MAX))
            return NX_E_INVALID_ARGUMENT;
    nx_result_t *r = nx_result_create(NX_STATUS_SUSPENDED);
    if (!r)
        return NX_E_INTERNAL_ERROR;
    if (!unpack_mutations(r, &f[0]) || !unpack_events(r, &f[1]) || !unpack_views(r, &f[2]) ||
        !unpack_logs(r, &f[3]) || !unpack_metrics(r, &f[4])) {
        nx_result_free(r);
        return NX_E_INVALID_ARGUMENT;
    }
    *out = r;
    return NX_OK;
}
