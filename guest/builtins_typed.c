/* builtins_typed.c - %TypedArray%.prototype additions after ES2021: at
 * (ES2022), findLast/findLastIndex and toReversed/toSorted/with (ES2023).
 * Each validates its receiver first (a TypeError for anything but a typed
 * array on a live buffer), reads the length once, and copies into a new
 * typed array of the receiver's own kind, never through species. Reads
 * after a callback detached the buffer give undefined, as Get does. */
#include "builtins.h"

static JSValue typed_at(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)argc;
    int kind;
    int64_t len;
    double rel;
    if (bi_typed_validate(ctx, this_val, &kind, &len) || bi_to_integer(ctx, &rel, argv[0]))
        return JS_EXCEPTION;
    double k = bi_relative_index(rel, len);
    if (k < 0 || k >= (double)len)
        return JS_UNDEFINED;
    return bi_get_index(ctx, this_val, (int64_t)k);
}

/* magic 0: findLast, 1: findLastIndex */
static JSValue typed_find_last(JSContext *ctx, JSValueConst this_val, int argc,
                               JSValueConst *argv, int magic)
{
    /* argv holds argc values, and at least length (1): thisArg may not be there */
    JSValueConst this_arg = argc > 1 ? argv[1] : JS_UNDEFINED;
    int kind;
    int64_t len;
    if (bi_typed_validate(ctx, this_val, &kind, &len) ||
        bi_require_callable(ctx, argv[0], "predicate"))
        return JS_EXCEPTION;
    for (int64_t k = len - 1; k >= 0; k--) {
        JSValue args[3] = { bi_get_index(ctx, this_val, k), JS_NewInt64(ctx, k), this_val };
        if (JS_IsException(args[0]))
            return JS_EXCEPTION;
        JSValue r = JS_Call(ctx, argv[0], this_arg, 3, (JSValueConst *)args);
        int found = JS_IsException(r) ? -1 : JS_ToBool(ctx, r);
        JS_FreeValue(ctx, r);
        if (found && (found < 0 || magic))
            JS_FreeValue(ctx, args[0]);
        if (found < 0)
            return JS_EXCEPTION;
        if (found)
            return magic ? args[1] : args[0];
        JS_FreeValue(ctx, args[0]);
    }
    return magic ? JS_NewInt32(ctx, -1) : JS_UNDEFINED;
}

/* Sets a[k] = v (v consumed), throwing on failure. */
static int put(JSContext *ctx, JSValueConst a, int64_t k, JSValue v)
{
    if (JS_IsException(v))
        return -1;
    return JS_SetPropertyInt64(ctx, a, k, v) < 0 ? -1 : 0;
}

static JSValue typed_to_reversed(JSContext *ctx, JSValueConst this_val, int argc,
                                 JSValueConst *argv)
{
    (void)argc; (void)argv;
    int kind;
    int64_t len;
    if (bi_typed_validate(ctx, this_val, &kind, &len))
        return JS_EXCEPTION;
    JSValue a = bi_typed_create(ctx, kind, len);
    for (int64_t k = 0; !JS_IsException(a) && k < len; k++) {
        if (put(ctx, a, k, bi_get_index(ctx, this_val, len - k - 1))) {
            JS_FreeValue(ctx, a);
            return JS_EXCEPTION;
        }
    }
    return a;
}

/* The copy is sorted by the intrinsic %TypedArray%.prototype.sort: its
 * elements were all read before the first comparison, as in
 * SortIndexedProperties, and no one else can reach it. */
static JSValue typed_to_sorted(JSContext *ctx, JSValueConst this_val, int argc,
                               JSValueConst *argv)
{
    (void)argc;
    int kind;
    int64_t len;
    if (!JS_IsUndefined(argv[0]) && bi_require_callable(ctx, argv[0], "the comparator"))
        return JS_EXCEPTION;
    if (bi_typed_validate(ctx, this_val, &kind, &len))
        return JS_EXCEPTION;
    JSValue a = bi_typed_create(ctx, kind, len);
    if (JS_IsException(a))
        return a;
    for (int64_t k = 0; k < len; k++) {
        if (put(ctx, a, k, bi_get_index(ctx, this_val, k))) {
            JS_FreeValue(ctx, a);
            return JS_EXCEPTION;
        }
    }
    JSValue sorted = JS_Call(ctx, bi.typed_sort, a, 1, argv);
    if (JS_IsException(sorted)) {
        JS_FreeValue(ctx, a);
        return sorted;
    }
    JS_FreeValue(ctx, sorted);
    return a;
}

/* The value, converted once as the array's content type requires. */
static JSValue numeric_value(JSContext *ctx, int kind, JSValueConst v)
{
    if (bi_typed_is_bigint(kind)) {
        int64_t n;
        return JS_ToBigInt64(ctx, &n, v) ? JS_EXCEPTION : JS_NewBigInt64(ctx, n);
    }
    double d;
    return JS_ToFloat64(ctx, &d, v) ? JS_EXCEPTION : JS_NewFloat64(ctx, d);
}

static JSValue typed_with(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)argc;
    int kind;
    int64_t len;
    double rel;
    if (bi_typed_validate(ctx, this_val, &kind, &len) || bi_to_integer(ctx, &rel, argv[0]))
        return JS_EXCEPTION;
    double index = bi_relative_index(rel, len);
    JSValue value = numeric_value(ctx, kind, argv[1]);
    if (JS_IsException(value))
        return value;
    /* IsValidIntegerIndex, against the length after the conversions (a
     * valueOf may have detached the buffer) */
    if (index < 0 || index >= (double)bi_typed_length(ctx, this_val)) {
        JS_FreeValue(ctx, value);
        return JS_ThrowRangeError(ctx, "index out of range");
    }
    JSValue a = bi_typed_create(ctx, kind, len);
    for (int64_t k = 0; !JS_IsException(a) && k < len; k++) {
        JSValue v = k == (int64_t)index ? JS_DupValue(ctx, value) : bi_get_index(ctx, this_val, k);
        if (put(ctx, a, k, v)) {
            JS_FreeValue(ctx, a);
            a = JS_EXCEPTION;
        }
    }
    JS_FreeValue(ctx, value);
    return a;
}

static const JSCFunctionListEntry typed_proto_funcs[] = {
    JS_CFUNC_DEF("at", 1, typed_at),
    JS_CFUNC_MAGIC_DEF("findLast", 1, typed_find_last, 0),
    JS_CFUNC_MAGIC_DEF("findLastIndex", 1, typed_find_last, 1),
    JS_CFUNC_DEF("toReversed", 0, typed_to_reversed),
    JS_CFUNC_DEF("toSorted", 1, typed_to_sorted),
    JS_CFUNC_DEF("with", 2, typed_with),
};

int builtins_typed_install(JSContext *ctx)
{
    JSValue proto = JS_GetPropertyStr(ctx, bi.typed_ctor[TA_INT8], "prototype");
    JSValue typed_proto = JS_GetPrototype(ctx, proto);
    JS_FreeValue(ctx, proto);
    if (!JS_IsObject(typed_proto))
        return -1;
    JS_SetPropertyFunctionList(ctx, typed_proto, typed_proto_funcs,
                               sizeof typed_proto_funcs / sizeof typed_proto_funcs[0]);
    JS_FreeValue(ctx, typed_proto);
    return 0;
}
