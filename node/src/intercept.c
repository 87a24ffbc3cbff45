/* intercept.c - interceptors registered from JavaScript. While JS has any,
 * one C interceptor per runtime copies every host call an execution makes
 * into that execution's request (the executing thread knows it:
 * nxa_current_work), and the request's completion on the JS thread hands
 * the list to the runtime's JS callback just before its promise settles.
 *
 * Why not call JavaScript from the hook itself: hooks run on the executing
 * thread for every host call, inside the execution's time limit; a
 * round trip to the JS thread for each would multiply an execution's time
 * and stall it whenever the JS thread is busy. The calls arrive complete,
 * in order, once per execute or resume. */
#include <stdlib.h>
#include <string.h>

#include "addon.h"

/* A bound on what one request keeps: max_host_calls is 10000 by default,
 * but WASI clock reads count too. Past it the list says so. */
#define MAX_SEEN 100000

typedef struct seen_call {
    struct seen_call *next;
    bool after;
    char *interface, *function;
    uint8_t *input, *output;
    size_t input_len, output_len;
    nx_code_t code;
} seen_call_t;

struct nxa_seen {
    seen_call_t *head, *tail;
    size_t count;
    bool truncated;
};

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    if (!p)
        return NULL;
    uint8_t *out = malloc(n ? n : 1);
    if (out && n)
        memcpy(out, p, n);
    return out;
}

static void record(const nx_host_call_t *call, bool after)
{
    nxa_work_t *w = nxa_current_work;
    if (!w)
        return;
    nxa_seen_t **slot = nxa_work_seen(w);
    if (!*slot && !(*slot = calloc(1, sizeof **slot)))
        return;
    nxa_seen_t *seen = *slot;
    if (seen->count >= MAX_SEEN) {
        seen->truncated = true;
        return;
    }
    seen_call_t *c = calloc(1, sizeof *c);
    if (!c)
        return;
    c->after = after;
    c->interface = strdup(call->interface ? call->interface : "");
    c->function = strdup(call->function ? call->function : "");
    c->input = dup_bytes(call->input, call->input_len);
    c->input_len = c->input ? call->input_len : 0;
    c->output = dup_bytes(call->output, call->output_len);
    c->output_len = c->output ? call->output_len : 0;
    c->code = call->code;
    if (seen->tail)
        seen->tail->next = c;
    else
        seen->head = c;
    seen->tail = c;
    seen->count++;
}

static void before_hook(void *user, const nx_host_call_t *call) { (void)user; record(call, false); }
static void after_hook(void *user, const nx_host_call_t *call) { (void)user; record(call, true); }

void nxa_seen_free(nxa_seen_t *seen)
{
    if (!seen)
        return;
    for (seen_call_t *c = seen->head, *next; c; c = next) {
        next = c->next;
        free(c->interface);
        free(c->function);
        free(c->input);
        free(c->output);
        free(c);
    }
    free(seen);
}

static bool set_bytes(napi_env env, napi_value obj, const char *name, const uint8_t *p, size_t n)
{
    napi_value v;
    if (p ? !NXA_OK(env, napi_create_buffer_copy(env, n, p, NULL, &v)) : !NXA_OK(env, napi_get_null(env, &v)))
        return false;
    return NXA_OK(env, napi_set_named_property(env, obj, name, v));
}

/* JS thread: calls the runtime's callback with [{ phase, interface,
 * function, input, output, code }] and, when calls were left out, a
 * second argument true. An exception it throws is cleared (the JS side
 * guards each user hook itself). */
void nxa_deliver_seen(napi_env env, nxa_runtime_t *owner, nxa_seen_t *seen)
{
    if (!owner->intercept_cb || !seen->count)
        return;
    napi_value cb, array, recv, truncated;
    if (!NXA_OK(env, napi_get_reference_value(env, owner->intercept_cb, &cb)) || !cb ||
        !NXA_OK(env, napi_create_array_with_length(env, seen->count, &array)) ||
        !NXA_OK(env, napi_get_undefined(env, &recv)) ||
        !NXA_OK(env, napi_get_boolean(env, seen->truncated, &truncated)))
        goto clear;
    uint32_t i = 0;
    for (seen_call_t *c = seen->head; c; c = c->next, i++) {
        napi_value obj;
        bool ok = NXA_OK(env, napi_create_object(env, &obj)) &&
                  nxa_set_string(env, obj, "phase", c->after ? "after" : "before") &&
                  nxa_set_string(env, obj, "interface", c->interface ? c->interface : "") &&
                  nxa_set_string(env, obj, "function", c->function ? c->function : "") &&
                  set_bytes(env, obj, "input", c->input, c->input_len) &&
                  set_bytes(env, obj, "output", c->output, c->output_len) &&
                  nxa_set_string(env, obj, "code", c->code == NX_OK ? "OK" : nx_code_name(c->code)) &&
                  NXA_OK(env, napi_set_element(env, array, i, obj));
        if (!ok)
            goto clear;
    }
    napi_value argv[2] = { array, truncated }, ignored;
    napi_call_function(env, recv, cb, 2, argv, &ignored);
clear:;
    bool pending = false;
    napi_value e;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending)
        napi_get_and_clear_last_exception(env, &e);
}

/* setInterceptor(runtime, callback | null) -> undefined */
napi_value nxa_set_interceptor(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    if (!nxa_args(env, info, 2, argv))
        return NULL;
    nxa_runtime_t *o = nxa_unwrap_live_runtime(env, argv[0]);
    if (!o)
        return NULL;
    bool nullish;
    if (!nxa_is_nullish(env, argv[1], &nullish))
        return NULL;
    if (o->intercept_cb) {
        nxa_check(env, napi_delete_reference(env, o->intercept_cb), "napi_delete_reference");
        o->intercept_cb = NULL;
    }
    if (nullish) {
        if (o->intercepting) {
            nx_runtime_remove_interceptor(o->rt, o->interceptor_id);
            o->intercepting = false;
        }
    } else {
        if (!NXA_OK(env, napi_create_reference(env, argv[1], 1, &o->intercept_cb)))
            return NULL;
        if (!o->intercepting) {
            nx_code_t code = nx_runtime_add_interceptor(o->rt, before_hook, after_hook, NULL, NULL, &o->interceptor_id);
            if (code != NX_OK) {
                nxa_throw(env, nx_code_name(code), "cannot add the interceptor");
                return NULL;
            }
            o->intercepting = true;
        }
    }
    napi_value undefined;
    return NXA_OK(env, napi_get_undefined(env, &undefined)) ? undefined : NULL;
}
