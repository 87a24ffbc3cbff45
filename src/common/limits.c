/* limits.c - the limit table's functions (limits.h). */
#include "common/limits.h"

#include <msgpack.h>
#include <stdio.h>
#include <string.h>

#include "common/msgpack_io.h"

/* nx_limits_t is the table's fields in order, each a uint32_t, then
 * reserved space: a field missing from the table (or out of order) fails
 * the build here. */
#define NX_LIMIT_LAYOUT(field, dflt, min, max) \
    _Static_assert(offsetof(nx_limits_t, field) == NX_LIMIT_##field * sizeof(uint32_t), \
                   "nx_limits_t and NX_LIMIT_TABLE disagree on " #field);
NX_LIMIT_TABLE(NX_LIMIT_LAYOUT)
#undef NX_LIMIT_LAYOUT
_Static_assert(offsetof(nx_limits_t, reserved) == NX_LIMIT_COUNT * sizeof(uint32_t),
               "nx_limits_t has a field NX_LIMIT_TABLE lacks");

static const struct {
    const char *name;
    uint32_t dflt, min, max;
} g_table[NX_LIMIT_COUNT] = {
#define NX_LIMIT_ROW(field, d, lo, hi) [NX_LIMIT_##field] = { #field, d, lo, hi },
    NX_LIMIT_TABLE(NX_LIMIT_ROW)
#undef NX_LIMIT_ROW
};

static uint32_t *slot(nx_limits_t *l, nx_limit_id_t id) { return (uint32_t *)l + id; }
static const uint32_t *cslot(const nx_limits_t *l, nx_limit_id_t id) { return (const uint32_t *)l + id; }

void nx_limits_defaults(nx_limits_t *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < NX_LIMIT_COUNT; i++)
        *slot(out, (nx_limit_id_t)i) = g_table[i].dflt;
}

void nx_limits_resolve(nx_limits_t *out, const nx_limits_t *limits, const nx_limits_t *defaults)
{
    nx_limits_t r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < NX_LIMIT_COUNT; i++) {
        uint32_t v = *cslot(limits, (nx_limit_id_t)i);
        *slot(&r, (nx_limit_id_t)i) = v ? v : *cslot(defaults, (nx_limit_id_t)i);
    }
    *out = r;
}

nx_code_t nx_limits_check(const nx_limits_t *limits, char *err, size_t err_size)
{
    for (int i = 0; i < NX_LIMIT_COUNT; i++) {
        uint32_t v = *cslot(limits, (nx_limit_id_t)i);
        if (v && (v < g_table[i].min || v > g_table[i].max)) {
            snprintf(err, err_size, "%s %u outside %u..%u", g_table[i].name, v, g_table[i].min,
                     g_table[i].max);
            return NX_E_INVALID_ARGUMENT;
        }
    }
    for (size_t i = 0; i < sizeof limits->reserved / sizeof limits->reserved[0]; i++) {
        if (limits->reserved[i]) {
            snprintf(err, err_size, "reserved limit fields must be zero");
            return NX_E_INVALID_ARGUMENT;
        }
    }
    return NX_OK;
}

/* The limit named name (len bytes), or NX_LIMIT_COUNT. */
static nx_limit_id_t find(const char *name, size_t len)
{
    for (int i = 0; i < NX_LIMIT_COUNT; i++)
        if (strlen(g_table[i].name) == len && memcmp(g_table[i].name, name, len) == 0)
            return (nx_limit_id_t)i;
    return NX_LIMIT_COUNT;
}

nx_code_t nx_limits_set(nx_limits_t *limits, const char *name, uint32_t value)
{
    if (!limits || !name)
        return NX_E_INVALID_ARGUMENT;
    nx_limit_id_t id = find(name, strlen(name));
    if (id == NX_LIMIT_COUNT)
        return NX_E_INVALID_ARGUMENT;
    *slot(limits, id) = value;
    return NX_OK;
}

const char *nx_limits_name(size_t i) { return i < NX_LIMIT_COUNT ? g_table[i].name : NULL; }

void nx_limits_pack(msgpack_packer *pk, const nx_limits_t *limits, bool all)
{
    uint32_t n = 0;
    for (int i = 0; i < NX_LIMIT_COUNT; i++)
        n += all || *cslot(limits, (nx_limit_id_t)i) != 0;
    msgpack_pack_map(pk, n);
    for (int i = 0; i < NX_LIMIT_COUNT; i++) {
        uint32_t v = *cslot(limits, (nx_limit_id_t)i);
        if (all || v) {
            nx_pack_key(pk, g_table[i].name);
            msgpack_pack_uint32(pk, v);
        }
    }
}

nx_code_t nx_limits_unpack(const msgpack_object *map, bool all, nx_limits_t *out, char *err,
                           size_t err_size)
{
    memset(out, 0, sizeof *out);
    if (map->type != MSGPACK_OBJECT_MAP || (all && map->via.map.size != NX_LIMIT_COUNT)) {
        snprintf(err, err_size, "the limits are not a map of every limit");
        return NX_E_INVALID_ARGUMENT;
    }
    bool seen[NX_LIMIT_COUNT] = { false };
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;
        nx_limit_id_t id = k->type == MSGPACK_OBJECT_STR ? find(k->via.str.ptr, k->via.str.size)
                                                        : NX_LIMIT_COUNT;
        uint32_t v;
        if (id == NX_LIMIT_COUNT || seen[id] || !nx_read_u32(&map->via.map.ptr[i].val, &v) ||
            (all && v == 0 && g_table[id].dflt != 0)) {
            snprintf(err, err_size, "a limit this build does not know, twice, or not a number");
            return NX_E_INVALID_ARGUMENT;
        }
        seen[id] = true;
        *slot(out, id) = v;
    }
    return nx_limits_check(out, err, err_size);
}
