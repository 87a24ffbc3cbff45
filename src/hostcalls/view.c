/* view.c - $view: records a view command {componentId, type, args}. Needs
 * view:update:ID, or view:update:* for a command without a component. */
#include "hostcalls/boundary.h"
#include "result/result.h"

/* A command without a component (NX_ABI_NO_COMPONENT) leaves *component NULL. */
static int32_t read_component(nx_call_t *c, u32 ptr, u32 len, const char **component)
{
    *component = NULL;
    if (len == NX_ABI_NO_COMPONENT)
        return 0;
    return nx_call_string(c, ptr, len, NX_MAX_NAME_BYTES, NX_STRING_NAME, "a component id", component);
}

static int32_t check_permission(nx_call_t *c, const char *component, u32 len)
{
    if (!component) {
        if (!nx_caps_allows_any(c->exec->caps, NX_CAP_VIEW_UPDATE))
            return nx_call_fail(c, NX_E_PERMISSION_DENIED,
                                "permission denied: a command without a component needs view:update:*");
        return 0;
    }
    if (!nx_caps_can_update_view(c->exec->caps, component, len))
        return nx_call_fail(c, NX_E_PERMISSION_DENIED, "permission denied: needs view:update:%.*s",
                            (int)len, component);
    return 0;
}

u32 Z_nexusZ_view(struct Z_nexus_instance_t *ctx, u32 cptr, u32 clen, u32 tptr, u32 tlen,
                  u32 aptr, u32 alen)
{
    nx_call_t c;
    const char *component = NULL, *type;
    const uint8_t *args;
    int32_t ret = nx_call_begin(&c, ctx->owner, "nexus:view", "command", true);
    if (ret == 0)
        ret = read_component(&c, cptr, clen, &component);
    if (ret == 0)
        ret = nx_call_string(&c, tptr, tlen, NX_MAX_NAME_BYTES, NX_STRING_NAME, "a view command type", &type);
    if (ret == 0)
        ret = nx_call_value(&c, aptr, alen, "view command arguments", &args);
    size_t component_len = component ? clen : 0;
    if (ret == 0)
        ret = nx_call_input(&c, "Ssv", component, component_len, type, (size_t)tlen, args, (size_t)alen);
    if (ret == 0)
        ret = check_permission(&c, component, clen);
    if (ret == 0 && c.exec->view_commands >= c.exec->limits.max_view_commands)
        ret = nx_call_fail(&c, NX_E_RESOURCE_LIMIT, "more than %u view commands",
                           c.exec->limits.max_view_commands);
    if (ret == 0)
        ret = nx_call_charge(&c, component_len + tlen + alen);
    if (ret == 0) {
        c.exec->view_commands++;
        if (nx_result_add_view_command(c.exec->out, component, component_len, type, tlen,
                                       args, alen) != NX_OK)
            ret = nx_call_fail(&c, NX_E_INTERNAL_ERROR, "out of memory");
    }
    return nx_call_end(&c, ret);
}
