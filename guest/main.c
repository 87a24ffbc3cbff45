/* main.c - the guest module's exports: initialisation (before the
 * snapshot), compiling handler source to bytecode, running a handler,
 * resuming it after an extension call, and plain evaluation for the
 * engine's conformance tests. Outcomes go to the host through the finish
 * import as a MessagePack map:
 *   {status:"ok", value: bin}      a settled handler; the bin holds the
 *                                  value as MessagePack (absent: undefined)
 *   {status:"ok", bytecode: bin}   a compiled handler
 *   {status:"error", error:{name, message, stack, code}}
 *   {status:"pending"}             unsettled, extension calls outstanding
 */
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "api.h"
#include "builtins.h"
#include "codec.h"
#include "hostcall.h"
#include "meter.h"
#include "mpack.h"
#include "quickjs.h"

#define EXPORT(name) __attribute__((export_name(#name)))

/* QuickJS's own stack check, measured on the shadow stack (1 MiB, placed
 * first in memory so that overflowing it traps). */
#define GUEST_JS_STACK_BYTES (512 * 1024)

#define HANDLER_FILENAME "<handler>"
#define HANDLER_PREFIX "(async function () {"
#define HANDLER_SUFFIX "\n})"

extern const char nx_prelude_source[];
extern const unsigned nx_prelude_length;

static JSRuntime *g_rt;
static JSContext *g_ctx;      /* where handlers run */
static JSContext *g_compiler; /* where source becomes bytecode (has eval) */
static volatile uint32_t g_interrupt;
static nx_abi_layout_t g_layout;
static uint8_t *g_io;
static uint32_t g_io_cap;

/* the current handler's outcome, set by the promise reactions */
static int g_settled, g_settled_ok;
static JSValue g_outcome;

static int interrupt_handler(JSRuntime *rt, void *opaque)
{
    (void)rt; (void)opaque;
    return g_interrupt != 0;
}

EXPORT(nx_guest_layout) uint32_t nx_guest_layout(void)
{
    g_layout.abi_version = NX_ABI_VERSION;
    g_layout.reply_buffer = (uint32_t)(uintptr_t)nx_reply_buffer;
    g_layout.reply_capacity = NX_ABI_REPLY_CAPACITY;
    g_layout.interrupt_flag = (uint32_t)(uintptr_t)&g_interrupt;
    g_layout.instruction_count = (uint32_t)(uintptr_t)&nx_meter_count;
    g_layout.instruction_budget = (uint32_t)(uintptr_t)&nx_meter_budget;
    g_layout.value_limit = (uint32_t)(uintptr_t)&nx_value_limit;
    return (uint32_t)(uintptr_t)&g_layout;
}

/* A buffer of at least size + 1 bytes for the host's input (the extra byte
 * keeps source NUL-terminated, as JS_Eval requires). */
EXPORT(nx_guest_buffer) uint32_t nx_guest_buffer(uint32_t size)
{
    if (size >= g_io_cap) {
        uint8_t *p = realloc(g_io, (size_t)size + 1);
        if (!p)
            return 0;
        g_io = p;
        g_io_cap = size + 1;
    }
    return (uint32_t)(uintptr_t)g_io;
}

/* ---- reporting ------------------------------------------------------------ */

static void finish(mp_writer_t *w)
{
    if (w->oom) {
        /* {status:"error", error:{name:"InternalError", message:"out of memory"}} */
        static const char oom[] = "\x82" "\xa6" "status" "\xa5" "error" "\xa5" "error"
                                  "\x82" "\xa4" "name" "\xad" "InternalError"
                                  "\xa7" "message" "\xad" "out of memory";
        nx_host_finish((const uint8_t *)oom, sizeof oom - 1);
    } else {
        nx_host_finish(w->data, (uint32_t)w->len);
    }
    mp_writer_free(w);
}

/* Writes s as error text: valid UTF-8 (lone surrogates replaced) and at
 * most NX_ABI_ERROR_TEXT_MAX bytes, so that no thrown value can make the
 * report too large to deliver. */
static void write_error_text(mp_writer_t *w, const char *s, size_t len)
{
    static char shortened[NX_ABI_ERROR_TEXT_MAX];
    static const char ellipsis[] = "...";
    if (len > NX_ABI_ERROR_TEXT_MAX) {
        size_t keep = NX_ABI_ERROR_TEXT_MAX - (sizeof ellipsis - 1);
        while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
            keep--; /* do not split a character */
        memcpy(shortened, s, keep);
        memcpy(shortened + keep, ellipsis, sizeof ellipsis - 1);
        s = shortened;
        len = keep + sizeof ellipsis - 1;
    }
    mp_write_str(w, s, len);
    if (!w->oom)
        codec_replace_lone_surrogates(w->data + w->len - len, len);
}

/* Writes a string property of obj, or nil when absent or unreadable. */
static void write_prop_string(JSContext *ctx, mp_writer_t *w, JSValueConst obj, const char *name)
{
    mp_write_cstr(w, name);
    JSValue v = JS_IsObject(obj) ? JS_GetPropertyStr(ctx, obj, name) : JS_UNDEFINED;
    if (JS_IsException(v))
        JS_FreeValue(ctx, JS_GetException(ctx));
    size_t len;
    const char *s = JS_IsUndefined(v) || JS_IsNull(v) || JS_IsException(v)
                        ? NULL : JS_ToCStringLen(ctx, &len, v);
    if (s) {
        write_error_text(w, s, len);
        JS_FreeCString(ctx, s);
    } else {
        JS_FreeValue(ctx, JS_GetException(ctx)); /* ToString may have thrown */
        mp_write_nil(w);
    }
    JS_FreeValue(ctx, v);
}

/* Writes a number property of obj (nil when absent or not a number);
 * on line 1, shift is subtracted (the handler wrapper's prefix). */
static void write_prop_int(JSContext *ctx, mp_writer_t *w, JSValueConst obj, const char *name,
                           int shift)
{
    mp_write_cstr(w, name);
    JSValue v = JS_GetPropertyStr(ctx, obj, name);
    int32_t n;
    if (JS_IsNumber(v) && JS_ToInt32(ctx, &n, v) == 0 && n - shift > 0)
        mp_write_int(w, n - shift);
    else
        mp_write_nil(w);
    if (JS_IsException(v))
        JS_FreeValue(ctx, JS_GetException(ctx));
    JS_FreeValue(ctx, v);
}

/* column_shift: how many bytes the handler wrapper adds before line 1. */
static void write_error(JSContext *ctx, mp_writer_t *w, JSValueConst exc, int column_shift)
{
    mp_write_cstr(w, "error");
    mp_write_map(w, 6);
    if (JS_IsObject(exc)) {
        write_prop_string(ctx, w, exc, "name");
        write_prop_string(ctx, w, exc, "message");
        write_prop_string(ctx, w, exc, "stack");
        write_prop_string(ctx, w, exc, "code");
        write_prop_int(ctx, w, exc, "lineNumber", 0);
        int32_t line = 0;
        JSValue l = JS_GetPropertyStr(ctx, exc, "lineNumber");
        if (JS_IsNumber(l))
            JS_ToInt32(ctx, &line, l);
        JS_FreeValue(ctx, l);
        write_prop_int(ctx, w, exc, "columnNumber", line == 1 ? column_shift : 0);
        return;
    }
    /* a thrown primitive: its string form is the message */
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, exc);
    mp_write_cstr(w, "name");
    mp_write_nil(w);
    mp_write_cstr(w, "message");
    if (s) {
        write_error_text(w, s, len);
        JS_FreeCString(ctx, s);
    } else {
        JS_FreeValue(ctx, JS_GetException(ctx));
        mp_write_cstr(w, "uncaught exception (unprintable value)");
    }
    static const char *const absent[] = { "stack", "code", "lineNumber", "columnNumber" };
    for (int i = 0; i < 4; i++) {
        mp_write_cstr(w, absent[i]);
        mp_write_nil(w);
    }
}

static void report_error(JSContext *ctx, JSValueConst exc, int column_shift)
{
    mp_writer_t w;
    mp_writer_init(&w);
    mp_write_map(&w, 2);
    mp_write_cstr(&w, "status");
    mp_write_cstr(&w, "error");
    write_error(ctx, &w, exc, column_shift);
    finish(&w);
}

static void report_exception(JSContext *ctx)
{
    JSValue exc = JS_GetException(ctx);
    report_error(ctx, exc, 0);
    JS_FreeValue(ctx, exc);
}

/* {status:"ok", KEY: bin} where the bin holds v as MessagePack: the host
 * validates it on its own (the report map adds no nesting to it) and keeps
 * it without re-encoding. An undefined value is left out. */
static void report_value(JSContext *ctx, const char *key, JSValueConst v)
{
    mp_writer_t value;
    mp_writer_init(&value);
    if (!JS_IsUndefined(v) && codec_encode(ctx, v, &value, "the return value")) {
        mp_writer_free(&value);
        report_exception(ctx);
        return;
    }
    mp_writer_t w;
    mp_writer_init(&w);
    mp_write_map(&w, JS_IsUndefined(v) ? 1 : 2);
    mp_write_cstr(&w, "status");
    mp_write_cstr(&w, "ok");
    if (!JS_IsUndefined(v)) {
        mp_write_cstr(&w, key);
        mp_write_bin(&w, value.data, value.len);
        w.oom |= value.oom;
    }
    mp_writer_free(&value);
    finish(&w);
}

static void report_pending(void)
{
    mp_writer_t w;
    mp_writer_init(&w);
    mp_write_map(&w, 1);
    mp_write_cstr(&w, "status");
    mp_write_cstr(&w, "pending");
    finish(&w);
}

/* ---- initialisation --------------------------------------------------------- */

static JSContext *new_handler_context(JSRuntime *rt)
{
    /* everything but JS_AddIntrinsicEval: without it, eval and every
     * Function constructor throw inside the engine itself */
    JSContext *ctx = JS_NewContextRaw(rt);
    if (!ctx)
        return NULL;
    JS_AddIntrinsicBaseObjects(ctx);
    JS_AddIntrinsicDate(ctx);
    JS_AddIntrinsicStringNormalize(ctx);
    JS_AddIntrinsicRegExpCompiler(ctx);
    JS_AddIntrinsicRegExp(ctx);
    JS_AddIntrinsicJSON(ctx);
    JS_AddIntrinsicProxy(ctx);
    JS_AddIntrinsicMapSet(ctx);
    JS_AddIntrinsicTypedArrays(ctx);
    JS_AddIntrinsicPromise(ctx);
    JS_AddIntrinsicBigInt(ctx);
    return ctx;
}

/* Compiles source (NUL-terminated at len) in the compiler context and
 * serialises it. Returns NULL with an exception pending in g_compiler. */
/* Added by patches/quickjs-nexus.patch. */
int JS_GetScriptShape(JSValueConst obj, int *first_function_source_len);

/* How much longer a wrapped handler is than its function's own source (the
 * parenthesis and "async " around it), measured once on an empty handler. */
static int g_wrapper_overhead = -1;

/* A handler is the body of one async function: the wrapped script must be
 * that one function and nothing more. Source that closes the wrapper and
 * opens another ("}); code; (async function () {") would otherwise compile,
 * and run code while the handler loads. */
static bool is_one_function(JSValueConst script, size_t script_len)
{
    int source_len;
    return JS_GetScriptShape(script, &source_len) == 1 && source_len >= 0 &&
           g_wrapper_overhead >= 0 && (size_t)source_len + (size_t)g_wrapper_overhead == script_len;
}

/* one_function: src must be a wrapped handler (is_one_function). */
static uint8_t *compile(const char *src, size_t len, const char *filename, bool one_function,
                        size_t *out_len)
{
    JSValue fn = JS_Eval(g_compiler, src, len, filename,
                         JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY);
    if (JS_IsException(fn))
        return NULL;
    if (one_function && !is_one_function(fn, len)) {
        JS_FreeValue(g_compiler, fn);
        JS_ThrowSyntaxError(g_compiler, "the handler is not a function body: it closes the "
                                        "function it is the body of");
        return NULL;
    }
    uint8_t *bc = JS_WriteObject(g_compiler, out_len, fn, JS_WRITE_OBJ_BYTECODE);
    JS_FreeValue(g_compiler, fn);
    return bc;
}

/* Loads bytecode into the handler context and evaluates it. */
static JSValue load(const uint8_t *bc, size_t len)
{
    JSValue obj = JS_ReadObject(g_ctx, bc, len, JS_READ_OBJ_BYTECODE);
    if (JS_IsException(obj))
        return obj;
    return JS_EvalFunction(g_ctx, obj);
}

static int measure_wrapper(void)
{
    static const char empty[] = HANDLER_PREFIX HANDLER_SUFFIX;
    JSValue fn = JS_Eval(g_compiler, empty, sizeof empty - 1, HANDLER_FILENAME,
                         JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY);
    int source_len;
    int pool = JS_GetScriptShape(fn, &source_len);
    JS_FreeValue(g_compiler, fn);
    if (pool != 1 || source_len < 0)
        return -1;
    g_wrapper_overhead = (int)(sizeof empty - 1) - source_len;
    return 0;
}

static int install_random(JSContext *ctx)
{
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue math = JS_GetPropertyStr(ctx, global, "Math");
    int r = JS_DefinePropertyValueStr(ctx, math, "random", api_random_function(ctx),
                                      JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_FreeValue(ctx, math);
    JS_FreeValue(ctx, global);
    return r < 0 ? -1 : 0;
}

static int run_prelude(void)
{
    size_t len;
    uint8_t *bc = compile(nx_prelude_source, nx_prelude_length, "<prelude>", false, &len);
    if (!bc)
        return -1;
    JSValue fn = load(bc, len);
    js_free(g_compiler, bc);
    if (JS_IsException(fn))
        return -1;
    JSValue natives = api_natives(g_ctx);
    JSValue r = JS_Call(g_ctx, fn, JS_UNDEFINED, 1, (JSValueConst *)&natives);
    JS_FreeValue(g_ctx, natives);
    JS_FreeValue(g_ctx, fn);
    if (JS_IsException(r))
        return -1;
    JS_FreeValue(g_ctx, r);
    return 0;
}

static JSValue on_settled(JSContext *ctx, JSValueConst this_val, int argc,
                          JSValueConst *argv, int magic);

/* From our engine patch: then() without the derived promise. */
int JS_PromiseObserve(JSContext *ctx, JSValueConst promise,
                      JSValueConst on_fulfilled, JSValueConst on_rejected);

/* Made once, in the snapshot: the reactions that observe a handler's
 * promise (creating them for every execution cost ~3% of a short one). */
static JSValue g_reactions[2];

static int make_reactions(JSContext *ctx)
{
    g_reactions[0] = JS_NewCFunctionMagic(ctx, on_settled, "fulfilled", 1, JS_CFUNC_generic_magic, 1);
    g_reactions[1] = JS_NewCFunctionMagic(ctx, on_settled, "rejected", 1, JS_CFUNC_generic_magic, 0);
    return JS_IsFunction(ctx, g_reactions[0]) && JS_IsFunction(ctx, g_reactions[1]) ? 0 : -1;
}

EXPORT(nx_guest_init) uint32_t nx_guest_init(uint32_t flags)
{
    g_rt = JS_NewRuntime();
    if (!g_rt)
        return 1;
    JS_SetMaxStackSize(g_rt, GUEST_JS_STACK_BYTES);
    JS_SetInterruptHandler(g_rt, interrupt_handler, NULL);
    if (flags & NX_INIT_RAW_ENGINE) {
        g_ctx = JS_NewContext(g_rt);
        if (!g_ctx)
            return 1;
        if (builtins_install(g_ctx, g_ctx)) {
            report_exception(g_ctx);
            return 1;
        }
        return 0;
    }
    g_compiler = JS_NewContext(g_rt);
    g_ctx = new_handler_context(g_rt);
    if (!g_compiler || !g_ctx || codec_init(g_ctx) || install_random(g_ctx) ||
        measure_wrapper())
        return 1;
    /* the library additions and web globals, before the prelude freezes */
    if (builtins_install(g_ctx, g_compiler)) {
        report_exception(g_ctx);
        return 1;
    }
    if (run_prelude()) {
        report_exception(g_ctx);
        return 1;
    }
    if (make_reactions(g_ctx))
        return 1;
    JS_RunGC(g_rt);
    return 0;
}

/* ---- compiling ---------------------------------------------------------------- */

EXPORT(nx_guest_compile) uint32_t nx_guest_compile(uint32_t len)
{
    if (!g_compiler || len >= g_io_cap)
        return NX_GUEST_FAILED;
    size_t plen = sizeof HANDLER_PREFIX - 1, slen = sizeof HANDLER_SUFFIX - 1;
    char *src = malloc(plen + len + slen + 1);
    if (!src)
        return NX_GUEST_FAILED;
    memcpy(src, HANDLER_PREFIX, plen);
    memcpy(src + plen, g_io, len);
    memcpy(src + plen + len, HANDLER_SUFFIX, slen + 1);
    size_t bc_len;
    uint8_t *bc = compile(src, plen + len + slen, HANDLER_FILENAME, true, &bc_len);
    free(src);
    if (!bc) {
        JSValue exc = JS_GetException(g_compiler);
        report_error(g_compiler, exc, (int)plen);
        JS_FreeValue(g_compiler, exc);
        return NX_GUEST_DONE;
    }
    mp_writer_t w;
    mp_writer_init(&w);
    mp_write_map(&w, 2);
    mp_write_cstr(&w, "status");
    mp_write_cstr(&w, "ok");
    mp_write_cstr(&w, "bytecode");
    mp_write_bin(&w, bc, bc_len);
    js_free(g_compiler, bc);
    finish(&w);
    return NX_GUEST_DONE;
}

/* ---- running ------------------------------------------------------------------ */

static JSValue on_settled(JSContext *ctx, JSValueConst this_val, int argc,
                          JSValueConst *argv, int magic)
{
    (void)this_val;
    if (!g_settled) {
        g_settled = 1;
        g_settled_ok = magic;
        g_outcome = JS_DupValue(ctx, argc > 0 ? argv[0] : JS_UNDEFINED);
    }
    return JS_UNDEFINED;
}

static uint32_t pump(void)
{
    for (;;) {
        JSContext *job_ctx;
        int r = JS_ExecutePendingJob(g_rt, &job_ctx);
        if (r == 0)
            break;
        if (r < 0) {
            JSValue exc = JS_GetException(job_ctx);
            if (!g_settled) {
                g_settled = 1;
                g_settled_ok = 0;
                g_outcome = exc;
            } else {
                JS_FreeValue(job_ctx, exc);
            }
            if (g_interrupt)
                break;
        }
    }
    if (g_settled) {
        if (g_settled_ok)
            report_value(g_ctx, "value", g_outcome);
        else
            report_error(g_ctx, g_outcome, 0);
        JS_FreeValue(g_ctx, g_outcome);
        g_outcome = JS_UNDEFINED;
        api_drop_pending(g_ctx);
        return NX_GUEST_DONE;
    }
    if (api_pending_count() > 0) {
        report_pending();
        return NX_GUEST_PENDING;
    }
    JSValue err = codec_throw_coded(g_ctx, "EXECUTION_ERROR",
                                    "the handler awaits a promise that can never settle");
    (void)err;
    report_exception(g_ctx);
    return NX_GUEST_DONE;
}

static int define_input(const char *name, mp_reader_t *r)
{
    JSValue v = codec_decode_frozen(g_ctx, r);
    if (JS_IsException(v))
        return -1;
    if (JS_IsNull(v)) {
        v = JS_NewObject(g_ctx);
        if (JS_PreventExtensions(g_ctx, v) < 0) { /* frozen: it has no properties */
            JS_FreeValue(g_ctx, v);
            return -1;
        }
    }
    JSValue global = JS_GetGlobalObject(g_ctx);
    int ok = JS_DefinePropertyValueStr(g_ctx, global, name, v, 0);
    JS_FreeValue(g_ctx, global);
    return ok < 0 ? -1 : 0;
}

/* Defines $handler = {panelId, name} (frozen) from two str|nil items. */
static int define_identity(mp_reader_t *r)
{
    JSValue obj = JS_NewObject(g_ctx);
    static const char *const keys[] = { "panelId", "name" };
    for (int i = 0; i < 2; i++) {
        mp_item_t it;
        if (!mp_read(r, &it) || (it.type != MP_STR && it.type != MP_NIL)) {
            JS_FreeValue(g_ctx, obj);
            return -1;
        }
        JSValue v = it.type == MP_STR ? JS_NewStringLen(g_ctx, (const char *)it.p, it.len) : JS_NULL;
        JS_DefinePropertyValueStr(g_ctx, obj, keys[i], v, JS_PROP_ENUMERABLE);
    }
    JS_PreventExtensions(g_ctx, obj); /* read-only properties: now frozen */
    JSValue global = JS_GetGlobalObject(g_ctx);
    int ok = JS_DefinePropertyValueStr(g_ctx, global, "$handler", obj, 0);
    JS_FreeValue(g_ctx, global);
    return ok < 0 ? -1 : 0;
}

/* Input: [bytecode: bin, args: map|nil, scope: map|nil, panelId: str|nil,
 *         handlerName: str|nil] */
EXPORT(nx_guest_run) uint32_t nx_guest_run(uint32_t len)
{
    if (!g_ctx || !g_compiler || len > g_io_cap)
        return NX_GUEST_FAILED;
    mp_reader_t r = { g_io, g_io + len };
    mp_item_t head, bc;
    if (!mp_read(&r, &head) || head.type != MP_ARRAY || head.len != 5 ||
        !mp_read(&r, &bc) || bc.type != MP_BIN)
        return NX_GUEST_FAILED;
    int64_t seed = nx_host_random_seed();
    api_reseed_random(seed); /* Math.random */
    web_crypto_reseed(seed); /* crypto.getRandomValues, randomUUID */
    if (define_input("$args", &r) || define_input("$scope", &r) || define_identity(&r)) {
        report_exception(g_ctx);
        return NX_GUEST_DONE;
    }
    JSValue fn = load(bc.p, bc.len);
    if (JS_IsException(fn)) {
        report_exception(g_ctx);
        return NX_GUEST_DONE;
    }
    if (!JS_IsFunction(g_ctx, fn)) {
        JS_FreeValue(g_ctx, fn);
        codec_throw_coded(g_ctx, "INVALID_HANDLER", "the bytecode is not a handler");
        report_exception(g_ctx);
        return NX_GUEST_DONE;
    }
    JSValue promise = JS_Call(g_ctx, fn, JS_UNDEFINED, 0, NULL);
    JS_FreeValue(g_ctx, fn);
    if (JS_IsException(promise)) {
        report_exception(g_ctx);
        return NX_GUEST_DONE;
    }
    int observed = JS_PromiseObserve(g_ctx, promise, g_reactions[0], g_reactions[1]);
    JS_FreeValue(g_ctx, promise);
    if (observed < 0) {
        JSValue exc = JS_GetException(g_ctx); /* out of memory, or */
        if (JS_IsNull(exc)) /* no promise, which an async function never does */
            codec_throw_coded(g_ctx, "INTERNAL_ERROR", "the handler returned no promise");
        else
            JS_Throw(g_ctx, exc);
        report_exception(g_ctx);
        return NX_GUEST_DONE;
    }
    return pump();
}

/* Input: [id: str, ok: bool, value | message: str] */
EXPORT(nx_guest_resume) uint32_t nx_guest_resume(uint32_t len)
{
    if (!g_ctx || len > g_io_cap)
        return NX_GUEST_FAILED;
    mp_reader_t r = { g_io, g_io + len };
    mp_item_t head, id, ok;
    if (!mp_read(&r, &head) || head.type != MP_ARRAY || head.len != 3 ||
        !mp_read(&r, &id) || id.type != MP_STR || !mp_read(&r, &ok) || ok.type != MP_BOOL)
        return NX_GUEST_FAILED;
    int settled = api_settle(g_ctx, id.p, id.len, ok.b, &r);
    if (settled == -1)
        return NX_GUEST_FAILED; /* the host only resumes ids it handed out */
    if (settled < 0 && !g_settled) {
        g_settled = 1;
        g_settled_ok = 0;
        g_outcome = JS_GetException(g_ctx);
    }
    return pump();
}

/* ---- plain evaluation (NX_INIT_RAW_ENGINE) -------------------------------------- */

EXPORT(nx_guest_eval) uint32_t nx_guest_eval(uint32_t len)
{
    if (!g_ctx || len >= g_io_cap)
        return NX_GUEST_FAILED;
    JSValue v = JS_Eval(g_ctx, (const char *)g_io, len, "<eval>", JS_EVAL_TYPE_GLOBAL);
    if (JS_IsException(v)) {
        report_exception(g_ctx);
        return NX_GUEST_DONE;
    }
    JS_FreeValue(g_ctx, v);
    g_settled = 1;
    g_settled_ok = 1;
    g_outcome = JS_UNDEFINED;
    return pump();
}
