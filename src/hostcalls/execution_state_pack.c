/* execution_state_pack.c - the record of a suspended execution as
 * MessagePack and back: what survives its move to another process
 * (docs/durable-suspensions.md). Runtime-local things (the instance, the
 * services, the suspension table's bookkeeping) do not travel; the guest's
 * memory travels separately (sandbox/instance_state.c).
 *
 * A map: limits (by name), startedWallMs, guestNs, hostCalls, outputBytes,
 * events, viewCommands, logs, keysWritten, suspensions, segment, caps,
 * state, writes [[key, value | nil]], source, panelId, handlerName,
 * pending [[id, extension, method, args]].
 *
 * Unpacking rebuilds the execution the way a new one is made (a context
 * checked like any host's: tokens parsed, limits in range, state a map)
 * and then checks every counter and string itself. */
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/context.h"
#include "common/limits.h"
#include "common/msgpack_io.h"
#include "common/values.h"
#include "hostcalls/execution_state.h"


static void pack_write(void *user, const char *k, size_t len, const uint8_t *value, size_t value_len)
{
    msgpack_packer *pk = user;
    msgpack_pack_array(pk, 2);
    msgpack_pack_str_with_body(pk, k, len);
    nx_pack_bin(pk, value, value_len);
}

nx_code_t nx_exec_pack(const nx_exec_t *e, msgpack_packer *pk)
{
    if (e->unreported_head || e->parked_reply)
        return NX_E_INVALID_ARGUMENT; /* only between segments */
    msgpack_pack_map(pk, 20);
    nx_pack_key(pk, "key");
    msgpack_pack_str_with_body(pk, e->key, strlen(e->key));
    nx_pack_key(pk, "limits");
    nx_limits_pack(pk, &e->limits, true);
    nx_pack_key(pk, "startedWallMs");
    msgpack_pack_double(pk, e->started_wall_ms);
    nx_pack_key(pk, "guestNs");
    msgpack_pack_uint64(pk, e->guest_ns);
    nx_pack_key(pk, "guestCpuNs");
    msgpack_pack_uint64(pk, e->guest_cpu_ns);
    nx_pack_key(pk, "hostCalls");
    msgpack_pack_uint32(pk, e->host_calls);
    nx_pack_key(pk, "outputBytes");
    msgpack_pack_uint64(pk, e->output_bytes);
    nx_pack_key(pk, "events");
    msgpack_pack_uint32(pk, e->events);
    nx_pack_key(pk, "viewCommands");
    msgpack_pack_uint32(pk, e->view_commands);
    nx_pack_key(pk, "logs");
    msgpack_pack_uint32(pk, e->logs);
    nx_pack_key(pk, "keysWritten");
    msgpack_pack_uint32(pk, e->keys_written);
    nx_pack_key(pk, "suspensions");
    msgpack_pack_uint32(pk, e->suspensions);
    nx_pack_key(pk, "segment");
    msgpack_pack_uint32(pk, e->segment);
    nx_pack_key(pk, "caps");
    msgpack_pack_array(pk, (uint32_t)e->cap_count);
    for (size_t i = 0; i < e->cap_count; i++)
        nx_pack_strn(pk, e->cap_tokens[i], strlen(e->cap_tokens[i]));
    nx_pack_key(pk, "state");
    nx_pack_bin(pk, e->state->bytes, e->state->len);
    nx_pack_key(pk, "writes");
    msgpack_pack_array(pk, (uint32_t)nx_exec_write_count(e));
    nx_exec_each_write(e, pack_write, pk);
    nx_pack_key(pk, "source");
    nx_pack_strn(pk, e->source, e->source_len);
    nx_pack_key(pk, "panelId");
    nx_pack_strn(pk, e->panel_id, e->panel_id ? strlen(e->panel_id) : 0);
    nx_pack_key(pk, "handlerName");
    nx_pack_strn(pk, e->handler_name, e->handler_name ? strlen(e->handler_name) : 0);
    nx_pack_key(pk, "pending");
    msgpack_pack_array(pk, (uint32_t)e->pending_count);
    /* in call order: the ledger, skipping what was answered */
    size_t len = nx_ledger_length(e->ledger);
    nx_ledger_cursor_t cur;
    if (e->ledger)
        nx_ledger_seek(e->ledger, 0, &cur);
    for (size_t i = 0; e->ledger && i < len; i++, nx_ledger_next(&cur)) {
        nx_ledger_call_t *c = nx_ledger_get(e->ledger, &cur);
        if (!nx_ledger_pending_at(c, e->segment))
            continue;
        msgpack_pack_array(pk, 4);
        nx_pack_strn(pk, c->id, strlen(c->id));
        nx_pack_strn(pk, c->extension, strlen(c->extension));
        nx_pack_strn(pk, c->method, strlen(c->method));
        nx_pack_bin(pk, c->args, c->args_len);
    }
    return NX_OK;
}

/* ---- unpacking --------------------------------------------------------------------------- */

typedef struct fields {
    const msgpack_object *key, *limits, *started, *guest_ns, *guest_cpu_ns, *host_calls,
        *output_bytes, *events, *view_commands, *logs, *keys_written, *suspensions, *segment, *caps,
        *state, *writes, *source, *panel_id, *handler_name, *pending;
} fields_t;

static bool collect(const msgpack_object *o, fields_t *f)
{
    static const struct { const char *name; size_t offset; } names[] = {
#define F(n, m) { n, offsetof(fields_t, m) }
        F("key", key), F("limits", limits), F("startedWallMs", started), F("guestNs", guest_ns),
        F("guestCpuNs", guest_cpu_ns), F("hostCalls", host_calls), F("outputBytes", output_bytes),
        F("events", events), F("viewCommands", view_commands), F("logs", logs), F("keysWritten", keys_written),
        F("suspensions", suspensions), F("segment", segment), F("caps", caps), F("state", state),
        F("writes", writes), F("source", source), F("panelId", panel_id),
        F("handlerName", handler_name), F("pending", pending),
#undef F
    };
    memset(f, 0, sizeof *f);
    if (o->type != MSGPACK_OBJECT_MAP)
        return false;
    for (uint32_t i = 0; i < o->via.map.size; i++) {
        const msgpack_object *k = &o->via.map.ptr[i].key;
        size_t n = 0;
        for (; n < sizeof names / sizeof names[0]; n++)
            if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(names[n].name) &&
                memcmp(k->via.str.ptr, names[n].name, k->via.str.size) == 0)
                break;
        if (n == sizeof names / sizeof names[0])
            return false;
        const msgpack_object **slot = (const msgpack_object **)((char *)f + names[n].offset);
        if (*slot)
            return false; /* twice */
        *slot = &o->via.map.ptr[i].val;
    }
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++)
        if (!*(const msgpack_object **)((char *)f + names[n].offset))
            return false;
    return true;
}

/* A str as a new C string (NULL for nil when nil_ok; *ok false when it is
 * neither, holds U+0000 or is not UTF-8). */
static char *string_of(const msgpack_object *o, bool nil_ok, bool *ok)
{
    if (o->type == MSGPACK_OBJECT_NIL && nil_ok)
        return NULL;
    char *s = o->type == MSGPACK_OBJECT_STR && nx_utf8_valid(o->via.str.ptr, o->via.str.size)
                  ? nx_read_cstring(o)
                  : NULL;
    if (!s)
        *ok = false;
    return s;
}


/* The context the execution was made from, rebuilt and checked. */
static nx_code_t context_of(const fields_t *f, nx_context_t **out, nx_limits_t *limits, char *err,
                            size_t err_size)
{
    nx_context_t *ctx;
    if (nx_context_create(&ctx) != NX_OK)
        return NX_E_INTERNAL_ERROR;
    nx_code_t code = NX_E_INVALID_ARGUMENT;
    if (nx_limits_unpack(f->limits, true, limits, err, err_size) != NX_OK ||
        nx_context_set_limits(ctx, limits) != NX_OK)
        goto bad;
    if (f->caps->type != MSGPACK_OBJECT_ARRAY)
        goto bad;
    for (uint32_t i = 0; i < f->caps->via.array.size; i++) {
        bool ok = true;
        char *token = string_of(&f->caps->via.array.ptr[i], false, &ok);
        nx_code_t c = ok ? nx_context_add_capability(ctx, token) : NX_E_INVALID_ARGUMENT;
        free(token);
        if (c != NX_OK)
            goto bad;
    }
    if (f->state->type == MSGPACK_OBJECT_BIN) {
        if (nx_context_set_state(ctx, f->state->via.bin.ptr, f->state->via.bin.size) != NX_OK)
            goto bad;
    } else if (f->state->type != MSGPACK_OBJECT_NIL) {
        goto bad;
    }
    bool ok = true;
    char *panel = string_of(f->panel_id, true, &ok), *handler = string_of(f->handler_name, true, &ok);
    if (ok && panel)
        ok = nx_context_set_panel_id(ctx, panel) == NX_OK;
    if (ok && handler)
        ok = nx_context_set_handler_name(ctx, handler) == NX_OK;
    free(panel);
    free(handler);
    if (!ok)
        goto bad;
    *out = ctx;
    return NX_OK;
bad:
    if (!*err)
        snprintf(err, err_size, "the execution's context is malformed");
    nx_context_free(ctx);
    return code;
}

static bool restore_writes(nx_exec_t *e, const msgpack_object *writes)
{
    if (writes->type != MSGPACK_OBJECT_ARRAY)
        return false;
    for (uint32_t i = 0; i < writes->via.array.size; i++) {
        const msgpack_object *w = &writes->via.array.ptr[i];
        if (w->type != MSGPACK_OBJECT_ARRAY || w->via.array.size != 2)
            return false;
        const msgpack_object *k = &w->via.array.ptr[0], *v = &w->via.array.ptr[1];
        if (k->type != MSGPACK_OBJECT_STR || memchr(k->via.str.ptr, 0, k->via.str.size) ||
            !nx_utf8_valid(k->via.str.ptr, k->via.str.size) || nx_exec_wrote(e, k->via.str.ptr, k->via.str.size))
            return false;
        const uint8_t *value = NULL;
        size_t len = 0;
        if (v->type == MSGPACK_OBJECT_BIN) {
            value = (const uint8_t *)v->via.bin.ptr;
            len = v->via.bin.size;
            if (!len || len > e->limits.max_value_bytes || nx_value_check(value, len, NULL) != NX_OK)
                return false;
        } else if (v->type != MSGPACK_OBJECT_NIL) {
            return false;
        }
        if (nx_exec_state_write(e, k->via.str.ptr, k->via.str.size, value, len) != NX_OK)
            return false;
    }
    nx_exec_forget_unreported(e);
    return true;
}

static bool restore_pending(nx_exec_t *e, const msgpack_object *pending)
{
    if (pending->type != MSGPACK_OBJECT_ARRAY || pending->via.array.size == 0)
        return false;
    for (uint32_t i = 0; i < pending->via.array.size; i++) {
        const msgpack_object *p = &pending->via.array.ptr[i];
        if (p->type != MSGPACK_OBJECT_ARRAY || p->via.array.size != 4)
            return false;
        const msgpack_object *f = p->via.array.ptr;
        bool ok = true;
        char *id = string_of(&f[0], false, &ok), *ext = string_of(&f[1], false, &ok),
             *method = string_of(&f[2], false, &ok);
        char key[NX_EXEC_KEY_BYTES];
        ok = ok && nx_ids_execution_of(id, key) && strcmp(key, e->key) == 0 && *ext && *method &&
             !nx_exec_find_pending(e, id) && f[3].type == MSGPACK_OBJECT_BIN &&
             f[3].via.bin.size <= e->limits.max_value_bytes &&
             nx_value_check((const uint8_t *)f[3].via.bin.ptr, f[3].via.bin.size, NULL) == NX_OK;
        ok = ok && nx_exec_add_pending(e, id, ext, strlen(ext), method, strlen(method),
                                       (const uint8_t *)f[3].via.bin.ptr, f[3].via.bin.size) != NULL;
        free(id);
        free(ext);
        free(method);
        if (!ok)
            return false;
    }
    return true;
}

static bool restore_counters(nx_exec_t *e, const fields_t *f)
{
    uint64_t output;
    if (f->started->type != MSGPACK_OBJECT_FLOAT64 || !nx_read_uint(f->guest_ns, UINT64_MAX, &e->guest_ns) ||
        !nx_read_uint(f->guest_cpu_ns, UINT64_MAX, &e->guest_cpu_ns) ||
        !nx_read_u32(f->host_calls, &e->host_calls) || !nx_read_uint(f->output_bytes, UINT64_MAX, &output) ||
        !nx_read_u32(f->events, &e->events) || !nx_read_u32(f->view_commands, &e->view_commands) ||
        !nx_read_u32(f->logs, &e->logs) || !nx_read_u32(f->suspensions, &e->suspensions) ||
        !nx_read_u32(f->segment, &e->segment) || !nx_read_u32(f->keys_written, &e->keys_written))
        return false;
    e->output_bytes = output;
    double started = f->started->via.f64;
    double now = nx_wall_ms();
    if (!(started > 0 && started <= now + 60000.0))
        return false;
    /* the start on this process's monotonic clock: what has passed since
     * counts against the deadline, wherever it passed */
    e->started_wall_ms = started;
    uint64_t elapsed_ns = now > started ? (uint64_t)((now - started) * 1e6) : 0;
    uint64_t mono = nx_clock_ns();
    e->started_ns = mono > elapsed_ns ? mono - elapsed_ns : 0;
    /* what the counters claim must be within the limits they count against */
    return e->host_calls <= e->limits.max_host_calls && e->output_bytes <= e->limits.max_output_bytes &&
           e->events <= e->limits.max_events && e->view_commands <= e->limits.max_view_commands &&
           e->logs <= e->limits.max_logs && e->keys_written <= e->limits.max_state_keys &&
           e->suspensions > 0 && e->segment < e->suspensions + 1;
}

nx_code_t nx_exec_unpack(const msgpack_object *o, const nx_exec_services_t *services,
                         nx_exec_t **out, char *err, size_t err_size)
{
    *out = NULL;
    *err = '\0';
    fields_t f;
    if (!collect(o, &f)) {
        snprintf(err, err_size, "the execution record is malformed");
        return NX_E_INVALID_ARGUMENT;
    }
    nx_context_t *ctx;
    nx_limits_t limits;
    nx_code_t code = context_of(&f, &ctx, &limits, err, err_size);
    if (code != NX_OK)
        return code;
    bool ok = true;
    char *source = string_of(f.source, false, &ok);
    nx_exec_t *e = NULL;
    if (ok)
        code = nx_exec_create(services, ctx, &limits, source, strlen(source), &e, err, err_size);
    free(source);
    nx_context_free(ctx);
    if (!ok || code != NX_OK) {
        if (!*err)
            snprintf(err, err_size, "the execution record is malformed");
        return ok ? code : NX_E_INVALID_ARGUMENT;
    }
    /* the key the calls' ids name */
    char probe[NX_ID_BYTES], key_of_id[NX_EXEC_KEY_BYTES];
    bool key_ok = f.key->type == MSGPACK_OBJECT_STR && f.key->via.str.size == NX_EXEC_KEY_BYTES - 1;
    if (key_ok) {
        memcpy(e->key, f.key->via.str.ptr, NX_EXEC_KEY_BYTES - 1);
        e->key[NX_EXEC_KEY_BYTES - 1] = '\0';
        snprintf(probe, sizeof probe, "sx-%s-0000000000000000", e->key);
        key_ok = nx_ids_execution_of(probe, key_of_id);
    }
    if (!key_ok || !restore_writes(e, f.writes) || !restore_pending(e, f.pending) ||
        !restore_counters(e, &f)) {
        snprintf(err, err_size, "the execution record is malformed");
        nx_exec_free(e);
        return NX_E_INVALID_ARGUMENT;
    }
    *out = e;
    return NX_OK;
}
