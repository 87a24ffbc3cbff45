/* codec.c - JSValue <-> MessagePack (see codec.h for the mapping). */
#include "codec.h"
#include "meter.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SAFE_INTEGER 9007199254740991.0

/* Intrinsics captured at init, before handler code can replace globals. */
static JSValue g_date_ctor, g_date_get_time, g_array_buffer_ctor;
static JSValue g_typed_array_ctor, g_data_view_ctor, g_uint8_array_ctor;
static JSValue g_object_freeze;

static JSValue get_path(JSContext *ctx, JSValueConst obj, const char *name)
{
    return JS_GetPropertyStr(ctx, obj, name);
}

int codec_init(JSContext *ctx)
{
    JSValue global = JS_GetGlobalObject(ctx);
    g_date_ctor = get_path(ctx, global, "Date");
    JSValue date_proto = get_path(ctx, g_date_ctor, "prototype");
    g_date_get_time = get_path(ctx, date_proto, "getTime");
    JS_FreeValue(ctx, date_proto);
    g_array_buffer_ctor = get_path(ctx, global, "ArrayBuffer");
    g_uint8_array_ctor = get_path(ctx, global, "Uint8Array");
    g_typed_array_ctor = JS_GetPrototype(ctx, g_uint8_array_ctor);
    g_typed_array_ctor = JS_DupValue(ctx, g_typed_array_ctor);
    g_data_view_ctor = get_path(ctx, global, "DataView");
    JSValue object_ctor = get_path(ctx, global, "Object");
    g_object_freeze = get_path(ctx, object_ctor, "freeze");
    JS_FreeValue(ctx, object_ctor);
    JS_FreeValue(ctx, global);
    return JS_IsFunction(ctx, g_date_get_time) && JS_IsFunction(ctx, g_object_freeze) ? 0 : -1;
}

JSValue codec_throw_coded(JSContext *ctx, const char *code, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    JSValue err = JS_NewError(ctx);
    JS_DefinePropertyValueStr(ctx, err, "message", JS_NewString(ctx, msg),
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_DefinePropertyValueStr(ctx, err, "code", JS_NewString(ctx, code),
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE | JS_PROP_ENUMERABLE);
    return JS_Throw(ctx, err);
}

#define SERIALIZATION "SERIALIZATION_ERROR"

typedef struct encoder {
    JSContext *ctx;
    mp_writer_t *w;
    void *path[NX_CODEC_MAX_DEPTH]; /* objects being encoded, for cycles */
    int depth;
} encoder_t;

static int encode_value(encoder_t *e, JSValueConst v);

void codec_replace_lone_surrogates(uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 2 < len; i++) {
        if (p[i] == 0xed && p[i + 1] >= 0xa0) {
            p[i] = 0xef;
            p[i + 1] = 0xbf;
            p[i + 2] = 0xbd;
            i += 2;
        }
    }
}

static int encode_string(encoder_t *e, JSValueConst v)
{
    size_t len;
    const char *s = JS_ToCStringLen(e->ctx, &len, v);
    if (!s)
        return -1;
    mp_write_str(e->w, s, len);
    JS_FreeCString(e->ctx, s);
    if (!mp_writer_failed(e->w))
        codec_replace_lone_surrogates(e->w->data + e->w->len - len, len);
    return 0;
}

static void encode_number(encoder_t *e, double d)
{
    if (d == trunc(d) && fabs(d) <= MAX_SAFE_INTEGER && !(d == 0 && signbit(d)))
        mp_write_int(e->w, (int64_t)d);
    else
        mp_write_double(e->w, d);
}

static int encode_bigint(encoder_t *e, JSValueConst v)
{
    const char *s = JS_ToCString(e->ctx, v);
    if (!s)
        return -1;
    char *end;
    errno = 0;
    int ok;
    if (s[0] == '-') {
        long long x = strtoll(s, &end, 10);
        ok = errno == 0 && *end == '\0';
        if (ok)
            mp_write_int(e->w, x);
    } else {
        unsigned long long x = strtoull(s, &end, 10);
        ok = errno == 0 && *end == '\0';
        if (ok)
            mp_write_uint(e->w, x);
    }
    JS_FreeCString(e->ctx, s);
    if (!ok) {
        codec_throw_coded(e->ctx, SERIALIZATION, "a BigInt outside 64 bits cannot cross the boundary");
        return -1;
    }
    return 0;
}

static int is_instance(JSContext *ctx, JSValueConst v, JSValueConst ctor)
{
    return JS_IsInstanceOf(ctx, v, ctor) > 0;
}

static int encode_date(encoder_t *e, JSValueConst v)
{
    JSValue t = JS_Call(e->ctx, g_date_get_time, v, 0, NULL);
    if (JS_IsException(t))
        return -1;
    double ms;
    JS_ToFloat64(e->ctx, &ms, t);
    JS_FreeValue(e->ctx, t);
    if (!isfinite(ms)) {
        mp_write_nil(e->w);
        return 0;
    }
    double sec = floor(ms / 1000.0);
    uint32_t nsec = (uint32_t)((ms - sec * 1000.0) * 1e6);
    mp_write_timestamp(e->w, (int64_t)sec, nsec);
    return 0;
}

static int get_size_prop(JSContext *ctx, JSValueConst obj, const char *name, int64_t *out)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, name);
    int r = JS_ToInt64(ctx, out, v);
    JS_FreeValue(ctx, v);
    return r;
}

static int encode_binary(encoder_t *e, JSValueConst v, int is_view)
{
    JSContext *ctx = e->ctx;
    size_t size;
    if (!is_view) {
        uint8_t *p = JS_GetArrayBuffer(ctx, &size, v);
        if (!p)
            return -1;
        mp_write_bin(e->w, p, size);
        return 0;
    }
    /* typed arrays and DataViews alike expose buffer/byteOffset/byteLength */
    int64_t offset, length;
    JSValue buf = JS_GetPropertyStr(ctx, v, "buffer");
    if (JS_IsException(buf) || get_size_prop(ctx, v, "byteOffset", &offset) ||
        get_size_prop(ctx, v, "byteLength", &length)) {
        JS_FreeValue(ctx, buf);
        return -1;
    }
    uint8_t *p = JS_GetArrayBuffer(ctx, &size, buf);
    JS_FreeValue(ctx, buf);
    if (!p)
        return -1;
    if (offset < 0 || length < 0 || (uint64_t)offset + (uint64_t)length > size) {
        codec_throw_coded(ctx, SERIALIZATION, "a detached or out-of-range view cannot cross the boundary");
        return -1;
    }
    mp_write_bin(e->w, p + offset, (size_t)length);
    return 0;
}

static int encode_array(encoder_t *e, JSValueConst v)
{
    int64_t len;
    if (get_size_prop(e->ctx, v, "length", &len))
        return -1;
    if (len < 0 || len > 0xffffffffll) {
        codec_throw_coded(e->ctx, SERIALIZATION, "array too long to cross the boundary");
        return -1;
    }
    mp_write_array(e->w, (uint32_t)len);
    for (uint32_t i = 0; i < (uint32_t)len; i++) {
        JSValue item = JS_GetPropertyUint32(e->ctx, v, i);
        if (JS_IsException(item))
            return -1;
        int r = JS_IsUndefined(item) ? (mp_write_nil(e->w), 0) : encode_value(e, item);
        JS_FreeValue(e->ctx, item);
        if (r)
            return -1;
        if (mp_writer_failed(e->w))
            break; /* a sparse array of 2^32-1 holes stops at the limit */
    }
    return 0;
}

static int encode_object_members(encoder_t *e, JSValueConst v)
{
    JSContext *ctx = e->ctx;
    JSPropertyEnum *tab;
    uint32_t n;
    if (JS_GetOwnPropertyNames(ctx, &tab, &n, v, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY))
        return -1;
    int r = 0;
    uint32_t written = 0;
    size_t header = mp_write_map_placeholder(e->w);
    for (uint32_t i = 0; i < n && r == 0 && !mp_writer_failed(e->w); i++) {
        JSValue item = JS_GetProperty(ctx, v, tab[i].atom);
        if (JS_IsException(item)) {
            r = -1;
            break;
        }
        if (!JS_IsUndefined(item)) {
            JSValue key = JS_AtomToString(ctx, tab[i].atom);
            r = JS_IsException(key) ? -1 : encode_string(e, key);
            JS_FreeValue(ctx, key);
            if (r == 0)
                r = encode_value(e, item);
            written++;
        }
        JS_FreeValue(ctx, item);
    }
    for (uint32_t i = 0; i < n; i++)
        JS_FreeAtom(ctx, tab[i].atom);
    js_free(ctx, tab);
    mp_patch_map(e->w, header, written);
    return r;
}

static int encode_object(encoder_t *e, JSValueConst v)
{
    JSContext *ctx = e->ctx;
    if (JS_IsFunction(ctx, v)) {
        codec_throw_coded(ctx, SERIALIZATION, "a function cannot cross the boundary");
        return -1;
    }
    void *ptr = JS_VALUE_GET_PTR(v);
    for (int i = 0; i < e->depth; i++) {
        if (e->path[i] == ptr) {
            codec_throw_coded(ctx, SERIALIZATION, "a cyclic value cannot cross the boundary");
            return -1;
        }
    }
    if (e->depth >= NX_CODEC_MAX_DEPTH) {
        codec_throw_coded(ctx, SERIALIZATION, "values nested deeper than %d levels cannot cross the boundary",
                          NX_CODEC_MAX_DEPTH);
        return -1;
    }
    if (is_instance(ctx, v, g_date_ctor))
        return encode_date(e, v);
    if (is_instance(ctx, v, g_array_buffer_ctor))
        return encode_binary(e, v, 0);
    if (is_instance(ctx, v, g_typed_array_ctor) || is_instance(ctx, v, g_data_view_ctor))
        return encode_binary(e, v, 1);

    e->path[e->depth++] = ptr;
    int isarr = JS_IsArray(ctx, v);
    int r = isarr < 0 ? -1 : isarr ? encode_array(e, v) : encode_object_members(e, v);
    e->depth--;
    return r;
}

static int encode_value(encoder_t *e, JSValueConst v)
{
    switch (JS_VALUE_GET_NORM_TAG(v)) {
    case JS_TAG_NULL:
    case JS_TAG_UNDEFINED:
        mp_write_nil(e->w);
        return 0;
    case JS_TAG_BOOL:
        mp_write_bool(e->w, JS_VALUE_GET_BOOL(v));
        return 0;
    case JS_TAG_INT:
        mp_write_int(e->w, JS_VALUE_GET_INT(v));
        return 0;
    case JS_TAG_FLOAT64:
        encode_number(e, JS_VALUE_GET_FLOAT64(v));
        return 0;
    case JS_TAG_STRING:
        return encode_string(e, v);
    case JS_TAG_BIG_INT:
        return encode_bigint(e, v);
    case JS_TAG_SYMBOL:
        codec_throw_coded(e->ctx, SERIALIZATION, "a Symbol cannot cross the boundary");
        return -1;
    case JS_TAG_OBJECT:
        return encode_object(e, v);
    default:
        codec_throw_coded(e->ctx, SERIALIZATION, "this value cannot cross the boundary");
        return -1;
    }
}

int codec_encode(JSContext *ctx, JSValueConst v, mp_writer_t *w, const char *what)
{
    encoder_t e = { .ctx = ctx, .w = w, .depth = 0 };
    /* stop as soon as the value passes the host's limit, which would refuse
     * it anyway: encoding all of a huge value first costs time and memory */
    w->limit = w->len + nx_value_limit;
    if (encode_value(&e, v))
        return -1;
    if (w->over_limit) {
        codec_throw_coded(ctx, "RESOURCE_LIMIT", "%s: over the %u-byte limit", what,
                          (unsigned)nx_value_limit);
        return -1;
    }
    if (w->oom) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    return 0;
}

static JSValue decode_at(JSContext *ctx, mp_reader_t *r, int depth, bool frozen);

static JSValue decode_bad(JSContext *ctx)
{
    return codec_throw_coded(ctx, SERIALIZATION, "malformed value from the host");
}

/* Finishes freezing obj: its properties are already read-only if
 * read_only_props, else Object.freeze does it all. */
static int freeze(JSContext *ctx, JSValueConst obj, bool read_only_props)
{
    if (read_only_props)
        return JS_PreventExtensions(ctx, obj) < 0 ? -1 : 0;
    JSValue r = JS_Call(ctx, g_object_freeze, JS_UNDEFINED, 1, &obj);
    int rc = JS_IsException(r) ? -1 : 0;
    JS_FreeValue(ctx, r);
    return rc;
}

/* Frozen: an object is built frozen (read-only, fixed-shape properties,
 * then no extensions), which costs far less than Object.freeze after the
 * fact; an array is frozen by Object.freeze, which also fixes its length. */
static JSValue decode_container(JSContext *ctx, mp_reader_t *r, const mp_item_t *it, int depth,
                                bool frozen)
{
    if (depth >= NX_CODEC_MAX_DEPTH)
        return decode_bad(ctx);
    int is_map = it->type == MP_MAP;
    JSValue obj = is_map ? JS_NewObject(ctx) : JS_NewArray(ctx);
    if (JS_IsException(obj))
        return obj;
    for (uint32_t i = 0; i < it->len; i++) {
        JSAtom atom = JS_ATOM_NULL;
        if (is_map) {
            mp_item_t key;
            if (!mp_read(r, &key) || key.type != MP_STR) {
                JS_FreeValue(ctx, obj);
                return decode_bad(ctx);
            }
            atom = JS_NewAtomLen(ctx, (const char *)key.p, key.len);
        } else {
            atom = JS_NewAtomUInt32(ctx, i);
        }
        JSValue item = decode_at(ctx, r, depth + 1, frozen);
        if (JS_IsException(item) || atom == JS_ATOM_NULL) {
            JS_FreeAtom(ctx, atom);
            JS_FreeValue(ctx, item);
            JS_FreeValue(ctx, obj);
            return JS_EXCEPTION;
        }
        /* define, never set: a key named __proto__ stays an own property */
        int flags = frozen && is_map ? JS_PROP_ENUMERABLE : JS_PROP_C_W_E;
        int ok = JS_DefinePropertyValue(ctx, obj, atom, item, flags);
        JS_FreeAtom(ctx, atom);
        if (ok < 0) {
            JS_FreeValue(ctx, obj);
            return JS_EXCEPTION;
        }
    }
    if (frozen && freeze(ctx, obj, is_map) < 0) {
        JS_FreeValue(ctx, obj);
        return JS_EXCEPTION;
    }
    return obj;
}

static JSValue decode_at(JSContext *ctx, mp_reader_t *r, int depth, bool frozen)
{
    mp_item_t it;
    if (!mp_read(r, &it))
        return decode_bad(ctx);
    switch (it.type) {
    case MP_NIL: return JS_NULL;
    case MP_BOOL: return JS_NewBool(ctx, it.b);
    case MP_INT:
        if (it.i >= -(int64_t)MAX_SAFE_INTEGER)
            return JS_NewInt64(ctx, it.i);
        return JS_NewBigInt64(ctx, it.i);
    case MP_UINT:
        if (it.u <= (uint64_t)MAX_SAFE_INTEGER)
            return JS_NewInt64(ctx, (int64_t)it.u);
        return JS_NewBigUint64(ctx, it.u);
    case MP_DOUBLE: return JS_NewFloat64(ctx, it.d);
    case MP_STR: return JS_NewStringLen(ctx, (const char *)it.p, it.len);
    case MP_BIN: {
        JSValue buf = JS_NewArrayBufferCopy(ctx, it.p, it.len);
        if (JS_IsException(buf))
            return buf;
        JSValue arr = JS_CallConstructor(ctx, g_uint8_array_ctor, 1, (JSValueConst *)&buf);
        JS_FreeValue(ctx, buf);
        return arr;
    }
    case MP_TIMESTAMP: {
        JSValue ms = JS_NewFloat64(ctx, (double)it.sec * 1000.0 + it.nsec / 1e6);
        JSValue d = JS_CallConstructor(ctx, g_date_ctor, 1, (JSValueConst *)&ms);
        JS_FreeValue(ctx, ms);
        /* a Date has no own properties: frozen is not extensible */
        if (frozen && !JS_IsException(d) && JS_PreventExtensions(ctx, d) < 0) {
            JS_FreeValue(ctx, d);
            return JS_EXCEPTION;
        }
        return d;
    }
    case MP_ARRAY:
    case MP_MAP:
        return decode_container(ctx, r, &it, depth, frozen);
    default:
        return decode_bad(ctx);
    }
}

JSValue codec_decode(JSContext *ctx, mp_reader_t *r)
{
    return decode_at(ctx, r, 0, false);
}

JSValue codec_decode_frozen(JSContext *ctx, mp_reader_t *r)
{
    return decode_at(ctx, r, 0, true);
}
