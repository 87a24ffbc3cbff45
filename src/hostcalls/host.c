/* host.c - $host host calls: custom interfaces the embedder registered
 * (nx_runtime_register_interface), called synchronously. Needs
 * host:INTERFACE (or host:*). A function's error reaches the interface's
 * error hook, then the handler as an Error with code EXECUTION_ERROR. */
#include <stdlib.h>
#include <string.h>

#include "hostcalls/boundary.h"
#include "hostcalls/reply.h"
#include "registry/registry.h"

u32 Z_nexusZ_host_list(struct Z_nexus_instance_t *ctx)
{
    return nx_call_listing(ctx->owner, "nexus:host", nx_registry_list_interfaces);
}

/* Calls the function b the registry found for iface.fn_name. */
static int32_t call_found(nx_call_t *c, const nx_host_binding_t *b, const char *iface,
                          uint32_t ilen, const char *fn_name, uint32_t flen, const uint8_t *args,
                          uint32_t alen)
{
    nx_exec_t *e = c->exec;
    if (!nx_caps_can_call_host(e->caps, iface, ilen))
        return nx_call_fail(c, NX_E_PERMISSION_DENIED, "permission denied: needs host:%.*s",
                            (int)ilen, iface);
    char *iface_z = strndup(iface, ilen), *fn_z = strndup(fn_name, flen);
    if (!iface_z || !fn_z) {
        free(iface_z);
        free(fn_z);
        return nx_call_fail(c, NX_E_INTERNAL_ERROR, "out of memory");
    }
    nx_ext_reply_t reply = { 0 };
    b->fn(nx_user_data_pointer(b->user), iface_z, fn_z, args, alen, &reply);
    int32_t ret;
    if (reply.is_error) {
        if (b->on_error)
            b->on_error(nx_user_data_pointer(b->error_user), iface_z, fn_z, reply.message);
        ret = nx_call_fail(c, NX_E_EXECUTION_ERROR, "%s.%s failed: %s", iface_z, fn_z, reply.message);
    } else if (reply.value_len > e->limits.max_value_bytes) {
        ret = nx_call_fail(c, NX_E_RESOURCE_LIMIT, "%s.%s returned more than %u bytes", iface_z, fn_z,
                           e->limits.max_value_bytes);
    } else {
        ret = reply.value_len ? nx_call_reply(c, reply.value, reply.value_len) : 0;
    }
    nx_ext_reply_clear(&reply);
    free(iface_z);
    free(fn_z);
    return ret;
}

static int32_t call_function(nx_call_t *c, const char *iface, uint32_t ilen, const char *fn_name,
                             uint32_t flen, const uint8_t *args, uint32_t alen)
{
    nx_host_binding_t b;
    nx_lookup_t found = nx_registry_find_function(c->exec->services.registry, iface, ilen, fn_name,
                                                  flen, &b);
    if (found == NX_LOOKUP_NO_OWNER)
        return nx_call_fail(c, NX_E_EXTENSION_NOT_FOUND, "no host interface named \"%.*s\"",
                            (int)ilen, iface);
    if (found == NX_LOOKUP_NO_MEMBER)
        return nx_call_fail(c, NX_E_METHOD_NOT_FOUND, "host interface \"%.*s\" has no function \"%.*s\"",
                            (int)ilen, iface, (int)flen, fn_name);
    int32_t ret = call_found(c, &b, iface, ilen, fn_name, flen, args, alen);
    nx_host_binding_release(&b);
    return ret;
}

u32 Z_nexusZ_host_call(struct Z_nexus_instance_t *ctx, u32 iptr, u32 ilen, u32 fptr, u32 flen,
                       u32 aptr, u32 alen)
{
    nx_call_t c;
    const char *iface, *fn;
    const uint8_t *args;
    int32_t ret = nx_call_begin(&c, ctx->owner, "nexus:host", "call", true);
    if (ret == 0)
        ret = nx_call_string(&c, iptr, ilen, NX_MAX_NAME_BYTES, NX_STRING_NAME, "an interface name", &iface);
    if (ret == 0)
        ret = nx_call_string(&c, fptr, flen, NX_MAX_NAME_BYTES, NX_STRING_NAME, "a function name", &fn);
    if (ret == 0)
        ret = nx_call_value(&c, aptr, alen, "host call arguments", &args);
    if (ret == 0)
        ret = nx_call_input(&c, "ssv", iface, (size_t)ilen, fn, (size_t)flen, args, (size_t)alen);
    const uint8_t *logged;
    size_t logged_len;
    if (ret == 0 && nx_call_from_log(&c, &ret, &logged, &logged_len))
        ret = nx_call_answer_logged(&c, ret, logged, logged_len);
    else if (ret == 0)
        ret = call_function(&c, iface, ilen, fn, flen, args, alen);
    return nx_call_end(&c, ret);
}
