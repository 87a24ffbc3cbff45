/* state_object.c - $state, an exotic object implemented in C.
 *
 * A JavaScript Proxy made every `$state.get(key)` run the proxy's get trap,
 * then the method, then the native: three JS calls for one host call. Here
 * property access goes straight from the engine to C. Semantics (docs/api.md):
 * reads of get/set/delete/has/keys/update give the methods; every other
 * property read, write, delete, `in`, own-keys or descriptor query is a
 * state host call. Symbols are never state keys: reading one gives
 * undefined, writing or deleting one throws INVALID_ARGUMENT.
 */
#include "state_object.h"

#include <string.h>

#include "codec.h"
#include "hostcall.h"

#define INVALID "INVALID_ARGUMENT"

enum { M_GET, M_SET, M_DELETE, M_HAS, M_KEYS, M_UPDATE, METHOD_COUNT };

static const char *const method_names[METHOD_COUNT] = { "get", "set", "delete", "has", "keys", "update" };
static JSAtom g_method_atoms[METHOD_COUNT];
static JSValue g_methods[METHOD_COUNT];
static JSClassID g_state_class;

/* ---- host calls by key ------------------------------------------------------------ */

/* The key as UTF-8 (from a string value); NULL with an exception otherwise. */
static const char *key_of(JSContext *ctx, JSValueConst key, size_t *len)
{
    if (!JS_IsString(key)) {
        codec_throw_coded(ctx, INVALID, "a state key must be a string");
        return NULL;
    }
    return JS_ToCStringLen(ctx, len, key);
}

static JSValue state_get(JSContext *ctx, JSValueConst key)
{
    size_t len;
    const char *k = key_of(ctx, key, &len);
    if (!k)
        return JS_EXCEPTION;
    int32_t r = nx_host_state_get(k, (uint32_t)len);
    JS_FreeCString(ctx, k);
    return hostcall_value(ctx, r);
}

/* 1, 0, or -1 with an exception. */
static int state_has(JSContext *ctx, JSValueConst key)
{
    size_t len;
    const char *k = key_of(ctx, key, &len);
    if (!k)
        return -1;
    int32_t r = nx_host_state_has(k, (uint32_t)len);
    JS_FreeCString(ctx, k);
    if (r < 0) {
        JS_FreeValue(ctx, hostcall_value(ctx, r));
        return -1;
    }
    return r > 0;
}

static int state_set(JSContext *ctx, JSValueConst key, JSValueConst value)
{
    size_t len;
    const char *k = key_of(ctx, key, &len);
    if (!k)
        return -1;
    mp_writer_t w;
    mp_writer_init(&w);
    int ok = codec_encode(ctx, value, &w, "a state value") == 0;
    if (ok) {
        JSValue r = hostcall_value(ctx, nx_host_state_set(k, (uint32_t)len, w.data, (uint32_t)w.len));
        ok = !JS_IsException(r);
        JS_FreeValue(ctx, r);
    }
    mp_writer_free(&w);
    JS_FreeCString(ctx, k);
    return ok ? 0 : -1;
}

static int state_delete(JSContext *ctx, JSValueConst key)
{
    size_t len;
    const char *k = key_of(ctx, key, &len);
    if (!k)
        return -1;
    JSValue r = hostcall_value(ctx, nx_host_state_delete(k, (uint32_t)len));
    JS_FreeCString(ctx, k);
    int ok = !JS_IsException(r);
    JS_FreeValue(ctx, r);
    return ok ? 0 : -1;
}

/* ---- the methods --------------------------------------------------------------------- */

static JSValue method_get(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc;
    return state_get(ctx, argv[0]);
}

static JSValue method_set(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc;
    return state_set(ctx, argv[0], argv[1]) ? JS_EXCEPTION : JS_UNDEFINED;
}

static JSValue method_delete(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc;
    return state_delete(ctx, argv[0]) ? JS_EXCEPTION : JS_UNDEFINED;
}

static JSValue method_has(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc;
    int r = state_has(ctx, argv[0]);
    return r < 0 ? JS_EXCEPTION : JS_NewBool(ctx, r);
}

static JSValue method_keys(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc; (void)argv;
    return hostcall_value(ctx, nx_host_state_keys());
}

static JSValue method_update(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc;
    if (!JS_IsFunction(ctx, argv[1]))
        return codec_throw_coded(ctx, INVALID, "$state.update needs a function");
    JSValue current = state_get(ctx, argv[0]);
    if (JS_IsException(current))
        return current;
    JSValue next = JS_Call(ctx, argv[1], JS_UNDEFINED, 1, (JSValueConst *)&current);
    JS_FreeValue(ctx, current);
    if (JS_IsException(next))
        return next;
    if (state_set(ctx, argv[0], next)) {
        JS_FreeValue(ctx, next);
        return JS_EXCEPTION;
    }
    return next;
}

/* ---- exotic behaviour --------------------------------------------------------------------- */

/* The atom as a key string; JS_UNDEFINED for a symbol. */
static JSValue atom_key(JSContext *ctx, JSAtom atom)
{
    JSValue v = JS_AtomToValue(ctx, atom);
    if (JS_IsSymbol(v)) {
        JS_FreeValue(ctx, v);
        return JS_UNDEFINED;
    }
    if (JS_IsString(v))
        return v;
    JS_FreeValue(ctx, v);
    return JS_AtomToString(ctx, atom); /* an index such as $state[0] */
}

static int method_index(JSAtom atom)
{
    for (int i = 0; i < METHOD_COUNT; i++)
        if (g_method_atoms[i] == atom)
            return i;
    return -1;
}

static JSValue exotic_get(JSContext *ctx, JSValueConst obj, JSAtom atom, JSValueConst receiver)
{
    (void)obj; (void)receiver;
    int m = method_index(atom);
    if (m >= 0)
        return JS_DupValue(ctx, g_methods[m]);
    JSValue key = atom_key(ctx, atom);
    if (JS_IsUndefined(key))
        return JS_UNDEFINED;
    JSValue v = state_get(ctx, key);
    JS_FreeValue(ctx, key);
    return v;
}

/* Runs fn(key) for a string key; a symbol throws INVALID_ARGUMENT. */
static int with_string_key(JSContext *ctx, JSAtom atom, JSValueConst value,
                           int (*fn)(JSContext *, JSValueConst, JSValueConst))
{
    JSValue key = atom_key(ctx, atom);
    if (JS_IsUndefined(key)) {
        codec_throw_coded(ctx, INVALID, "a state key must be a string, not a symbol");
        return -1;
    }
    int r = fn(ctx, key, value);
    JS_FreeValue(ctx, key);
    return r < 0 ? -1 : 1;
}

static int set_fn(JSContext *ctx, JSValueConst key, JSValueConst value) { return state_set(ctx, key, value); }
static int delete_fn(JSContext *ctx, JSValueConst key, JSValueConst value)
{
    (void)value;
    return state_delete(ctx, key);
}

static int exotic_set(JSContext *ctx, JSValueConst obj, JSAtom atom, JSValueConst value,
                      JSValueConst receiver, int flags)
{
    (void)obj; (void)receiver; (void)flags;
    return with_string_key(ctx, atom, value, set_fn);
}

static int exotic_delete(JSContext *ctx, JSValueConst obj, JSAtom atom)
{
    (void)obj;
    return with_string_key(ctx, atom, JS_UNDEFINED, delete_fn);
}

static int exotic_has(JSContext *ctx, JSValueConst obj, JSAtom atom)
{
    (void)obj;
    JSValue key = atom_key(ctx, atom);
    if (JS_IsUndefined(key))
        return 0;
    int r = state_has(ctx, key);
    JS_FreeValue(ctx, key);
    return r;
}

static int exotic_define(JSContext *ctx, JSValueConst obj, JSAtom atom, JSValueConst val,
                         JSValueConst getter, JSValueConst setter, int flags)
{
    (void)obj; (void)getter; (void)setter;
    if (flags & (JS_PROP_HAS_GET | JS_PROP_HAS_SET)) {
        codec_throw_coded(ctx, INVALID, "state keys hold values, not accessors");
        return -1;
    }
    return with_string_key(ctx, atom, val, set_fn);
}

static int exotic_own_property(JSContext *ctx, JSPropertyDescriptor *desc, JSValueConst obj, JSAtom atom)
{
    int has = exotic_has(ctx, obj, atom);
    if (has <= 0 || !desc)
        return has;
    JSValue v = exotic_get(ctx, obj, atom, obj);
    if (JS_IsException(v))
        return -1;
    desc->flags = JS_PROP_ENUMERABLE | JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE;
    desc->value = v;
    desc->getter = JS_UNDEFINED;
    desc->setter = JS_UNDEFINED;
    return 1;
}

static int exotic_own_names(JSContext *ctx, JSPropertyEnum **ptab, uint32_t *plen, JSValueConst obj)
{
    (void)obj;
    JSValue keys = hostcall_value(ctx, nx_host_state_keys());
    if (JS_IsException(keys))
        return -1;
    int64_t n = 0;
    JSValue len = JS_GetPropertyStr(ctx, keys, "length");
    JS_ToInt64(ctx, &n, len);
    JS_FreeValue(ctx, len);
    JSPropertyEnum *tab = js_mallocz(ctx, sizeof *tab * (size_t)(n ? n : 1));
    if (!tab) {
        JS_FreeValue(ctx, keys);
        return -1;
    }
    for (uint32_t i = 0; i < (uint32_t)n; i++) {
        JSValue k = JS_GetPropertyUint32(ctx, keys, i);
        tab[i].atom = JS_ValueToAtom(ctx, k);
        tab[i].is_enumerable = 1;
        JS_FreeValue(ctx, k);
    }
    JS_FreeValue(ctx, keys);
    *ptab = tab;
    *plen = (uint32_t)n;
    return 0;
}

static JSClassExoticMethods g_exotic = {
    .get_own_property = exotic_own_property,
    .get_own_property_names = exotic_own_names,
    .delete_property = exotic_delete,
    .define_own_property = exotic_define,
    .has_property = exotic_has,
    .get_property = exotic_get,
    .set_property = exotic_set,
};

static JSCFunction *const method_fns[METHOD_COUNT] = {
    method_get, method_set, method_delete, method_has, method_keys, method_update,
};
static const int method_lengths[METHOD_COUNT] = { 1, 2, 1, 1, 0, 2 };

JSValue state_object_create(JSContext *ctx)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    JS_NewClassID(&g_state_class);
    JSClassDef def = { .class_name = "State", .exotic = &g_exotic };
    if (JS_NewClass(rt, g_state_class, &def) < 0)
        return JS_EXCEPTION;
    for (int i = 0; i < METHOD_COUNT; i++) {
        g_method_atoms[i] = JS_NewAtom(ctx, method_names[i]);
        g_methods[i] = JS_NewCFunction(ctx, method_fns[i], method_names[i], method_lengths[i]);
    }
    return JS_NewObjectProtoClass(ctx, JS_NULL, g_state_class);
}
