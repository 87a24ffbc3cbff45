/* builtins_array.c - Array additions after ES2021: at (ES2022),
 * findLast/findLastIndex (ES2023), toReversed/toSorted/toSpliced/with
 * (ES2023, change array by copy) and Array.fromAsync, plus the names
 * Array.prototype[Symbol.unscopables] gained with them. Every method is
 * generic: it works on any array-like through Get, as the specification
 * says, and copies into a new array created here (never through species). */
#include "builtins.h"

#include <math.h>

static JSValue array_at(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)argc;
    JSValue o = bi_to_object(ctx, this_val);
    int64_t len;
    double rel;
    if (JS_IsException(o))
        return o;
    if (bi_length_of(ctx, &len, o) || bi_to_integer(ctx, &rel, argv[0])) {
        JS_FreeValue(ctx, o);
        return JS_EXCEPTION;
    }
    double k = bi_relative_index(rel, len);
    JSValue v = k < 0 || k >= (double)len ? JS_UNDEFINED : bi_get_index(ctx, o, (int64_t)k);
    JS_FreeValue(ctx, o);
    return v;
}

/* magic 0: findLast (the element), 1: findLastIndex (its index) */
static JSValue array_find_last(JSContext *ctx, JSValueConst this_val, int argc,
                               JSValueConst *argv, int magic)
{
    /* argv holds argc values, and at least length (1): thisArg may not be there */
    JSValueConst this_arg = argc > 1 ? argv[1] : JS_UNDEFINED;
    JSValue o = bi_to_object(ctx, this_val);
    int64_t len;
    if (JS_IsException(o))
        return o;
    if (bi_length_of(ctx, &len, o) || bi_require_callable(ctx, argv[0], "predicate")) {
        JS_FreeValue(ctx, o);
        return JS_EXCEPTION;
    }
    for (int64_t k = len - 1; k >= 0; k--) {
        JSValue args[3] = { bi_get_index(ctx, o, k), JS_NewInt64(ctx, k), o };
        if (JS_IsException(args[0]))
            goto fail;
        JSValue r = JS_Call(ctx, argv[0], this_arg, 3, (JSValueConst *)args);
        int found = JS_IsException(r) ? -1 : JS_ToBool(ctx, r);
        JS_FreeValue(ctx, r);
        if (found < 0) {
            JS_FreeValue(ctx, args[0]);
            goto fail;
        }
        if (found) {
            JS_FreeValue(ctx, o);
            if (magic)
                JS_FreeValue(ctx, args[0]);
            return magic ? args[1] : args[0];
        }
        JS_FreeValue(ctx, args[0]);
    }
    JS_FreeValue(ctx, o);
    return magic ? JS_NewInt32(ctx, -1) : JS_UNDEFINED;
fail:
    JS_FreeValue(ctx, o);
    return JS_EXCEPTION;
}

/* Copies o[from, from + count) into a[to...]; returns -1 on an exception. */
static int copy_elements(JSContext *ctx, JSValueConst a, int64_t to, JSValueConst o,
                         int64_t from, int64_t count)
{
    for (int64_t i = 0; i < count; i++) {
        JSValue v = bi_get_index(ctx, o, from + i);
        if (JS_IsException(v) || bi_define_index(ctx, a, to + i, v))
            return -1;
    }
    return 0;
}

static JSValue array_to_reversed(JSContext *ctx, JSValueConst this_val, int argc,
                                 JSValueConst *argv)
{
    (void)argc; (void)argv;
    JSValue o = bi_to_object(ctx, this_val), a = JS_UNDEFINED;
    int64_t len;
    if (JS_IsException(o) || bi_length_of(ctx, &len, o))
        goto fail;
    a = bi_array_create(ctx, (double)len);
    if (JS_IsException(a))
        goto fail;
    for (int64_t k = 0; k < len; k++) {
        JSValue v = bi_get_index(ctx, o, len - k - 1);
        if (JS_IsException(v) || bi_define_index(ctx, a, k, v))
            goto fail;
    }
    JS_FreeValue(ctx, o);
    return a;
fail:
    JS_FreeValue(ctx, o);
    JS_FreeValue(ctx, a);
    return JS_EXCEPTION;
}

/* Reads every element into a new array, holes as undefined, then sorts it
 * with the intrinsic sort: the reads all happen before any comparison, as
 * in SortIndexedProperties, and the new array is reachable by nobody. */
static JSValue array_to_sorted(JSContext *ctx, JSValueConst this_val, int argc,
                               JSValueConst *argv)
{
    (void)argc;
    JSValue o = JS_UNDEFINED, a = JS_UNDEFINED;
    int64_t len;
    if (!JS_IsUndefined(argv[0]) && bi_require_callable(ctx, argv[0], "the comparator"))
        return JS_EXCEPTION;
    o = bi_to_object(ctx, this_val);
    if (JS_IsException(o) || bi_length_of(ctx, &len, o))
        goto fail;
    a = bi_array_create(ctx, (double)len);
    if (JS_IsException(a) || copy_elements(ctx, a, 0, o, 0, len))
        goto fail;
    JSValue sorted = JS_Call(ctx, bi.array_sort, a, 1, argv);
    if (JS_IsException(sorted))
        goto fail;
    JS_FreeValue(ctx, sorted);
    JS_FreeValue(ctx, o);
    return a;
fail:
    JS_FreeValue(ctx, o);
    JS_FreeValue(ctx, a);
    return JS_EXCEPTION;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static JSValue array_to_spliced(JSContext *ctx, JSValueConst this_val, int argc,
                                JSValueConst *argv)
{
    JSValue o = bi_to_object(ctx, this_val), a = JS_UNDEFINED;
    int64_t len;
    double rel_start, skip;
    if (JS_IsException(o) || bi_length_of(ctx, &len, o) ||
        bi_to_integer(ctx, &rel_start, argv[0]))
        goto fail;
    double start = rel_start < 0 ? fmax((double)len + rel_start, 0) : fmin(rel_start, (double)len);
    if (argc == 0)
        skip = 0;
    else if (argc == 1)
        skip = (double)len - start;
    else if (bi_to_integer(ctx, &skip, argv[1]))
        goto fail;
    else
        skip = clamp(skip, 0, (double)len - start);
    int64_t inserted = argc > 2 ? argc - 2 : 0;
    double new_len = (double)len + (double)inserted - skip;
    if (new_len > BI_MAX_SAFE_INTEGER) {
        JS_ThrowTypeError(ctx, "the array would be too long");
        goto fail;
    }
    a = bi_array_create(ctx, new_len);
    if (JS_IsException(a))
        goto fail;
    int64_t s = (int64_t)start, n = (int64_t)new_len, i = 0;
    if (copy_elements(ctx, a, 0, o, 0, s))
        goto fail;
    for (i = s; i < s + inserted; i++)
        if (bi_define_index(ctx, a, i, JS_DupValue(ctx, argv[2 + i - s])))
            goto fail;
    if (copy_elements(ctx, a, i, o, s + (int64_t)skip, n - i))
        goto fail;
    JS_FreeValue(ctx, o);
    return a;
fail:
    JS_FreeValue(ctx, o);
    JS_FreeValue(ctx, a);
    return JS_EXCEPTION;
}

static JSValue array_with(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)argc;
    JSValue o = bi_to_object(ctx, this_val), a = JS_UNDEFINED;
    int64_t len;
    double rel;
    if (JS_IsException(o) || bi_length_of(ctx, &len, o) || bi_to_integer(ctx, &rel, argv[0]))
        goto fail;
    double index = bi_relative_index(rel, len);
    if (index < 0 || index >= (double)len) {
        JS_ThrowRangeError(ctx, "index out of range");
        goto fail;
    }
    a = bi_array_create(ctx, (double)len);
    if (JS_IsException(a))
        goto fail;
    for (int64_t k = 0; k < len; k++) {
        JSValue v = k == (int64_t)index ? JS_DupValue(ctx, argv[1]) : bi_get_index(ctx, o, k);
        if (JS_IsException(v) || bi_define_index(ctx, a, k, v))
            goto fail;
    }
    JS_FreeValue(ctx, o);
    return a;
fail:
    JS_FreeValue(ctx, o);
    JS_FreeValue(ctx, a);
    return JS_EXCEPTION;
}

/* ---- Array.fromAsync ------------------------------------------------------------------ */

/* Awaiting is what an async function does best, so the algorithm is
 * JavaScript, closed over intrinsics and natives (never globals a handler
 * could replace); the native Array.fromAsync below calls it, which gives it
 * a built-in's prototype, name, length and no [[Construct]]. It follows
 * the specification's order of operations; an array-like or synchronous
 * iterable's values are awaited as CreateAsyncFromSyncIterator would,
 * closing the iterator when one rejects. */
static const char from_async_source[] =
    "(function (apply, isConstructor, defineElement, toLength, toObject, TypeError,\n"
    "           ArrayCtor, asyncIteratorKey, iteratorKey) {\n"
    "  'use strict';\n"
    "  const isObject = (v) => (typeof v === 'object' && v !== null) || typeof v === 'function';\n"
    "  const getMethod = (v, key) => {\n"
    "    const m = v[key];\n"
    "    if (m === undefined || m === null) return undefined;\n"
    "    if (typeof m !== 'function') throw new TypeError('not a function');\n"
    "    return m;\n"
    "  };\n"
    "  const open = (items, method) => {\n"
    "    const it = apply(method, items, []);\n"
    "    if (!isObject(it)) throw new TypeError('the iterator is not an object');\n"
    "    return { it, next: it.next };\n"
    "  };\n"
    "  const closeQuietly = async (rec, awaitIt) => {\n"
    "    try {\n"
    "      const ret = rec.it.return;\n"
    "      if (ret !== undefined && ret !== null) {\n"
    "        const r = apply(ret, rec.it, []);\n"
    "        if (awaitIt) await r;\n"
    "      }\n"
    "    } catch (e) {}\n"
    "  };\n"
    "  return async function (items, mapfn, thisArg) {\n"
    "    const C = this;\n"
    "    const mapping = mapfn !== undefined;\n"
    "    if (mapping && typeof mapfn !== 'function') throw new TypeError('mapfn is not a function');\n"
    "    const asyncMethod = getMethod(items, asyncIteratorKey);\n"
    "    const syncMethod = asyncMethod === undefined ? getMethod(items, iteratorKey) : undefined;\n"
    "    if (asyncMethod === undefined && syncMethod === undefined) {\n"
    "      const arrayLike = toObject(items);\n"
    "      const len = toLength(arrayLike.length);\n"
    "      const A = isConstructor(C) ? new C(len) : new ArrayCtor(len);\n"
    "      for (let k = 0; k < len; k++) {\n"
    "        let v = await arrayLike[k];\n"
    "        if (mapping) v = await apply(mapfn, thisArg, [v, k]);\n"
    "        defineElement(A, k, v);\n"
    "      }\n"
    "      A.length = len;\n"
    "      return A;\n"
    "    }\n"
    "    const sync = asyncMethod === undefined;\n"
    "    const rec = open(items, sync ? syncMethod : asyncMethod);\n"
    "    const A = isConstructor(C) ? new C() : [];\n"
    "    let k = 0;\n"
    "    for (;;) {\n"
    "      let v;\n"
    "      if (sync) {\n"
    "        const r = apply(rec.next, rec.it, []);\n"
    "        if (!isObject(r)) throw new TypeError('iterator result is not an object');\n"
    "        const done = !!r.done;\n"
    "        const value = r.value;\n"
    "        try { v = await value; } catch (e) { if (!done) await closeQuietly(rec, false); throw e; }\n"
    "        if (done) break;\n"
    "      } else {\n"
    "        const r = await apply(rec.next, rec.it, []);\n"
    "        if (!isObject(r)) throw new TypeError('iterator result is not an object');\n"
    "        if (r.done) break;\n"
    "        v = r.value;\n"
    "      }\n"
    "      try {\n"
    "        if (mapping) v = await apply(mapfn, thisArg, [v, k]);\n"
    "        defineElement(A, k, v);\n"
    "      } catch (e) {\n"
    "        await closeQuietly(rec, !sync);\n"
    "        throw e;\n"
    "      }\n"
    "      k++;\n"
    "    }\n"
    "    A.length = k;\n"
    "    return A;\n"
    "  };\n"
    "})\n";

static JSValue g_from_async;

static JSValue array_from_async(JSContext *ctx, JSValueConst this_val, int argc,
                                JSValueConst *argv)
{
    return JS_Call(ctx, g_from_async, this_val, argc, argv);
}

static JSValue nat_is_constructor(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    (void)this_val; (void)argc;
    return JS_NewBool(ctx, JS_IsConstructor(ctx, argv[0]));
}

static JSValue nat_define_element(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    (void)this_val; (void)argc;
    double k;
    if (bi_to_integer(ctx, &k, argv[1]) ||
        bi_define_index(ctx, argv[0], (int64_t)k, JS_DupValue(ctx, argv[2])))
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static JSValue nat_to_length(JSContext *ctx, JSValueConst this_val, int argc,
                             JSValueConst *argv)
{
    (void)this_val; (void)argc;
    double d;
    if (bi_to_integer(ctx, &d, argv[0]))
        return JS_EXCEPTION;
    return JS_NewFloat64(ctx, d <= 0 ? 0 : fmin(d, BI_MAX_SAFE_INTEGER));
}

static JSValue nat_to_object(JSContext *ctx, JSValueConst this_val, int argc,
                             JSValueConst *argv)
{
    (void)this_val; (void)argc;
    return bi_to_object(ctx, argv[0]);
}

static int make_from_async(JSContext *ctx, JSContext *compiler)
{
    JSValue factory = bi_compile(ctx, compiler, from_async_source, sizeof from_async_source - 1);
    if (JS_IsException(factory))
        return -1;
    JSValue args[9] = {
        JS_DupValue(ctx, bi.reflect_apply),
        JS_NewCFunction(ctx, nat_is_constructor, "isConstructor", 1),
        JS_NewCFunction(ctx, nat_define_element, "defineElement", 3),
        JS_NewCFunction(ctx, nat_to_length, "toLength", 1),
        JS_NewCFunction(ctx, nat_to_object, "toObject", 1),
        JS_DupValue(ctx, bi.error_ctors[5]), /* TypeError */
        JS_DupValue(ctx, bi.array_ctor),
        JS_DupValue(ctx, bi.symbol_async_iterator),
        JS_DupValue(ctx, bi.symbol_iterator),
    };
    g_from_async = JS_Call(ctx, factory, JS_UNDEFINED, 9, (JSValueConst *)args);
    for (int i = 0; i < 9; i++)
        JS_FreeValue(ctx, args[i]);
    JS_FreeValue(ctx, factory);
    return JS_IsFunction(ctx, g_from_async) ? 0 : -1;
}

/* ---- installing ------------------------------------------------------------------------ */

static const JSCFunctionListEntry array_proto_funcs[] = {
    JS_CFUNC_DEF("at", 1, array_at),
    JS_CFUNC_MAGIC_DEF("findLast", 1, array_find_last, 0),
    JS_CFUNC_MAGIC_DEF("findLastIndex", 1, array_find_last, 1),
    JS_CFUNC_DEF("toReversed", 0, array_to_reversed),
    JS_CFUNC_DEF("toSorted", 1, array_to_sorted),
    JS_CFUNC_DEF("toSpliced", 2, array_to_spliced),
    JS_CFUNC_DEF("with", 2, array_with),
};

static const JSCFunctionListEntry array_funcs[] = {
    JS_CFUNC_DEF("fromAsync", 1, array_from_async),
};

/* Array.prototype[Symbol.unscopables] gains the new names that could
 * clash with variables in a with statement (all but with). */
static int extend_unscopables(JSContext *ctx, JSValueConst proto)
{
    static const char *const names[] = {
        "at", "findLast", "findLastIndex", "toReversed", "toSorted", "toSpliced",
    };
    JSValue g = JS_GetGlobalObject(ctx);
    JSValue symbol_ctor = JS_GetPropertyStr(ctx, g, "Symbol");
    JSValue key = JS_GetPropertyStr(ctx, symbol_ctor, "unscopables");
    JSAtom atom = JS_ValueToAtom(ctx, key);
    JSValue list = JS_GetProperty(ctx, proto, atom);
    int r = JS_IsObject(list) ? 0 : -1;
    for (size_t i = 0; r == 0 && i < sizeof names / sizeof names[0]; i++)
        r = bi_define_str(ctx, list, names[i], JS_TRUE);
    JS_FreeValue(ctx, list);
    JS_FreeAtom(ctx, atom);
    JS_FreeValue(ctx, key);
    JS_FreeValue(ctx, symbol_ctor);
    JS_FreeValue(ctx, g);
    return r;
}

int builtins_array_install(JSContext *ctx, JSContext *compiler)
{
    JSValue proto = JS_GetPropertyStr(ctx, bi.array_ctor, "prototype");
    JS_SetPropertyFunctionList(ctx, proto, array_proto_funcs,
                               sizeof array_proto_funcs / sizeof array_proto_funcs[0]);
    int r = extend_unscopables(ctx, proto);
    JS_FreeValue(ctx, proto);
    if (r || make_from_async(ctx, compiler))
        return -1;
    JS_SetPropertyFunctionList(ctx, bi.array_ctor, array_funcs,
                               sizeof array_funcs / sizeof array_funcs[0]);
    return 0;
}
