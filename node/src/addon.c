/* addon.c - the Nexus Node.js addon's module: its exports, the runtime and
 * compiled-handler objects (creation, type tags, finalizers, when the
 * native objects behind them are freed) and the synchronous calls
 * (registerExtension, stats, prometheus, inferCapabilities).
 *
 * Lifetime rules (all on the JS thread):
 *  - every request holds a strong napi_ref to its runtime object (and to
 *    its handler object), so neither finalizer can run while a request
 *    that uses them is queued or running;
 *  - nx_runtime_free runs when no request is in flight and either the runtime
 *    object was collected or shutdown() completed;
 *  - at environment teardown Node may run finalizers despite those refs:
 *    a finalizer that sees requests in flight then frees nothing (a worker
 *    thread may still be inside the library) and leaves the memory to the
 *    exiting process, or to the last completion if it ever runs. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "addon.h"

static const napi_type_tag RUNTIME_TAG = { 0x6e6578757372746dULL, 0x9b1f0c2a54d3e871ULL };
static const napi_type_tag HANDLER_TAG = { 0x6e657875736864ffULL, 0x27c4e9a1b05f3d62ULL };

static _Atomic uint64_t g_next_serial = 1;

/* ---- runtime objects ------------------------------------------------------------ */

static void free_runtime(nxa_runtime_t *o)
{
    if (o->rt)
        nx_runtime_free(o->rt);
    nxa_ifaces_free(o->ifaces);
    if (o->intercept_cb)
        napi_delete_reference(o->env, o->intercept_cb);
    free(o->final_prometheus);
    free(o);
}

/* A finalizer's decision for a runtime or handler object: marked collected,
 * freed now only when no request uses it (with requests in flight this is
 * environment teardown: see the lifetime rules above). */
static bool collect(bool *collected, uint32_t in_flight)
{
    *collected = true;
    return in_flight == 0;
}

static void finalize_runtime(napi_env env, void *data, void *hint)
{
    (void)env;
    (void)hint;
    nxa_runtime_t *o = data;
    if (collect(&o->collected, o->in_flight))
        free_runtime(o);
}

void nxa_runtime_release_if_idle(nxa_runtime_t *o)
{
    if (o->in_flight > 0)
        return;
    if (o->rt && o->shut_down) {
        /* keep the last figures readable after the runtime is gone */
        nx_runtime_stats(o->rt, &o->final_stats);
        char *text = NULL;
        if (nx_runtime_prometheus(o->rt, &text) == NX_OK && text) {
            o->final_prometheus = strdup(text);
            nx_free(text);
        }
        nx_runtime_free(o->rt);
        o->rt = NULL;
        nxa_ifaces_free(o->ifaces);
        o->ifaces = NULL;
        if (o->intercept_cb) {
            napi_delete_reference(o->env, o->intercept_cb);
            o->intercept_cb = NULL;
        }
    }
    if (o->collected)
        free_runtime(o);
}

/* The native object behind v when v carries tag; else throws INVALID_ARGUMENT
 * with what v should have been. */
static void *unwrap_tagged(napi_env env, napi_value v, const napi_type_tag *tag, const char *what)
{
    napi_valuetype t;
    if (!NXA_OK(env, napi_typeof(env, v, &t)))
        return NULL;
    bool tagged = false;
    if (t == napi_object && !NXA_OK(env, napi_check_object_type_tag(env, v, tag, &tagged)))
        return NULL;
    if (!tagged) {
        nxa_throw(env, "INVALID_ARGUMENT", what);
        return NULL;
    }
    void *data = NULL;
    if (!NXA_OK(env, napi_unwrap(env, v, &data)))
        return NULL;
    return data;
}

nxa_runtime_t *nxa_unwrap_runtime(napi_env env, napi_value v)
{
    return unwrap_tagged(env, v, &RUNTIME_TAG, "not a Nexus runtime object");
}

nxa_runtime_t *nxa_unwrap_live_runtime(napi_env env, napi_value v)
{
    nxa_runtime_t *o = nxa_unwrap_runtime(env, v);
    if (o && (o->closing || !o->rt)) {
        nxa_throw(env, "SHUT_DOWN", "the runtime is shut down");
        return NULL;
    }
    return o;
}

static bool read_config(napi_env env, napi_value config, nx_config_t *cfg, char **cache_dir)
{
    *cache_dir = NULL;
    bool nullish;
    if (!nxa_is_nullish(env, config, &nullish))
        return false;
    if (nullish)
        return true;
    napi_valuetype t;
    if (!NXA_OK(env, napi_typeof(env, config, &t)))
        return false;
    if (t != napi_object) {
        nxa_throw(env, "INVALID_ARGUMENT", "config must be an object");
        return false;
    }
    if (!nxa_limits(env, config, &cfg->limits))
        return false;
    const nxa_u32_field_t fields[] = {
        { "maxInstances", &cfg->max_instances },
        { "prewarmInstances", &cfg->prewarm_instances },
        { "acquireTimeoutMs", &cfg->acquire_timeout_ms },
        { "suspensionTtlMs", &cfg->suspension_ttl_ms },
    };
    if (!nxa_u32_fields(env, config, fields, sizeof fields / sizeof fields[0]))
        return false;
    napi_value v;
    if (!NXA_OK(env, napi_get_named_property(env, config, "cacheMaxBytes", &v)) ||
        !nxa_is_nullish(env, v, &nullish))
        return false;
    if (!nullish) {
        double d;
        if (!NXA_OK(env, napi_typeof(env, v, &t)))
            return false;
        if (t != napi_number || !NXA_OK(env, napi_get_value_double(env, v, &d)) ||
            !(d >= 0 && d <= 9007199254740991.0) || (double)(uint64_t)d != d) {
            nxa_throw(env, "INVALID_ARGUMENT", "cacheMaxBytes must be a non-negative integer");
            return false;
        }
        cfg->cache_max_bytes = (uint64_t)d;
    }
    if (!NXA_OK(env, napi_get_named_property(env, config, "cacheDir", &v)))
        return false;
    return nxa_optional_string(env, v, "cacheDir", cache_dir);
}

/* createRuntime(config) -> runtime object */
static napi_value create_runtime(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    if (!nxa_args(env, info, 1, argv))
        return NULL;
    nx_config_t cfg;
    nx_config_init(&cfg);
    char *cache_dir = NULL;
    if (!read_config(env, argv[0], &cfg, &cache_dir))
        return NULL;
    cfg.cache_dir = cache_dir;
    nx_runtime_t *rt = NULL;
    nx_code_t code = nx_runtime_create(&cfg, &rt);
    free(cache_dir); /* copied by nx_runtime_create */
    if (code != NX_OK) {
        nxa_throw(env, nx_code_name(code),
                  code == NX_E_INVALID_ARGUMENT ? "invalid runtime configuration"
                                                : "cannot create the Nexus runtime");
        return NULL;
    }
    bool has_store = false;
    if (!nxa_durable_configure(env, argv[0], rt, &has_store)) {
        nx_runtime_free(rt);
        return NULL;
    }
    nxa_runtime_t *o = calloc(1, sizeof *o);
    if (!o) {
        nx_runtime_free(rt);
        nxa_throw(env, "INTERNAL_ERROR", "out of memory");
        return NULL;
    }
    o->rt = rt;
    o->has_store = has_store;
    o->slots_limit = cfg.max_instances ? cfg.max_instances : 64;
    o->serial = atomic_fetch_add(&g_next_serial, 1);
    o->env = env;
    o->default_timeout_ms = cfg.limits.timeout_ms ? cfg.limits.timeout_ms : 5000;
    o->default_deadline_ms = cfg.limits.deadline_ms ? cfg.limits.deadline_ms : 60000;
    napi_value obj;
    if (!NXA_OK(env, napi_create_object(env, &obj)) ||
        !NXA_OK(env, napi_type_tag_object(env, obj, &RUNTIME_TAG))) {
        free_runtime(o);
        return NULL;
    }
    if (!NXA_OK(env, napi_wrap(env, obj, o, finalize_runtime, NULL, NULL))) {
        free_runtime(o);
        return NULL;
    }
    return obj;
}

/* ---- compiled-handler objects ------------------------------------------------------ */

static void free_handler(nxa_handler_t *h)
{
    nx_handler_free(h->handler);
    free(h);
}

static void finalize_handler(napi_env env, void *data, void *hint)
{
    (void)env;
    (void)hint;
    nxa_handler_t *h = data;
    if (collect(&h->collected, h->in_flight))
        free_handler(h);
}

void nxa_handler_release_if_idle(nxa_handler_t *h)
{
    if (h->in_flight == 0 && h->collected)
        free_handler(h);
}

napi_value nxa_wrap_handler(napi_env env, nx_handler_t *handler, uint64_t serial)
{
    nxa_handler_t *h = calloc(1, sizeof *h);
    if (!h) {
        nx_handler_free(handler);
        nxa_throw(env, "INTERNAL_ERROR", "out of memory");
        return NULL;
    }
    h->handler = handler;
    h->runtime_serial = serial;
    napi_value obj;
    if (!NXA_OK(env, napi_create_object(env, &obj)) ||
        !NXA_OK(env, napi_type_tag_object(env, obj, &HANDLER_TAG)) ||
        !nxa_set_string(env, obj, "id", nx_handler_id(handler))) {
        free_handler(h);
        return NULL;
    }
    if (!NXA_OK(env, napi_wrap(env, obj, h, finalize_handler, NULL, NULL))) {
        free_handler(h);
        return NULL;
    }
    return obj;
}

nxa_handler_t *nxa_unwrap_handler(napi_env env, napi_value v)
{
    return unwrap_tagged(env, v, &HANDLER_TAG, "not a compiled handler");
}

/* ---- synchronous calls ----------------------------------------------------------------- */


/* registerExtension(runtime, name, methods: string[]) -> undefined.
 * Registered without a callback: every call is deferred (the execution
 * suspends) and answered by a resume. */
static napi_value register_extension(napi_env env, napi_callback_info info)
{
    napi_value argv[3];
    if (!nxa_args(env, info, 3, argv))
        return NULL;
    nxa_runtime_t *o = nxa_unwrap_live_runtime(env, argv[0]);
    if (!o)
        return NULL;
    nx_runtime_t *rt = o->rt;
    bool is_array = false;
    uint32_t n = 0;
    if (!NXA_OK(env, napi_is_array(env, argv[2], &is_array)))
        return NULL;
    if (!is_array) {
        nxa_throw(env, "INVALID_ARGUMENT", "methods must be an array of strings");
        return NULL;
    }
    if (!NXA_OK(env, napi_get_array_length(env, argv[2], &n)))
        return NULL;
    char *name = nxa_string(env, argv[1], "name", NULL);
    char **methods = calloc(n ? n : 1, sizeof *methods);
    bool ok = name && methods;
    if (name && !methods)
        nxa_throw(env, "INTERNAL_ERROR", "out of memory");
    uint32_t got = 0;
    for (; ok && got < n; got++) {
        napi_value m;
        ok = NXA_OK(env, napi_get_element(env, argv[2], got, &m)) &&
             (methods[got] = nxa_string(env, m, "each method name", NULL)) != NULL;
    }
    if (ok) {
        nx_code_t code = nx_runtime_register_extension(rt, name, (const char *const *)methods, n,
                                                       NULL, NULL, NULL);
        if (code != NX_OK) {
            nxa_throw(env, nx_code_name(code), "cannot register the extension");
            ok = false;
        }
    }
    for (uint32_t i = 0; methods && i < got; i++)
        free(methods[i]);
    free(methods);
    free(name);
    napi_value undefined;
    if (!ok || !NXA_OK(env, napi_get_undefined(env, &undefined)))
        return NULL;
    return undefined;
}

static bool set_u64(napi_env env, napi_value obj, const char *name, uint64_t v)
{
    return nxa_set_double(env, obj, name, (double)v);
}

/* stats(runtime) -> plain object (nx_stats_t in camelCase) */
static napi_value runtime_stats(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    if (!nxa_args(env, info, 1, argv))
        return NULL;
    nxa_runtime_t *o = nxa_unwrap_runtime(env, argv[0]);
    if (!o)
        return NULL;
    nx_stats_t s;
    if (o->rt)
        nx_runtime_stats(o->rt, &s);
    else
        s = o->final_stats;
    napi_value obj, by_code;
    if (!NXA_OK(env, napi_create_object(env, &obj)) || !NXA_OK(env, napi_create_object(env, &by_code)))
        return NULL;
    bool ok = set_u64(env, obj, "executions", s.executions) &&
              set_u64(env, obj, "successes", s.successes) &&
              set_u64(env, obj, "errors", s.errors) &&
              set_u64(env, obj, "suspensions", s.suspensions);
    for (int c = 1; ok && c < NX_CODE_COUNT; c++)
        ok = set_u64(env, by_code, nx_code_name((nx_code_t)c), s.errors_by_code[c]);
    ok = ok && NXA_OK(env, napi_set_named_property(env, obj, "errorsByCode", by_code)) &&
         set_u64(env, obj, "hostCalls", s.host_calls) &&
         set_u64(env, obj, "cacheEntries", s.cache_entries) &&
         set_u64(env, obj, "cacheBytes", s.cache_bytes) &&
         set_u64(env, obj, "cacheHits", s.cache_hits) &&
         set_u64(env, obj, "cacheMisses", s.cache_misses) &&
         set_u64(env, obj, "compilations", s.compilations) &&
         set_u64(env, obj, "instancesIdle", s.instances_idle) &&
         set_u64(env, obj, "instancesBusy", s.instances_busy) &&
         set_u64(env, obj, "instancesSuspended", s.instances_suspended) &&
         set_u64(env, obj, "instancesCreated", s.instances_created) &&
         set_u64(env, obj, "memoryBytes", s.memory_bytes) &&
         set_u64(env, obj, "peakMemoryBytes", s.peak_memory_bytes) &&
         set_u64(env, obj, "pendingSuspensions", s.pending_suspensions) &&
         nxa_set_bool(env, obj, "dirtyPageRestore", s.dirty_page_restore);
    return ok ? obj : NULL;
}

/* prometheus(runtime) -> string */
static napi_value runtime_prometheus(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    if (!nxa_args(env, info, 1, argv))
        return NULL;
    nxa_runtime_t *o = nxa_unwrap_runtime(env, argv[0]);
    if (!o)
        return NULL;
    napi_value out;
    if (!o->rt) {
        if (!o->final_prometheus) {
            nxa_throw(env, "SHUT_DOWN", "the runtime is shut down");
            return NULL;
        }
        return NXA_OK(env, napi_create_string_utf8(env, o->final_prometheus, NAPI_AUTO_LENGTH, &out))
                   ? out : NULL;
    }
    char *text = NULL;
    nx_code_t code = nx_runtime_prometheus(o->rt, &text);
    if (code != NX_OK) {
        nxa_throw(env, nx_code_name(code), "cannot produce the metrics");
        return NULL;
    }
    bool ok = NXA_OK(env, napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out));
    nx_free(text);
    return ok ? out : NULL;
}

/* inferCapabilities(source) -> string[] */
static napi_value infer_capabilities(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    if (!nxa_args(env, info, 1, argv))
        return NULL;
    size_t len;
    char *source = nxa_string(env, argv[0], "code", &len);
    if (!source)
        return NULL;
    char **tokens = NULL;
    size_t count = 0;
    nx_code_t code = nx_infer_capabilities(source, len, &tokens, &count);
    free(source);
    if (code != NX_OK) {
        nxa_throw(env, nx_code_name(code), "cannot infer the capabilities");
        return NULL;
    }
    napi_value array;
    bool ok = NXA_OK(env, napi_create_array_with_length(env, count, &array));
    for (size_t i = 0; ok && i < count; i++) {
        napi_value s;
        ok = NXA_OK(env, napi_create_string_utf8(env, tokens[i], NAPI_AUTO_LENGTH, &s)) &&
             NXA_OK(env, napi_set_element(env, array, (uint32_t)i, s));
    }
    nx_strings_free(tokens, count);
    return ok ? array : NULL;
}

/* ---- the module ---------------------------------------------------------------------- */

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */)
{
    const napi_property_descriptor props[] = {
        { "createRuntime", NULL, create_runtime, NULL, NULL, NULL, napi_enumerable, NULL },
        { "registerExtension", NULL, register_extension, NULL, NULL, NULL, napi_enumerable, NULL },
        { "stats", NULL, runtime_stats, NULL, NULL, NULL, napi_enumerable, NULL },
        { "prometheus", NULL, runtime_prometheus, NULL, NULL, NULL, napi_enumerable, NULL },
        { "inferCapabilities", NULL, infer_capabilities, NULL, NULL, NULL, napi_enumerable, NULL },
        { "execute", NULL, nxa_execute, NULL, NULL, NULL, napi_enumerable, NULL },
        { "executeCompiled", NULL, nxa_execute_compiled, NULL, NULL, NULL, napi_enumerable, NULL },
        { "precompile", NULL, nxa_precompile, NULL, NULL, NULL, napi_enumerable, NULL },
        { "resume", NULL, nxa_resume, NULL, NULL, NULL, napi_enumerable, NULL },
        { "cancel", NULL, nxa_cancel, NULL, NULL, NULL, napi_enumerable, NULL },
        { "shutdown", NULL, nxa_shutdown, NULL, NULL, NULL, napi_enumerable, NULL },
        { "configureExecutors", NULL, nxa_configure_executors, NULL, NULL, NULL, napi_enumerable, NULL },
        { "replay", NULL, nxa_replay, NULL, NULL, NULL, napi_enumerable, NULL },
        { "saveRecording", NULL, nxa_save_recording, NULL, NULL, NULL, napi_enumerable, NULL },
        { "setInterceptor", NULL, nxa_set_interceptor, NULL, NULL, NULL, napi_enumerable, NULL },
        { "registerInterface", NULL, nxa_register_interface, NULL, NULL, NULL, napi_enumerable, NULL },
        { "benchLatency", NULL, nxa_bench_latency, NULL, NULL, NULL, napi_enumerable, NULL },
        { "benchThroughput", NULL, nxa_bench_throughput, NULL, NULL, NULL, napi_enumerable, NULL },
        { "sharedBuffer", NULL, nxa_shared_buffer, NULL, NULL, NULL, napi_enumerable, NULL },
        { "exportSuspended", NULL, nxa_export_suspended, NULL, NULL, NULL, napi_enumerable, NULL },
        { "importSuspended", NULL, nxa_import_suspended, NULL, NULL, NULL, napi_enumerable, NULL },
        { "wholeResult", NULL, nxa_whole_result, NULL, NULL, NULL, napi_enumerable, NULL },
        { "wholeFail", NULL, nxa_whole_fail, NULL, NULL, NULL, napi_enumerable, NULL },
        { "releaseSlot", NULL, nxa_release_slot, NULL, NULL, NULL, napi_enumerable, NULL },
    };
    napi_value version;
    /* The addon carries its own libcrypto (linked statically). By default it
     * frees its global state from an atexit handler, under executors that
     * may still be hashing a handler's source when the process exits
     * (process.exit mid-execution crashed so): keep it until the end. */
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
    /* 4 executors, no spinning until
     * index.js calls configureExecutors */
    if (!nxa_queue_init(env, 4, 0))
        return NULL;
    if (!NXA_OK(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props)) ||
        !NXA_OK(env, napi_create_string_utf8(env, nx_version_string(), NAPI_AUTO_LENGTH, &version)) ||
        !NXA_OK(env, napi_set_named_property(env, exports, "version", version)))
        return NULL;
    return exports;
}
