/* web_misc.c - DOMException (what the web globals throw: its name says
 * what went wrong, its legacy code is kept) and queueMicrotask. A
 * microtask runs in the same job queue as promise reactions; an exception
 * it throws fails the execution, as an uncaught error would. */
#include "web.h"

#include <string.h>

static JSClassID dom_exception_class;
static JSValue dom_exception_ctor;

typedef struct dom_exception {
    JSValue name, message; /* strings */
} dom_exception_t;

static void dom_exception_finalizer(JSRuntime *rt, JSValue val)
{
    dom_exception_t *d = JS_GetOpaque(val, dom_exception_class);
    if (d) {
        JS_FreeValueRT(rt, d->name);
        JS_FreeValueRT(rt, d->message);
        js_free_rt(rt, d);
    }
}

static const JSClassDef dom_exception_def = {
    .class_name = "DOMException", .finalizer = dom_exception_finalizer,
};

/* The names that had legacy numeric codes, in code order (0: none). */
static const char *const legacy_names[] = {
    NULL, "IndexSizeError", NULL, "HierarchyRequestError", "WrongDocumentError",
    "InvalidCharacterError", NULL, "NoModificationAllowedError", "NotFoundError",
    "NotSupportedError", NULL, "InvalidStateError", "SyntaxError",
    "InvalidModificationError", "NamespaceError", "InvalidAccessError", NULL,
    "TypeMismatchError", "SecurityError", "NetworkError", "AbortError",
    "URLMismatchError", "QuotaExceededError", "TimeoutError", "InvalidNodeTypeError",
    "DataCloneError",
};

/* optional DOMString message = "", optional DOMString name = "Error" */
static JSValue dom_exception_construct(JSContext *ctx, JSValueConst new_target, int argc,
                                       JSValueConst *argv)
{
    JSValue message = argc > 0 && !JS_IsUndefined(argv[0]) ? JS_ToString(ctx, argv[0])
                                                             : JS_NewString(ctx, "");
    if (JS_IsException(message))
        return message;
    JSValue name = argc > 1 && !JS_IsUndefined(argv[1]) ? JS_ToString(ctx, argv[1])
                                                          : JS_NewString(ctx, "Error");
    if (JS_IsException(name)) {
        JS_FreeValue(ctx, message);
        return name;
    }
    JSValue obj = web_new_instance(ctx, new_target, dom_exception_class);
    dom_exception_t *d = JS_IsException(obj) ? NULL : js_mallocz(ctx, sizeof *d);
    if (!d) {
        JS_FreeValue(ctx, obj);
        JS_FreeValue(ctx, message);
        JS_FreeValue(ctx, name);
        return JS_EXCEPTION;
    }
    d->name = name;
    d->message = message;
    JS_SetOpaque(obj, d);
    return obj;
}

/* magic 0: name, 1: message, 2: code */
static JSValue dom_exception_get(JSContext *ctx, JSValueConst this_val, int magic)
{
    dom_exception_t *d = JS_GetOpaque2(ctx, this_val, dom_exception_class);
    if (!d)
        return JS_EXCEPTION;
    if (magic < 2)
        return JS_DupValue(ctx, magic ? d->message : d->name);
    const char *name = JS_ToCString(ctx, d->name);
    if (!name)
        return JS_EXCEPTION;
    int code = 0;
    for (int i = 1; i < WEB_COUNT(legacy_names); i++)
        if (legacy_names[i] && strcmp(legacy_names[i], name) == 0)
            code = i;
    JS_FreeCString(ctx, name);
    return JS_NewInt32(ctx, code);
}

JSValue web_throw_dom(JSContext *ctx, const char *name, const char *message)
{
    JSValue args[2] = { JS_NewString(ctx, message), JS_NewString(ctx, name) };
    JSValue e = JS_CallConstructor(ctx, dom_exception_ctor, 2, (JSValueConst *)args);
    JS_FreeValue(ctx, args[0]);
    JS_FreeValue(ctx, args[1]);
    return JS_IsException(e) ? e : JS_Throw(ctx, e);
}

#define LEGACY_CODE(name, code) JS_PROP_INT32_DEF(name, code, JS_PROP_ENUMERABLE)
#define LEGACY_CODES                                                                     \
    LEGACY_CODE("INDEX_SIZE_ERR", 1), LEGACY_CODE("DOMSTRING_SIZE_ERR", 2),               \
    LEGACY_CODE("HIERARCHY_REQUEST_ERR", 3), LEGACY_CODE("WRONG_DOCUMENT_ERR", 4),        \
    LEGACY_CODE("INVALID_CHARACTER_ERR", 5), LEGACY_CODE("NO_DATA_ALLOWED_ERR", 6),       \
    LEGACY_CODE("NO_MODIFICATION_ALLOWED_ERR", 7), LEGACY_CODE("NOT_FOUND_ERR", 8),       \
    LEGACY_CODE("NOT_SUPPORTED_ERR", 9), LEGACY_CODE("INUSE_ATTRIBUTE_ERR", 10),          \
    LEGACY_CODE("INVALID_STATE_ERR", 11), LEGACY_CODE("SYNTAX_ERR", 12),                  \
    LEGACY_CODE("INVALID_MODIFICATION_ERR", 13), LEGACY_CODE("NAMESPACE_ERR", 14),        \
    LEGACY_CODE("INVALID_ACCESS_ERR", 15), LEGACY_CODE("VALIDATION_ERR", 16),             \
    LEGACY_CODE("TYPE_MISMATCH_ERR", 17), LEGACY_CODE("SECURITY_ERR", 18),                \
    LEGACY_CODE("NETWORK_ERR", 19), LEGACY_CODE("ABORT_ERR", 20),                         \
    LEGACY_CODE("URL_MISMATCH_ERR", 21), LEGACY_CODE("QUOTA_EXCEEDED_ERR", 22),           \
    LEGACY_CODE("TIMEOUT_ERR", 23), LEGACY_CODE("INVALID_NODE_TYPE_ERR", 24),             \
    LEGACY_CODE("DATA_CLONE_ERR", 25)

static const JSCFunctionListEntry dom_exception_proto[] = {
    WEB_GETSET_MAGIC("name", dom_exception_get, NULL, 0),
    WEB_GETSET_MAGIC("message", dom_exception_get, NULL, 1),
    WEB_GETSET_MAGIC("code", dom_exception_get, NULL, 2),
    LEGACY_CODES,
    WEB_TAG("DOMException"),
};

static const JSCFunctionListEntry dom_exception_static[] = { LEGACY_CODES };

/* ---- queueMicrotask ----------------------------------------------------------------- */

static JSValue run_microtask(JSContext *ctx, int argc, JSValueConst *argv)
{
    (void)argc;
    return JS_Call(ctx, argv[0], JS_UNDEFINED, 0, NULL);
}

static JSValue queue_microtask(JSContext *ctx, JSValueConst this_val, int argc,
                               JSValueConst *argv)
{
    (void)this_val;
    if (web_require_args(ctx, argc, 1, "queueMicrotask") ||
        bi_require_callable(ctx, argv[0], "queueMicrotask's callback"))
        return JS_EXCEPTION;
    if (JS_EnqueueJob(ctx, run_microtask, 1, argv) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry misc_globals[] = {
    WEB_FUNC("queueMicrotask", 1, queue_microtask),
};

int web_misc_install(JSContext *ctx)
{
    web_interface_t iface = {
        .name = "DOMException", .class_id = &dom_exception_class,
        .class_def = &dom_exception_def, .constructor = dom_exception_construct, .length = 0,
        .proto_funcs = dom_exception_proto, .proto_count = WEB_COUNT(dom_exception_proto),
        .static_funcs = dom_exception_static, .static_count = WEB_COUNT(dom_exception_static),
    };
    JSValue error_proto = JS_GetPropertyStr(ctx, bi.error_ctors[0], "prototype");
    int r = web_define_interface(ctx, &iface, error_proto, NULL);
    JS_FreeValue(ctx, error_proto);
    if (r)
        return -1;
    JSValue g = JS_GetGlobalObject(ctx);
    dom_exception_ctor = JS_GetPropertyStr(ctx, g, "DOMException");
    JS_FreeValue(ctx, g);
    return web_define_globals(ctx, misc_globals, WEB_COUNT(misc_globals));
}
