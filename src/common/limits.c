/* limits.c - the limit table's functions (limits.h). */
#include "common/limits.h"

#include <stdio.h>
#include <string.h>

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

const char *nx_limit_name(nx_limit_id_t id) { return id < NX_LIMIT_COUNT ? g_table[id].name : NULL; }
uint32_t nx_limit_default(nx_limit_id_t id) { return id < NX_LIMIT_COUNT ? g_table[id].dflt : 0; }

uint32_t nx_limit_get(const nx_limits_t *limits, nx_limit_id_t id)
{
    return id < NX_LIMIT_COUNT ? *cslot(limits, id) : 0;
}

void nx_limit_set(nx_limits_t *limits, nx_limit_id_t id, uint32_t value)
{
    if (id < NX_LIMIT_COUNT)
        *slot(limits, id) = value;
}

nx_limit_id_t nx_limit_find(const char *name, size_t len)
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
    nx_limit_id_t id = nx_limit_find(name, strlen(name));
    if (id == NX_LIMIT_COUNT)
        return NX_E_INVALID_ARGUMENT;
    nx_limit_set(limits, id, value);
    return NX_OK;
}

const char *nx_limits_name(size_t i) { return i < NX_LIMIT_COUNT ? g_table[i].name : NULL; }
