/* work.c - the addon's asynchronous calls: execute (optionally recorded),
 * executeCompiled, precompile, resume, cancel, replay, shutdown, and the
 * export and import of suspended executions, as requests. Each request is
 * built on the JS thread (copying everything the worker needs), run by an
 * executor on the libuv threadpool (queue.c) - the nx_* call, then
 * nx_result_to_msgpack - and completed back on the JS thread, where it
 * settles its promise.
 *
 * A call given a callback calls it instead of returning a promise:
 * cb(null, value, extra) or cb(error). A result then comes as its length
 * when it fits the environment's shared result buffer (copied there just
 * before the call: the callback must read it at once) or as a Buffer when
 * it does not. That saves a promise, a Buffer the garbage collector must
 * track, and a microtask per execution. extra is undefined, or an object
 * with what else the call produced: `recording` (a recorded execution's
 * recording object, also the one an import brought), `whole` (the
 * execution's whole result so far, see whole.c: made from its first
 * suspended result, or imported) and `storeError` (the store could not
 * take the suspended execution: nx_result_store_error). Callback calls of
 * executions keep the whole: given the whole of an earlier call (resume's
 * last argument), the worker folds the new result into it and sends the
 * whole once the execution ended.
 *
 * A call that ran resolves with a Buffer holding the result as MessagePack
 * (precompile: a handler object; export: the exported bytes;
 * cancel/shutdown: undefined). Host calls an interceptor saw
 * during the call are handed to the runtime's interceptor callback just
 * before the promise settles (intercept.c). A call the
 * library refused (its nx_code_t is not NX_OK) rejects with an Error whose
 * .code is nx_code_name(code) and, when the library produced a result,
 * whose .resultBuffer holds it as MessagePack.
 *
 * Requests are counted on their runtime (in_flight) and hold strong
 * references to the runtime object (and handler object) until completed.
 * shutdown() withdraws the runtime's requests still queued (they reject
 * with SHUT_DOWN), then queues nx_runtime_shutdown, which waits for the
 * running ones. See addon.c for when the runtime is freed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addon.h"

typedef enum nxa_op {
    OP_EXECUTE,
    OP_EXECUTE_COMPILED,
    OP_PRECOMPILE,
    OP_RESUME,
    OP_CANCEL,
    OP_SHUTDOWN,
    OP_EXECUTE_RECORDED,
    OP_REPLAY,
    OP_EXPORT,
    OP_IMPORT
} nxa_op_t;

struct nxa_work {
    nxa_op_t op;
    nxa_runtime_t *owner;
    nxa_handler_t *handler_owner;  /* OP_EXECUTE_COMPILED */
    nxa_work_t *link;              /* next in the queue (queue.c) */
    uint64_t submitted_us;         /* nxa_queue_now_us() at submission */
    napi_deferred deferred;        /* the promise it settles, or */
    napi_ref callback;             /* the function it calls: cb(error, value) */
    napi_ref runtime_ref;          /* keeps the runtime object alive */
    napi_ref handler_ref;          /* keeps the handler object alive */

    /* inputs, owned by the work; the worker reads only these */
    nx_runtime_t *rt;
    const nx_handler_t *handler;
    char *source;
    size_t source_len;
    nx_context_t *ctx;
    char *suspension_id;
    nx_outcome_t outcome;
    uint8_t *value;                /* outcome.value's bytes (malloc) */
    char *error_message;           /* outcome.error_message (malloc) */
    uint32_t wait_ms;              /* how long a host function may take */
    uint32_t deadline_ms;          /* fresh executions: the overall deadline */
    uint64_t expires_us;           /* then (nxa_queue_now_us), 0: never */
    size_t value_len;              /* OP_IMPORT: the export's bytes are `value` */
    bool keeps_whole;              /* a suspended result becomes the whole */
    bool from_store;               /* OP_RESUME, OP_EXPORT: the store first */
    nxa_whole_t *whole;            /* the execution's whole so far (a reference) */
    nxa_slot_t slot;               /* admission (slots.c; under the queue's lock) */

    /* written by the worker */
    nx_recording_t *recording;     /* OP_EXECUTE_RECORDED; OP_REPLAY's input */
    nxa_seen_t *seen;              /* host calls interceptors saw (intercept.c) */

    /* outputs, written by the worker */
    nx_code_t code;
    uint8_t *buf;                  /* the result as MessagePack (nx_free) */
    size_t buf_len;
    char *message;                 /* the result's error message (malloc) */
    nx_handler_t *compiled;        /* OP_PRECOMPILE */
    nxa_whole_t *new_whole;        /* made here: first suspension, import */
    char *store_error;             /* nx_result_store_error (malloc) */
    bool suspended;                /* the execution is suspended after it (a
                                      suspended result, or a resume whose
                                      answer was refused) */
};

/* ---- building and freeing works --------------------------------------------------------- */

static nxa_work_t *new_work(napi_env env, nxa_op_t op, nxa_runtime_t *owner)
{
    if (owner->closing || !owner->rt) {
        nxa_throw(env, "SHUT_DOWN", "the runtime is shut down");
        return NULL;
    }
    nxa_work_t *w = calloc(1, sizeof *w);
    if (!w) {
        nxa_throw(env, "INTERNAL_ERROR", "out of memory");
        return NULL;
    }
    w->op = op;
    w->owner = owner;
    w->rt = owner->rt;
    w->wait_ms = owner->default_timeout_ms;
    w->deadline_ms = owner->default_deadline_ms;
    return w;
}

/* Frees the work's own memory (not its napi handles). */
static void free_work(nxa_work_t *w)
{
    free(w->source);
    nx_context_free(w->ctx);
    free(w->suspension_id);
    free(w->value);
    free(w->error_message);
    nx_free(w->buf);
    free(w->message);
    nx_handler_free(w->compiled);
    nx_recording_free(w->recording);
    nxa_seen_free(w->seen);
    nxa_whole_unref(w->whole);
    nxa_whole_unref(w->new_whole);
    free(w->store_error);
    free(w);
}

/* Builds the context from (panelId, handlerName, state, args, scope,
 * capabilities, limits): strings or null, MessagePack Buffers or null, an
 * array of strings or their newline-joined string or null, a limits object
 * or null. */
static bool build_context(napi_env env, const napi_value *a, nx_context_t **out, uint32_t *wait_ms,
                          uint32_t *deadline_ms)
{
    nx_context_t *ctx = NULL;
    nx_code_t code = nx_context_create(&ctx);
    if (code != NX_OK) {
        nxa_throw(env, nx_code_name(code), "cannot create the context");
        return false;
    }
    char *panel_id = NULL, *handler_name = NULL;
    bool ok = nxa_optional_string(env, a[0], "panelId", &panel_id) &&
              nxa_optional_string(env, a[1], "handlerName", &handler_name);
    if (ok && panel_id && (code = nx_context_set_panel_id(ctx, panel_id)) != NX_OK) {
        nxa_throw(env, nx_code_name(code), "invalid panelId");
        ok = false;
    }
    if (ok && handler_name && (code = nx_context_set_handler_name(ctx, handler_name)) != NX_OK) {
        nxa_throw(env, nx_code_name(code), "invalid handlerName");
        ok = false;
    }
    free(panel_id);
    free(handler_name);

    static const char *const map_names[3] = { "state", "args", "scope" };
    static nx_code_t (*const setters[3])(nx_context_t *, const void *, size_t) = {
        nx_context_set_state, nx_context_set_args, nx_context_set_scope,
    };
    for (int i = 0; ok && i < 3; i++) {
        const void *bytes;
        size_t len;
        bool present;
        ok = nxa_optional_bytes(env, a[2 + i], map_names[i], &bytes, &len, &present);
        if (ok && present && (code = setters[i](ctx, bytes, len)) != NX_OK) {
            char message[128];
            snprintf(message, sizeof message,
                     "%s must be an object (a MessagePack map with string keys)", map_names[i]);
            nxa_throw(env, nx_code_name(code), message);
            ok = false;
        }
    }

    bool nullish = true;
    napi_valuetype caps_type = napi_undefined;
    if (ok)
        ok = NXA_OK(env, napi_typeof(env, a[5], &caps_type));
    nullish = caps_type == napi_undefined || caps_type == napi_null;
    if (ok && caps_type == napi_string) {
        /* the tokens joined by newlines (index.js): one string to convert
         * instead of an array walk, most of the cost of a call */
        char *joined = nxa_string(env, a[5], "capabilities", NULL);
        ok = joined != NULL;
        for (char *token = joined, *end; ok && token; token = end ? end + 1 : NULL) {
            end = strchr(token, '\n');
            if (end)
                *end = '\0';
            if ((code = nx_context_add_capability(ctx, token)) != NX_OK) {
                nxa_throw(env, nx_code_name(code), "cannot add the capability");
                ok = false;
            }
        }
        free(joined);
    } else if (ok && !nullish) {
        bool is_array = false;
        uint32_t n = 0;
        ok = NXA_OK(env, napi_is_array(env, a[5], &is_array));
        if (ok && !is_array) {
            nxa_throw(env, "INVALID_ARGUMENT", "capabilities must be an array of strings");
            ok = false;
        }
        ok = ok && NXA_OK(env, napi_get_array_length(env, a[5], &n));
        for (uint32_t i = 0; ok && i < n; i++) {
            napi_value v;
            char *token = NULL;
            ok = NXA_OK(env, napi_get_element(env, a[5], i, &v)) &&
                 (token = nxa_string(env, v, "each capability", NULL)) != NULL;
            if (ok && (code = nx_context_add_capability(ctx, token)) != NX_OK) {
                nxa_throw(env, nx_code_name(code), "cannot add the capability");
                ok = false;
            }
            free(token);
        }
    }

    if (ok)
        ok = nxa_is_nullish(env, a[6], &nullish);
    if (ok && !nullish) {
        nx_limits_t limits;
        memset(&limits, 0, sizeof limits);
        ok = nxa_limits(env, a[6], &limits);
        if (ok && (code = nx_context_set_limits(ctx, &limits)) != NX_OK) {
            nxa_throw(env, nx_code_name(code), "invalid limits");
            ok = false;
        }
        if (ok && limits.timeout_ms)
            *wait_ms = limits.timeout_ms;
        if (ok && limits.deadline_ms)
            *deadline_ms = limits.deadline_ms;
    }
    if (!ok) {
        nx_context_free(ctx);
        return false;
    }
    *out = ctx;
    return true;
}

/* ---- for queue.c ------------------------------------------------------------------------------ */

nxa_work_t **nxa_work_link(nxa_work_t *w) { return &w->link; }
const nxa_runtime_t *nxa_work_owner(const nxa_work_t *w) { return w->owner; }
nxa_runtime_t *nxa_work_runtime(nxa_work_t *w) { return w->owner; }
/* shutdown withdraws what has not started, but for itself and cancels
 * (they end executions this process drives, in the store too) */
bool nxa_work_cancellable(const nxa_work_t *w) { return w->op != OP_SHUTDOWN && w->op != OP_CANCEL; }
nxa_slot_t *nxa_work_slot(nxa_work_t *w) { return &w->slot; }
bool nxa_work_suspended(const nxa_work_t *w) { return w->suspended; }
nxa_seen_t **nxa_work_seen(nxa_work_t *w) { return &w->seen; }
uint32_t nxa_work_wait_ms(const nxa_work_t *w) { return w->wait_ms; }

/* ---- the worker side ------------------------------------------------------------------------ */

_Thread_local nxa_work_t *nxa_current_work;

/* Serialises r for the JS side (w->buf) and frees it, or keeps it: folded
 * into the execution's whole, or made the whole (the first suspension). */
static void settle_result(nxa_work_t *w, nx_result_t *r)
{
    if (w->code != NX_OK) {
        const nx_error_info_t *e = nx_result_error(r);
        if (e && e->message)
            w->message = strdup(e->message);
    } else if (nx_result_store_error(r)) {
        w->store_error = strdup(nx_result_store_error(r));
    }
    bool suspended = w->code == NX_OK && nx_result_status(r) == NX_STATUS_SUSPENDED;
    /* an answer over the value limit leaves the execution waiting (nx_resume) */
    w->suspended = suspended || (w->op == OP_RESUME && w->code == NX_E_RESOURCE_LIMIT);
    nxa_whole_t *whole = w->new_whole ? w->new_whole : w->whole;
    nx_code_t code;
    if (w->code == NX_OK && whole) {
        code = nxa_whole_fold(whole, r, &w->buf, &w->buf_len);
    } else {
        code = nx_result_to_msgpack(r, &w->buf, &w->buf_len);
        if (code == NX_OK && suspended && w->keeps_whole) {
            if ((w->new_whole = nxa_whole_new(r)) != NULL)
                return; /* r is the whole now */
            /* nothing could hold what it did so far: end it */
            nx_cancel(w->rt, nx_result_suspension(r, 0)->id);
            code = NX_E_INTERNAL_ERROR;
        }
    }
    if (code != NX_OK) {
        nx_free(w->buf);
        w->buf = NULL;
        if (w->code == NX_OK)
            w->code = code;
    }
    nx_result_free(r);
}

void nxa_work_run(nxa_work_t *w)
{
    if (w->expires_us && nxa_queue_now_us() >= w->expires_us) {
        /* it waited (for a slot) past its deadline: the JS side ended it
         * with TIMEOUT already, and running it would be wasted */
        w->code = NX_E_TIMEOUT;
        w->message = strdup("the execution passed its overall deadline before it started");
        return;
    }
    nxa_current_work = w; /* for interceptors and host functions */
    nx_result_t *r = NULL;
    bool wants_result = true;
    switch (w->op) {
    case OP_EXECUTE:
        w->code = nx_execute(w->rt, w->source, w->source_len, w->ctx, &r);
        break;
    case OP_EXECUTE_COMPILED:
        w->code = nx_execute_handler(w->rt, w->handler, w->ctx, &r);
        break;
    case OP_PRECOMPILE:
        w->code = nx_precompile(w->rt, w->source, w->source_len, &w->compiled, &r);
        wants_result = false;
        break;
    case OP_RESUME:
        if (w->from_store)
            w->code = nxa_durable_resume(w->rt, w->suspension_id, &w->outcome, &w->new_whole,
                                         &w->recording, &r);
        else
            w->code = nx_resume(w->rt, w->suspension_id, &w->outcome, &r);
        break;
    case OP_CANCEL:
        w->code = nx_cancel(w->rt, w->suspension_id);
        wants_result = false;
        break;
    case OP_SHUTDOWN:
        nx_runtime_shutdown(w->rt);
        w->code = NX_OK;
        wants_result = false;
        break;
    case OP_EXECUTE_RECORDED:
        w->code = nx_execute_recorded(w->rt, w->source, w->source_len, w->ctx, &w->recording, &r);
        break;
    case OP_REPLAY:
        w->code = nx_replay(w->rt, w->recording, &r);
        break;
    case OP_EXPORT:
        w->code = nxa_durable_export(w->rt, w->suspension_id, w->from_store, &w->buf, &w->buf_len,
                                     &w->message);
        wants_result = false;
        break;
    case OP_IMPORT:
        w->code = nx_import(w->rt, w->value, w->value_len, &w->recording, &r);
        break;
    }
    if (r) {
        settle_result(w, r);
    } else if (wants_result && w->code == NX_OK) {
        w->code = NX_E_INTERNAL_ERROR; /* the library ran out of memory */
    }
    nxa_current_work = NULL;
}

/* ---- the JS side of completion ---------------------------------------------------------------- */

static void settle_accounting(nxa_work_t *w)
{
    w->owner->in_flight--;
    if (w->handler_owner)
        w->handler_owner->in_flight--;
}

/* The pending exception, cleared; or a generic Error if there is none. */
static napi_value take_exception(napi_env env)
{
    napi_value e = NULL;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending &&
        napi_get_and_clear_last_exception(env, &e) == napi_ok && e)
        return e;
    return nxa_make_error(env, "INTERNAL_ERROR", "Node-API failure while settling a Nexus call");
}

static const char *default_message(nx_code_t code)
{
    switch (code) {
    case NX_E_INVALID_ARGUMENT: return "invalid argument (or the runtime is shut down)";
    case NX_E_INTERNAL_ERROR: return "internal error in Nexus";
    case NX_E_RESOURCE_LIMIT: return "a resource limit was reached";
    case NX_E_INVALID_HANDLER: return "the handler is unusable with this runtime";
    default: return nx_code_name(code);
    }
}

/* The rejection for a call the library refused. NULL with an exception
 * pending on failure. */
static napi_value refusal(napi_env env, nxa_work_t *w)
{
    napi_value error = nxa_make_error(env, nx_code_name(w->code),
                                      w->message ? w->message : default_message(w->code));
    if (!error)
        return NULL;
    if (w->buf) {
        napi_value buffer;
        if (!NXA_OK(env, napi_create_buffer_copy(env, w->buf_len, w->buf, NULL, &buffer)) ||
            !NXA_OK(env, napi_set_named_property(env, error, "resultBuffer", buffer)))
            return NULL;
    }
    return error;
}

/* The resolution of a call that ran. NULL with an exception pending on
 * failure. */
/* The result's bytes for JS: their length once copied into the shared
 * buffer (callback calls only), else a Buffer copy. */
static napi_value result_bytes(napi_env env, nxa_work_t *w)
{
    napi_value v;
    if (w->callback) {
        uint8_t *shared = NULL;
        size_t size = nxa_queue_shared(env, &shared);
        if (w->buf_len <= size) {
            memcpy(shared, w->buf, w->buf_len);
            return NXA_OK(env, napi_create_uint32(env, (uint32_t)w->buf_len, &v)) ? v : NULL;
        }
    }
    return NXA_OK(env, napi_create_buffer_copy(env, w->buf_len, w->buf, NULL, &v)) ? v : NULL;
}

static napi_value success_value(napi_env env, nxa_work_t *w)
{
    napi_value v = NULL;
    switch (w->op) {
    case OP_EXECUTE:
    case OP_EXECUTE_COMPILED:
    case OP_RESUME:
    case OP_REPLAY:
    case OP_EXPORT:
    case OP_IMPORT:
        return result_bytes(env, w);
    case OP_EXECUTE_RECORDED: {
        if (w->callback)
            return result_bytes(env, w); /* the recording goes in extra */
        napi_value pair, buffer, recording;
        if (!(buffer = result_bytes(env, w)) ||
            !NXA_OK(env, napi_create_array_with_length(env, 2, &pair)) ||
            !NXA_OK(env, napi_set_element(env, pair, 0, buffer)))
            return NULL;
        nx_recording_t *rec = w->recording;
        w->recording = NULL; /* the object owns it now, even on failure */
        if (!(recording = nxa_wrap_recording(env, rec)) ||
            !NXA_OK(env, napi_set_element(env, pair, 1, recording)))
            return NULL;
        return pair;
    }
    case OP_PRECOMPILE: {
        nx_handler_t *h = w->compiled;
        w->compiled = NULL; /* nxa_wrap_handler owns it now, even on failure */
        return nxa_wrap_handler(env, h, w->owner->serial);
    }
    case OP_CANCEL:
    case OP_SHUTDOWN:
        return NXA_OK(env, napi_get_undefined(env, &v)) ? v : NULL;
    }
    return NULL;
}

/* What else a callback call produced (see the top of this file), or
 * undefined; NULL with an exception pending on failure. Takes the
 * recording and the new whole out of w. */
static napi_value extra_value(napi_env env, nxa_work_t *w)
{
    napi_value extra, v;
    if (!w->recording && !w->new_whole && !w->store_error && !w->slot.kept)
        return NXA_OK(env, napi_get_undefined(env, &extra)) ? extra : NULL;
    if (!NXA_OK(env, napi_create_object(env, &extra)))
        return NULL;
    if (w->slot.kept && !nxa_set_bool(env, extra, "slot", true))
        return NULL;
    if (w->recording) {
        nx_recording_t *rec = w->recording;
        w->recording = NULL; /* the object owns it now, even on failure */
        if (!(v = nxa_wrap_recording(env, rec)) || !NXA_OK(env, napi_set_named_property(env, extra, "recording", v)))
            return NULL;
    }
    if (w->new_whole) {
        nxa_whole_t *whole = w->new_whole;
        w->new_whole = NULL;
        if (!(v = nxa_wrap_whole(env, whole)) || !NXA_OK(env, napi_set_named_property(env, extra, "whole", v)))
            return NULL;
    }
    if (w->store_error && !nxa_set_string(env, extra, "storeError", w->store_error))
        return NULL;
    return extra;
}

/* Releases the napi references a request holds, then the request. */
static void discard_work(napi_env env, nxa_work_t *w)
{
    if (w->runtime_ref)
        nxa_check(env, napi_delete_reference(env, w->runtime_ref), "napi_delete_reference");
    if (w->handler_ref)
        nxa_check(env, napi_delete_reference(env, w->handler_ref), "napi_delete_reference");
    if (w->callback)
        nxa_check(env, napi_delete_reference(env, w->callback), "napi_delete_reference");
    free_work(w);
}

void nxa_work_complete(napi_env env, nxa_work_t *w, bool cancelled)
{
    nxa_runtime_t *owner = w->owner;
    nxa_handler_t *handler_owner = w->handler_owner;
    settle_accounting(w);
    if (w->op == OP_SHUTDOWN && !cancelled)
        owner->shut_down = true;

    napi_value value = NULL;
    bool resolve = false;
    if (!cancelled && w->seen)
        nxa_deliver_seen(env, owner, w->seen);
    if (cancelled) {
        value = nxa_make_error(env, "SHUT_DOWN",
                               "the runtime was shut down before this call started");
    } else if (w->code == NX_OK) {
        value = success_value(env, w);
        resolve = value != NULL;
    } else {
        if (w->code == NX_E_INVALID_ARGUMENT && owner->closing) {
            /* the library refused because shutdown began meanwhile */
            free(w->message);
            w->message = NULL;
            nx_free(w->buf);
            w->buf = NULL;
            value = nxa_make_error(env, "SHUT_DOWN", "the runtime was shut down while this call waited");
        } else {
            value = refusal(env, w);
            /* an execution imported from the store whose answer was refused
             * waits here now: the error carries its whole so far */
            napi_value whole, recording;
            if (value && w->new_whole) {
                nxa_whole_t *taken = w->new_whole;
                w->new_whole = NULL;
                if (!(whole = nxa_wrap_whole(env, taken)) ||
                    !NXA_OK(env, napi_set_named_property(env, value, "whole", whole)))
                    value = NULL;
            }
            /* refused, it still waits, and keeps its slot */
            if (value && w->slot.kept && !nxa_set_bool(env, value, "slot", true))
                value = NULL;
            if (value && w->recording && w->op == OP_RESUME) {
                nx_recording_t *rec = w->recording;
                w->recording = NULL;
                if (!(recording = nxa_wrap_recording(env, rec)) ||
                    !NXA_OK(env, napi_set_named_property(env, value, "recording", recording)))
                    value = NULL;
            }
        }
    }
    napi_value extra = NULL;
    if (value && resolve && w->callback && !(extra = extra_value(env, w)))
        value = NULL;
    if (!value) {
        value = take_exception(env);
        resolve = false;
    }
    if (value && w->callback) {
        napi_value cb, recv, argv[3];
        if (NXA_OK(env, napi_get_reference_value(env, w->callback, &cb)) &&
            NXA_OK(env, napi_get_undefined(env, &recv)) &&
            (resolve ? NXA_OK(env, napi_get_null(env, &argv[0])) : (argv[0] = value, true))) {
            argv[1] = resolve ? value : recv;
            argv[2] = resolve ? extra : recv;
            napi_value ignored, e;
            bool pending = false;
            /* an exception it throws is reported as uncaught, and cleared so
             * that the rest of a batch of completions still settles */
            if (napi_call_function(env, recv, cb, 3, argv, &ignored) != napi_ok &&
                napi_is_exception_pending(env, &pending) == napi_ok && pending &&
                napi_get_and_clear_last_exception(env, &e) == napi_ok)
                napi_fatal_exception(env, e);
        }
    } else if (value) {
        napi_status s = resolve ? napi_resolve_deferred(env, w->deferred, value)
                                : napi_reject_deferred(env, w->deferred, value);
        /* a failure here surfaces as an uncaught exception: loud, not silent */
        nxa_check(env, s, resolve ? "napi_resolve_deferred" : "napi_reject_deferred");
    } else {
        nxa_throw(env, "INTERNAL_ERROR", "cannot settle a Nexus call");
    }
    uint64_t submitted_us = cancelled ? 0 : w->submitted_us;
    discard_work(env, w);
    nxa_queue_completed(env, submitted_us);
    if (handler_owner)
        nxa_handler_release_if_idle(handler_owner);
    nxa_runtime_release_if_idle(owner);
}

/* Submits w and returns its promise (undefined when callback, a function,
 * is given instead). runtime_obj (and handler_obj, may be NULL) stay
 * referenced until the request completes. On failure discards w and
 * throws. */
static napi_value submit_with(napi_env env, nxa_work_t *w, napi_value runtime_obj, napi_value handler_obj,
                              napi_value callback)
{
    napi_value promise;
    if (!NXA_OK(env, napi_create_reference(env, runtime_obj, 1, &w->runtime_ref)) ||
        (handler_obj && !NXA_OK(env, napi_create_reference(env, handler_obj, 1, &w->handler_ref))) ||
        (callback ? !NXA_OK(env, napi_create_reference(env, callback, 1, &w->callback)) ||
                        !NXA_OK(env, napi_get_undefined(env, &promise))
                  : !NXA_OK(env, napi_create_promise(env, &w->deferred, &promise)))) {
        discard_work(env, w);
        return NULL;
    }
    /* an execution driven by index.js keeps its whole result, and a fresh
     * one starts only with a slot (slots.c) */
    w->keeps_whole = callback != NULL && w->op != OP_REPLAY && w->op != OP_EXPORT;
    if (callback && (w->op == OP_EXECUTE || w->op == OP_EXECUTE_COMPILED || w->op == OP_EXECUTE_RECORDED ||
                     w->op == OP_IMPORT))
        w->slot.needs = true;
    /* counted before it can run: completion always comes later, on this thread */
    w->owner->in_flight++;
    if (w->handler_owner)
        w->handler_owner->in_flight++;
    w->submitted_us = nxa_queue_now_us();
    if (w->slot.needs && w->op != OP_IMPORT && w->deadline_ms)
        w->expires_us = w->submitted_us + (uint64_t)w->deadline_ms * 1000u;
    if (!nxa_queue_submit(env, w)) {
        settle_accounting(w);
        if (w->callback) { /* the exception stays pending: the call throws */
            discard_work(env, w);
            return NULL;
        }
        napi_value e = take_exception(env);
        bool rejected = e && nxa_check(env, napi_reject_deferred(env, w->deferred, e),
                                       "napi_reject_deferred");
        discard_work(env, w);
        return rejected ? promise : NULL;
    }
    return promise;
}

static napi_value submit(napi_env env, nxa_work_t *w, napi_value runtime_obj, napi_value handler_obj)
{
    return submit_with(env, w, runtime_obj, handler_obj, NULL);
}

/* The optional callback argument: a function, or NULL for a promise. */
static bool optional_callback(napi_env env, napi_value v, napi_value *out)
{
    napi_valuetype t;
    if (!NXA_OK(env, napi_typeof(env, v, &t)))
        return false;
    *out = t == napi_function ? v : NULL;
    return true;
}

/* ---- the calls ------------------------------------------------------------------------------------ */

/* The common start of a call: argc arguments, the first a runtime; a new
 * work for op on it. NULL with a pending exception on bad arguments. */
static nxa_work_t *begin(napi_env env, napi_callback_info info, size_t argc, napi_value *argv,
                         nxa_op_t op)
{
    if (!nxa_args(env, info, argc, argv))
        return NULL;
    nxa_runtime_t *owner = nxa_unwrap_runtime(env, argv[0]);
    return owner ? new_work(env, op, owner) : NULL;
}

/* A call whose arguments turned out bad: the exception is pending. */
static napi_value abandon(nxa_work_t *w)
{
    free_work(w);
    return NULL;
}

/* execute(runtime, source, panelId, handlerName, state, args, scope,
 *         capabilities, limits, record[, callback]) -> Promise<Buffer>, or
 * with record true Promise<[Buffer, recording]> */
napi_value nxa_execute(napi_env env, napi_callback_info info)
{
    napi_value argv[11], callback;
    nxa_work_t *w = begin(env, info, 11, argv, OP_EXECUTE);
    if (!w)
        return NULL;
    bool record = false;
    napi_valuetype t;
    if (!NXA_OK(env, napi_typeof(env, argv[9], &t)) || (t == napi_boolean && !nxa_bool(env, argv[9], "record", &record)))
        return abandon(w);
    if (record)
        w->op = OP_EXECUTE_RECORDED;
    w->source = nxa_string(env, argv[1], "code", &w->source_len);
    if (!w->source || !build_context(env, argv + 2, &w->ctx, &w->wait_ms, &w->deadline_ms) ||
        !optional_callback(env, argv[10], &callback))
        return abandon(w);
    return submit_with(env, w, argv[0], NULL, callback);
}

/* replay(runtime, recording object) -> Promise<Buffer> */
napi_value nxa_replay(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    nxa_work_t *w = begin(env, info, 2, argv, OP_REPLAY);
    if (!w)
        return NULL;
    if (!(w->recording = nxa_recording_load(env, argv[1])))
        return abandon(w);
    return submit(env, w, argv[0], NULL);
}

/* executeCompiled(runtime, handler, panelId, handlerName, state, args,
 *                 scope, capabilities, limits[, callback]) -> Promise<Buffer> */
napi_value nxa_execute_compiled(napi_env env, napi_callback_info info)
{
    napi_value argv[10], callback;
    nxa_work_t *w = begin(env, info, 10, argv, OP_EXECUTE_COMPILED);
    if (!w)
        return NULL;
    nxa_handler_t *h = nxa_unwrap_handler(env, argv[1]);
    if (!h)
        return abandon(w);
    if (h->runtime_serial != w->owner->serial) {
        nxa_throw(env, "INVALID_HANDLER", "the handler was not compiled by this runtime");
        return abandon(w);
    }
    w->handler_owner = h;
    w->handler = h->handler;
    if (!build_context(env, argv + 2, &w->ctx, &w->wait_ms, &w->deadline_ms) ||
        !optional_callback(env, argv[9], &callback))
        return abandon(w);
    return submit_with(env, w, argv[0], argv[1], callback);
}

/* precompile(runtime, source) -> Promise<handler object> */
napi_value nxa_precompile(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    nxa_work_t *w = begin(env, info, 2, argv, OP_PRECOMPILE);
    if (!w)
        return NULL;
    w->source = nxa_string(env, argv[1], "code", &w->source_len);
    return w->source ? submit(env, w, argv[0], NULL) : abandon(w);
}

/* resume(runtime, suspensionId, isError, value: Buffer|null,
 *        errorMessage: string|null[, callback[, whole[, fromStore[, slot]]]])
 * -> Promise<Buffer>. With fromStore true (a callback call, on a runtime
 * with a store) the execution is taken from the store with its whole so
 * far (durable.c), else resumed where it waits. slot (callback calls):
 * 1 the execution starts here and needs a slot, 2 it holds one (given
 * back when it ends), else neither (slots.c). */
napi_value nxa_resume(napi_env env, napi_callback_info info)
{
    napi_value argv[9], callback;
    nxa_work_t *w = begin(env, info, 9, argv, OP_RESUME);
    if (!w)
        return NULL;
    bool is_error = false;
    const void *bytes = NULL;
    size_t len = 0;
    bool present = false;
    bool ok = (w->suspension_id = nxa_string(env, argv[1], "suspensionId", NULL)) != NULL &&
              nxa_bool(env, argv[2], "isError", &is_error) &&
              nxa_optional_bytes(env, argv[3], "value", &bytes, &len, &present) &&
              nxa_optional_string(env, argv[4], "error", &w->error_message);
    if (ok && present && len) {
        w->value = malloc(len);
        if (!w->value) {
            nxa_throw(env, "INTERNAL_ERROR", "out of memory");
            ok = false;
        } else {
            memcpy(w->value, bytes, len);
        }
    }
    if (ok && is_error && !w->error_message) {
        w->error_message = strdup("extension call failed");
        if (!w->error_message) {
            nxa_throw(env, "INTERNAL_ERROR", "out of memory");
            ok = false;
        }
    }
    if (!ok || !optional_callback(env, argv[5], &callback))
        return abandon(w);
    bool whole_ok;
    nxa_whole_t *whole = nxa_unwrap_whole(env, argv[6], &whole_ok);
    if (!whole_ok)
        return abandon(w);
    w->whole = nxa_whole_ref(whole);
    bool from_store = false;
    napi_valuetype t;
    if (!NXA_OK(env, napi_typeof(env, argv[7], &t)) ||
        (t == napi_boolean && !nxa_bool(env, argv[7], "fromStore", &from_store)))
        return abandon(w);
    w->from_store = callback && from_store && w->owner->has_store;
    uint32_t slot = 0;
    if (!NXA_OK(env, napi_typeof(env, argv[8], &t)) || (t == napi_number && !nxa_u32(env, argv[8], "slot", &slot)))
        return abandon(w);
    w->slot.needs = callback && slot == 1;
    w->slot.release = callback && slot == 2;
    w->outcome.is_error = is_error;
    w->outcome.value = is_error ? NULL : w->value;
    w->outcome.value_len = is_error || !w->value ? 0 : len;
    w->outcome.error_message = is_error ? w->error_message : NULL;
    return submit_with(env, w, argv[0], NULL, callback);
}

/* exportSuspended(runtime, suspensionId, fromStore) -> Promise<Buffer>:
 * the execution waiting on suspensionId (here, or in the store when
 * fromStore) as bytes. */
napi_value nxa_export_suspended(napi_env env, napi_callback_info info)
{
    napi_value argv[3];
    nxa_work_t *w = begin(env, info, 3, argv, OP_EXPORT);
    if (!w)
        return NULL;
    bool from_store = false;
    w->suspension_id = nxa_string(env, argv[1], "suspensionId", NULL);
    if (!w->suspension_id || !nxa_bool(env, argv[2], "fromStore", &from_store))
        return abandon(w);
    w->from_store = from_store && w->owner->has_store;
    return submit(env, w, argv[0], NULL);
}

/* importSuspended(runtime, bytes[, callback]) -> Promise<Buffer>: the
 * execution an export holds, waiting here; its whole result so far. */
napi_value nxa_import_suspended(napi_env env, napi_callback_info info)
{
    napi_value argv[3], callback;
    nxa_work_t *w = begin(env, info, 3, argv, OP_IMPORT);
    if (!w)
        return NULL;
    const void *bytes = NULL;
    size_t len = 0;
    bool present = false;
    if (!nxa_optional_bytes(env, argv[1], "bytes", &bytes, &len, &present) ||
        !optional_callback(env, argv[2], &callback))
        return abandon(w);
    if (!present || len == 0) {
        nxa_throw(env, "INVALID_ARGUMENT", "bytes must be a non-empty Buffer or Uint8Array");
        return abandon(w);
    }
    if (!(w->value = malloc(len))) {
        nxa_throw(env, "INTERNAL_ERROR", "out of memory");
        return abandon(w);
    }
    memcpy(w->value, bytes, len);
    w->value_len = len;
    return submit_with(env, w, argv[0], NULL, callback);
}

/* cancel(runtime, suspensionId[, releaseSlot]) -> Promise<undefined>;
 * releaseSlot: the execution holds a slot, given back once it is
 * cancelled (after its sandbox is free, not before). */
napi_value nxa_cancel(napi_env env, napi_callback_info info)
{
    napi_value argv[3];
    nxa_work_t *w = begin(env, info, 3, argv, OP_CANCEL);
    if (!w)
        return NULL;
    napi_valuetype t;
    w->suspension_id = nxa_string(env, argv[1], "suspensionId", NULL);
    if (!w->suspension_id || !NXA_OK(env, napi_typeof(env, argv[2], &t)) ||
        (t == napi_boolean && !nxa_bool(env, argv[2], "releaseSlot", &w->slot.release)))
        return abandon(w);
    return submit(env, w, argv[0], NULL);
}

/* shutdown(runtime) -> Promise<undefined>: cancels the queued works, then
 * runs nx_runtime_shutdown off the JS thread. Idempotent. */
napi_value nxa_shutdown(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    if (!nxa_args(env, info, 1, argv))
        return NULL;
    nxa_runtime_t *owner = nxa_unwrap_runtime(env, argv[0]);
    if (!owner)
        return NULL;
    if (!owner->rt) { /* already shut down and freed */
        napi_deferred deferred;
        napi_value promise, undefined;
        if (!NXA_OK(env, napi_create_promise(env, &deferred, &promise)) ||
            !NXA_OK(env, napi_get_undefined(env, &undefined)) ||
            !NXA_OK(env, napi_resolve_deferred(env, deferred, undefined)))
            return NULL;
        return promise;
    }
    if (!owner->closing) {
        owner->closing = true;
        /* calls not started yet are refused; running ones finish (and
         * nx_runtime_shutdown waits for them) */
        nxa_work_t *withdrawn;
        nxa_queue_withdraw(env, owner, NULL, &withdrawn);
        for (nxa_work_t *w = withdrawn, *next; w; w = next) {
            next = w->link;
            w->link = NULL;
            nxa_work_complete(env, w, true);
        }
    }
    nxa_work_t *w = calloc(1, sizeof *w);
    if (!w) {
        nxa_throw(env, "INTERNAL_ERROR", "out of memory");
        return NULL;
    }
    w->op = OP_SHUTDOWN;
    w->owner = owner;
    w->rt = owner->rt;
    return submit(env, w, argv[0], NULL);
}
