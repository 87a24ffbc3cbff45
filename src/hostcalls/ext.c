/* ext.c - $ext host calls: the listing of registered extensions, and
 * calls to them. A call to an unknown extension or method fails with
 * EXTENSION_NOT_FOUND / METHOD_NOT_FOUND; without ext:NAME (or ext:*)
 * with PERMISSION_DENIED. The embedder's callback answers at once or
 * defers; a deferred call becomes a pending suspension of the execution.
 * Reply: [NX_EXT_VALUE, id, value] | [NX_EXT_ERROR, id, message] |
 * [NX_EXT_DEFERRED, id] (guest/abi.h). */
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#include "common/msgpack_io.h"
#include "hostcalls/boundary.h"
#include "hostcalls/reply.h"
#include "record/recorder.h"
#include "common/ids.h"
#include "registry/registry.h"

u32 Z_nexusZ_ext_list(struct Z_nexus_instance_t *ctx)
{
    return nx_call_listing(ctx->owner, "nexus:ext", nx_registry_list_extensions);
}

static int32_t reply_outcome(nx_call_t *c, int kind, const char *id, const nx_ext_reply_t *r)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, kind == NX_EXT_DEFERRED ? 2 : 3);
    msgpack_pack_uint32(&pk, (uint32_t)kind);
    msgpack_pack_str_with_body(&pk, id, strlen(id));
    if (kind == NX_EXT_ERROR)
        msgpack_pack_str_with_body(&pk, r->message, strlen(r->message));
    else if (kind == NX_EXT_VALUE && r->value_len)
        msgpack_sbuffer_write(&sb, (const char *)r->value, r->value_len);
    else if (kind == NX_EXT_VALUE)
        msgpack_pack_nil(&pk);
    int32_t ret = sb.data ? nx_call_reply(c, (const uint8_t *)sb.data, sb.size)
                          : nx_call_fail(c, NX_E_INTERNAL_ERROR, "out of memory");
    msgpack_sbuffer_destroy(&sb);
    return ret;
}

static int32_t call_extension(nx_call_t *c, const char *ext, uint32_t elen, const char *method,
                              uint32_t mlen, const uint8_t *args, uint32_t alen)
{
    nx_exec_t *e = c->exec;
    nx_ext_fn fn = NULL;
    nx_user_data_t *user = NULL;
    nx_lookup_t found = nx_registry_find_method(e->services.registry, ext, elen, method, mlen, &fn, &user);
    if (found == NX_LOOKUP_NO_OWNER)
        return nx_call_fail(c, NX_E_EXTENSION_NOT_FOUND, "no extension named \"%.*s\"", (int)elen, ext);
    if (found == NX_LOOKUP_NO_MEMBER)
        return nx_call_fail(c, NX_E_METHOD_NOT_FOUND, "extension \"%.*s\" has no method \"%.*s\"",
                            (int)elen, ext, (int)mlen, method);
    if (!nx_caps_can_access_extension(e->caps, ext, elen)) {
        nx_user_data_release(user);
        return nx_call_fail(c, NX_E_PERMISSION_DENIED, "permission denied: needs ext:%.*s", (int)elen, ext);
    }

    char id[NX_ID_BYTES];
    nx_ids_new_call(e->services.ids, e->key, id);
    char *ext_z = strndup(ext, elen), *method_z = strndup(method, mlen);
    nx_ext_reply_t reply = { 0 };
    if (fn && ext_z && method_z) {
        nx_ext_call_t call = { id, ext_z, method_z, args, alen };
        fn(nx_user_data_pointer(user), &call, &reply);
    }
    nx_user_data_release(user);
    free(ext_z);
    free(method_z);
    int32_t ret;
    if (reply.answered && !reply.is_error && reply.value_len > e->limits.max_value_bytes) {
        ret = nx_call_fail(c, NX_E_RESOURCE_LIMIT, "%.*s.%.*s answered with %zu bytes, over the %u-byte value limit",
                           (int)elen, ext, (int)mlen, method, reply.value_len, e->limits.max_value_bytes);
    } else if (reply.answered) {
        ret = reply_outcome(c, reply.is_error ? NX_EXT_ERROR : NX_EXT_VALUE, id, &reply);
    } else if ((ret = nx_call_charge(c, (size_t)elen + mlen + alen)) != 0) {
        /* the host keeps a deferred call's arguments: they count */
    } else if (!nx_exec_add_pending(e, id, ext, elen, method, mlen, args, alen)) {
        ret = nx_call_fail(c, NX_E_INTERNAL_ERROR, "out of memory");
    } else {
        ret = reply_outcome(c, NX_EXT_DEFERRED, id, &reply);
    }
    nx_ext_reply_clear(&reply);
    return ret;
}

/* Replaying: the logged answer, and the deferred call under its logged id. */
static int32_t replay_extension(nx_call_t *c, int32_t ret, const uint8_t *out, size_t len,
                                const char *ext, uint32_t elen, const char *method, uint32_t mlen,
                                const uint8_t *args, uint32_t alen)
{
    if (ret >= 0) {
        msgpack_zone zone;
        msgpack_zone_init(&zone, 256);
        msgpack_object o;
        bool deferred = nx_unpack_checked(out, len, &zone, &o) &&
                        o.type == MSGPACK_OBJECT_ARRAY && o.via.array.size == 2 &&
                        o.via.array.ptr[0].type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
                        o.via.array.ptr[0].via.u64 == NX_EXT_DEFERRED &&
                        o.via.array.ptr[1].type == MSGPACK_OBJECT_STR && o.via.array.ptr[1].via.str.size < 40;
        char id[40] = "";
        if (deferred)
            memcpy(id, o.via.array.ptr[1].via.str.ptr, o.via.array.ptr[1].via.str.size);
        msgpack_zone_destroy(&zone);
        /* an id that is not one, or one the execution already waits on, is
         * not what a recording of it can hold (the ids are the recorded
         * execution's: the replaying one has another key) */
        char key[NX_EXEC_KEY_BYTES];
        if (deferred && (!nx_ids_execution_of(id, key) || nx_exec_find_pending(c->exec, id))) {
            nx_recorder_diverge(c->exec->recorder, "the recording gives a deferred call an id it cannot have");
            return nx_call_fail(c, NX_E_INVALID_HANDLER, "replay diverged");
        }
        if (deferred && !nx_exec_add_pending(c->exec, id, ext, elen, method, mlen, args, alen))
            return nx_call_fail(c, NX_E_INTERNAL_ERROR, "out of memory");
    }
    return nx_call_answer_logged(c, ret, out, len);
}

u32 Z_nexusZ_ext_call(struct Z_nexus_instance_t *ctx, u32 eptr, u32 elen, u32 mptr, u32 mlen,
                      u32 aptr, u32 alen)
{
    nx_call_t c;
    const char *ext, *method;
    const uint8_t *args;
    int32_t ret = nx_call_begin(&c, ctx->owner, "nexus:ext", "call", true);
    if (ret == 0)
        ret = nx_call_string(&c, eptr, elen, NX_MAX_NAME_BYTES, NX_STRING_NAME, "an extension name", &ext);
    if (ret == 0)
        ret = nx_call_string(&c, mptr, mlen, NX_MAX_NAME_BYTES, NX_STRING_NAME, "a method name", &method);
    if (ret == 0)
        ret = nx_call_value(&c, aptr, alen, "extension call arguments", &args);
    if (ret == 0)
        ret = nx_call_input(&c, "ssv", ext, (size_t)elen, method, (size_t)mlen, args, (size_t)alen);
    const uint8_t *logged;
    size_t logged_len;
    if (ret == 0 && nx_call_from_log(&c, &ret, &logged, &logged_len))
        ret = replay_extension(&c, ret, logged, logged_len, ext, elen, method, mlen, args, alen);
    else if (ret == 0)
        ret = call_extension(&c, ext, elen, method, mlen, args, alen);
    return nx_call_end(&c, ret);
}
