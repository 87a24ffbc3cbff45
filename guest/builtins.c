/* builtins.c - installing the library additions and web globals
 * (builtins.h), capturing the intrinsics they use, and the abstract
 * operations they share. */
#include "builtins.h"

#include <math.h>
#include <string.h>

#include "codec.h"

bi_intrinsics_t bi;

/* ---- capturing intrinsics ------------------------------------------------------ */

static JSValue prop(JSContext *ctx, JSValueConst obj, const char *name)
{
    return JS_IsException(obj) ? JS_EXCEPTION : JS_GetPropertyStr(ctx, obj, name);
}

/* The getter of an accessor property of obj. */
static JSValue getter_of(JSContext *ctx, JSValueConst obj, const char *name)
{
    JSAtom atom = JS_NewAtom(ctx, name);
    JSPropertyDescriptor d;
    int r = JS_GetOwnProperty(ctx, &d, obj, atom);
    JS_FreeAtom(ctx, atom);
    if (r <= 0)
        return JS_EXCEPTION;
    JS_FreeValue(ctx, d.value);
    JS_FreeValue(ctx, d.setter);
    return d.getter;
}

static JSClassID class_of_new(JSContext *ctx, JSValueConst ctor, int argc, JSValueConst *argv)
{
    JSValue v = JS_CallConstructor(ctx, ctor, argc, argv);
    JSClassID id = JS_GetObjectClassID(v);
    JS_FreeValue(ctx, v);
    return id;
}

/* The class of Object(v): the wrapper of a primitive. */
static JSClassID class_of_wrapper(JSContext *ctx, JSValueConst object_ctor, JSValueConst v)
{
    JSValue w = JS_Call(ctx, object_ctor, JS_UNDEFINED, 1, &v);
    JSClassID id = JS_GetObjectClassID(w);
    JS_FreeValue(ctx, w);
    return id;
}

static const char *const typed_names[TA_KINDS] = {
    "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
    "Int32Array", "Uint32Array", "BigInt64Array", "BigUint64Array",
    "Float32Array", "Float64Array",
};

static const char *const error_names[8] = {
    "Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError",
    "TypeError", "URIError", "AggregateError",
};

static void capture_atoms(JSContext *ctx)
{
    bi.atom_length = JS_NewAtom(ctx, "length");
    bi.atom_next = JS_NewAtom(ctx, "next");
    bi.atom_done = JS_NewAtom(ctx, "done");
    bi.atom_value = JS_NewAtom(ctx, "value");
    bi.atom_return = JS_NewAtom(ctx, "return");
    bi.atom_size = JS_NewAtom(ctx, "size");
    bi.atom_has = JS_NewAtom(ctx, "has");
    bi.atom_keys = JS_NewAtom(ctx, "keys");
    bi.atom_name = JS_NewAtom(ctx, "name");
    bi.atom_message = JS_NewAtom(ctx, "message");
    bi.atom_cause = JS_NewAtom(ctx, "cause");
    bi.atom_iterator = JS_ValueToAtom(ctx, bi.symbol_iterator);
    bi.atom_async_iterator = JS_ValueToAtom(ctx, bi.symbol_async_iterator);
}

/* From an empty collection made by ctor: its class id, and the next
 * method of the iterators that iter_method (entries, values) returns. */
static void collection_facts(JSContext *ctx, JSValueConst ctor, JSValueConst iter_method,
                             JSClassID *class_id, JSValue *iter_next)
{
    JSValue c = JS_CallConstructor(ctx, ctor, 0, NULL);
    *class_id = JS_GetObjectClassID(c);
    JSValue iter = JS_Call(ctx, iter_method, c, 0, NULL);
    JSValue iter_proto = JS_GetPrototype(ctx, iter);
    *iter_next = prop(ctx, iter_proto, "next");
    JS_FreeValue(ctx, iter_proto);
    JS_FreeValue(ctx, iter);
    JS_FreeValue(ctx, c);
}

static void capture_collections(JSContext *ctx, JSValueConst g)
{
    bi.array_ctor = prop(ctx, g, "Array");
    JSValue proto = prop(ctx, bi.array_ctor, "prototype");
    bi.array_sort = prop(ctx, proto, "sort");
    JS_FreeValue(ctx, proto);

    bi.map_ctor = prop(ctx, g, "Map");
    proto = prop(ctx, bi.map_ctor, "prototype");
    bi.map_get = prop(ctx, proto, "get");
    bi.map_set = prop(ctx, proto, "set");
    bi.map_entries = prop(ctx, proto, "entries");
    JS_FreeValue(ctx, proto);
    collection_facts(ctx, bi.map_ctor, bi.map_entries, &bi.class_map, &bi.map_iter_next);

    bi.set_ctor = prop(ctx, g, "Set");
    proto = prop(ctx, bi.set_ctor, "prototype");
    bi.set_has = prop(ctx, proto, "has");
    bi.set_add = prop(ctx, proto, "add");
    bi.set_delete = prop(ctx, proto, "delete");
    bi.set_values = prop(ctx, proto, "values");
    bi.set_size = getter_of(ctx, proto, "size");
    JS_FreeValue(ctx, proto);
    collection_facts(ctx, bi.set_ctor, bi.set_values, &bi.class_set, &bi.set_iter_next);
}

static void capture_buffers(JSContext *ctx, JSValueConst g)
{
    JSValue zero = JS_NewInt32(ctx, 0);
    for (int k = 0; k < TA_KINDS; k++) {
        bi.typed_ctor[k] = prop(ctx, g, typed_names[k]);
        bi.class_typed[k] = class_of_new(ctx, bi.typed_ctor[k], 1, &zero);
    }
    JSValue proto = prop(ctx, bi.typed_ctor[TA_INT8], "prototype");
    JSValue typed_proto = JS_GetPrototype(ctx, proto);
    bi.typed_sort = prop(ctx, typed_proto, "sort");
    JS_FreeValue(ctx, typed_proto);
    JS_FreeValue(ctx, proto);

    JSValue ab_ctor = prop(ctx, g, "ArrayBuffer");
    bi.array_buffer_ctor = JS_DupValue(ctx, ab_ctor);
    JSValue ab = JS_CallConstructor(ctx, ab_ctor, 1, &zero);
    bi.class_array_buffer = JS_GetObjectClassID(ab);
    JSValue sab_ctor = prop(ctx, g, "SharedArrayBuffer");
    bi.class_shared_array_buffer = class_of_new(ctx, sab_ctor, 1, &zero);
    JSValue dv_ctor = prop(ctx, g, "DataView");
    bi.dataview_ctor = JS_DupValue(ctx, dv_ctor);
    bi.class_dataview = class_of_new(ctx, dv_ctor, 1, (JSValueConst *)&ab);
    proto = prop(ctx, dv_ctor, "prototype");
    bi.dataview_buffer = getter_of(ctx, proto, "buffer");
    bi.dataview_offset = getter_of(ctx, proto, "byteOffset");
    bi.dataview_length = getter_of(ctx, proto, "byteLength");
    JS_FreeValue(ctx, proto);
    JS_FreeValue(ctx, dv_ctor);
    JS_FreeValue(ctx, sab_ctor);
    JS_FreeValue(ctx, ab);
    JS_FreeValue(ctx, ab_ctor);
}

static void capture_values(JSContext *ctx, JSValueConst g)
{
    JSValue object_ctor = prop(ctx, g, "Object");
    bi.object_ctor = JS_DupValue(ctx, object_ctor);
    JSValue reflect = prop(ctx, g, "Reflect");
    bi.reflect_apply = prop(ctx, reflect, "apply");
    JS_FreeValue(ctx, reflect);
    JSValue v = JS_NewObject(ctx);
    bi.class_object = JS_GetObjectClassID(v);
    JS_FreeValue(ctx, v);
    v = JS_NewArray(ctx);
    bi.class_array = JS_GetObjectClassID(v);
    JS_FreeValue(ctx, v);
    v = JS_NewError(ctx);
    bi.class_error = JS_GetObjectClassID(v);
    JS_FreeValue(ctx, v);

    static const char *const wrapped[] = { "Boolean", "Number", "String", "BigInt" };
    JSValue *values[] = { &bi.boolean_value, &bi.number_value, &bi.string_value, &bi.bigint_value };
    for (int i = 0; i < 4; i++) {
        JSValue ctor = prop(ctx, g, wrapped[i]);
        JSValue proto = prop(ctx, ctor, "prototype");
        *values[i] = prop(ctx, proto, "valueOf");
        JS_FreeValue(ctx, proto);
        JS_FreeValue(ctx, ctor);
    }
    bi.class_boolean = class_of_wrapper(ctx, object_ctor, JS_TRUE);
    bi.class_number = class_of_wrapper(ctx, object_ctor, JS_NewInt32(ctx, 0));
    JSValue s = JS_NewString(ctx, "");
    bi.class_string = class_of_wrapper(ctx, object_ctor, s);
    JS_FreeValue(ctx, s);
    JSValue big = JS_NewBigInt64(ctx, 0);
    bi.class_bigint = class_of_wrapper(ctx, object_ctor, big);
    JS_FreeValue(ctx, big);
    bi.class_symbol = class_of_wrapper(ctx, object_ctor, bi.symbol_iterator);

    bi.date_ctor = prop(ctx, g, "Date");
    bi.class_date = class_of_new(ctx, bi.date_ctor, 0, NULL);
    JSValue proto = prop(ctx, bi.date_ctor, "prototype");
    bi.date_time = prop(ctx, proto, "getTime");
    JS_FreeValue(ctx, proto);

    bi.regexp_ctor = prop(ctx, g, "RegExp");
    bi.class_regexp = class_of_new(ctx, bi.regexp_ctor, 0, NULL);
    proto = prop(ctx, bi.regexp_ctor, "prototype");
    bi.regexp_source = getter_of(ctx, proto, "source");
    static const char *const flags[7] = {
        "hasIndices", "global", "ignoreCase", "multiline", "dotAll", "unicode", "sticky",
    };
    for (int i = 0; i < 7; i++)
        bi.regexp_flag[i] = getter_of(ctx, proto, flags[i]);
    JS_FreeValue(ctx, proto);

    JSValue string_ctor = prop(ctx, g, "String");
    proto = prop(ctx, string_ctor, "prototype");
    bi.normalize = prop(ctx, proto, "normalize");
    bi.to_lower_case = prop(ctx, proto, "toLowerCase");
    JS_FreeValue(ctx, proto);
    JS_FreeValue(ctx, string_ctor);

    bi.promise_ctor = prop(ctx, g, "Promise");
    for (int i = 0; i < 8; i++)
        bi.error_ctors[i] = prop(ctx, g, error_names[i]);
    JS_FreeValue(ctx, object_ctor);
}

/* Every captured function must be there: a missing one means this QuickJS
 * is not the one these built-ins were written for. */
static bool captured(void)
{
    const JSValue *fns[] = {
        &bi.object_ctor, &bi.reflect_apply, &bi.array_ctor, &bi.array_sort, &bi.map_ctor, &bi.map_get, &bi.map_set,
        &bi.set_ctor, &bi.set_has, &bi.set_add, &bi.set_delete, &bi.set_values,
        &bi.set_size, &bi.set_iter_next, &bi.promise_ctor, &bi.typed_sort,
        &bi.dataview_buffer, &bi.dataview_offset, &bi.dataview_length,
        &bi.regexp_ctor, &bi.regexp_source, &bi.date_ctor,
        &bi.date_time, &bi.boolean_value, &bi.number_value, &bi.string_value,
        &bi.bigint_value, &bi.normalize, &bi.to_lower_case,
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (!JS_IsObject(*fns[i]))
            return false;
    for (int k = 0; k < TA_KINDS; k++)
        if (!JS_IsObject(bi.typed_ctor[k]) || bi.class_typed[k] == 0)
            return false;
    for (int i = 0; i < 8; i++)
        if (!JS_IsObject(bi.error_ctors[i]))
            return false;
    for (int i = 0; i < 7; i++)
        if (!JS_IsObject(bi.regexp_flag[i]))
            return false;
    return bi.class_set && bi.class_map && bi.class_dataview && bi.class_date &&
           bi.class_regexp && bi.class_symbol && bi.class_bigint;
}

static int capture(JSContext *ctx)
{
    JSValue g = JS_GetGlobalObject(ctx);
    JSValue symbol = prop(ctx, g, "Symbol");
    bi.symbol_iterator = prop(ctx, symbol, "iterator");
    bi.symbol_async_iterator = prop(ctx, symbol, "asyncIterator");
    JS_FreeValue(ctx, symbol);
    capture_atoms(ctx);
    capture_collections(ctx, g);
    capture_buffers(ctx, g);
    capture_values(ctx, g);
    JS_FreeValue(ctx, g);
    return captured() ? 0 : -1;
}

int builtins_install(JSContext *ctx, JSContext *compiler)
{
    if (capture(ctx))
        return -1;
    if (builtins_array_install(ctx, compiler) || builtins_typed_install(ctx) ||
        builtins_object_install(ctx) || builtins_set_install(ctx))
        return -1;
    if (web_misc_install(ctx) || web_base64_install(ctx) || web_text_install(ctx) ||
        web_crypto_install(ctx) || web_clone_install(ctx) || web_url_install(ctx))
        return -1;
    return 0;
}

/* ---- abstract operations ------------------------------------------------------ */

int bi_to_integer(JSContext *ctx, double *out, JSValueConst v)
{
    double d;
    if (JS_ToFloat64(ctx, &d, v))
        return -1;
    *out = isnan(d) ? 0 : trunc(d) + 0.0; /* + 0.0 turns -0 into +0 */
    return 0;
}

double bi_relative_index(double rel, int64_t len)
{
    return rel >= 0 ? rel : (double)len + rel;
}

JSValue bi_to_object(JSContext *ctx, JSValueConst v)
{
    if (JS_IsUndefined(v) || JS_IsNull(v))
        return JS_ThrowTypeError(ctx, "cannot convert %s to object",
                                 JS_IsNull(v) ? "null" : "undefined");
    if (JS_IsObject(v))
        return JS_DupValue(ctx, v);
    return JS_Call(ctx, bi.object_ctor, JS_UNDEFINED, 1, &v);
}

int bi_length_of(JSContext *ctx, int64_t *len, JSValueConst obj)
{
    JSValue v = JS_GetProperty(ctx, obj, bi.atom_length);
    if (JS_IsException(v))
        return -1;
    double d;
    int r = bi_to_integer(ctx, &d, v);
    JS_FreeValue(ctx, v);
    if (r)
        return -1;
    *len = d <= 0 ? 0 : d > BI_MAX_SAFE_INTEGER ? (int64_t)BI_MAX_SAFE_INTEGER : (int64_t)d;
    return 0;
}

static JSAtom index_atom(JSContext *ctx, int64_t k)
{
    JSValue key = JS_NewInt64(ctx, k);
    JSAtom atom = JS_ValueToAtom(ctx, key);
    JS_FreeValue(ctx, key);
    return atom;
}

JSValue bi_get_index(JSContext *ctx, JSValueConst obj, int64_t k)
{
    if (k >= 0 && k <= 0xfffffffe)
        return JS_GetPropertyUint32(ctx, obj, (uint32_t)k);
    JSAtom atom = index_atom(ctx, k);
    if (atom == JS_ATOM_NULL)
        return JS_EXCEPTION;
    JSValue v = JS_GetProperty(ctx, obj, atom);
    JS_FreeAtom(ctx, atom);
    return v;
}

int bi_define_index(JSContext *ctx, JSValueConst obj, int64_t k, JSValue v)
{
    if (k >= 0 && k <= 0xfffffffe)
        return JS_DefinePropertyValueUint32(ctx, obj, (uint32_t)k, v,
                                            JS_PROP_C_W_E | JS_PROP_THROW) < 0 ? -1 : 0;
    JSAtom atom = index_atom(ctx, k);
    if (atom == JS_ATOM_NULL) {
        JS_FreeValue(ctx, v);
        return -1;
    }
    int r = JS_DefinePropertyValue(ctx, obj, atom, v, JS_PROP_C_W_E | JS_PROP_THROW);
    JS_FreeAtom(ctx, atom);
    return r < 0 ? -1 : 0;
}

int bi_define_str(JSContext *ctx, JSValueConst obj, const char *key, JSValue v)
{
    return JS_DefinePropertyValueStr(ctx, obj, key, v, JS_PROP_C_W_E | JS_PROP_THROW) < 0 ? -1 : 0;
}

JSValue bi_array_create(JSContext *ctx, double len)
{
    if (len > BI_MAX_ARRAY_LENGTH)
        return JS_ThrowRangeError(ctx, "invalid array length");
    return JS_NewArray(ctx);
}

int bi_require_callable(JSContext *ctx, JSValueConst v, const char *what)
{
    if (JS_IsFunction(ctx, v))
        return 0;
    JS_ThrowTypeError(ctx, "%s is not a function", what);
    return -1;
}

int bi_get_method(JSContext *ctx, JSValueConst v, JSAtom key, JSValue *method)
{
    *method = JS_GetProperty(ctx, v, key);
    if (JS_IsException(*method))
        return -1;
    if (JS_IsUndefined(*method) || JS_IsNull(*method)) {
        *method = JS_UNDEFINED;
        return 0;
    }
    if (!JS_IsFunction(ctx, *method)) {
        JS_FreeValue(ctx, *method);
        *method = JS_UNDEFINED;
        JS_ThrowTypeError(ctx, "not a function");
        return -1;
    }
    return 0;
}

JSValue bi_compile(JSContext *ctx, JSContext *compiler, const char *source, size_t len)
{
    if (compiler == ctx)
        return JS_Eval(ctx, source, len, "<builtins>", JS_EVAL_TYPE_GLOBAL);
    JSValue fn = JS_Eval(compiler, source, len, "<builtins>",
                         JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY);
    if (JS_IsException(fn))
        return fn;
    size_t bc_len;
    uint8_t *bc = JS_WriteObject(compiler, &bc_len, fn, JS_WRITE_OBJ_BYTECODE);
    JS_FreeValue(compiler, fn);
    if (!bc)
        return JS_EXCEPTION;
    JSValue obj = JS_ReadObject(ctx, bc, bc_len, JS_READ_OBJ_BYTECODE);
    js_free(compiler, bc);
    return JS_IsException(obj) ? obj : JS_EvalFunction(ctx, obj);
}

/* ---- iterators ------------------------------------------------------------------ */

int bi_iter_from_method(JSContext *ctx, bi_iter_t *it, JSValueConst obj, JSValueConst method)
{
    it->obj = JS_Call(ctx, method, obj, 0, NULL);
    it->next = JS_UNDEFINED;
    if (JS_IsException(it->obj))
        return -1;
    if (!JS_IsObject(it->obj)) {
        JS_FreeValue(ctx, it->obj);
        it->obj = JS_UNDEFINED;
        JS_ThrowTypeError(ctx, "the iterator is not an object");
        return -1;
    }
    it->next = JS_GetProperty(ctx, it->obj, bi.atom_next);
    return JS_IsException(it->next) ? -1 : 0;
}

int bi_iter_open(JSContext *ctx, bi_iter_t *it, JSValueConst obj)
{
    JSValue method;
    *it = (bi_iter_t)BI_ITER_INIT;
    if (bi_get_method(ctx, obj, bi.atom_iterator, &method))
        return -1;
    if (JS_IsUndefined(method)) {
        JS_ThrowTypeError(ctx, "value is not iterable");
        return -1;
    }
    int r = bi_iter_from_method(ctx, it, obj, method);
    JS_FreeValue(ctx, method);
    return r;
}

int bi_iter_step(JSContext *ctx, bi_iter_t *it, JSValue *value)
{
    *value = JS_UNDEFINED;
    JSValue result = JS_Call(ctx, it->next, it->obj, 0, NULL);
    if (JS_IsException(result))
        return -1;
    if (!JS_IsObject(result)) {
        JS_FreeValue(ctx, result);
        JS_ThrowTypeError(ctx, "iterator result is not an object");
        return -1;
    }
    JSValue done_value = JS_GetProperty(ctx, result, bi.atom_done);
    int done = JS_ToBool(ctx, done_value);
    JS_FreeValue(ctx, done_value);
    if (done == 0) {
        *value = JS_GetProperty(ctx, result, bi.atom_value);
        if (JS_IsException(*value))
            done = -1;
    }
    JS_FreeValue(ctx, result);
    return done < 0 ? -1 : !done;
}

int bi_iter_close(JSContext *ctx, bi_iter_t *it, bool throwing)
{
    JSValue pending = throwing ? JS_GetException(ctx) : JS_UNDEFINED;
    JSValue ret = JS_GetProperty(ctx, it->obj, bi.atom_return);
    int r = 0;
    if (JS_IsException(ret)) {
        r = -1;
    } else if (!JS_IsUndefined(ret) && !JS_IsNull(ret)) {
        JSValue inner = JS_Call(ctx, ret, it->obj, 0, NULL);
        if (JS_IsException(inner))
            r = -1;
        else if (!JS_IsObject(inner) && !throwing) {
            JS_ThrowTypeError(ctx, "iterator return() result is not an object");
            r = -1;
        }
        JS_FreeValue(ctx, inner);
    }
    JS_FreeValue(ctx, ret);
    if (throwing) {
        if (r < 0)
            JS_FreeValue(ctx, JS_GetException(ctx)); /* the first error wins */
        JS_Throw(ctx, pending);
        return -1;
    }
    return r;
}

void bi_iter_free(JSContext *ctx, bi_iter_t *it)
{
    JS_FreeValue(ctx, it->obj);
    JS_FreeValue(ctx, it->next);
    *it = (bi_iter_t)BI_ITER_INIT;
}

/* ---- promises ---------------------------------------------------------------------- */

/* GetCapabilitiesExecutor: records resolve and reject once, in the holder
 * object it closes over. */
static JSValue capability_executor(JSContext *ctx, JSValueConst this_val, int argc,
                                   JSValueConst *argv, int magic, JSValue *data)
{
    (void)this_val; (void)magic;
    for (uint32_t i = 0; i < 2; i++) {
        JSValue held = JS_GetPropertyUint32(ctx, data[0], i);
        bool set = !JS_IsUndefined(held);
        JS_FreeValue(ctx, held);
        if (set)
            return JS_ThrowTypeError(ctx, "the promise capability is already set");
    }
    for (uint32_t i = 0; i < 2; i++) {
        JSValue f = JS_DupValue(ctx, (int)i < argc ? argv[i] : JS_UNDEFINED);
        if (JS_DefinePropertyValueUint32(ctx, data[0], i, f, JS_PROP_C_W_E) < 0)
            return JS_EXCEPTION;
    }
    return JS_UNDEFINED;
}

int bi_new_promise_capability(JSContext *ctx, JSValueConst c, JSValue cap[3])
{
    cap[0] = cap[1] = cap[2] = JS_UNDEFINED;
    if (!JS_IsConstructor(ctx, c)) {
        JS_ThrowTypeError(ctx, "not a constructor");
        return -1;
    }
    JSValue holder = JS_NewObjectProto(ctx, JS_NULL);
    if (JS_IsException(holder))
        return -1;
    JSValue executor = JS_NewCFunctionData(ctx, capability_executor, 2, 0, 1, &holder);
    if (!JS_IsException(executor))
        JS_DefinePropertyValue(ctx, executor, bi.atom_name, JS_NewString(ctx, ""),
                               JS_PROP_CONFIGURABLE);
    cap[0] = JS_IsException(executor) ? JS_EXCEPTION
                                       : JS_CallConstructor(ctx, c, 1, (JSValueConst *)&executor);
    JS_FreeValue(ctx, executor);
    if (!JS_IsException(cap[0])) {
        cap[1] = JS_GetPropertyUint32(ctx, holder, 0);
        cap[2] = JS_GetPropertyUint32(ctx, holder, 1);
    }
    JS_FreeValue(ctx, holder);
    if (JS_IsException(cap[0]))
        return -1;
    if (!JS_IsFunction(ctx, cap[1]) || !JS_IsFunction(ctx, cap[2])) {
        for (int i = 0; i < 3; i++) {
            JS_FreeValue(ctx, cap[i]);
            cap[i] = JS_UNDEFINED;
        }
        JS_ThrowTypeError(ctx, "the promise resolving functions are not functions");
        return -1;
    }
    return 0;
}

/* ---- typed arrays ------------------------------------------------------------------- */

int bi_typed_kind(JSValueConst v)
{
    JSClassID id = JS_GetObjectClassID(v);
    for (int k = 0; id && k < TA_KINDS; k++)
        if (bi.class_typed[k] == id)
            return k;
    return -1;
}

int bi_typed_validate(JSContext *ctx, JSValueConst v, int *kind, int64_t *len)
{
    *kind = bi_typed_kind(v);
    if (*kind < 0) {
        JS_ThrowTypeError(ctx, "not a TypedArray");
        return -1;
    }
    size_t byte_length, per_element, size;
    JSValue buffer = JS_GetTypedArrayBuffer(ctx, v, NULL, &byte_length, &per_element);
    if (JS_IsException(buffer))
        return -1;
    uint8_t *data = JS_GetArrayBuffer(ctx, &size, buffer); /* TypeError once detached */
    JS_FreeValue(ctx, buffer);
    if (!data)
        return -1;
    *len = (int64_t)(byte_length / per_element);
    return 0;
}

int64_t bi_typed_length(JSContext *ctx, JSValueConst v)
{
    int kind;
    int64_t len;
    if (bi_typed_validate(ctx, v, &kind, &len)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return 0;
    }
    return len;
}

JSValue bi_typed_create(JSContext *ctx, int kind, int64_t len)
{
    JSValue n = JS_NewInt64(ctx, len);
    JSValue a = JS_CallConstructor(ctx, bi.typed_ctor[kind], 1, &n);
    JS_FreeValue(ctx, n);
    return a;
}

/* ---- strings ------------------------------------------------------------------------ */

const char *bi_to_usv_string(JSContext *ctx, JSValueConst v, size_t *len)
{
    const char *s = JS_ToCStringLen(ctx, len, v);
    if (s)
        codec_replace_lone_surrogates((uint8_t *)s, *len);
    return s;
}
