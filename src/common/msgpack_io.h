/* msgpack_io.h - the few MessagePack helpers every packer and unpacker in
 * the library shares (run requests, recordings, exported executions, a
 * result's effects, the guest's reports): nullable strings and blobs as
 * nil, map keys, unsigned integers read with a bound, and the one way to
 * hand untrusted bytes to msgpack-c. */
#ifndef NEXUS_COMMON_MSGPACK_IO_H
#define NEXUS_COMMON_MSGPACK_IO_H

#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/values.h"

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

/* A str object holding no U+0000 (which a C string would cut short) as a
 * malloc'd C string (owner: caller, free()); NULL for anything else or
 * when out of memory. */
static inline char *nx_read_cstring(const msgpack_object *o)
{
    if (o->type != MSGPACK_OBJECT_STR || memchr(o->via.str.ptr, 0, o->via.str.size))
        return NULL;
    char *s = malloc(o->via.str.size + 1);
    if (s) {
        memcpy(s, o->via.str.ptr, o->via.str.size);
        s[o->via.str.size] = '\0';
    }
    return s;
}

/* Unpacks buf, which must be exactly one value, into zone. The bytes are
 * walked by nx_value_check first: msgpack-c allocates what a container's
 * count claims before it reads the items, so 6 bytes claiming a map of
 * 2^32 entries would ask it for 64 GiB. */
static inline bool nx_unpack_checked(const void *buf, size_t len, msgpack_zone *zone, msgpack_object *out)
{
    size_t off = 0;
    return buf && nx_value_check((const uint8_t *)buf, len, NULL) == NX_OK &&
           msgpack_unpack((const char *)buf, len, &off, zone, out) == MSGPACK_UNPACK_SUCCESS && off == len;
}

#endif
