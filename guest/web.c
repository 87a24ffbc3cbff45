/* web.c - the WebIDL shapes and conversions the web globals share (web.h). */
#include "web.h"

#include <string.h>

int web_define_interface(JSContext *ctx, const web_interface_t *iface, JSValueConst parent,
                         JSValue *proto_out)
{
    JSClassID id = 0;
    if (iface->class_def) {
        JS_NewClassID(iface->class_id);
        id = *iface->class_id;
        if (JS_NewClass(JS_GetRuntime(ctx), id, iface->class_def) < 0)
            return -1;
    }
    JSValue proto = JS_IsUndefined(parent) ? JS_NewObject(ctx) : JS_NewObjectProto(ctx, parent);
    if (JS_IsException(proto))
        return -1;
    JS_SetPropertyFunctionList(ctx, proto, iface->proto_funcs, iface->proto_count);
    if (id)
        JS_SetClassProto(ctx, id, JS_DupValue(ctx, proto));
    JSValue ctor = JS_NewCFunction2(ctx, iface->constructor, iface->name, iface->length,
                                    JS_CFUNC_constructor, 0);
    if (JS_IsException(ctor)) {
        JS_FreeValue(ctx, proto);
        return -1;
    }
    JS_SetConstructor(ctx, ctor, proto);
    if (iface->static_funcs)
        JS_SetPropertyFunctionList(ctx, ctor, iface->static_funcs, iface->static_count);
    JSValue g = JS_GetGlobalObject(ctx);
    int r = JS_DefinePropertyValueStr(ctx, g, iface->name, ctor,
                                      JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_FreeValue(ctx, g);
    if (proto_out)
        *proto_out = proto;
    else
        JS_FreeValue(ctx, proto);
    return r < 0 ? -1 : 0;
}

JSValue web_new_instance(JSContext *ctx, JSValueConst new_target, JSClassID class_id)
{
    JSValue proto = JS_GetPropertyStr(ctx, new_target, "prototype");
    if (JS_IsException(proto))
        return proto;
    JSValue obj = JS_IsObject(proto) ? JS_NewObjectProtoClass(ctx, proto, class_id)
                                     : JS_NewObjectClass(ctx, (int)class_id);
    JS_FreeValue(ctx, proto);
    return obj;
}

int web_define_globals(JSContext *ctx, const JSCFunctionListEntry *funcs, int count)
{
    JSValue g = JS_GetGlobalObject(ctx);
    JS_SetPropertyFunctionList(ctx, g, funcs, count);
    JS_FreeValue(ctx, g);
    return 0;
}

int web_require_args(JSContext *ctx, int argc, int need, const char *what)
{
    if (argc >= need)
        return 0;
    JS_ThrowTypeError(ctx, "%s: %d argument%s required, but only %d present", what, need,
                      need == 1 ? "" : "s", argc);
    return -1;
}

int web_dictionary(JSContext *ctx, JSValueConst v, const char *what)
{
    if (JS_IsUndefined(v) || JS_IsNull(v) || JS_IsObject(v))
        return 0;
    JS_ThrowTypeError(ctx, "%s: the options are not an object", what);
    return -1;
}

int web_dict_bool(JSContext *ctx, JSValueConst dict, const char *key, bool *out)
{
    *out = false;
    if (!JS_IsObject(dict))
        return 0;
    JSValue v = JS_GetPropertyStr(ctx, dict, key);
    int b = JS_IsException(v) ? -1 : JS_ToBool(ctx, v);
    JS_FreeValue(ctx, v);
    if (b < 0)
        return -1;
    *out = b;
    return 0;
}

JSValue web_new_uint8_array(JSContext *ctx, const uint8_t *bytes, size_t len)
{
    JSValue buffer = JS_NewArrayBufferCopy(ctx, bytes, len);
    if (JS_IsException(buffer))
        return buffer;
    JSValue a = JS_CallConstructor(ctx, bi.typed_ctor[TA_UINT8], 1, (JSValueConst *)&buffer);
    JS_FreeValue(ctx, buffer);
    return a;
}

/* The data of a buffer, NULL (and no exception) once detached. */
static uint8_t *buffer_data(JSContext *ctx, JSValueConst buffer, size_t *size)
{
    uint8_t *p = JS_GetArrayBuffer(ctx, size, buffer);
    if (!p) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        *size = 0;
    }
    return p;
}

int web_buffer_source(JSContext *ctx, JSValueConst v, uint8_t **bytes, size_t *len)
{
    JSClassID id = JS_GetObjectClassID(v);
    *bytes = NULL;
    *len = 0;
    if (id && (id == bi.class_array_buffer || id == bi.class_shared_array_buffer)) {
        *bytes = buffer_data(ctx, v, len);
        return 0;
    }
    size_t offset, length, size;
    JSValue buffer;
    if (bi_typed_kind(v) >= 0) {
        size_t per_element;
        buffer = JS_GetTypedArrayBuffer(ctx, v, &offset, &length, &per_element);
        if (JS_IsException(buffer)) { /* detached: QuickJS refuses to say more */
            JS_FreeValue(ctx, JS_GetException(ctx));
            return 0;
        }
    } else if (id && id == bi.class_dataview) {
        double o = 0, l = 0;
        JSValue vo = JS_Call(ctx, bi.dataview_offset, v, 0, NULL);
        JSValue vl = JS_Call(ctx, bi.dataview_length, v, 0, NULL);
        /* both throw once detached: then it has no bytes */
        if (JS_IsException(vo) || JS_IsException(vl) || JS_ToFloat64(ctx, &o, vo) ||
            JS_ToFloat64(ctx, &l, vl)) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            o = l = 0;
        }
        JS_FreeValue(ctx, vo);
        JS_FreeValue(ctx, vl);
        offset = (size_t)o;
        length = (size_t)l;
        buffer = JS_Call(ctx, bi.dataview_buffer, v, 0, NULL);
    } else {
        JS_ThrowTypeError(ctx, "not an ArrayBuffer or ArrayBufferView");
        return -1;
    }
    if (JS_IsException(buffer))
        return -1;
    uint8_t *data = buffer_data(ctx, buffer, &size);
    JS_FreeValue(ctx, buffer);
    if (data && offset <= size && length <= size - offset) {
        *bytes = data + offset;
        *len = length;
    }
    return 0;
}

size_t web_put_utf8(uint8_t *out, uint32_t c)
{
    if (c < 0x80) {
        out[0] = (uint8_t)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (uint8_t)(0xc0 | (c >> 6));
        out[1] = (uint8_t)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (uint8_t)(0xe0 | (c >> 12));
        out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (uint8_t)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (uint8_t)(0xf0 | (c >> 18));
    out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
    out[3] = (uint8_t)(0x80 | (c & 0x3f));
    return 4;
}
