/* events.c - $emit: records an event {name, payload}. Needs
 * events:emit:NAME (or events:emit:*); $emit.toast emits "toast". */
#include "hostcalls/boundary.h"
#include "result/result.h"

u32 Z_nexusZ_emit(struct Z_nexus_instance_t *ctx, u32 nptr, u32 nlen, u32 pptr, u32 plen)
{
    nx_call_t c;
    const char *name;
    const uint8_t *payload;
    int32_t ret = nx_call_begin(&c, ctx->owner, "nexus:events", "emit", true);
    if (ret == 0)
        ret = nx_call_string(&c, nptr, nlen, NX_MAX_NAME_BYTES, NX_STRING_NAME, "an event name", &name);
    if (ret == 0)
        ret = nx_call_value(&c, pptr, plen, "an event payload", &payload);
    if (ret == 0)
        ret = nx_call_input(&c, "sv", name, (size_t)nlen, payload, (size_t)plen);
    if (ret == 0 && !nx_caps_can_emit_event(c.exec->caps, name, nlen))
        ret = nx_call_fail(&c, NX_E_PERMISSION_DENIED, "permission denied: needs events:emit:%.*s",
                           (int)nlen, name);
    if (ret == 0 && c.exec->events >= c.exec->limits.max_events)
        ret = nx_call_fail(&c, NX_E_RESOURCE_LIMIT, "more than %u events", c.exec->limits.max_events);
    if (ret == 0)
        ret = nx_call_charge(&c, nlen + plen);
    if (ret == 0) {
        c.exec->events++;
        if (nx_result_add_event(c.exec->out, name, nlen, payload, plen) != NX_OK)
            ret = nx_call_fail(&c, NX_E_INTERNAL_ERROR, "out of memory");
    }
    return nx_call_end(&c, ret);
}
