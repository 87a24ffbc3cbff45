/* web_clone.c - structuredClone (HTML): a deep copy that keeps shared and
 * cyclic references, of what the structured clone algorithm serialises:
 * primitives (not symbols), Boolean/Number/String/BigInt objects, Date,
 * RegExp, ArrayBuffer, typed arrays and DataView, Map, Set, the Error
 * types, arrays and plain objects (own enumerable string keys, read
 * through Get, so getters run). Anything else (functions, symbols,
 * proxies, the handler API's objects, SharedArrayBuffer, promises, weak
 * collections) is a DataCloneError DOMException. {transfer: [buffers]}
 * moves ArrayBuffers into the clone and detaches the originals.
 *
 * Serialising and deserialising happen in one walk: the second half of
 * the algorithm runs no code a handler wrote, so it cannot tell. */
#include "web.h"

#include <stdio.h>
#include <string.h>

/* Deeper structures throw a RangeError, as an exhausted stack would. */
#define CLONE_MAX_DEPTH 1000

typedef struct cloner {
    JSValue memory; /* Map: original object -> its clone */
    JSValue *transfer;  /* the transferred buffers, then their new ones */
    uint32_t transfer_count;
    int depth;
} cloner_t;

static JSValue clone_value(JSContext *ctx, cloner_t *c, JSValueConst v);

static JSValue data_clone_error(JSContext *ctx, const char *what)
{
    char message[96];
    snprintf(message, sizeof message, "structuredClone: %s cannot be cloned", what);
    return web_throw_dom(ctx, "DataCloneError", message);
}

static int remember(JSContext *ctx, cloner_t *c, JSValueConst original, JSValueConst copy)
{
    JSValueConst args[2] = { original, copy };
    JSValue r = JS_Call(ctx, bi.map_set, c->memory, 2, args);
    int failed = JS_IsException(r);
    JS_FreeValue(ctx, r);
    return failed ? -1 : 0;
}

/* Object(prim): the wrapper of a primitive. */
static JSValue wrap(JSContext *ctx, JSValue prim)
{
    if (JS_IsException(prim))
        return prim;
    JSValue w = JS_Call(ctx, bi.object_ctor, JS_UNDEFINED, 1, (JSValueConst *)&prim);
    JS_FreeValue(ctx, prim);
    return w;
}

static JSValue clone_regexp(JSContext *ctx, JSValueConst v)
{
    static const char letters[7] = { 'd', 'g', 'i', 'm', 's', 'u', 'y' };
    char flags[8];
    int n = 0;
    for (int i = 0; i < 7; i++) {
        JSValue f = JS_Call(ctx, bi.regexp_flag[i], v, 0, NULL);
        if (JS_ToBool(ctx, f) > 0)
            flags[n++] = letters[i];
        JS_FreeValue(ctx, f);
    }
    JSValue args[2] = { JS_Call(ctx, bi.regexp_source, v, 0, NULL), JS_NewStringLen(ctx, flags, (size_t)n) };
    JSValue r = JS_IsException(args[0]) ? JS_EXCEPTION
                                        : JS_CallConstructor(ctx, bi.regexp_ctor, 2, (JSValueConst *)args);
    JS_FreeValue(ctx, args[0]);
    JS_FreeValue(ctx, args[1]);
    return r;
}

static JSValue clone_buffer(JSContext *ctx, JSValueConst v)
{
    size_t size;
    uint8_t *data = JS_GetArrayBuffer(ctx, &size, v);
    if (!data) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return data_clone_error(ctx, "a detached ArrayBuffer");
    }
    return JS_NewArrayBufferCopy(ctx, data, size);
}

static JSValue clone_view(JSContext *ctx, cloner_t *c, JSValueConst v, int kind)
{
    size_t offset, length, per_element = 1;
    JSValue buffer;
    if (kind >= 0) {
        buffer = JS_GetTypedArrayBuffer(ctx, v, &offset, &length, &per_element);
        if (JS_IsException(buffer)) { /* its buffer is detached */
            JS_FreeValue(ctx, JS_GetException(ctx));
            return data_clone_error(ctx, "a view of a detached ArrayBuffer");
        }
    } else {
        buffer = JS_Call(ctx, bi.dataview_buffer, v, 0, NULL);
        offset = length = 0;
    }
    JSValue copy = JS_IsException(buffer) ? JS_EXCEPTION : clone_value(ctx, c, buffer);
    JS_FreeValue(ctx, buffer);
    if (JS_IsException(copy))
        return copy;
    if (kind < 0) { /* the buffer is live: these do not throw */
        double o = 0, l = 0;
        JSValue vo = JS_Call(ctx, bi.dataview_offset, v, 0, NULL);
        JSValue vl = JS_Call(ctx, bi.dataview_length, v, 0, NULL);
        JS_ToFloat64(ctx, &o, vo);
        JS_ToFloat64(ctx, &l, vl);
        JS_FreeValue(ctx, vo);
        JS_FreeValue(ctx, vl);
        offset = (size_t)o;
        length = (size_t)l;
    }
    JSValue args[3] = { copy, JS_NewInt64(ctx, (int64_t)offset),
                        JS_NewInt64(ctx, (int64_t)(length / per_element)) };
    JSValue r = JS_CallConstructor(ctx, kind >= 0 ? bi.typed_ctor[kind] : bi.dataview_ctor, 3,
                                   (JSValueConst *)args);
    JS_FreeValue(ctx, copy);
    return r;
}

static JSValue clone_error(JSContext *ctx, JSValueConst v)
{
    static const char *const names[7] = {
        "Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError",
    };
    JSValue name = JS_GetProperty(ctx, v, bi.atom_name);
    if (JS_IsException(name))
        return name;
    int which = 0;
    const char *s = JS_IsString(name) ? JS_ToCString(ctx, name) : NULL;
    for (int i = 0; s && i < 7; i++)
        if (strcmp(s, names[i]) == 0)
            which = i;
    JS_FreeCString(ctx, s);
    JS_FreeValue(ctx, name);
    JSPropertyDescriptor d;
    int has = JS_GetOwnProperty(ctx, &d, v, bi.atom_message);
    if (has < 0)
        return JS_EXCEPTION;
    JSValue message = JS_UNDEFINED;
    if (has) {
        bool is_data = !(d.flags & JS_PROP_GETSET);
        if (is_data)
            message = JS_ToString(ctx, d.value);
        JS_FreeValue(ctx, d.value);
        JS_FreeValue(ctx, d.getter);
        JS_FreeValue(ctx, d.setter);
        if (JS_IsException(message))
            return message;
    }
    JSValue e = JS_CallConstructor(ctx, bi.error_ctors[which], JS_IsUndefined(message) ? 0 : 1,
                                   (JSValueConst *)&message);
    JS_FreeValue(ctx, message);
    /* the stack the original was thrown with, not where it was cloned */
    JSAtom stack = JS_NewAtom(ctx, "stack");
    if (!JS_IsException(e) && JS_GetOwnProperty(ctx, &d, v, stack) > 0) {
        if (!(d.flags & JS_PROP_GETSET) && JS_IsString(d.value))
            JS_DefinePropertyValue(ctx, e, stack, JS_DupValue(ctx, d.value),
                                   JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        JS_FreeValue(ctx, d.value);
        JS_FreeValue(ctx, d.getter);
        JS_FreeValue(ctx, d.setter);
    }
    JS_FreeAtom(ctx, stack);
    return e;
}

/* Own enumerable string keys, listed first, then each still present read
 * through Get and cloned. */
static int clone_properties(JSContext *ctx, cloner_t *c, JSValueConst v, JSValueConst copy)
{
    JSPropertyEnum *tab;
    uint32_t len;
    if (JS_GetOwnPropertyNames(ctx, &tab, &len, v, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY))
        return -1;
    int r = 0;
    for (uint32_t i = 0; i < len && r == 0; i++) {
        int has = JS_GetOwnProperty(ctx, NULL, v, tab[i].atom);
        if (has <= 0) {
            r = has;
            continue;
        }
        JSValue value = JS_GetProperty(ctx, v, tab[i].atom);
        JSValue cloned = JS_IsException(value) ? value : clone_value(ctx, c, value);
        JS_FreeValue(ctx, value);
        if (JS_IsException(cloned) ||
            JS_DefinePropertyValue(ctx, copy, tab[i].atom, cloned, JS_PROP_C_W_E | JS_PROP_THROW) < 0)
            r = -1;
    }
    for (uint32_t i = 0; i < len; i++)
        JS_FreeAtom(ctx, tab[i].atom);
    js_free(ctx, tab);
    return r;
}

/* Map and Set: their entries are listed first (cloning may run getters
 * that change the original), then cloned in order. */
static int clone_entries(JSContext *ctx, cloner_t *c, JSValueConst v, JSValueConst copy, bool is_map)
{
    JSValue list = JS_NewArray(ctx);
    JSValue iter = JS_Call(ctx, is_map ? bi.map_entries : bi.set_values, v, 0, NULL);
    uint32_t n = 0;
    int r = JS_IsException(list) || JS_IsException(iter) ? -1 : 0;
    while (r == 0) {
        JSValue result = JS_Call(ctx, is_map ? bi.map_iter_next : bi.set_iter_next, iter, 0, NULL);
        JSValue done = JS_IsException(result) ? JS_EXCEPTION : JS_GetProperty(ctx, result, bi.atom_done);
        int is_done = JS_ToBool(ctx, done);
        JS_FreeValue(ctx, done);
        if (is_done == 0)
            r = JS_DefinePropertyValueUint32(ctx, list, n++, JS_GetProperty(ctx, result, bi.atom_value),
                                             JS_PROP_C_W_E) < 0 ? -1 : 0;
        JS_FreeValue(ctx, result);
        if (is_done)
            r = is_done < 0 ? -1 : 1;
    }
    JS_FreeValue(ctx, iter);
    for (uint32_t i = 0; r == 1 && i < n; i++) {
        JSValue entry = JS_GetPropertyUint32(ctx, list, i);
        JSValue args[2] = { JS_UNDEFINED, JS_UNDEFINED };
        for (int k = 0; k < (is_map ? 2 : 1); k++) {
            JSValue part = is_map ? JS_GetPropertyUint32(ctx, entry, (uint32_t)k) : JS_DupValue(ctx, entry);
            args[k] = clone_value(ctx, c, part);
            JS_FreeValue(ctx, part);
            if (JS_IsException(args[k]))
                r = -1;
        }
        if (r == 1) {
            JSValue added = JS_Call(ctx, is_map ? bi.map_set : bi.set_add, copy, is_map ? 2 : 1,
                                    (JSValueConst *)args);
            if (JS_IsException(added))
                r = -1;
            JS_FreeValue(ctx, added);
        }
        JS_FreeValue(ctx, args[0]);
        JS_FreeValue(ctx, args[1]);
        JS_FreeValue(ctx, entry);
    }
    JS_FreeValue(ctx, list);
    return r < 0 ? -1 : 0;
}

/* A container: made empty, remembered (for cycles), then filled. */
static JSValue clone_container(JSContext *ctx, cloner_t *c, JSValueConst v, JSClassID id)
{
    JSValue copy;
    if (id == bi.class_map || id == bi.class_set) {
        copy = JS_CallConstructor(ctx, id == bi.class_map ? bi.map_ctor : bi.set_ctor, 0, NULL);
    } else if (id == bi.class_array) {
        copy = JS_NewArray(ctx);
        JSValue len = JS_GetProperty(ctx, v, bi.atom_length);
        if (JS_IsException(len) || JS_SetProperty(ctx, copy, bi.atom_length, len) < 0) {
            JS_FreeValue(ctx, copy);
            return JS_EXCEPTION;
        }
    } else {
        copy = JS_NewObject(ctx);
    }
    if (JS_IsException(copy) || remember(ctx, c, v, copy)) {
        JS_FreeValue(ctx, copy);
        return JS_EXCEPTION;
    }
    int r = id == bi.class_map || id == bi.class_set ? clone_entries(ctx, c, v, copy, id == bi.class_map)
                                                     : clone_properties(ctx, c, v, copy);
    if (r) {
        JS_FreeValue(ctx, copy);
        return JS_EXCEPTION;
    }
    return copy;
}

static JSValue clone_object(JSContext *ctx, cloner_t *c, JSValueConst v)
{
    JSClassID id = JS_GetObjectClassID(v);
    int kind = bi_typed_kind(v);
    if (id == bi.class_boolean)
        return wrap(ctx, JS_Call(ctx, bi.boolean_value, v, 0, NULL));
    if (id == bi.class_number)
        return wrap(ctx, JS_Call(ctx, bi.number_value, v, 0, NULL));
    if (id == bi.class_string)
        return wrap(ctx, JS_Call(ctx, bi.string_value, v, 0, NULL));
    if (id == bi.class_bigint)
        return wrap(ctx, JS_Call(ctx, bi.bigint_value, v, 0, NULL));
    if (id == bi.class_date) {
        JSValue t = JS_Call(ctx, bi.date_time, v, 0, NULL);
        JSValue d = JS_IsException(t) ? t : JS_CallConstructor(ctx, bi.date_ctor, 1, (JSValueConst *)&t);
        JS_FreeValue(ctx, t);
        return d;
    }
    if (id == bi.class_regexp)
        return clone_regexp(ctx, v);
    if (id == bi.class_array_buffer)
        return clone_buffer(ctx, v);
    if (id == bi.class_shared_array_buffer)
        return data_clone_error(ctx, "a SharedArrayBuffer");
    if (kind >= 0 || id == bi.class_dataview)
        return clone_view(ctx, c, v, kind);
    if (id == bi.class_error)
        return clone_error(ctx, v);
    if (id == bi.class_map || id == bi.class_set || id == bi.class_array || id == bi.class_object)
        return clone_container(ctx, c, v, id);
    return data_clone_error(ctx, JS_IsFunction(ctx, v) ? "a function"
                                 : id == bi.class_symbol ? "a Symbol object" : "this kind of object");
}

static JSValue clone_value(JSContext *ctx, cloner_t *c, JSValueConst v)
{
    if (JS_IsSymbol(v))
        return data_clone_error(ctx, "a symbol");
    if (!JS_IsObject(v))
        return JS_DupValue(ctx, v);
    JSValue seen = JS_Call(ctx, bi.map_get, c->memory, 1, &v);
    if (!JS_IsUndefined(seen))
        return seen;
    if (c->depth >= CLONE_MAX_DEPTH)
        return JS_ThrowRangeError(ctx, "structuredClone: the value is nested too deeply");
    c->depth++;
    JSValue copy = clone_object(ctx, c, v);
    c->depth--;
    /* containers remember themselves before their contents; the rest here */
    if (!JS_IsException(copy)) {
        JSValue again = JS_Call(ctx, bi.map_get, c->memory, 1, &v);
        if (JS_IsUndefined(again) && remember(ctx, c, v, copy)) {
            JS_FreeValue(ctx, copy);
            copy = JS_EXCEPTION;
        }
        JS_FreeValue(ctx, again);
    }
    return copy;
}

/* options.transfer as a list of objects (sequence<object>): every one
 * must be an ArrayBuffer, and none twice. Each gets its new buffer now
 * (the memory maps it there); the bytes move at the end. */
static int read_transfer(JSContext *ctx, cloner_t *c, JSValueConst options)
{
    if (web_dictionary(ctx, options, "structuredClone"))
        return -1;
    if (!JS_IsObject(options))
        return 0;
    JSValue list = JS_GetPropertyStr(ctx, options, "transfer");
    if (JS_IsException(list))
        return -1;
    int r = 0;
    if (!JS_IsUndefined(list)) {
        bi_iter_t it = BI_ITER_INIT;
        JSValue v;
        if (!JS_IsObject(list)) {
            JS_ThrowTypeError(ctx, "structuredClone: transfer is not a sequence");
            r = -1;
        } else if (bi_iter_open(ctx, &it, list)) {
            r = -1;
        }
        while (r == 0 && (r = bi_iter_step(ctx, &it, &v)) > 0) {
            JSClassID id = JS_GetObjectClassID(v);
            JSValue seen = JS_IsObject(v) ? JS_Call(ctx, bi.map_get, c->memory, 1, (JSValueConst *)&v)
                                          : JS_UNDEFINED;
            size_t size;
            JSValue *grown = js_realloc(ctx, c->transfer, sizeof(JSValue) * 2 * (c->transfer_count + 1));
            if (grown)
                c->transfer = grown;
            if (!JS_IsObject(v)) {
                JS_ThrowTypeError(ctx, "structuredClone: a transfer item is not an object");
                r = -1;
            } else if (id != bi.class_array_buffer) {
                data_clone_error(ctx, id == bi.class_shared_array_buffer ? "a SharedArrayBuffer transfer"
                                                                         : "this transfer item");
                r = -1;
            } else if (!JS_IsUndefined(seen)) {
                data_clone_error(ctx, "an ArrayBuffer transferred twice");
                r = -1;
            } else if (!grown) {
                r = -1;
            } else {
                if (!JS_GetArrayBuffer(ctx, &size, v))
                    JS_FreeValue(ctx, JS_GetException(ctx)); /* detached: refused at the end */
                JSValue n = JS_NewInt64(ctx, (int64_t)size);
                JSValue target = JS_CallConstructor(ctx, bi.array_buffer_ctor, 1, (JSValueConst *)&n);
                if (JS_IsException(target) || remember(ctx, c, v, target)) {
                    JS_FreeValue(ctx, target);
                    r = -1;
                } else {
                    c->transfer[2 * c->transfer_count] = JS_DupValue(ctx, v);
                    c->transfer[2 * c->transfer_count + 1] = target;
                    c->transfer_count++;
                    r = 0;
                }
            }
            JS_FreeValue(ctx, seen);
            JS_FreeValue(ctx, v);
        }
        bi_iter_free(ctx, &it);
    }
    JS_FreeValue(ctx, list);
    return r < 0 ? -1 : 0;
}

/* Moves each transferred buffer's bytes into its new buffer and detaches
 * it; one detached meanwhile is a DataCloneError. */
static int finish_transfer(JSContext *ctx, cloner_t *c)
{
    for (uint32_t i = 0; i < c->transfer_count; i++) {
        size_t size, target_size;
        uint8_t *from = JS_GetArrayBuffer(ctx, &size, c->transfer[2 * i]);
        if (!from) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            data_clone_error(ctx, "a detached ArrayBuffer");
            return -1;
        }
        uint8_t *to = JS_GetArrayBuffer(ctx, &target_size, c->transfer[2 * i + 1]);
        if (to && size == target_size)
            memcpy(to, from, size);
    }
    for (uint32_t i = 0; i < c->transfer_count; i++)
        JS_DetachArrayBuffer(ctx, c->transfer[2 * i]);
    return 0;
}

/* structuredClone(any value, optional StructuredSerializeOptions options = {}) */
static JSValue structured_clone(JSContext *ctx, JSValueConst this_val, int argc,
                                JSValueConst *argv)
{
    (void)this_val;
    if (web_require_args(ctx, argc, 1, "structuredClone"))
        return JS_EXCEPTION;
    cloner_t c = { JS_CallConstructor(ctx, bi.map_ctor, 0, NULL), NULL, 0, 0 };
    JSValue copy = JS_EXCEPTION;
    if (!JS_IsException(c.memory) && read_transfer(ctx, &c, argc > 1 ? argv[1] : JS_UNDEFINED) == 0) {
        copy = clone_value(ctx, &c, argv[0]);
        if (!JS_IsException(copy) && finish_transfer(ctx, &c)) {
            JS_FreeValue(ctx, copy);
            copy = JS_EXCEPTION;
        }
    }
    for (uint32_t i = 0; i < 2 * c.transfer_count; i++)
        JS_FreeValue(ctx, c.transfer[i]);
    js_free(ctx, c.transfer);
    JS_FreeValue(ctx, c.memory);
    return copy;
}

static const JSCFunctionListEntry clone_globals[] = {
    WEB_FUNC("structuredClone", 1, structured_clone),
};

int web_clone_install(JSContext *ctx)
{
    return web_define_globals(ctx, clone_globals, WEB_COUNT(clone_globals));
}
