/* context.c - nx_context_t: building and validating an execution's inputs
 * (context.h). */
#include "common/context.h"

#include <msgpack.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "common/values.h"

struct nx_state_index_entry {
    const char *key;        /* points into the snapshot's bytes */
    size_t key_len;
    const uint8_t *value;
    size_t value_len;
    UT_hash_handle hh;
};

/* ---- state snapshots ------------------------------------------------------------- */

static nx_state_snapshot_t *snapshot_alloc(const uint8_t *bytes, size_t len)
{
    nx_state_snapshot_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    atomic_init(&s->refs, 1);
    if (len) {
        s->bytes = malloc(len);
        if (!s->bytes) {
            free(s);
            return NULL;
        }
        memcpy(s->bytes, bytes, len);
        s->len = len;
    }
    return s;
}

static size_t map_header_bytes(uint8_t tag, uint32_t *count, const uint8_t *p)
{
    if (tag >= 0x80 && tag <= 0x8f) {
        *count = tag & 0x0f;
        return 1;
    }
    if (tag == 0xde) {
        *count = (uint32_t)p[1] << 8 | p[2];
        return 3;
    }
    *count = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
    return 5;
}

/* Skips one value at *pos; returns false on malformed input. */
static bool skip_value(msgpack_unpacked *item, const uint8_t *p, size_t len, size_t *pos)
{
    return msgpack_unpack_next(item, (const char *)p, len, pos) == MSGPACK_UNPACK_SUCCESS;
}

static nx_code_t index_entry(nx_state_snapshot_t *s, const char *key, size_t key_len,
                             const uint8_t *value, size_t value_len)
{
    nx_state_index_entry_t *e = calloc(1, sizeof *e), *old = NULL;
    if (!e)
        return NX_E_INTERNAL_ERROR;
    e->key = key;
    e->key_len = key_len;
    e->value = value;
    e->value_len = value_len;
    HASH_FIND(hh, s->index, key, key_len, old);
    if (old) { /* a duplicate key: the last one wins, as in JSON */
        HASH_DEL(s->index, old);
        free(old);
        s->key_count--;
    }
    HASH_ADD_KEYPTR(hh, s->index, e->key, e->key_len, e);
    s->key_count++;
    return NX_OK;
}

/* Indexes a checked map: each key's and value's span inside s->bytes. */
static nx_code_t snapshot_index(nx_state_snapshot_t *s)
{
    if (!s->len)
        return NX_OK;
    const uint8_t *p = s->bytes;
    uint32_t count;
    size_t pos = map_header_bytes(p[0], &count, p);
    msgpack_unpacked item;
    msgpack_unpacked_init(&item);
    nx_code_t code = NX_OK;
    for (uint32_t i = 0; i < count && code == NX_OK; i++) {
        if (!skip_value(&item, p, s->len, &pos) || item.data.type != MSGPACK_OBJECT_STR) {
            code = NX_E_INVALID_ARGUMENT;
            break;
        }
        /* a str's bytes end where its encoding ends */
        size_t key_len = item.data.via.str.size;
        const char *key = (const char *)p + pos - key_len;
        size_t value_start = pos;
        if (!skip_value(&item, p, s->len, &pos)) {
            code = NX_E_INVALID_ARGUMENT;
            break;
        }
        code = index_entry(s, key, key_len, p + value_start, pos - value_start);
    }
    msgpack_unpacked_destroy(&item);
    return code;
}

const uint8_t *nx_state_snapshot_find(const nx_state_snapshot_t *s, const char *key,
                                      size_t key_len, size_t *value_len)
{
    nx_state_index_entry_t *e = NULL;
    HASH_FIND(hh, s->index, key, key_len, e);
    if (!e)
        return NULL;
    *value_len = e->value_len;
    return e->value;
}

void nx_state_snapshot_each(const nx_state_snapshot_t *s,
                            void (*fn)(void *user, const char *key, size_t len), void *user)
{
    for (nx_state_index_entry_t *e = s->index; e; e = e->hh.next)
        fn(user, e->key, e->key_len);
}

nx_state_snapshot_t *nx_state_snapshot_retain(nx_state_snapshot_t *s)
{
    atomic_fetch_add(&s->refs, 1);
    return s;
}

void nx_state_snapshot_release(nx_state_snapshot_t *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    nx_state_index_entry_t *e, *tmp;
    HASH_ITER(hh, s->index, e, tmp) {
        HASH_DEL(s->index, e);
        free(e);
    }
    free(s->bytes);
    free(s);
}

/* ---- contexts ---------------------------------------------------------------------- */

nx_code_t nx_context_create(nx_context_t **out)
{
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    nx_context_t *ctx = calloc(1, sizeof *ctx);
    if (ctx)
        ctx->state = snapshot_alloc(NULL, 0);
    if (!ctx || !ctx->state) {
        free(ctx);
        *out = NULL;
        return NX_E_INTERNAL_ERROR;
    }
    *out = ctx;
    return NX_OK;
}

void nx_context_free(nx_context_t *ctx)
{
    if (!ctx)
        return;
    free(ctx->panel_id);
    free(ctx->handler_name);
    nx_state_snapshot_release(ctx->state);
    free(ctx->args);
    free(ctx->scope);
    for (size_t i = 0; i < ctx->cap_count; i++)
        free(ctx->caps[i]);
    free(ctx->caps);
    free(ctx);
}

static nx_code_t set_string(char **slot, const char *value)
{
    char *copy = NULL;
    if (value) {
        size_t len = strlen(value);
        if (!nx_utf8_valid(value, len))
            return NX_E_INVALID_ARGUMENT;
        copy = strdup(value);
        if (!copy)
            return NX_E_INTERNAL_ERROR;
    }
    free(*slot);
    *slot = copy;
    return NX_OK;
}

nx_code_t nx_context_set_panel_id(nx_context_t *ctx, const char *panel_id)
{
    return ctx ? set_string(&ctx->panel_id, panel_id) : NX_E_INVALID_ARGUMENT;
}

nx_code_t nx_context_set_handler_name(nx_context_t *ctx, const char *name)
{
    return ctx ? set_string(&ctx->handler_name, name) : NX_E_INVALID_ARGUMENT;
}

static bool is_nil(const void *msgpack, size_t len)
{
    return len == 1 && ((const uint8_t *)msgpack)[0] == 0xc0;
}

nx_code_t nx_context_set_state(nx_context_t *ctx, const void *msgpack, size_t len)
{
    if (!ctx || (len && !msgpack))
        return NX_E_INVALID_ARGUMENT;
    if (len && nx_value_check_state(msgpack, len, NULL) != NX_OK)
        return NX_E_INVALID_ARGUMENT;
    if (is_nil(msgpack, len))
        len = 0;
    nx_state_snapshot_t *s = snapshot_alloc(msgpack, len);
    if (!s)
        return NX_E_INTERNAL_ERROR;
    nx_code_t code = snapshot_index(s);
    if (code != NX_OK) {
        nx_state_snapshot_release(s);
        return code;
    }
    nx_state_snapshot_release(ctx->state);
    ctx->state = s;
    return NX_OK;
}

static nx_code_t set_map(uint8_t **slot, size_t *slot_len, const void *msgpack, size_t len)
{
    if (len && !msgpack)
        return NX_E_INVALID_ARGUMENT;
    if (len && nx_value_check_map(msgpack, len, true, NULL) != NX_OK)
        return NX_E_INVALID_ARGUMENT;
    uint8_t *copy = NULL;
    if (len && !is_nil(msgpack, len)) {
        copy = malloc(len);
        if (!copy)
            return NX_E_INTERNAL_ERROR;
        memcpy(copy, msgpack, len);
    } else {
        len = 0;
    }
    free(*slot);
    *slot = copy;
    *slot_len = len;
    return NX_OK;
}

nx_code_t nx_context_set_args(nx_context_t *ctx, const void *msgpack, size_t len)
{
    return ctx ? set_map(&ctx->args, &ctx->args_len, msgpack, len) : NX_E_INVALID_ARGUMENT;
}

nx_code_t nx_context_set_scope(nx_context_t *ctx, const void *msgpack, size_t len)
{
    return ctx ? set_map(&ctx->scope, &ctx->scope_len, msgpack, len) : NX_E_INVALID_ARGUMENT;
}

typedef nx_code_t (*set_msgpack_fn)(nx_context_t *, const void *, size_t);

static nx_code_t set_from_json(nx_context_t *ctx, const char *json, set_msgpack_fn set)
{
    if (!ctx || !json)
        return NX_E_INVALID_ARGUMENT;
    uint8_t *mp;
    size_t len;
    char err[256];
    nx_code_t code = nx_json_to_msgpack(json, strlen(json), &mp, &len, err, sizeof err);
    if (code != NX_OK)
        return code;
    code = set(ctx, mp, len);
    free(mp);
    return code;
}

nx_code_t nx_context_set_state_json(nx_context_t *ctx, const char *json)
{
    return set_from_json(ctx, json, nx_context_set_state);
}

nx_code_t nx_context_set_args_json(nx_context_t *ctx, const char *json)
{
    return set_from_json(ctx, json, nx_context_set_args);
}

nx_code_t nx_context_set_scope_json(nx_context_t *ctx, const char *json)
{
    return set_from_json(ctx, json, nx_context_set_scope);
}

nx_code_t nx_context_add_capability(nx_context_t *ctx, const char *token)
{
    if (!ctx || !token)
        return NX_E_INVALID_ARGUMENT;
    if (ctx->cap_count == ctx->cap_capacity) {
        size_t cap = ctx->cap_capacity ? ctx->cap_capacity * 2 : 8;
        char **grown = realloc(ctx->caps, cap * sizeof *grown);
        if (!grown)
            return NX_E_INTERNAL_ERROR;
        ctx->caps = grown;
        ctx->cap_capacity = cap;
    }
    char *copy = strdup(token);
    if (!copy)
        return NX_E_INTERNAL_ERROR;
    ctx->caps[ctx->cap_count++] = copy;
    return NX_OK;
}

nx_code_t nx_context_set_limits(nx_context_t *ctx, const nx_limits_t *limits)
{
    if (!ctx || !limits)
        return NX_E_INVALID_ARGUMENT;
    ctx->limits = *limits;
    return NX_OK;
}
