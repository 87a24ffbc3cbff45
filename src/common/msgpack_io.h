/* msgpack_io.h - the few MessagePack helpers every packer and unpacker in
 * the library shares (run requests, recordings, exported executions, a
 * result's effects): nullable strings and blobs as nil, map keys, and
 * unsigned integers read with a bound. */
#ifndef NEXUS_COMMON_MSGPACK_IO_H
#define NEXUS_COMMON_MSGPACK_IO_H

#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* s (len bytes), or nil when s is NULL. */
static inline void nx_pack_strn(msgpack_packer *pk, const char *s, size_t len)
{
    if (s)
        msgpack_pack_str_with_body(pk, s, len);
    else
        msgpack_pack_nil(pk);
}

/* A C string, or nil when s is NULL. */
static inline void nx_pack_str(msgpack_packer *pk, const char *s)
{
    nx_pack_strn(pk, s, s ? strlen(s) : 0);
}

/* Bytes, or nil when there are none. */
static inline void nx_pack_bin(msgpack_packer *pk, const uint8_t *p, size_t len)
{
    if (p && len)
        msgpack_pack_bin_with_body(pk, p, len);
    else
        msgpack_pack_nil(pk);
}

/* A map key. */
static inline void nx_pack_key(msgpack_packer *pk, const char *key)
{
    msgpack_pack_str_with_body(pk, key, strlen(key));
}

/* A non-negative integer of at most max into *out; false for anything else. */
static inline bool nx_read_uint(const msgpack_object *o, uint64_t max, uint64_t *out)
{
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 > max)
        return false;
    *out = o->via.u64;
    return true;
}

static inline bool nx_read_u32(const msgpack_object *o, uint32_t *out)
{
    uint64_t v;
    if (!nx_read_uint(o, UINT32_MAX, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

#endif
