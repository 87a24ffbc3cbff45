/* addon.h - shared declarations of the Nexus Node.js addon: the native
 * wrappers behind the JS runtime and compiled-handler objects, the napi
 * helpers (napi_util.c), the requests (work.c) and the executors that run
 * them (queue.c), an execution's whole result (whole.c) and suspended
 * executions leaving the process (durable.c).
 *
 * Threading: every field of nxa_runtime_t and nxa_handler_t is read and
 * written on the JS thread only, but the admission fields (slots.c), which
 * the queue's lock guards. Worker threads see just the nx_* pointers
 * a work copied when it was queued, which stay valid while the work is in
 * flight (see the lifetime rules in addon.c). */
#ifndef NEXUS_NODE_ADDON_H
#define NEXUS_NODE_ADDON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <node_api.h>

#include "nexus.h"

typedef struct nxa_work nxa_work_t;
typedef struct nxa_seen nxa_seen_t;    /* host calls interceptors saw (intercept.c) */
typedef struct nxa_iface nxa_iface_t;  /* a $host interface served by JS (hostfn.c) */
typedef struct nxa_whole nxa_whole_t;  /* an execution's whole result so far (whole.c) */

/* Behind a runtime object. Freed by the finalizer of that object (or by
 * the completion of its last work when the finalizer ran at environment
 * teardown while requests were still in flight). */
typedef struct nxa_runtime {
    nx_runtime_t *rt;          /* NULL once nx_runtime_free ran */
    uint64_t serial;           /* tells runtimes apart, for handlers */
    uint32_t in_flight;        /* requests queued or running */
    bool closing;              /* shutdown() was called: no new work */
    bool shut_down;            /* nx_runtime_shutdown returned */
    bool collected;            /* the JS object's finalizer ran */
    nx_stats_t final_stats;    /* captured just before nx_runtime_free */
    char *final_prometheus;    /* likewise (malloc), NULL if unavailable */
    uint32_t default_timeout_ms; /* the config's, for host-function waits */
    uint32_t default_deadline_ms; /* the config's overall deadline */
    napi_env env;              /* the environment that made it */
    napi_ref intercept_cb;     /* JS callback for intercepted calls, or NULL */
    bool intercepting;         /* a C interceptor is installed */
    int interceptor_id;
    nxa_iface_t *ifaces;       /* JS-served $host interfaces */
    bool has_store;            /* suspended executions go to a store (durable.c) */
    /* admission (slots.c), under the queue's lock */
    uint32_t slots_limit;      /* executions in progress at once (maxInstances) */
    uint32_t slots_used;
    nxa_work_t *parked_head;   /* fresh executions waiting for a slot, in order */
    nxa_work_t *parked_tail;
} nxa_runtime_t;

/* A request's part in admission (slots.c). */
typedef struct nxa_slot {
    bool needs;    /* a fresh execution: starts only with a slot of its runtime */
    bool held;     /* it holds one (taken when an executor started it) */
    bool release;  /* it acts for an execution holding a slot (a resume, a
                      cancel): give that back when it completes, unless the
                      execution is suspended then */
    bool kept;     /* it completed suspended holding a slot: the execution
                      keeps it, and the JS side gives it back */
} nxa_slot_t;

/* Behind a compiled-handler object. */
typedef struct nxa_handler {
    nx_handler_t *handler;
    uint64_t runtime_serial;   /* the runtime that compiled it */
    uint32_t in_flight;        /* requests using it */
    bool collected;
} nxa_handler_t;

/* ---- napi_util.c ------------------------------------------------------------ */

/* Returns true if status is napi_ok; otherwise throws (unless an exception
 * is already pending) an Error with code "INTERNAL_ERROR" naming what. */
bool nxa_check(napi_env env, napi_status status, const char *what);
#define NXA_OK(env, call) nxa_check((env), (call), #call)

/* A new Error with .code = code; NULL if it could not be made. */
napi_value nxa_make_error(napi_env env, const char *code, const char *message);
/* Throws such an Error (unless an exception is already pending). */
void nxa_throw(napi_env env, const char *code, const char *message);

/* Reads n arguments into argv (missing ones are undefined). */
bool nxa_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv);
/* True if v is undefined or null. */
bool nxa_is_nullish(napi_env env, napi_value v, bool *nullish);
/* A malloc'd NUL-terminated UTF-8 copy of the string v (len without the
 * NUL). Throws INVALID_ARGUMENT naming what if v is not a string. */
char *nxa_string(napi_env env, napi_value v, const char *what, size_t *len);
/* The same, but undefined/null give *out = NULL and true. */
bool nxa_optional_string(napi_env env, napi_value v, const char *what, char **out);
/* Borrows the bytes of a Buffer or Uint8Array v; undefined/null give
 * *data = NULL, *len = 0 and *present = false. The bytes live as long as
 * v is reachable from JS (use them before returning). */
bool nxa_optional_bytes(napi_env env, napi_value v, const char *what, const void **data,
                        size_t *len, bool *present);
/* A uint32 from a number that is a non-negative integer below 2^32. */
bool nxa_u32(napi_env env, napi_value v, const char *what, uint32_t *out);
/* Reads obj[name] into *field for each of n fields, each a uint32;
 * absent or null ones are left as they are. */
typedef struct nxa_u32_field {
    const char *name;
    uint32_t *field;
} nxa_u32_field_t;
bool nxa_u32_fields(napi_env env, napi_value obj, const nxa_u32_field_t *fields, size_t n);
/* Fills the fields of l named in obj ({ timeoutMs, memoryLimitMb, ...,
 * deadlineMs, maxInstructions }); absent or null ones are left as they are. */
bool nxa_limits(napi_env env, napi_value obj, nx_limits_t *l);
/* A bool from a boolean. */
bool nxa_bool(napi_env env, napi_value v, const char *what, bool *out);
/* Sets obj[name] = value helpers; false (with an exception) on failure. */
bool nxa_set_double(napi_env env, napi_value obj, const char *name, double value);
bool nxa_set_bool(napi_env env, napi_value obj, const char *name, bool value);
bool nxa_set_string(napi_env env, napi_value obj, const char *name, const char *value);

/* ---- addon.c ------------------------------------------------------------------- */

/* The wrapper behind a runtime / handler object, type-tag checked; throws
 * INVALID_ARGUMENT and returns NULL when v is something else. */
nxa_runtime_t *nxa_unwrap_runtime(napi_env env, napi_value v);
nxa_handler_t *nxa_unwrap_handler(napi_env env, napi_value v);
/* nxa_unwrap_runtime, and throws SHUT_DOWN (NULL) if the runtime is shut
 * down or closing: every call that uses it checks this. */
nxa_runtime_t *nxa_unwrap_live_runtime(napi_env env, napi_value v);
/* A new JS object owning handler (compiled by the runtime with serial).
 * On failure frees handler, throws and returns NULL. */
napi_value nxa_wrap_handler(napi_env env, nx_handler_t *handler, uint64_t serial);
/* Called after every work completion: frees the runtime once it is shut
 * down (or collected) and no work is in flight. */
void nxa_runtime_release_if_idle(nxa_runtime_t *owner);
void nxa_handler_release_if_idle(nxa_handler_t *h);

/* ---- work.c ---------------------------------------------------------------------- */

/* The request the calling executor thread is running, NULL elsewhere. */
extern _Thread_local nxa_work_t *nxa_current_work;
nxa_seen_t **nxa_work_seen(nxa_work_t *w);
/* How long a host function of this request may take: its time limit. */
uint32_t nxa_work_wait_ms(const nxa_work_t *w);
napi_value nxa_replay(napi_env env, napi_callback_info info);

/* ---- whole.c ------------------------------------------------------------------------ */

/* A whole made of r (a suspended result, owned by the whole from then on);
 * one reference. NULL if out of memory (r is then still the caller's). */
nxa_whole_t *nxa_whole_new(nx_result_t *r);
nxa_whole_t *nxa_whole_ref(nxa_whole_t *w);
void nxa_whole_unref(nxa_whole_t *w);
/* Worker: folds r into w; *buf gets the whole if r ended the execution,
 * else r (owner: caller, nx_free). */
nx_code_t nxa_whole_fold(nxa_whole_t *w, const nx_result_t *r, uint8_t **buf, size_t *len);
/* A JS external owning one reference to w (taken over, even on failure). */
napi_value nxa_wrap_whole(napi_env env, nxa_whole_t *w);
/* The whole behind v (borrowed), NULL for undefined/null; *ok false with
 * an exception pending when v is something else. */
nxa_whole_t *nxa_unwrap_whole(napi_env env, napi_value v, bool *ok);
napi_value nxa_whole_result(napi_env env, napi_callback_info info);
napi_value nxa_whole_fail(napi_env env, napi_callback_info info);

/* ---- durable.c ---------------------------------------------------------------------- */

/* createRuntime: the suspension key and store of config, set on rt.
 * *has_store says whether a store was set. false with an exception
 * pending (rt unchanged beyond what was set). */
bool nxa_durable_configure(napi_env env, napi_value config, nx_runtime_t *rt, bool *has_store);
/* Worker: resumes suspension_id of an execution waiting in rt's store:
 * taken from there with nx_import_stored (the whole execution so far,
 * *whole_out, and its recording, *recording, replacing what the caller
 * had), then nx_resume. Returns nx_import_stored's code when it fails
 * (with *out its error result, or the TIMEOUT result of an execution whose
 * deadline passed), else nx_resume's; *out as nx_resume's. */
nx_code_t nxa_durable_resume(nx_runtime_t *rt, const char *suspension_id, const nx_outcome_t *outcome,
                             nxa_whole_t **whole_out, nx_recording_t **recording, nx_result_t **out);
/* Worker: nx_export of suspension_id, taking the execution from the store
 * first when from_store. *message (malloc) says why on failure. */
nx_code_t nxa_durable_export(nx_runtime_t *rt, const char *suspension_id, bool from_store,
                             uint8_t **bytes, size_t *len, char **message);

/* ---- intercept.c, hostfn.c, record.c, bench.c ------------------------------------- */

void nxa_seen_free(nxa_seen_t *seen);
/* JS thread: hands seen to owner's interceptor callback, if any. */
void nxa_deliver_seen(napi_env env, nxa_runtime_t *owner, nxa_seen_t *seen);
napi_value nxa_set_interceptor(napi_env env, napi_callback_info info);
napi_value nxa_register_interface(napi_env env, napi_callback_info info);
void nxa_ifaces_free(nxa_iface_t *list);
/* A JS object owning rec (freed with it). On failure frees rec and throws. */
napi_value nxa_wrap_recording(napi_env env, nx_recording_t *rec);
napi_value nxa_save_recording(napi_env env, napi_callback_info info);
/* A recording loaded from a Buffer v; NULL with an exception pending. */
nx_recording_t *nxa_recording_load(napi_env env, napi_value v);
napi_value nxa_bench_latency(napi_env env, napi_callback_info info);
napi_value nxa_bench_throughput(napi_env env, napi_callback_info info);

/* Worker thread: runs the request's nx_* call and serialises its result. */
void nxa_work_run(nxa_work_t *w);
/* JS thread: settles the request's promise and frees it. cancelled: it
 * never ran (withdrawn at shutdown). */
void nxa_work_complete(napi_env env, nxa_work_t *w, bool cancelled);
/* For the queue: the link field, the owner, and whether shutdown may
 * withdraw the request. */
nxa_work_t **nxa_work_link(nxa_work_t *w);
const nxa_runtime_t *nxa_work_owner(const nxa_work_t *w);
nxa_runtime_t *nxa_work_runtime(nxa_work_t *w);
bool nxa_work_cancellable(const nxa_work_t *w);
nxa_slot_t *nxa_work_slot(nxa_work_t *w);
/* It ran and its result is suspended. */
bool nxa_work_suspended(const nxa_work_t *w);

/* ---- slots.c (under the queue's lock) ------------------------------------------------ */

/* True when w may run now (taking a slot if it needs one); false when it
 * was parked on its runtime. */
bool nxa_slots_admit_locked(nxa_work_t *w);
/* After w ran: keeps its slot with a suspended execution or gives it back.
 * Returns a parked request to queue again, or NULL. */
nxa_work_t *nxa_slots_settle_locked(nxa_work_t *w);
/* Gives one of o's slots back; returns a parked request to queue again. */
nxa_work_t *nxa_slots_release_locked(nxa_runtime_t *o);
/* Every request parked on o (a list linked through nxa_work_link). */
nxa_work_t *nxa_slots_take_parked_locked(nxa_runtime_t *o);

napi_value nxa_execute(napi_env env, napi_callback_info info);
napi_value nxa_execute_compiled(napi_env env, napi_callback_info info);
napi_value nxa_precompile(napi_env env, napi_callback_info info);
napi_value nxa_resume(napi_env env, napi_callback_info info);
napi_value nxa_cancel(napi_env env, napi_callback_info info);
napi_value nxa_shutdown(napi_env env, napi_callback_info info);
napi_value nxa_export_suspended(napi_env env, napi_callback_info info);
napi_value nxa_import_suspended(napi_env env, napi_callback_info info);

/* ---- queue.c ------------------------------------------------------------------------ */

typedef struct nxa_queue nxa_queue_t;

/* Module init: the environment's queue, delivery function, cleanup hook. */
bool nxa_queue_init(napi_env env, unsigned max_executors, unsigned spin_us);
nxa_queue_t *nxa_queue_get(napi_env env);
/* Queues w for an executor (starting one if needed). false (with an
 * exception pending) if w could not be queued; w is then not queued. */
bool nxa_queue_submit(napi_env env, nxa_work_t *w);
/* Takes back queued requests not yet started: only w if only is not NULL,
 * else every withdrawable one of owner (those parked for a slot too).
 * *out: a list linked through nxa_work_link. Returns how many. */
size_t nxa_queue_withdraw(napi_env env, nxa_runtime_t *owner, const nxa_work_t *only,
                          nxa_work_t **out);
/* JS thread: a submitted request was completed; submitted_us is
 * nxa_queue_now_us() when it was submitted (0: it never ran, do not time). */
void nxa_queue_completed(napi_env env, uint64_t submitted_us);
uint64_t nxa_queue_now_us(void);
/* The environment's shared result buffer: *data and its size (0 if none). */
size_t nxa_queue_shared(napi_env env, uint8_t **data);
napi_value nxa_shared_buffer(napi_env env, napi_callback_info info);
napi_value nxa_configure_executors(napi_env env, napi_callback_info info);
napi_value nxa_release_slot(napi_env env, napi_callback_info info);

#endif /* NEXUS_NODE_ADDON_H */
