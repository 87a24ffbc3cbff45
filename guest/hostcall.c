/* hostcall.c - turning the host's replies into values and errors. */
#include "hostcall.h"

#include <stdlib.h>

#include "codec.h"
#include "mpack.h"

uint8_t nx_reply_buffer[NX_ABI_REPLY_CAPACITY] __attribute__((aligned(16)));

const char *hostcall_code_name(int code)
{
    switch (code) {
    case NX_HC_PERMISSION_DENIED: return "PERMISSION_DENIED";
    case NX_HC_EXECUTION_ERROR: return "EXECUTION_ERROR";
    case NX_HC_RESOURCE_LIMIT: return "RESOURCE_LIMIT";
    case NX_HC_SERIALIZATION_ERROR: return "SERIALIZATION_ERROR";
    case NX_HC_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case NX_HC_EXTENSION_NOT_FOUND: return "EXTENSION_NOT_FOUND";
    case NX_HC_METHOD_NOT_FOUND: return "METHOD_NOT_FOUND";
    default: return "INTERNAL_ERROR";
    }
}

static JSValue throw_host_error(JSContext *ctx, int code)
{
    mp_reader_t r = { nx_reply_buffer, nx_reply_buffer + sizeof nx_reply_buffer };
    mp_item_t it;
    if (mp_read(&r, &it) && it.type == MP_STR)
        return codec_throw_coded(ctx, hostcall_code_name(code), "%.*s", (int)it.len,
                                 (const char *)it.p);
    return codec_throw_coded(ctx, hostcall_code_name(code), "host call failed");
}

JSValue hostcall_reply(JSContext *ctx, int32_t ret, const uint8_t **bytes,
                       uint32_t *len, uint8_t **owned)
{
    *owned = NULL;
    *bytes = nx_reply_buffer;
    *len = 0;
    if (ret < 0)
        return throw_host_error(ctx, -ret);
    if ((uint32_t)ret <= NX_ABI_REPLY_CAPACITY) {
        *len = (uint32_t)ret;
        return JS_UNDEFINED;
    }
    /* too large for the reply buffer: fetch it into a heap copy */
    uint8_t *p = malloc((size_t)ret);
    if (!p)
        return JS_ThrowOutOfMemory(ctx);
    int32_t got = nx_host_reply_read(p, (uint32_t)ret);
    if (got != ret) {
        free(p);
        return codec_throw_coded(ctx, "INTERNAL_ERROR", "host reply lost");
    }
    *owned = p;
    *bytes = p;
    *len = (uint32_t)ret;
    return JS_UNDEFINED;
}

JSValue hostcall_value(JSContext *ctx, int32_t ret)
{
    const uint8_t *bytes;
    uint32_t len;
    uint8_t *owned;
    JSValue r = hostcall_reply(ctx, ret, &bytes, &len, &owned);
    if (JS_IsException(r))
        return r;
    if (len == 0)
        return JS_UNDEFINED;
    mp_reader_t reader = { bytes, bytes + len };
    JSValue v = codec_decode(ctx, &reader);
    free(owned);
    return v;
}
