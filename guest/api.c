/* api.c - native functions behind the handler API (see api.h). */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "hostcall.h"
#include "lockdown.h"
#include "state_object.h"

#define INVALID "INVALID_ARGUMENT"

/* ---- argument helpers ---------------------------------------------------- */

static int string_arg(JSContext *ctx, JSValueConst v, const char *what,
                      const char **s, size_t *len)
{
    if (!JS_IsString(v)) {
        codec_throw_coded(ctx, INVALID, "%s must be a string", what);
        return -1;
    }
    *s = JS_ToCStringLen(ctx, len, v);
    return *s ? 0 : -1;
}

/* Encodes v (what, for errors) into w; undefined becomes nil. */
static int value_arg(JSContext *ctx, JSValueConst v, const char *what, mp_writer_t *w)
{
    mp_writer_init(w);
    if (codec_encode(ctx, v, w, what)) {
        mp_writer_free(w);
        return -1;
    }
    return 0;
}

/* ---- $emit, $view, $log, $time --------------------------------------------- */

static JSValue nat_emit(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc;
    const char *name;
    size_t nl;
    mp_writer_t w;
    if (string_arg(ctx, argv[0], "an event name", &name, &nl))
        return JS_EXCEPTION;
    if (value_arg(ctx, argv[1], "an event payload", &w)) {
        JS_FreeCString(ctx, name);
        return JS_EXCEPTION;
    }
    int32_t r = nx_host_emit(name, (uint32_t)nl, w.data, (uint32_t)w.len);
    JS_FreeCString(ctx, name);
    mp_writer_free(&w);
    return hostcall_value(ctx, r);
}

static JSValue nat_view(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc;
    const char *comp = NULL, *type;
    size_t cl = NX_ABI_NO_COMPONENT, tl;
    mp_writer_t w;
    if (!JS_IsNull(argv[0]) && !JS_IsUndefined(argv[0]) &&
        string_arg(ctx, argv[0], "a component id", &comp, &cl))
        return JS_EXCEPTION;
    if (string_arg(ctx, argv[1], "a view command type", &type, &tl)) {
        JS_FreeCString(ctx, comp);
        return JS_EXCEPTION;
    }
    if (value_arg(ctx, argv[2], "view command arguments", &w)) {
        JS_FreeCString(ctx, comp);
        JS_FreeCString(ctx, type);
        return JS_EXCEPTION;
    }
    int32_t r = nx_host_view(comp, (uint32_t)cl, type, (uint32_t)tl, w.data, (uint32_t)w.len);
    if (comp)
        JS_FreeCString(ctx, comp);
    JS_FreeCString(ctx, type);
    mp_writer_free(&w);
    return hostcall_value(ctx, r);
}

static JSValue nat_log(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc;
    int32_t level;
    const char *msg;
    size_t len;
    if (JS_ToInt32(ctx, &level, argv[0]) ||
        string_arg(ctx, argv[1], "a log message", &msg, &len))
        return JS_EXCEPTION;
    /* a message is a string value, not a name: U+FFFD as everywhere else */
    codec_replace_lone_surrogates((uint8_t *)msg, len);
    int32_t r = nx_host_log(level, msg, (uint32_t)len);
    JS_FreeCString(ctx, msg);
    return hostcall_value(ctx, r);
}

static JSValue nat_now(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc; (void)argv;
    double now = nx_host_now();
    if (now < 0)
        return hostcall_value(ctx, (int32_t)now);
    return JS_NewFloat64(ctx, now);
}

/* ---- custom host interfaces -------------------------------------------------- */

static JSValue nat_host_list(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc; (void)argv;
    return hostcall_value(ctx, nx_host_host_list());
}

static JSValue nat_host_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc;
    const char *iface, *fn;
    size_t il, fl;
    mp_writer_t w;
    if (string_arg(ctx, argv[0], "an interface name", &iface, &il))
        return JS_EXCEPTION;
    if (string_arg(ctx, argv[1], "a function name", &fn, &fl)) {
        JS_FreeCString(ctx, iface);
        return JS_EXCEPTION;
    }
    JSValue r = JS_EXCEPTION;
    if (value_arg(ctx, argv[2], "host call arguments", &w) == 0) {
        int32_t ret = nx_host_host_call(iface, (uint32_t)il, fn, (uint32_t)fl, w.data, (uint32_t)w.len);
        mp_writer_free(&w);
        r = hostcall_value(ctx, ret);
    }
    JS_FreeCString(ctx, iface);
    JS_FreeCString(ctx, fn);
    return r;
}

/* ---- $ext ---------------------------------------------------------------- */

typedef struct pending_call {
    char id[64];
    uint32_t id_len;
    JSValue resolve, reject;
} pending_call_t;

static pending_call_t *g_pending;
static size_t g_pending_count, g_pending_cap;

size_t api_pending_count(void) { return g_pending_count; }

static int remember_pending(JSContext *ctx, const uint8_t *id, uint32_t id_len, JSValue funcs[2])
{
    if (id_len >= sizeof g_pending[0].id) {
        codec_throw_coded(ctx, "INTERNAL_ERROR", "extension call id too long");
        return -1;
    }
    if (g_pending_count == g_pending_cap) {
        size_t cap = g_pending_cap ? g_pending_cap * 2 : 8;
        pending_call_t *p = realloc(g_pending, cap * sizeof *p);
        if (!p) {
            JS_ThrowOutOfMemory(ctx);
            return -1;
        }
        g_pending = p;
        g_pending_cap = cap;
    }
    pending_call_t *pc = &g_pending[g_pending_count++];
    memcpy(pc->id, id, id_len);
    pc->id_len = id_len;
    pc->resolve = funcs[0];
    pc->reject = funcs[1];
    return 0;
}

static JSValue make_error(JSContext *ctx, const uint8_t *msg, uint32_t len)
{
    JSValue err = JS_NewError(ctx);
    JS_DefinePropertyValueStr(ctx, err, "message", JS_NewStringLen(ctx, (const char *)msg, len),
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    return err;
}

/* Resolves or rejects through funcs with the outcome read from r. */
static int settle(JSContext *ctx, JSValue funcs[2], int ok, mp_reader_t *r)
{
    JSValue arg;
    if (ok) {
        arg = codec_decode(ctx, r);
    } else {
        mp_item_t msg;
        arg = mp_read(r, &msg) && msg.type == MP_STR ? make_error(ctx, msg.p, msg.len)
                                                      : make_error(ctx, (const uint8_t *)"extension failed", 16);
    }
    if (JS_IsException(arg))
        return -1;
    JSValue res = JS_Call(ctx, funcs[ok ? 0 : 1], JS_UNDEFINED, 1, (JSValueConst *)&arg);
    JS_FreeValue(ctx, arg);
    JS_FreeValue(ctx, res);
    return JS_IsException(res) ? -1 : 0;
}

static JSValue nat_ext_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc;
    const char *ext, *method;
    size_t el, ml;
    mp_writer_t w;
    if (string_arg(ctx, argv[0], "an extension name", &ext, &el))
        return JS_EXCEPTION;
    if (string_arg(ctx, argv[1], "a method name", &method, &ml)) {
        JS_FreeCString(ctx, ext);
        return JS_EXCEPTION;
    }
    if (value_arg(ctx, argv[2], "extension call arguments", &w)) {
        JS_FreeCString(ctx, ext);
        JS_FreeCString(ctx, method);
        return JS_EXCEPTION;
    }
    int32_t ret = nx_host_ext_call(ext, (uint32_t)el, method, (uint32_t)ml, w.data, (uint32_t)w.len);
    JS_FreeCString(ctx, ext);
    JS_FreeCString(ctx, method);
    mp_writer_free(&w);

    const uint8_t *bytes;
    uint32_t len;
    uint8_t *owned;
    if (JS_IsException(hostcall_reply(ctx, ret, &bytes, &len, &owned)))
        return JS_EXCEPTION;
    mp_reader_t r = { bytes, bytes + len };
    mp_item_t head, kind, id;
    JSValue funcs[2];
    JSValue promise = JS_EXCEPTION;
    if (!mp_read(&r, &head) || head.type != MP_ARRAY || head.len < 2 ||
        !mp_read(&r, &kind) || kind.type != MP_UINT || !mp_read(&r, &id) || id.type != MP_STR) {
        codec_throw_coded(ctx, "INTERNAL_ERROR", "malformed extension reply");
        goto out;
    }
    promise = JS_NewPromiseCapability(ctx, funcs);
    if (JS_IsException(promise))
        goto out;
    if (kind.u == NX_EXT_DEFERRED) {
        if (remember_pending(ctx, id.p, id.len, funcs)) {
            JS_FreeValue(ctx, funcs[0]);
            JS_FreeValue(ctx, funcs[1]);
            JS_FreeValue(ctx, promise);
            promise = JS_EXCEPTION;
        }
        goto out;
    }
    if (settle(ctx, funcs, kind.u == NX_EXT_VALUE, &r)) {
        JS_FreeValue(ctx, promise);
        promise = JS_EXCEPTION;
    }
    JS_FreeValue(ctx, funcs[0]);
    JS_FreeValue(ctx, funcs[1]);
out:
    free(owned);
    return promise;
}

int api_settle(JSContext *ctx, const uint8_t *id, uint32_t id_len, int ok, mp_reader_t *outcome)
{
    for (size_t i = 0; i < g_pending_count; i++) {
        pending_call_t *pc = &g_pending[i];
        if (pc->id_len != id_len || memcmp(pc->id, id, id_len) != 0)
            continue;
        JSValue funcs[2] = { pc->resolve, pc->reject };
        g_pending[i] = g_pending[--g_pending_count];
        int r = settle(ctx, funcs, ok, outcome);
        JS_FreeValue(ctx, funcs[0]);
        JS_FreeValue(ctx, funcs[1]);
        return r < 0 ? -2 : 0;
    }
    return -1;
}

void api_drop_pending(JSContext *ctx)
{
    for (size_t i = 0; i < g_pending_count; i++) {
        JS_FreeValue(ctx, g_pending[i].resolve);
        JS_FreeValue(ctx, g_pending[i].reject);
    }
    g_pending_count = 0;
}

static JSValue nat_ext_list(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc; (void)argv;
    return hostcall_value(ctx, nx_host_ext_list());
}

/* ---- Math.random ------------------------------------------------------------ */

static uint64_t g_rng;

void api_reseed_random(int64_t seed)
{
    g_rng = (uint64_t)seed ? (uint64_t)seed : 0x9e3779b97f4a7c15ull;
}

static JSValue nat_random(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc; (void)argv;
    /* xorshift64*, the generator QuickJS itself uses */
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    uint64_t v = g_rng * 2685821657736338717ull;
    return JS_NewFloat64(ctx, (double)(v >> 11) * 0x1.0p-53);
}

JSValue api_random_function(JSContext *ctx)
{
    return JS_NewCFunction(ctx, nat_random, "random", 0);
}

/* undetectable(obj): gives obj the [[IsHTMLDDA]] slot (typeof says
 * "undefined", == null holds), for $ext's stand-ins of absent extensions
 * and methods: feature detection reads them as undefined, while using one
 * still throws EXTENSION_NOT_FOUND / METHOD_NOT_FOUND (prelude.js). */
static JSValue nat_undetectable(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val;
    if (argc < 1 || !JS_IsObject(argv[0]))
        return JS_ThrowTypeError(ctx, "undetectable: not an object");
    JS_SetIsHTMLDDA(ctx, argv[0]);
    return JS_DupValue(ctx, argv[0]);
}

static const JSCFunctionListEntry natives[] = {
    JS_CFUNC_DEF("undetectable", 1, nat_undetectable),
    JS_CFUNC_DEF("emit", 2, nat_emit),
    JS_CFUNC_DEF("view", 3, nat_view),
    JS_CFUNC_DEF("log", 2, nat_log),
    JS_CFUNC_DEF("now", 0, nat_now),
    JS_CFUNC_DEF("extList", 0, nat_ext_list),
    JS_CFUNC_DEF("extCall", 3, nat_ext_call),
    JS_CFUNC_DEF("hostList", 0, nat_host_list),
    JS_CFUNC_DEF("hostCall", 3, nat_host_call),
};

JSValue api_natives(JSContext *ctx)
{
    JSValue obj = JS_NewObject(ctx);
    JS_SetPropertyFunctionList(ctx, obj, natives, sizeof natives / sizeof natives[0]);
    JS_DefinePropertyValueStr(ctx, obj, "state", state_object_create(ctx), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, obj, "lockdown", lockdown_native(ctx), JS_PROP_C_W_E);
    return obj;
}
