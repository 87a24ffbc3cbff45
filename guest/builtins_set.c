/* builtins_set.c - the Set methods of ES2025: union, intersection,
 * difference, symmetricDifference, isSubsetOf, isSupersetOf and
 * isDisjointFrom. The receiver must be a real Set (its [[SetData]] is read
 * through the captured intrinsics, never through methods a handler could
 * shadow); the argument may be any Set-like, used only through its size,
 * has and keys (GetSetRecord). Results are new Sets from the intrinsic
 * constructor. Which side is iterated depends on the sizes, as specified,
 * so the calls a Set-like sees are the specification's. */
#include "builtins.h"

#include <math.h>

typedef struct set_record {
    JSValueConst obj;
    JSValue has, keys;
    double size;
} set_record_t;

static void record_free(JSContext *ctx, set_record_t *rec)
{
    JS_FreeValue(ctx, rec->has);
    JS_FreeValue(ctx, rec->keys);
}

/* GetSetRecord(obj). */
static int get_set_record(JSContext *ctx, JSValueConst obj, set_record_t *rec)
{
    *rec = (set_record_t){ obj, JS_UNDEFINED, JS_UNDEFINED, 0 };
    if (!JS_IsObject(obj)) {
        JS_ThrowTypeError(ctx, "the argument is not a set-like object");
        return -1;
    }
    JSValue raw = JS_GetProperty(ctx, obj, bi.atom_size);
    double num;
    int r = JS_IsException(raw) ? -1 : JS_ToFloat64(ctx, &num, raw);
    JS_FreeValue(ctx, raw);
    if (r)
        return -1;
    if (isnan(num)) {
        JS_ThrowTypeError(ctx, "the set-like's size is not a number");
        return -1;
    }
    rec->size = trunc(num);
    if (rec->size < 0) {
        JS_ThrowRangeError(ctx, "the set-like's size is negative");
        return -1;
    }
    rec->has = JS_GetProperty(ctx, obj, bi.atom_has);
    if (JS_IsException(rec->has) || bi_require_callable(ctx, rec->has, "the set-like's has"))
        return -1;
    rec->keys = JS_GetProperty(ctx, obj, bi.atom_keys);
    if (JS_IsException(rec->keys) || bi_require_callable(ctx, rec->keys, "the set-like's keys"))
        return -1;
    return 0;
}

/* The receiver must have [[SetData]]; then the argument's record. */
static int begin(JSContext *ctx, JSValueConst this_val, JSValueConst other, set_record_t *rec)
{
    *rec = (set_record_t){ other, JS_UNDEFINED, JS_UNDEFINED, 0 };
    if (JS_GetObjectClassID(this_val) != bi.class_set) {
        JS_ThrowTypeError(ctx, "not a Set");
        return -1;
    }
    return get_set_record(ctx, other, rec);
}

/* ---- a Set's own data, through the intrinsics -------------------------------------- */

static double size_of(JSContext *ctx, JSValueConst set)
{
    JSValue n = JS_Call(ctx, bi.set_size, set, 0, NULL);
    double d = 0;
    JS_ToFloat64(ctx, &d, n); /* a number: set is a Set */
    JS_FreeValue(ctx, n);
    return d;
}

/* 1 or 0, or -1 with an exception. */
static int contains(JSContext *ctx, JSValueConst set, JSValueConst v)
{
    JSValue r = JS_Call(ctx, bi.set_has, set, 1, &v);
    int b = JS_IsException(r) ? -1 : JS_ToBool(ctx, r);
    JS_FreeValue(ctx, r);
    return b;
}

/* Calls the intrinsic add or delete; -1 with an exception. */
static int update(JSContext *ctx, JSValueConst fn, JSValueConst set, JSValueConst v)
{
    JSValue r = JS_Call(ctx, fn, set, 1, &v);
    int failed = JS_IsException(r);
    JS_FreeValue(ctx, r);
    return failed ? -1 : 0;
}

/* A live iterator over a Set's data: entries added meanwhile are visited
 * and deleted ones skipped, as the specification's index walk does. */
static JSValue values_of(JSContext *ctx, JSValueConst set)
{
    return JS_Call(ctx, bi.set_values, set, 0, NULL);
}

/* 1 with *v, 0 at the end, -1 with an exception. */
static int next_value(JSContext *ctx, JSValueConst iter, JSValue *v)
{
    JSValue r = JS_Call(ctx, bi.set_iter_next, iter, 0, NULL);
    if (JS_IsException(r))
        return -1;
    JSValue done = JS_GetProperty(ctx, r, bi.atom_done);
    int is_done = JS_ToBool(ctx, done);
    JS_FreeValue(ctx, done);
    *v = is_done ? JS_UNDEFINED : JS_GetProperty(ctx, r, bi.atom_value);
    JS_FreeValue(ctx, r);
    return is_done ? 0 : 1;
}

static JSValue copy_of(JSContext *ctx, JSValueConst set)
{
    JSValue copy = JS_CallConstructor(ctx, bi.set_ctor, 0, NULL);
    JSValue iter = JS_IsException(copy) ? JS_EXCEPTION : values_of(ctx, set);
    JSValue v;
    int step = 0;
    while (!JS_IsException(iter) && (step = next_value(ctx, iter, &v)) > 0) {
        step = update(ctx, bi.set_add, copy, v);
        JS_FreeValue(ctx, v);
        if (step)
            break;
    }
    if (JS_IsException(iter) || step) {
        JS_FreeValue(ctx, copy);
        copy = JS_EXCEPTION;
    }
    JS_FreeValue(ctx, iter);
    return copy;
}

/* ToBoolean(Call(rec.has, rec.obj, «v»)): 1, 0, or -1. */
static int other_has(JSContext *ctx, set_record_t *rec, JSValueConst v)
{
    JSValue r = JS_Call(ctx, rec->has, rec->obj, 1, &v);
    int b = JS_IsException(r) ? -1 : JS_ToBool(ctx, r);
    JS_FreeValue(ctx, r);
    return b;
}

/* ---- the methods -------------------------------------------------------------------- */

enum { UNION, INTERSECTION, DIFFERENCE, SYMMETRIC_DIFFERENCE };

/* Walks the other's keys (its keys() iterator): intersection adds those
 * the receiver has to result, difference deletes them all from it. */
static int walk_other_keys(JSContext *ctx, int op, JSValueConst this_set, set_record_t *rec,
                           JSValueConst result)
{
    bi_iter_t it;
    if (bi_iter_from_method(ctx, &it, rec->obj, rec->keys)) {
        bi_iter_free(ctx, &it);
        return -1;
    }
    int r = 0;
    JSValue v;
    while (r == 0 && (r = bi_iter_step(ctx, &it, &v)) > 0) {
        if (op == DIFFERENCE) {
            r = update(ctx, bi.set_delete, result, v);
        } else {
            int in_this = contains(ctx, this_set, v);
            r = in_this < 0 ? -1 : in_this ? update(ctx, bi.set_add, result, v) : 0;
        }
        JS_FreeValue(ctx, v);
    }
    bi_iter_free(ctx, &it);
    return r < 0 ? -1 : 0;
}

/* Walks a Set's own data (walked: the receiver, or the result for
 * difference), asking the other's has(): intersection keeps, difference
 * deletes what it has. */
static int walk_own_data(JSContext *ctx, int op, JSValueConst walked, set_record_t *rec,
                         JSValueConst result)
{
    JSValue iter = values_of(ctx, walked), v;
    int r = JS_IsException(iter) ? -1 : 0;
    while (r == 0 && (r = next_value(ctx, iter, &v)) > 0) {
        int in_other = other_has(ctx, rec, v);
        if (in_other < 0)
            r = -1;
        else if (in_other)
            r = update(ctx, op == INTERSECTION ? bi.set_add : bi.set_delete, result, v);
        else
            r = 0;
        JS_FreeValue(ctx, v);
    }
    JS_FreeValue(ctx, iter);
    return r < 0 ? -1 : 0;
}

static JSValue set_combine(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                           int op)
{
    (void)argc;
    set_record_t rec;
    JSValue result = JS_UNDEFINED;
    int r = -1;
    if (begin(ctx, this_val, argv[0], &rec))
        goto done;
    if (op == INTERSECTION) {
        result = JS_CallConstructor(ctx, bi.set_ctor, 0, NULL);
        if (!JS_IsException(result))
            r = size_of(ctx, this_val) <= rec.size
                    ? walk_own_data(ctx, op, this_val, &rec, result)
                    : walk_other_keys(ctx, op, this_val, &rec, result);
    } else if (op == DIFFERENCE) {
        result = copy_of(ctx, this_val);
        if (!JS_IsException(result))
            r = size_of(ctx, this_val) <= rec.size
                    ? walk_own_data(ctx, op, result, &rec, result)
                    : walk_other_keys(ctx, op, this_val, &rec, result);
    } else {
        /* union and symmetricDifference open the keys iterator before
           copying the receiver (keys() may change it) */
        bi_iter_t it;
        if (bi_iter_from_method(ctx, &it, rec.obj, rec.keys) == 0) {
            result = copy_of(ctx, this_val);
            if (!JS_IsException(result)) {
                JSValue v;
                int in_this = 0, in_result = 0;
                while ((r = bi_iter_step(ctx, &it, &v)) > 0) {
                    if (op == SYMMETRIC_DIFFERENCE) {
                        in_this = contains(ctx, this_val, v);
                        in_result = contains(ctx, result, v);
                    }
                    if (in_this < 0 || in_result < 0)
                        r = -1;
                    else if (in_this && in_result)
                        r = update(ctx, bi.set_delete, result, v);
                    else if (!in_this && !in_result)
                        r = update(ctx, bi.set_add, result, v);
                    else
                        r = 0;
                    JS_FreeValue(ctx, v);
                    if (r)
                        break;
                }
            }
        }
        bi_iter_free(ctx, &it);
    }
done:
    record_free(ctx, &rec);
    if (r < 0) {
        JS_FreeValue(ctx, result);
        return JS_EXCEPTION;
    }
    return result;
}

enum { SUBSET, SUPERSET, DISJOINT };

/* Walks the other's keys until one is (DISJOINT) or is not (SUPERSET) in
 * the receiver, closing the iterator there. 1 or 0, or -1. */
static int keys_all_satisfy(JSContext *ctx, int op, JSValueConst this_set, set_record_t *rec)
{
    bi_iter_t it;
    if (bi_iter_from_method(ctx, &it, rec->obj, rec->keys)) {
        bi_iter_free(ctx, &it);
        return -1;
    }
    int r;
    JSValue v;
    while ((r = bi_iter_step(ctx, &it, &v)) > 0) {
        int in_this = contains(ctx, this_set, v);
        JS_FreeValue(ctx, v);
        if (in_this < 0) {
            r = -1;
            break;
        }
        if (in_this == (op == DISJOINT)) {
            r = bi_iter_close(ctx, &it, false) < 0 ? -1 : 0;
            bi_iter_free(ctx, &it);
            return r < 0 ? -1 : 0;
        }
    }
    bi_iter_free(ctx, &it);
    return r < 0 ? -1 : 1;
}

/* Walks the receiver's data until the other has (DISJOINT) or has not
 * (SUBSET) an element. 1 or 0, or -1. */
static int own_all_satisfy(JSContext *ctx, int op, JSValueConst this_set, set_record_t *rec)
{
    JSValue iter = values_of(ctx, this_set), v;
    int r = JS_IsException(iter) ? -1 : 1, step;
    while (r == 1 && (step = next_value(ctx, iter, &v)) != 0) {
        int in_other = step < 0 ? -1 : other_has(ctx, rec, v);
        if (step > 0)
            JS_FreeValue(ctx, v);
        if (in_other < 0)
            r = -1;
        else if (in_other == (op == DISJOINT))
            r = 0;
    }
    JS_FreeValue(ctx, iter);
    return r;
}

static JSValue set_compare(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                           int op)
{
    (void)argc;
    set_record_t rec;
    int r = -1;
    if (begin(ctx, this_val, argv[0], &rec))
        goto done;
    double size = size_of(ctx, this_val);
    if (op == SUBSET)
        r = size > rec.size ? 0 : own_all_satisfy(ctx, op, this_val, &rec);
    else if (op == SUPERSET)
        r = size < rec.size ? 0 : keys_all_satisfy(ctx, op, this_val, &rec);
    else
        r = size <= rec.size ? own_all_satisfy(ctx, op, this_val, &rec)
                             : keys_all_satisfy(ctx, op, this_val, &rec);
done:
    record_free(ctx, &rec);
    return r < 0 ? JS_EXCEPTION : JS_NewBool(ctx, r);
}

static const JSCFunctionListEntry set_proto_funcs[] = {
    JS_CFUNC_MAGIC_DEF("union", 1, set_combine, UNION),
    JS_CFUNC_MAGIC_DEF("intersection", 1, set_combine, INTERSECTION),
    JS_CFUNC_MAGIC_DEF("difference", 1, set_combine, DIFFERENCE),
    JS_CFUNC_MAGIC_DEF("symmetricDifference", 1, set_combine, SYMMETRIC_DIFFERENCE),
    JS_CFUNC_MAGIC_DEF("isSubsetOf", 1, set_compare, SUBSET),
    JS_CFUNC_MAGIC_DEF("isSupersetOf", 1, set_compare, SUPERSET),
    JS_CFUNC_MAGIC_DEF("isDisjointFrom", 1, set_compare, DISJOINT),
};

int builtins_set_install(JSContext *ctx)
{
    JSValue proto = JS_GetPropertyStr(ctx, bi.set_ctor, "prototype");
    if (!JS_IsObject(proto))
        return -1;
    JS_SetPropertyFunctionList(ctx, proto, set_proto_funcs,
                               sizeof set_proto_funcs / sizeof set_proto_funcs[0]);
    JS_FreeValue(ctx, proto);
    return 0;
}
