/* builtins_object.c - the smaller library additions after ES2021:
 * Object.hasOwn and String.prototype.at (ES2022), Object.groupBy,
 * Map.groupBy, Promise.withResolvers and String.prototype.isWellFormed /
 * toWellFormed (ES2024), Promise.try (ES2025). */
#include "builtins.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"

/* ---- Object.hasOwn ---------------------------------------------------------------- */

static JSValue object_has_own(JSContext *ctx, JSValueConst this_val, int argc,
                              JSValueConst *argv)
{
    (void)this_val; (void)argc;
    JSValue o = bi_to_object(ctx, argv[0]);
    if (JS_IsException(o))
        return o;
    JSAtom key = JS_ValueToAtom(ctx, argv[1]);
    int has = key == JS_ATOM_NULL ? -1 : JS_GetOwnProperty(ctx, NULL, o, key);
    JS_FreeAtom(ctx, key);
    JS_FreeValue(ctx, o);
    return has < 0 ? JS_EXCEPTION : JS_NewBool(ctx, has);
}

/* ---- Object.groupBy, Map.groupBy ----------------------------------------------------- */

/* Appends value to the array held under key (creating it): in a null-
 * prototype object by property key, or in a Map by SameValueZero. Both
 * containers are new and reachable only from here until returned. */
static int add_to_group(JSContext *ctx, JSValueConst groups, bool by_property, JSAtom atom,
                        JSValueConst key, JSValue value)
{
    JSValue list = by_property ? JS_GetProperty(ctx, groups, atom)
                               : JS_Call(ctx, bi.map_get, groups, 1, &key);
    int64_t len = 0;
    int r = 0;
    if (JS_IsException(list)) {
        r = -1;
    } else if (JS_IsUndefined(list)) {
        list = JS_NewArray(ctx);
        if (JS_IsException(list)) {
            r = -1;
        } else if (by_property) {
            r = JS_DefinePropertyValue(ctx, groups, atom, JS_DupValue(ctx, list),
                                       JS_PROP_C_W_E | JS_PROP_THROW) < 0 ? -1 : 0;
        } else {
            JSValueConst args[2] = { key, list };
            JSValue m = JS_Call(ctx, bi.map_set, groups, 2, args);
            r = JS_IsException(m) ? -1 : 0;
            JS_FreeValue(ctx, m);
        }
    } else {
        r = bi_length_of(ctx, &len, list);
    }
    if (r == 0)
        r = bi_define_index(ctx, list, len, value);
    else
        JS_FreeValue(ctx, value);
    JS_FreeValue(ctx, list);
    return r;
}

/* GroupBy: magic 1 for property keys (Object.groupBy), 0 for a Map. */
static JSValue group_by(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                        int magic)
{
    (void)this_val; (void)argc;
    bool by_property = magic;
    if (JS_IsUndefined(argv[0]) || JS_IsNull(argv[0]))
        return JS_ThrowTypeError(ctx, "cannot group %s", JS_IsNull(argv[0]) ? "null" : "undefined");
    if (bi_require_callable(ctx, argv[1], "the callback"))
        return JS_EXCEPTION;
    JSValue groups = by_property ? JS_NewObjectProto(ctx, JS_NULL)
                                 : JS_CallConstructor(ctx, bi.map_ctor, 0, NULL);
    bi_iter_t it = BI_ITER_INIT;
    if (JS_IsException(groups) || bi_iter_open(ctx, &it, argv[0]))
        goto fail;
    for (int64_t k = 0;; k++) {
        JSValue value;
        int step = bi_iter_step(ctx, &it, &value);
        if (step <= 0) {
            if (step < 0)
                goto fail;
            break;
        }
        JSValueConst args[2] = { value, JS_NewInt64(ctx, k) };
        JSValue key = JS_Call(ctx, argv[1], JS_UNDEFINED, 2, args);
        JSAtom atom = JS_ATOM_NULL;
        if (!JS_IsException(key) && by_property) {
            atom = JS_ValueToAtom(ctx, key); /* ToPropertyKey */
            if (atom == JS_ATOM_NULL) {
                JS_FreeValue(ctx, key);
                key = JS_EXCEPTION;
            }
        }
        if (JS_IsException(key) ||
            add_to_group(ctx, groups, by_property, atom, key, value)) {
            if (JS_IsException(key))
                JS_FreeValue(ctx, value);
            JS_FreeValue(ctx, key);
            JS_FreeAtom(ctx, atom);
            bi_iter_close(ctx, &it, true);
            goto fail;
        }
        JS_FreeValue(ctx, key);
        JS_FreeAtom(ctx, atom);
    }
    bi_iter_free(ctx, &it);
    return groups;
fail:
    bi_iter_free(ctx, &it);
    JS_FreeValue(ctx, groups);
    return JS_EXCEPTION;
}

/* ---- String.prototype.at, isWellFormed, toWellFormed ---------------------------------- */

/* RequireObjectCoercible(this), then ToString. */
static JSValue this_string(JSContext *ctx, JSValueConst this_val)
{
    if (JS_IsUndefined(this_val) || JS_IsNull(this_val))
        return JS_ThrowTypeError(ctx, "String.prototype method called on %s",
                                 JS_IsNull(this_val) ? "null" : "undefined");
    return JS_ToString(ctx, this_val);
}

static JSValue string_at(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)argc;
    JSValue s = this_string(ctx, this_val);
    int64_t len;
    double rel;
    if (JS_IsException(s))
        return s;
    if (bi_length_of(ctx, &len, s) || bi_to_integer(ctx, &rel, argv[0])) {
        JS_FreeValue(ctx, s);
        return JS_EXCEPTION;
    }
    double k = bi_relative_index(rel, len);
    JSValue v = k < 0 || k >= (double)len ? JS_UNDEFINED : JS_GetPropertyUint32(ctx, s, (uint32_t)k);
    JS_FreeValue(ctx, s);
    return v;
}

/* QuickJS writes a lone surrogate as ED A0..BF xx (codec.h). */
static bool has_lone_surrogate(const char *p, size_t len)
{
    for (size_t i = 0; i + 2 < len; i++)
        if ((uint8_t)p[i] == 0xed && (uint8_t)p[i + 1] >= 0xa0)
            return true;
    return false;
}

/* magic 0: isWellFormed, 1: toWellFormed */
static JSValue string_well_formed(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv, int magic)
{
    (void)argc; (void)argv;
    JSValue s = this_string(ctx, this_val);
    if (JS_IsException(s))
        return s;
    size_t len;
    const char *u = JS_ToCStringLen(ctx, &len, s);
    if (!u) {
        JS_FreeValue(ctx, s);
        return JS_EXCEPTION;
    }
    bool well_formed = !has_lone_surrogate(u, len);
    JSValue r;
    if (!magic)
        r = JS_NewBool(ctx, well_formed);
    else if (well_formed)
        r = JS_DupValue(ctx, s);
    else {
        codec_replace_lone_surrogates((uint8_t *)u, len); /* a copy: the string is 16-bit */
        r = JS_NewStringLen(ctx, u, len);
    }
    JS_FreeCString(ctx, u);
    JS_FreeValue(ctx, s);
    return r;
}

/* ---- Promise.withResolvers, Promise.try ---------------------------------------------- */

static JSValue promise_with_resolvers(JSContext *ctx, JSValueConst this_val, int argc,
                                      JSValueConst *argv)
{
    (void)argc; (void)argv;
    JSValue cap[3];
    if (bi_new_promise_capability(ctx, this_val, cap))
        return JS_EXCEPTION;
    static const char *const names[3] = { "promise", "resolve", "reject" };
    JSValue obj = JS_NewObject(ctx);
    for (int i = 0; i < 3; i++) {
        if (JS_IsException(obj) || bi_define_str(ctx, obj, names[i], cap[i])) {
            for (int j = JS_IsException(obj) ? i : i + 1; j < 3; j++)
                JS_FreeValue(ctx, cap[j]);
            JS_FreeValue(ctx, obj);
            return JS_EXCEPTION;
        }
    }
    return obj;
}

static JSValue promise_try(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!JS_IsObject(this_val))
        return JS_ThrowTypeError(ctx, "Promise.try called on a non-object");
    JSValue cap[3];
    if (bi_new_promise_capability(ctx, this_val, cap))
        return JS_EXCEPTION;
    JSValue status = JS_Call(ctx, argv[0], JS_UNDEFINED, argc > 1 ? argc - 1 : 0, argv + 1);
    JSValue settle = cap[1];
    if (JS_IsException(status)) {
        status = JS_GetException(ctx);
        settle = cap[2];
    }
    JSValue r = JS_Call(ctx, settle, JS_UNDEFINED, 1, (JSValueConst *)&status);
    JS_FreeValue(ctx, status);
    JS_FreeValue(ctx, cap[1]);
    JS_FreeValue(ctx, cap[2]);
    if (JS_IsException(r)) {
        JS_FreeValue(ctx, cap[0]);
        return r;
    }
    JS_FreeValue(ctx, r);
    return cap[0];
}

/* ---- installing -------------------------------------------------------------------------- */

static const JSCFunctionListEntry object_funcs[] = {
    JS_CFUNC_DEF("hasOwn", 2, object_has_own),
    JS_CFUNC_MAGIC_DEF("groupBy", 2, group_by, 1),
};

static const JSCFunctionListEntry map_funcs[] = {
    JS_CFUNC_MAGIC_DEF("groupBy", 2, group_by, 0),
};

static const JSCFunctionListEntry string_proto_funcs[] = {
    JS_CFUNC_DEF("at", 1, string_at),
    JS_CFUNC_MAGIC_DEF("isWellFormed", 0, string_well_formed, 0),
    JS_CFUNC_MAGIC_DEF("toWellFormed", 0, string_well_formed, 1),
};

static const JSCFunctionListEntry promise_funcs[] = {
    JS_CFUNC_DEF("withResolvers", 0, promise_with_resolvers),
    JS_CFUNC_DEF("try", 1, promise_try),
};

#define LIST(a) a, (int)(sizeof a / sizeof a[0])

int builtins_object_install(JSContext *ctx)
{
    JS_SetPropertyFunctionList(ctx, bi.object_ctor, LIST(object_funcs));
    JS_SetPropertyFunctionList(ctx, bi.map_ctor, LIST(map_funcs));
    JS_SetPropertyFunctionList(ctx, bi.promise_ctor, LIST(promise_funcs));
    JSValue g = JS_GetGlobalObject(ctx);
    JSValue string_ctor = JS_GetPropertyStr(ctx, g, "String");
    JSValue proto = JS_GetPropertyStr(ctx, string_ctor, "prototype");
    int r = JS_IsObject(proto) ? 0 : -1;
    if (r == 0)
        JS_SetPropertyFunctionList(ctx, proto, LIST(string_proto_funcs));
    JS_FreeValue(ctx, proto);
    JS_FreeValue(ctx, string_ctor);
    JS_FreeValue(ctx, g);
    return r;
}
