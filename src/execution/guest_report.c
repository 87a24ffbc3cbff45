/* guest_report.c - the guest's outcome report (guest_report.h). */
#include "execution/guest_report.h"

#include <stdlib.h>
#include <string.h>

#include "common/msgpack_io.h"
#include "common/values.h"

static bool str_is(const msgpack_object *o, const char *s)
{
    size_t n = strlen(s);
    return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
           memcmp(o->via.str.ptr, s, n) == 0;
}

static const msgpack_object *map_get(const msgpack_object *map, const char *key)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    for (uint32_t i = 0; i < map->via.map.size; i++)
        if (str_is(&map->via.map.ptr[i].key, key))
            return &map->via.map.ptr[i].val;
    return NULL;
}

void nx_guest_report_parse(nx_guest_report_t *rep, const nx_instance_t *inst)
{
    memset(rep, 0, sizeof *rep);
    msgpack_zone_init(&rep->zone, 1024);
    rep->status = NX_REPORT_NONE;
    if (inst->report_overflow || !inst->report_len ||
        !nx_unpack_checked(inst->report, inst->report_len, &rep->zone, &rep->root) ||
        rep->root.type != MSGPACK_OBJECT_MAP)
        return;
    const msgpack_object *status = map_get(&rep->root, "status");
    rep->value = map_get(&rep->root, "value");
    rep->error = map_get(&rep->root, "error");
    rep->bytecode = map_get(&rep->root, "bytecode");
    if (!status || status->type != MSGPACK_OBJECT_STR)
        return;
    if (str_is(status, "ok"))
        rep->status = NX_REPORT_OK;
    else if (str_is(status, "error"))
        rep->status = rep->error ? NX_REPORT_ERROR : NX_REPORT_UNKNOWN;
    else if (str_is(status, "pending"))
        rep->status = NX_REPORT_PENDING;
    else
        rep->status = NX_REPORT_UNKNOWN;
}

void nx_guest_report_free(nx_guest_report_t *rep) { msgpack_zone_destroy(&rep->zone); }

char *nx_guest_report_error_string(const nx_guest_report_t *rep, const char *key)
{
    const msgpack_object *o = map_get(rep->error, key);
    if (!o || o->type != MSGPACK_OBJECT_STR)
        return NULL;
    char *s = malloc(o->via.str.size + 1);
    if (s) {
        memcpy(s, o->via.str.ptr, o->via.str.size);
        s[o->via.str.size] = '\0';
    }
    return s;
}

uint32_t nx_guest_report_error_number(const nx_guest_report_t *rep, const char *key)
{
    const msgpack_object *o = map_get(rep->error, key);
    if (o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= UINT32_MAX)
        return (uint32_t)o->via.u64;
    return 0;
}
