/* hostfn.c - $host interfaces whose functions are JavaScript. The library
 * calls a host function on the executing thread and needs its answer
 * before the call returns; JavaScript runs only on the JS thread. So the
 * executing thread hands the call over through the interface's threadsafe
 * function and waits (at most the execution's time limit) for the JS
 * thread to run the function and answer. The JS dispatcher (index.js)
 * returns a Buffer (the MessagePack value), a string (an error message) or
 * undefined (no answer: the handler gets undefined).
 *
 * Nothing here can deadlock the JS thread: it never waits for an executor.
 * A call not answered in time answers with an error; the late answer is
 * dropped (the request is reference counted). At environment teardown the
 * threadsafe function's finalizer marks the interface dead under g_lock, and
 * calls after that answer with an error at once. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addon.h"

struct nxa_iface {
    nxa_iface_t *next;             /* the runtime's interfaces */
    napi_threadsafe_function tsfn; /* NULL once finalized */
    char *name;
};

typedef struct host_req {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int refs;                     /* the waiter and the JS thread */
    bool done;
    const char *function;         /* borrowed from the waiting call */
    const uint8_t *args;          /* copied: the waiter may leave first */
    size_t args_len;
    uint8_t *value;               /* the answer (malloc) */
    size_t value_len;
    char *error;                  /* or an error message (malloc) */
    bool answered;
    char *function_copy;
    uint8_t *args_copy;
} host_req_t;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER; /* guards every iface->tsfn */

static void req_unref(host_req_t *r)
{
    pthread_mutex_lock(&r->lock);
    bool last = --r->refs == 0;
    pthread_mutex_unlock(&r->lock);
    if (!last)
        return;
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->cond);
    free(r->value);
    free(r->error);
    free(r->function_copy);
    free(r->args_copy);
    free(r);
}

/* JS thread (or teardown with env NULL): answers r and wakes its waiter. */
static void req_finish(host_req_t *r, uint8_t *value, size_t value_len, char *error, bool answered)
{
    pthread_mutex_lock(&r->lock);
    r->value = value;
    r->value_len = value_len;
    r->error = error;
    r->answered = answered;
    r->done = true;
    pthread_cond_signal(&r->cond);
    pthread_mutex_unlock(&r->lock);
    req_unref(r);
}

static char *copy_string(napi_env env, napi_value v)
{
    size_t n = 0;
    if (napi_get_value_string_utf8(env, v, NULL, 0, &n) != napi_ok)
        return NULL;
    char *s = malloc(n + 1);
    if (s && napi_get_value_string_utf8(env, v, s, n + 1, &n) != napi_ok) {
        free(s);
        return NULL;
    }
    return s;
}

/* The threadsafe function's callback, on the JS thread. */
static void call_js(napi_env env, napi_value dispatcher, void *context, void *data)
{
    (void)context;
    host_req_t *r = data;
    if (!env || !dispatcher) {
        req_finish(r, NULL, 0, strdup("the JavaScript environment is shutting down"), true);
        return;
    }
    napi_value argv[2], recv, out;
    napi_valuetype t = napi_undefined;
    bool ok = napi_create_string_utf8(env, r->function, NAPI_AUTO_LENGTH, &argv[0]) == napi_ok &&
              napi_create_buffer_copy(env, r->args_len, r->args_len ? r->args : (const void *)"", NULL,
                                      &argv[1]) == napi_ok &&
              napi_get_undefined(env, &recv) == napi_ok &&
              napi_call_function(env, recv, dispatcher, 2, argv, &out) == napi_ok &&
              napi_typeof(env, out, &t) == napi_ok;
    if (!ok) {
        bool pending = false;
        napi_value e;
        if (napi_is_exception_pending(env, &pending) == napi_ok && pending)
            napi_get_and_clear_last_exception(env, &e);
        req_finish(r, NULL, 0, strdup("the host function failed in JavaScript"), true);
        return;
    }
    bool is_buffer = false;
    if (t == napi_object && napi_is_buffer(env, out, &is_buffer) == napi_ok && is_buffer) {
        void *bytes;
        size_t len;
        uint8_t *copy = NULL;
        if (napi_get_buffer_info(env, out, &bytes, &len) == napi_ok && (copy = malloc(len ? len : 1))) {
            memcpy(copy, bytes, len);
            req_finish(r, copy, len, NULL, true);
        } else {
            req_finish(r, NULL, 0, strdup("out of memory"), true);
        }
    } else if (t == napi_string) {
        char *message = copy_string(env, out);
        req_finish(r, NULL, 0, message ? message : strdup("host function failed"), true);
    } else {
        req_finish(r, NULL, 0, NULL, false); /* undefined: no answer */
    }
}

/* Executing thread: the library's call of a function of iface. */
static void call_host(void *user, const char *interface, const char *function, const uint8_t *args,
                      size_t args_len, nx_ext_reply_t *reply)
{
    (void)interface;
    nxa_iface_t *iface = user;
    host_req_t *r = calloc(1, sizeof *r);
    if (!r || !(r->function_copy = strdup(function)) ||
        (args_len && !(r->args_copy = malloc(args_len)))) {
        if (r) {
            free(r->function_copy);
            free(r);
        }
        nx_ext_reply_error(reply, "out of memory");
        return;
    }
    if (args_len)
        memcpy(r->args_copy, args, args_len);
    r->function = r->function_copy;
    r->args = r->args_copy;
    r->args_len = args_len;
    r->refs = 2;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);

    pthread_mutex_lock(&g_lock);
    napi_status s = iface->tsfn ? napi_call_threadsafe_function(iface->tsfn, r, napi_tsfn_nonblocking)
                                : napi_closing;
    pthread_mutex_unlock(&g_lock);
    if (s != napi_ok) {
        r->refs = 1; /* the JS thread will never see it */
        req_unref(r);
        nx_ext_reply_error(reply, "the JavaScript environment is shutting down");
        return;
    }

    nxa_work_t *w = nxa_current_work;
    uint32_t wait_ms = w ? nxa_work_wait_ms(w) : 5000;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&r->lock);
    int rc = 0;
    while (!r->done && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&r->cond, &r->lock, &until);
    if (!r->done)
        nx_ext_reply_error(reply, "the host function did not answer within the execution's time limit");
    else if (r->error)
        nx_ext_reply_error(reply, r->error);
    else if (r->answered)
        nx_ext_reply_value(reply, r->value, r->value_len);
    pthread_mutex_unlock(&r->lock);
    req_unref(r);
}

static void finalize_tsfn(napi_env env, void *data, void *hint)
{
    (void)env;
    (void)hint;
    nxa_iface_t *iface = data;
    pthread_mutex_lock(&g_lock);
    iface->tsfn = NULL;
    pthread_mutex_unlock(&g_lock);
}

/* JS thread, once no execution can call (the runtime is freed). */
void nxa_ifaces_free(nxa_iface_t *list)
{
    for (nxa_iface_t *i = list, *next; i; i = next) {
        next = i->next;
        pthread_mutex_lock(&g_lock);
        napi_threadsafe_function tsfn = i->tsfn;
        pthread_mutex_unlock(&g_lock);
        if (tsfn)
            napi_release_threadsafe_function(tsfn, napi_tsfn_abort);
        /* the finalizer may still run later and write i->tsfn: i is leaked
         * when it had a function (a few bytes per interface and runtime) */
        if (!tsfn) {
            free(i->name);
            free(i);
        }
    }
}

/* registerInterface(runtime, name, functionNames: string[], dispatcher) */
napi_value nxa_register_interface(napi_env env, napi_callback_info info)
{
    napi_value argv[4];
    if (!nxa_args(env, info, 4, argv))
        return NULL;
    nxa_runtime_t *o = nxa_unwrap_live_runtime(env, argv[0]);
    if (!o)
        return NULL;
    uint32_t n = 0;
    bool is_array = false;
    if (!NXA_OK(env, napi_is_array(env, argv[2], &is_array)))
        return NULL;
    if (!is_array || !NXA_OK(env, napi_get_array_length(env, argv[2], &n))) {
        nxa_throw(env, "INVALID_ARGUMENT", "functions must be an array of names");
        return NULL;
    }
    nxa_iface_t *iface = calloc(1, sizeof *iface);
    nx_host_function_t *fns = calloc(n ? n : 1, sizeof *fns);
    char **names = calloc(n ? n : 1, sizeof *names);
    bool ok = iface && fns && names && (iface->name = nxa_string(env, argv[1], "name", NULL));
    if (ok && !(iface && fns && names))
        nxa_throw(env, "INTERNAL_ERROR", "out of memory");
    uint32_t got = 0;
    for (; ok && got < n; got++) {
        napi_value v;
        ok = NXA_OK(env, napi_get_element(env, argv[2], got, &v)) &&
             (names[got] = nxa_string(env, v, "each function name", NULL)) != NULL;
        if (ok)
            fns[got] = (nx_host_function_t){ .name = names[got], .fn = call_host, .user_data = iface };
    }
    napi_value resource;
    ok = ok && NXA_OK(env, napi_create_string_utf8(env, "nexus.host", NAPI_AUTO_LENGTH, &resource)) &&
         NXA_OK(env, napi_create_threadsafe_function(env, argv[3], NULL, resource, 0, 1, iface, finalize_tsfn,
                                                     NULL, call_js, &iface->tsfn));
    if (ok) {
        /* an idle interface must not keep the process alive */
        nxa_check(env, napi_unref_threadsafe_function(env, iface->tsfn), "napi_unref_threadsafe_function");
        nx_code_t code = nx_runtime_register_interface(o->rt, iface->name, fns, n, NULL, NULL, NULL);
        if (code != NX_OK) {
            nxa_throw(env, nx_code_name(code), "cannot register the interface (names: namespace:package/name)");
            ok = false;
        }
    }
    for (uint32_t i = 0; names && i < got; i++)
        free(names[i]);
    free(names);
    free(fns);
    if (!ok) {
        if (iface && iface->tsfn) {
            napi_release_threadsafe_function(iface->tsfn, napi_tsfn_abort);
        } else if (iface) {
            free(iface->name);
            free(iface);
        }
        return NULL;
    }
    iface->next = o->ifaces;
    o->ifaces = iface;
    napi_value undefined;
    return NXA_OK(env, napi_get_undefined(env, &undefined)) ? undefined : NULL;
}
