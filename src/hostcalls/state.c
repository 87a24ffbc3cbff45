/* state.c - $state host calls: get, set, delete, has, keys.
 *
 * Reads need state:read:KEY (keys needs state:read:*), writes and deletes
 * need state:write:KEY. Reads see the execution's own earlier writes and
 * deletes. Writes are recorded as mutations, one per key, carrying its
 * final value (docs/api.md "Effects"). */
#include <stdlib.h>

#include "hostcalls/boundary.h"

/* State keys may be long but not unbounded. */
#define MAX_KEY_BYTES 4096

static int32_t read_key(nx_call_t *c, uint32_t ptr, uint32_t len, const char **key)
{
    return nx_call_string(c, ptr, len, MAX_KEY_BYTES, NX_STRING_KEY, "a state key", key);
}

static int32_t deny(nx_call_t *c, nx_cap_kind_t kind, const char *key, size_t len)
{
    char token[256];
    nx_caps_required(kind, key, len, token, sizeof token);
    return nx_call_fail(c, NX_E_PERMISSION_DENIED, "permission denied: needs %s", token);
}

/* Begins a call that reads key: the key checked, logged as the input and,
 * for a read (need_read), allowed by a state:read token. */
static int32_t begin_keyed(nx_call_t *c, struct Z_nexus_instance_t *ctx, const char *function,
                           u32 kptr, u32 klen, bool need_read, const char **key)
{
    int32_t ret = nx_call_begin(c, ctx->owner, "nexus:state", function, true);
    if (ret == 0)
        ret = read_key(c, kptr, klen, key);
    if (ret == 0)
        ret = nx_call_input(c, "s", *key, (size_t)klen);
    if (ret == 0 && need_read && !nx_caps_can_read_state(c->exec->caps, *key, klen))
        ret = deny(c, NX_CAP_STATE_READ, *key, klen);
    return ret;
}

u32 Z_nexusZ_state_get(struct Z_nexus_instance_t *ctx, u32 kptr, u32 klen)
{
    nx_call_t c;
    const char *key;
    int32_t ret = begin_keyed(&c, ctx, "get", kptr, klen, true, &key);
    if (ret == 0) {
        size_t len = 0;
        bool deleted;
        const uint8_t *value = nx_exec_state_get(c.exec, key, klen, &len, &deleted);
        /* a snapshot value is the host's, not checked by a write */
        if (value && len > c.exec->limits.max_value_bytes)
            ret = nx_call_fail(&c, NX_E_RESOURCE_LIMIT, "state key \"%.*s\" holds %zu bytes, over the %u-byte value limit",
                               (int)(klen < 64 ? klen : 64), key, len, c.exec->limits.max_value_bytes);
        else
            ret = value ? nx_call_reply(&c, value, len) : 0; /* 0 bytes: absent */
    }
    return nx_call_end(&c, ret);
}

u32 Z_nexusZ_state_has(struct Z_nexus_instance_t *ctx, u32 kptr, u32 klen)
{
    nx_call_t c;
    const char *key;
    int32_t ret = begin_keyed(&c, ctx, "has", kptr, klen, true, &key);
    if (ret == 0) {
        size_t len;
        bool deleted;
        ret = nx_exec_state_get(c.exec, key, klen, &len, &deleted) != NULL;
    }
    return nx_call_end(&c, ret);
}

static int32_t write_key(nx_call_t *c, const char *key, uint32_t klen,
                         const uint8_t *value, size_t value_len)
{
    nx_exec_t *e = c->exec;
    if (!nx_caps_can_write_state(e->caps, key, klen))
        return deny(c, NX_CAP_STATE_WRITE, key, klen);
    /* rewriting a key already written costs no new key */
    if (e->keys_written >= e->limits.max_state_keys && !nx_exec_wrote(e, key, klen))
        return nx_call_fail(c, NX_E_RESOURCE_LIMIT, "more than %u state keys written",
                            e->limits.max_state_keys);
    int32_t ret = nx_call_charge(c, klen + value_len);
    if (ret)
        return ret;
    if (nx_exec_state_write(e, key, klen, value, value_len) != NX_OK)
        return nx_call_fail(c, NX_E_INTERNAL_ERROR, "out of memory");
    return 0;
}

u32 Z_nexusZ_state_set(struct Z_nexus_instance_t *ctx, u32 kptr, u32 klen, u32 vptr, u32 vlen)
{
    nx_call_t c;
    const char *key;
    const uint8_t *value;
    int32_t ret = nx_call_begin(&c, ctx->owner, "nexus:state", "set", true);
    if (ret == 0)
        ret = read_key(&c, kptr, klen, &key);
    if (ret == 0)
        ret = nx_call_value(&c, vptr, vlen, "a state value", &value);
    if (ret == 0)
        ret = nx_call_input(&c, "sv", key, (size_t)klen, value, (size_t)vlen);
    if (ret == 0)
        ret = write_key(&c, key, klen, value, vlen);
    return nx_call_end(&c, ret);
}

u32 Z_nexusZ_state_delete(struct Z_nexus_instance_t *ctx, u32 kptr, u32 klen)
{
    nx_call_t c;
    const char *key;
    int32_t ret = begin_keyed(&c, ctx, "delete", kptr, klen, false, &key);
    if (ret == 0)
        ret = write_key(&c, key, klen, NULL, 0);
    return nx_call_end(&c, ret);
}

u32 Z_nexusZ_state_keys(struct Z_nexus_instance_t *ctx)
{
    nx_call_t c;
    int32_t ret = nx_call_begin(&c, ctx->owner, "nexus:state", "keys", true);
    if (ret == 0)
        ret = nx_call_input(&c, "");
    if (ret == 0 && !nx_caps_allows_any(c.exec->caps, NX_CAP_STATE_READ))
        ret = nx_call_fail(&c, NX_E_PERMISSION_DENIED, "permission denied: needs state:read:*");
    if (ret == 0) {
        uint8_t *keys;
        size_t len;
        if (nx_exec_state_keys(c.exec, &keys, &len) != NX_OK) {
            ret = nx_call_fail(&c, NX_E_INTERNAL_ERROR, "out of memory");
        } else {
            ret = nx_call_reply(&c, keys, len);
            free(keys);
        }
    }
    return nx_call_end(&c, ret);
}
