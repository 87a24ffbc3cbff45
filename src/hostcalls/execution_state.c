/* execution_state.c - an execution's lifetime, its view of state (the snapshot plus
 * its own writes) and its pending extension calls (execution_state.h). */
#include "hostcalls/execution_state.h"

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "common/clock.h"
#include "common/limits.h"
#include "common/values.h"
#include "record/recorder.h"
#include "result/result.h"

struct nx_state_write {
    char *key;
    size_t key_len;
    uint8_t *value;           /* NULL: deleted */
    size_t value_len;
    bool unreported;
    nx_state_write_t *next_unreported;
    UT_hash_handle hh;
};

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

nx_code_t nx_exec_create(const nx_exec_services_t *services, const nx_context_t *ctx,
                         const nx_limits_t *defaults, const char *source, size_t source_len,
                         nx_exec_t **out, char *err, size_t err_size)
{
    *out = NULL;
    if (nx_limits_check(&ctx->limits, err, err_size) != NX_OK)
        return NX_E_INVALID_ARGUMENT;
    nx_exec_t *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, err_size, "out of memory");
        return NX_E_INTERNAL_ERROR;
    }
    e->services = *services;
    if (services->ids)
        nx_ids_new_execution(services->ids, e->key);
    e->started_ns = nx_clock_ns();
    e->started_wall_ms = nx_wall_ms();
    nx_limits_resolve(&e->limits, &ctx->limits, defaults);
    size_t bad = 0;
    nx_code_t code = nx_caps_parse((const char *const *)ctx->caps, ctx->cap_count, &e->caps, &bad);
    if (code != NX_OK) {
        char token[256];
        nx_utf8_clip(ctx->caps[bad], strlen(ctx->caps[bad]), 200, token, sizeof token);
        snprintf(err, err_size, "malformed or unknown capability token \"%s\"", token);
        nx_exec_free(e);
        return NX_E_INVALID_ARGUMENT;
    }
    e->cap_tokens = calloc(ctx->cap_count ? ctx->cap_count : 1, sizeof *e->cap_tokens);
    for (size_t i = 0; e->cap_tokens && i < ctx->cap_count; i++)
        if ((e->cap_tokens[i] = strdup(ctx->caps[i])) != NULL)
            e->cap_count = i + 1;
    if (!e->cap_tokens || e->cap_count != ctx->cap_count) {
        snprintf(err, err_size, "out of memory");
        nx_exec_free(e);
        return NX_E_INTERNAL_ERROR;
    }
    e->state = nx_state_snapshot_retain(ctx->state);
    e->panel_id = dup_or_null(ctx->panel_id);
    e->handler_name = dup_or_null(ctx->handler_name);
    if (source) {
        e->source = malloc(source_len + 1);
        if (e->source) {
            memcpy(e->source, source, source_len);
            e->source[source_len] = '\0';
            e->source_len = source_len;
        }
    }
    *out = e;
    return NX_OK;
}

void nx_exec_free(nx_exec_t *e)
{
    if (!e)
        return;
    nx_state_write_t *w, *tmp;
    HASH_ITER(hh, e->writes, w, tmp) {
        HASH_DEL(e->writes, w);
        free(w->key);
        free(w->value);
        free(w);
    }
    HASH_CLEAR(hh, e->pending_by_id);
    nx_ledger_release(e->ledger);
    nx_caps_free(e->caps);
    for (size_t i = 0; i < e->cap_count; i++)
        free(e->cap_tokens[i]);
    free(e->cap_tokens);
    nx_result_free(e->whole);
    nx_recorder_free(e->recorder);
    nx_state_snapshot_release(e->state);
    nx_result_free(e->out);
    free(e->parked_reply);
    free(e->source);
    free(e->panel_id);
    free(e->handler_name);
    free(e);
}

/* ---- state ----------------------------------------------------------------------- */

const uint8_t *nx_exec_state_get(const nx_exec_t *e, const char *key, size_t len,
                                 size_t *value_len, bool *deleted)
{
    nx_state_write_t *w = NULL;
    *deleted = false;
    HASH_FIND(hh, e->writes, key, len, w);
    if (w) {
        *deleted = w->value == NULL;
        *value_len = w->value_len;
        return w->value;
    }
    return nx_state_snapshot_find(e->state, key, len, value_len);
}

bool nx_exec_wrote(const nx_exec_t *e, const char *key, size_t len)
{
    nx_state_write_t *w = NULL;
    HASH_FIND(hh, e->writes, key, len, w);
    return w != NULL;
}

static void mark_unreported(nx_exec_t *e, nx_state_write_t *w)
{
    if (w->unreported)
        return;
    w->unreported = true;
    w->next_unreported = NULL;
    if (e->unreported_tail)
        e->unreported_tail->next_unreported = w;
    else
        e->unreported_head = w;
    e->unreported_tail = w;
}

nx_code_t nx_exec_state_write(nx_exec_t *e, const char *key, size_t len,
                              const uint8_t *value, size_t value_len)
{
    nx_state_write_t *w = NULL;
    HASH_FIND(hh, e->writes, key, len, w);
    uint8_t *copy = NULL;
    if (value) {
        copy = malloc(value_len ? value_len : 1);
        if (!copy)
            return NX_E_INTERNAL_ERROR;
        memcpy(copy, value, value_len);
    }
    if (!w) {
        w = calloc(1, sizeof *w);
        char *k = malloc(len + 1);
        if (!w || !k) {
            free(w);
            free(k);
            free(copy);
            return NX_E_INTERNAL_ERROR;
        }
        memcpy(k, key, len);
        k[len] = '\0';
        w->key = k;
        w->key_len = len;
        HASH_ADD_KEYPTR(hh, e->writes, w->key, w->key_len, w);
        e->keys_written++;
    }
    free(w->value);
    w->value = copy;
    w->value_len = value ? value_len : 0;
    mark_unreported(e, w);
    return NX_OK;
}

size_t nx_exec_write_count(const nx_exec_t *e) { return HASH_COUNT(e->writes); }

void nx_exec_each_write(const nx_exec_t *e,
                        void (*fn)(void *user, const char *key, size_t len, const uint8_t *value,
                                   size_t value_len),
                        void *user)
{
    for (const nx_state_write_t *w = e->writes; w; w = w->hh.next)
        fn(user, w->key, w->key_len, w->value, w->value_len);
}

void nx_exec_forget_unreported(nx_exec_t *e)
{
    for (nx_state_write_t *w = e->unreported_head; w; w = w->next_unreported)
        w->unreported = false;
    e->unreported_head = e->unreported_tail = NULL;
}

typedef struct keys_packer {
    const nx_exec_t *exec;
    msgpack_packer *pk;
    size_t count;
    bool counting;
} keys_packer_t;

static void pack_snapshot_key(void *user, const char *key, size_t len)
{
    keys_packer_t *kp = user;
    nx_state_write_t *w = NULL;
    HASH_FIND(hh, kp->exec->writes, key, len, w);
    if (w)
        return; /* the write decides, below */
    if (kp->counting) {
        kp->count++;
        return;
    }
    msgpack_pack_str(kp->pk, len);
    msgpack_pack_str_body(kp->pk, key, len);
}

static void pack_written_keys(keys_packer_t *kp)
{
    for (nx_state_write_t *w = kp->exec->writes; w; w = w->hh.next) {
        if (!w->value)
            continue;
        if (kp->counting) {
            kp->count++;
            continue;
        }
        msgpack_pack_str(kp->pk, w->key_len);
        msgpack_pack_str_body(kp->pk, w->key, w->key_len);
    }
}

nx_code_t nx_exec_state_keys(const nx_exec_t *e, uint8_t **out, size_t *out_len)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    keys_packer_t kp = { .exec = e, .pk = &pk, .counting = true };
    nx_state_snapshot_each(e->state, pack_snapshot_key, &kp);
    pack_written_keys(&kp);
    msgpack_pack_array(&pk, (uint32_t)kp.count);
    kp.counting = false;
    nx_state_snapshot_each(e->state, pack_snapshot_key, &kp);
    pack_written_keys(&kp);
    if (!sb.data) {
        msgpack_sbuffer_destroy(&sb);
        return NX_E_INTERNAL_ERROR;
    }
    *out = (uint8_t *)sb.data;
    *out_len = sb.size;
    return NX_OK;
}

nx_code_t nx_exec_flush_mutations(nx_exec_t *e, nx_result_t *r)
{
    nx_code_t code = NX_OK;
    for (nx_state_write_t *w = e->unreported_head; w; w = w->next_unreported) {
        w->unreported = false;
        if (code == NX_OK)
            code = nx_result_add_mutation(r, w->key, w->key_len,
                                          w->value ? NX_MUTATION_SET : NX_MUTATION_DELETE,
                                          w->value, w->value_len);
    }
    e->unreported_head = e->unreported_tail = NULL;
    return code;
}

/* ---- pending extension calls -------------------------------------------------------- */

nx_ledger_call_t *nx_exec_add_pending(nx_exec_t *e, const char *id, const char *ext, size_t ext_len,
                                      const char *method, size_t method_len,
                                      const uint8_t *args, size_t args_len)
{
    if (!e->ledger) {
        e->ledger = nx_ledger_new();
        if (!e->ledger)
            return NULL;
        nx_ledger_seek(e->ledger, 0, &e->first_pending);
        nx_ledger_seek(e->ledger, 0, &e->unparked);
    }
    nx_ledger_call_t *c = nx_ledger_append(e->ledger, id, ext, ext_len, method, method_len, args, args_len);
    if (!c)
        return NULL;
    HASH_ADD_STR(e->pending_by_id, id, c);
    e->pending_count++;
    return c;
}

nx_ledger_call_t *nx_exec_find_pending(nx_exec_t *e, const char *id)
{
    nx_ledger_call_t *c = NULL;
    HASH_FIND_STR(e->pending_by_id, id, c);
    return c;
}

void nx_exec_answer(nx_exec_t *e, nx_ledger_call_t *call)
{
    HASH_DEL(e->pending_by_id, call);
    e->pending_count--;
    e->segment++;
    atomic_store_explicit(&call->answered_at, e->segment, memory_order_relaxed);
}

void nx_exec_list_pending(nx_exec_t *e, nx_result_t *r)
{
    if (!e->pending_count)
        return;
    /* the first pending call only moves forward: amortised one step */
    size_t len = nx_ledger_length(e->ledger);
    while (e->first_pending.index < len &&
           !nx_ledger_pending_at(nx_ledger_get(e->ledger, &e->first_pending), e->segment))
        nx_ledger_next(&e->first_pending);
    nx_result_list_pending(r, e->ledger, e->segment, e->first_pending.index, e->pending_count);
}
