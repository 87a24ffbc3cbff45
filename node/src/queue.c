/* queue.c - where the addon's calls run: a FIFO of requests (work.c) per
 * Node environment, drained by executors - threads of the addon's own,
 * started on demand up to max_executors and then kept, asleep on a
 * condition variable when there is nothing to do - and the delivery of
 * finished requests back to the JS thread through one threadsafe function.
 *
 * Why not napi async works on the libuv threadpool (as before): each one
 * made a JS resource object and an async context on the JS thread, and an
 * executor returned its thread to the pool when the queue emptied, so a
 * caller awaiting executions one after another paid that every time; and
 * the pool is shared with fs, dns and zlib. Why not one thread per call:
 * waking a sleeping thread costs far more than a typical handler runs. An
 * executor that has just finished a request takes the next one at once;
 * when the queue is empty one executor (never more) spins for a short
 * while (spin_us, 0 to disable; index.js turns it off on a single CPU)
 * before it sleeps, so a caller awaiting executions one after another
 * finds it awake.
 * The same holds on the way back: a JS thread asleep in epoll takes tens of
 * microseconds to wake, so for spin_us after submitting a request while no
 * other is in flight, an idle handle keeps the event loop polling instead
 * of sleeping (the loop keeps running callbacks; it only does not block),
 * and a result that arrives within that window is picked up at once:
 * while the loop polls, an executor puts finished requests on a list the
 * idle callback drains (settling their promises inside a callback scope),
 * instead of waking the loop through the threadsafe function's async
 * handle, which costs a write, an epoll round and a dispatch.
 *
 * Spinning only pays while CPUs are idle: with more runnable threads than
 * CPUs it makes everything slower. So whether to spin is decided by what it
 * buys: the JS thread times every request (submission to completion) and,
 * in periods of PERIOD requests, alternates between spinning and sleeping
 * as an epsilon-greedy choice - the mode with the lower recent median
 * latency, the other one every EXPLORE_EVERY-th period to keep its figure
 * current.
 *
 * Admission (slots.c) happens here too: an executor starts a fresh
 * execution only while its runtime has a slot free, else parks it on the
 * runtime until one frees.
 *
 * Lifetime: the queue is shared by the JS thread and the executors and is
 * reference counted (the environment holds one reference, each executor
 * one). At environment teardown the cleanup hook sets `closing`: executors
 * then stop taking requests and deliver nothing (the threadsafe function
 * is going away); what is left is leaked rather than touched. The hook is
 * registered after the threadsafe function is created, so it runs before
 * Node finalizes that function (cleanup hooks run in reverse order). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include <uv.h>

#include "addon.h"

#define PERIOD 16          /* requests timed per period */
#define EXPLORE_EVERY 16   /* periods: one in this many tries the other mode */

struct nxa_queue {
    pthread_mutex_t lock;
    nxa_work_t *head, *tail;       /* queued requests */
    atomic_size_t queued;          /* their number; spinners read it unlocked */
    unsigned executors;            /* started and not yet finished */
    unsigned spinning;             /* executors spinning for a request (0 or 1) */
    unsigned sleeping;             /* executors waiting on `wake` */
    unsigned waking;               /* of those, signalled and not yet running:
                                      a burst of submissions signals each
                                      sleeper once, not once per request */
    pthread_cond_t wake;           /* a request was queued, or closing */
    unsigned max_executors;
    unsigned spin_us;
    atomic_bool spin_mode;         /* this period spins (executors read it) */
    bool closing;                  /* environment teardown */
    unsigned refs;                 /* the environment + each executor */
    napi_threadsafe_function tsfn; /* delivers finished requests */
    uint32_t js_in_flight;         /* JS thread only: submitted, not completed */
    uv_idle_t *idle;               /* JS thread only: keeps the loop polling */
    bool idle_active;
    bool polled;                   /* the loop polls: the idle callback drains `done` */
    bool drain_pending;            /* a threadsafe call to drain `done` is on its way */
    nxa_work_t *done_head, *done_tail; /* finished, for the JS thread */
    napi_env env;                  /* for the idle callback */
    napi_ref scope_resource;       /* the idle delivery's callback scope */
    napi_async_context scope_context;
    uint8_t *shared;               /* results for callbacks (work.c) */
    size_t shared_size;
    napi_ref shared_ref;           /* its ArrayBuffer */
    uint64_t idle_deadline_us;     /* polling stops then, or with no request */
    /* JS thread only: choosing the mode */
    uint32_t period_us[PERIOD];    /* latencies of this period's requests */
    unsigned period_n;
    unsigned periods;
    double typical_us[2];          /* per mode (0 sleep, 1 spin); < 0: unknown */
};

static void queue_unref_locked_and_unlock(nxa_queue_t *q)
{
    bool last = --q->refs == 0;
    pthread_mutex_unlock(&q->lock);
    if (last) {
        pthread_mutex_destroy(&q->lock);
        pthread_cond_destroy(&q->wake);
        free(q);
    }
}

/* ---- the executors --------------------------------------------------------------- */

/* The next request an executor may run: a fresh execution without a slot
 * free is parked on its runtime instead (slots.c). */
static nxa_work_t *pop_locked(nxa_queue_t *q)
{
    for (;;) {
        nxa_work_t *w = q->head;
        if (!w)
            return NULL;
        q->head = *nxa_work_link(w);
        if (!q->head)
            q->tail = NULL;
        *nxa_work_link(w) = NULL;
        atomic_fetch_sub(&q->queued, 1);
        if (nxa_slots_admit_locked(w))
            return w;
    }
}

static void push_locked(nxa_queue_t *q, nxa_work_t *w)
{
    if (q->tail)
        *nxa_work_link(q->tail) = w;
    else
        q->head = w;
    q->tail = w;
    atomic_fetch_add(&q->queued, 1);
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Waits up to spin_us for a request to be queued, without sleeping. */
static void spin_for_request(nxa_queue_t *q, unsigned spin_us)
{
    uint64_t start = now_us();
    for (unsigned i = 1; atomic_load_explicit(&q->queued, memory_order_acquire) == 0; i++) {
        cpu_relax();
        if (i % 64 == 0) {
            if (now_us() - start >= spin_us)
                return;
            if (i % 1024 == 0)
                sched_yield(); /* let the JS thread have this CPU if it needs it */
        }
    }
}

/* A finished request goes on the done list; the JS thread drains the whole
 * list at once, from the idle callback while it polls, else from one call
 * of the threadsafe function per batch (not one per request: each costs a
 * lock and a write to the loop's eventfd). */
static void deliver_locked(nxa_queue_t *q, nxa_work_t *w)
{
    if (q->closing)
        return; /* the environment is going away: leak w, touch nothing */
    if (q->done_tail)
        *nxa_work_link(q->done_tail) = w;
    else
        q->done_head = w;
    q->done_tail = w;
    if (q->polled || q->drain_pending)
        return;
    /* on failure (the function is closing) the list is leaked the same way */
    if (napi_call_threadsafe_function(q->tsfn, NULL, napi_tsfn_nonblocking) == napi_ok)
        q->drain_pending = true;
}

static void *executor_main(void *arg)
{
    nxa_queue_t *q = arg;
    bool spun = true; /* spin only after a request */
    pthread_mutex_lock(&q->lock);
    for (;;) {
        nxa_work_t *w = q->closing ? NULL : pop_locked(q);
        if (w) {
            spun = false;
            pthread_mutex_unlock(&q->lock);
            nxa_work_run(w);
            pthread_mutex_lock(&q->lock);
            nxa_work_t *unparked = nxa_slots_settle_locked(w);
            if (unparked)
                push_locked(q, unparked); /* this executor takes it next, or another */
            deliver_locked(q, w);
            continue;
        }
        if (q->closing)
            break;
        if (!spun && q->spin_us > 0 && q->spinning == 0 && atomic_load(&q->spin_mode)) {
            q->spinning++;
            unsigned spin_us = q->spin_us;
            pthread_mutex_unlock(&q->lock);
            spin_for_request(q, spin_us);
            pthread_mutex_lock(&q->lock);
            q->spinning--;
            spun = true; /* a request taken now resets it; none: sleep */
            continue;
        }
        q->sleeping++;
        pthread_cond_wait(&q->wake, &q->lock);
        q->sleeping--;
        if (q->waking > 0)
            q->waking--;
    }
    q->executors--;
    queue_unref_locked_and_unlock(q);
    return NULL;
}

/* JS thread, q->lock not held: starts one executor thread. On failure undoes
 * the accounting done by the caller and throws. */
static bool start_executor(napi_env env, nxa_queue_t *q)
{
    pthread_t thread;
    pthread_attr_t attr;
    bool ok = pthread_attr_init(&attr) == 0;
    if (ok) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        ok = pthread_create(&thread, &attr, executor_main, q) == 0;
        pthread_attr_destroy(&attr);
    }
    if (ok)
        return true;
    nxa_throw(env, "INTERNAL_ERROR", "cannot start an executor thread");
    pthread_mutex_lock(&q->lock);
    q->executors--;
    q->refs--; /* the environment's reference remains: never the last */
    pthread_mutex_unlock(&q->lock);
    return false;
}

/* ---- the JS thread ------------------------------------------------------------------- */

/* Settles the finished requests on the done list, inside a callback scope
 * (so that the promise reactions run when it closes, as after any
 * callback from Node). */
static void deliver_done(nxa_queue_t *q, nxa_work_t *list)
{
    napi_env env = q->env;
    napi_handle_scope hs;
    napi_callback_scope cs;
    napi_value resource;
    if (napi_open_handle_scope(env, &hs) != napi_ok)
        return; /* cannot happen while the environment lives; w leaks */
    bool scoped = napi_get_reference_value(env, q->scope_resource, &resource) == napi_ok &&
                  napi_open_callback_scope(env, resource, q->scope_context, &cs) == napi_ok;
    for (nxa_work_t *w = list, *next; w; w = next) {
        next = *nxa_work_link(w);
        *nxa_work_link(w) = NULL;
        nxa_work_complete(env, w, false);
    }
    if (scoped)
        napi_close_callback_scope(env, cs);
    napi_close_handle_scope(env, hs);
}

/* Each turn of the event loop while polling: delivers what finished, and
 * stops polling when the window closed or more than one request is out. */
static void on_idle(uv_idle_t *handle)
{
    nxa_queue_t *q = handle->data;
    bool stop = q->js_in_flight != 1 || now_us() >= q->idle_deadline_us || !atomic_load(&q->spin_mode);
    pthread_mutex_lock(&q->lock);
    nxa_work_t *list = q->done_head;
    q->done_head = q->done_tail = NULL;
    if (stop)
        q->polled = false; /* from now on executors wake the loop */
    pthread_mutex_unlock(&q->lock);
    if (stop) {
        uv_idle_stop(handle);
        q->idle_active = false;
    }
    if (list)
        deliver_done(q, list);
}

/* After a submission: poll, do not sleep, for the next spin_us - when it
 * is the only request in flight (someone awaits it; with more, results
 * keep coming and a polling JS thread only takes CPU from the executors). */
static void keep_loop_polling(nxa_queue_t *q, unsigned spin_us)
{
    if (!q->idle || spin_us == 0 || q->js_in_flight != 1 || !atomic_load(&q->spin_mode))
        return;
    q->idle_deadline_us = now_us() + spin_us;
    if (!q->idle_active && q->scope_resource && uv_idle_start(q->idle, on_idle) == 0) {
        q->idle_active = true;
        pthread_mutex_lock(&q->lock);
        q->polled = true;
        pthread_mutex_unlock(&q->lock);
    }
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* A request took latency_us: at the end of a period, rate its mode and
 * choose the next period's. */
static void time_request(nxa_queue_t *q, uint64_t latency_us)
{
    q->period_us[q->period_n++] = latency_us > UINT32_MAX ? UINT32_MAX : (uint32_t)latency_us;
    if (q->period_n < PERIOD)
        return;
    q->period_n = 0;
    qsort(q->period_us, PERIOD, sizeof q->period_us[0], compare_u32);
    double median = q->period_us[PERIOD / 2];
    int mode = atomic_load(&q->spin_mode) ? 1 : 0;
    q->typical_us[mode] = q->typical_us[mode] < 0 ? median : 0.7 * q->typical_us[mode] + 0.3 * median;
    q->periods++;
    int next;
    if (q->typical_us[!mode] < 0 || q->periods % EXPLORE_EVERY == 0)
        next = !mode; /* explore */
    else
        next = q->typical_us[1] <= q->typical_us[0];
    atomic_store(&q->spin_mode, next == 1);
}

uint64_t nxa_queue_now_us(void) { return now_us(); }

#define SHARED_SIZE (64 * 1024) /* most results are far smaller */

size_t nxa_queue_shared(napi_env env, uint8_t **data)
{
    void *p = NULL;
    if (napi_get_instance_data(env, &p) != napi_ok || !p)
        return 0;
    nxa_queue_t *q = p;
    *data = q->shared;
    return q->shared ? q->shared_size : 0;
}

/* sharedBuffer() -> the ArrayBuffer results are copied into for callbacks */
napi_value nxa_shared_buffer(napi_env env, napi_callback_info info)
{
    (void)info;
    nxa_queue_t *q = nxa_queue_get(env);
    napi_value ab;
    if (!q)
        return NULL;
    if (!q->shared_ref) {
        void *data;
        if (!NXA_OK(env, napi_create_arraybuffer(env, SHARED_SIZE, &data, &ab)) ||
            !NXA_OK(env, napi_create_reference(env, ab, 1, &q->shared_ref)))
            return NULL;
        q->shared = data;
        q->shared_size = SHARED_SIZE;
        return ab;
    }
    return NXA_OK(env, napi_get_reference_value(env, q->shared_ref, &ab)) ? ab : NULL;
}

nxa_queue_t *nxa_queue_get(napi_env env)
{
    void *data = NULL;
    if (!NXA_OK(env, napi_get_instance_data(env, &data)))
        return NULL;
    if (!data)
        nxa_throw(env, "INTERNAL_ERROR", "the Nexus addon is not initialised in this environment");
    return data;
}

bool nxa_queue_submit(napi_env env, nxa_work_t *w)
{
    nxa_queue_t *q = nxa_queue_get(env);
    if (!q)
        return false;
    pthread_mutex_lock(&q->lock);
    push_locked(q, w);
    size_t queued = atomic_load(&q->queued);
    bool start = false;
    if (queued > q->spinning + q->waking) {
        if (q->sleeping > q->waking) {
            q->waking++;
            pthread_cond_signal(&q->wake);
        } else if ((start = q->executors < q->max_executors)) {
            q->executors++;
            q->refs++;
        }
    }
    unsigned executors = q->executors;
    unsigned spin_us = q->spin_us;
    pthread_mutex_unlock(&q->lock);
    if (start && !start_executor(env, q)) {
        if (executors == 1) {
            /* no executor would ever take w (executors start only on this
             * thread, and a live one takes the lock, so sees w, before it
             * ends): take it back and report the failure */
            nxa_work_t *taken;
            nxa_queue_withdraw(env, NULL, w, &taken);
            return false;
        }
        /* a live executor will take w: the call goes on */
        napi_value ignored;
        nxa_check(env, napi_get_and_clear_last_exception(env, &ignored),
                  "napi_get_and_clear_last_exception");
    }
    if (q->js_in_flight++ == 0)
        nxa_check(env, napi_ref_threadsafe_function(env, q->tsfn), "napi_ref_threadsafe_function");
    keep_loop_polling(q, spin_us);
    return true;
}

size_t nxa_queue_withdraw(napi_env env, nxa_runtime_t *owner, const nxa_work_t *only,
                          nxa_work_t **out)
{
    nxa_queue_t *q = nxa_queue_get(env);
    *out = NULL;
    if (!q)
        return 0;
    nxa_work_t **tail_out = out;
    size_t n = 0;
    pthread_mutex_lock(&q->lock);
    nxa_work_t *keep_head = NULL, *keep_tail = NULL;
    for (nxa_work_t *w = q->head, *next; w; w = next) {
        next = *nxa_work_link(w);
        *nxa_work_link(w) = NULL;
        bool take = only ? w == only : (nxa_work_owner(w) == owner && nxa_work_cancellable(w));
        if (take) {
            *tail_out = w;
            tail_out = nxa_work_link(w);
            n++;
        } else {
            if (keep_tail)
                *nxa_work_link(keep_tail) = w;
            else
                keep_head = w;
            keep_tail = w;
        }
    }
    q->head = keep_head;
    q->tail = keep_tail;
    atomic_fetch_sub(&q->queued, n);
    if (!only && owner) { /* and those waiting for a slot */
        for (nxa_work_t *w = nxa_slots_take_parked_locked(owner), *next; w; w = next) {
            next = *nxa_work_link(w);
            *nxa_work_link(w) = NULL;
            *tail_out = w;
            tail_out = nxa_work_link(w);
            n++;
        }
    }
    pthread_mutex_unlock(&q->lock);
    return n;
}

/* Called for each request that was submitted, once completed. */
void nxa_queue_completed(napi_env env, uint64_t submitted_us)
{
    void *data = NULL;
    if (napi_get_instance_data(env, &data) != napi_ok || !data)
        return;
    nxa_queue_t *q = data;
    if (submitted_us && q->spin_us)
        time_request(q, now_us() - submitted_us);
    if (q->js_in_flight > 0 && --q->js_in_flight == 0)
        nxa_check(env, napi_unref_threadsafe_function(env, q->tsfn), "napi_unref_threadsafe_function");
}

/* The threadsafe function's callback: a finished request, on the JS thread.
 * env is NULL when Node drains the function at teardown: leak then. */
static void deliver_js(napi_env env, napi_value js_callback, void *context, void *data)
{
    (void)js_callback;
    (void)data;
    nxa_queue_t *q = context;
    if (!env)
        return;
    pthread_mutex_lock(&q->lock);
    nxa_work_t *list = q->done_head;
    q->done_head = q->done_tail = NULL;
    q->drain_pending = false;
    pthread_mutex_unlock(&q->lock);
    for (nxa_work_t *w = list, *next; w; w = next) {
        next = *nxa_work_link(w);
        *nxa_work_link(w) = NULL;
        nxa_work_complete(env, w, false);
    }
}

static void free_idle(uv_handle_t *handle) { free(handle); }

static void cleanup_hook(void *arg)
{
    nxa_queue_t *q = arg;
    if (q->idle) {
        uv_idle_stop(q->idle);
        uv_close((uv_handle_t *)q->idle, free_idle);
        q->idle = NULL;
    }
    if (q->scope_context)
        napi_async_destroy(q->env, q->scope_context);
    if (q->scope_resource)
        napi_delete_reference(q->env, q->scope_resource);
    if (q->shared_ref)
        napi_delete_reference(q->env, q->shared_ref);
    q->shared = NULL;
    pthread_mutex_lock(&q->lock);
    q->closing = true;
    pthread_cond_broadcast(&q->wake); /* sleeping executors end */
    queue_unref_locked_and_unlock(q);
}

bool nxa_queue_init(napi_env env, unsigned max_executors, unsigned spin_us)
{
    nxa_queue_t *q = calloc(1, sizeof *q);
    if (!q) {
        nxa_throw(env, "INTERNAL_ERROR", "out of memory");
        return false;
    }
    if (pthread_mutex_init(&q->lock, NULL) != 0) {
        free(q);
        nxa_throw(env, "INTERNAL_ERROR", "cannot create a mutex");
        return false;
    }
    if (pthread_cond_init(&q->wake, NULL) != 0) {
        pthread_mutex_destroy(&q->lock);
        free(q);
        nxa_throw(env, "INTERNAL_ERROR", "cannot create a condition variable");
        return false;
    }
    atomic_init(&q->queued, 0);
    atomic_init(&q->spin_mode, true);
    q->typical_us[0] = q->typical_us[1] = -1;
    q->max_executors = max_executors;
    q->spin_us = spin_us;
    q->refs = 1;
    napi_value name;
    if (!NXA_OK(env, napi_create_string_utf8(env, "nexus.deliver", NAPI_AUTO_LENGTH, &name)) ||
        !NXA_OK(env, napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL, q,
                                                     deliver_js, &q->tsfn))) {
        pthread_mutex_destroy(&q->lock);
        pthread_cond_destroy(&q->wake);
        free(q);
        return false;
    }
    /* the idle handle is an optimisation: without one the loop just sleeps */
    q->env = env;
    napi_value resource, resource_name;
    if (napi_create_object(env, &resource) == napi_ok &&
        napi_create_string_utf8(env, "nexus.deliver", NAPI_AUTO_LENGTH, &resource_name) == napi_ok &&
        napi_async_init(env, resource, resource_name, &q->scope_context) == napi_ok &&
        napi_create_reference(env, resource, 1, &q->scope_resource) != napi_ok)
        q->scope_resource = NULL;
    uv_loop_t *loop = NULL;
    if (napi_get_uv_event_loop(env, &loop) == napi_ok && loop && (q->idle = malloc(sizeof *q->idle))) {
        if (uv_idle_init(loop, q->idle) == 0) {
            q->idle->data = q;
            uv_unref((uv_handle_t *)q->idle);
        } else {
            free(q->idle);
            q->idle = NULL;
        }
    }
    /* idle, it must not keep the process alive; submit/complete ref it */
    if (!NXA_OK(env, napi_unref_threadsafe_function(env, q->tsfn)) ||
        !NXA_OK(env, napi_set_instance_data(env, q, NULL, NULL)) ||
        !NXA_OK(env, napi_add_env_cleanup_hook(env, cleanup_hook, q))) {
        /* the function is released by Node at teardown; q leaks then */
        return false;
    }
    return true;
}

/* releaseSlot(runtime) -> undefined: an execution holding one of the
 * runtime's slots ended or was handed to the caller (slots.c). */
napi_value nxa_release_slot(napi_env env, napi_callback_info info)
{
    napi_value argv[1], undefined;
    if (!nxa_args(env, info, 1, argv))
        return NULL;
    nxa_runtime_t *o = nxa_unwrap_runtime(env, argv[0]);
    nxa_queue_t *q = o ? nxa_queue_get(env) : NULL;
    if (!q)
        return NULL;
    pthread_mutex_lock(&q->lock);
    nxa_work_t *unparked = nxa_slots_release_locked(o);
    if (unparked) {
        push_locked(q, unparked);
        /* an executor started it before it was parked, so one exists */
        if (q->sleeping > q->waking && atomic_load(&q->queued) > q->spinning + q->waking) {
            q->waking++;
            pthread_cond_signal(&q->wake);
        }
    }
    pthread_mutex_unlock(&q->lock);
    return NXA_OK(env, napi_get_undefined(env, &undefined)) ? undefined : NULL;
}

/* configureExecutors(maxExecutors, spinMicros) -> undefined */
napi_value nxa_configure_executors(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    if (!nxa_args(env, info, 2, argv))
        return NULL;
    uint32_t max_executors, spin_us;
    if (!nxa_u32(env, argv[0], "maxExecutors", &max_executors) ||
        !nxa_u32(env, argv[1], "spinMicros", &spin_us))
        return NULL;
    if (max_executors < 1 || max_executors > 1024 || spin_us > 100000) {
        nxa_throw(env, "INVALID_ARGUMENT", "maxExecutors must be 1..1024 and spinMicros 0..100000");
        return NULL;
    }
    nxa_queue_t *q = nxa_queue_get(env);
    if (!q)
        return NULL;
    pthread_mutex_lock(&q->lock);
    q->max_executors = max_executors;
    q->spin_us = spin_us;
    pthread_mutex_unlock(&q->lock);
    napi_value undefined;
    return NXA_OK(env, napi_get_undefined(env, &undefined)) ? undefined : NULL;
}
