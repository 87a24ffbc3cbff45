/* nexus.h - the public C API of Nexus.
 *
 * Nexus runs untrusted JavaScript handlers inside a WebAssembly sandbox
 * (QuickJS compiled to wasm32 and translated to C by wasm2c) and gives them a
 * small, capability-gated API to the host: $state, $args, $scope, $emit,
 * $view, $ext, $host, $log, $time.
 *
 * Conventions (as in libuv):
 *  - every name starts with nx_; handles are opaque; each *_create or
 *    constructor has a matching *_free;
 *  - functions report failure with an nx_code_t, never by crashing;
 *  - "Owner:" in each comment says who frees what a pointer points to.
 *    Strings and buffers passed in are copied unless said otherwise.
 *  - Values cross the API as MessagePack (docs/values.md has the mapping);
 *    JSON convenience functions exist for the edges.
 *
 * Thread safety: one nx_runtime_t may be used from many threads at once;
 * each execution runs on the calling thread. Contexts, results and handles
 * are not synchronised: use each from one thread at a time.
 */
#ifndef NEXUS_H
#define NEXUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NX_VERSION "0.1.0"

/* ---- error codes ----------------------------------------------------------- */

typedef enum nx_code {
    NX_OK = 0,
    NX_E_TIMEOUT = 1,             /* wall-clock limit reached */
    NX_E_MEMORY_LIMIT = 2,        /* guest memory cap reached */
    NX_E_PERMISSION_DENIED = 3,   /* a capability token was missing */
    NX_E_EXECUTION_ERROR = 4,     /* the handler threw */
    NX_E_COMPILATION_ERROR = 5,   /* the handler source does not parse */
    NX_E_INVALID_HANDLER = 6,     /* bytecode or handle unusable */
    NX_E_INTERNAL_ERROR = 7,      /* a bug or an allocation failure in Nexus */
    NX_E_RESOURCE_LIMIT = 8,      /* host calls, sizes, counts, stack, pool */
    NX_E_WASM_ERROR = 9,          /* the sandbox trapped */
    NX_E_SERIALIZATION_ERROR = 10,/* a value could not cross the boundary */
    NX_E_INVALID_ARGUMENT = 11,   /* bad input from the host or the handler */
    NX_E_EXTENSION_NOT_FOUND = 12,
    NX_E_METHOD_NOT_FOUND = 13
} nx_code_t;

/* "TIMEOUT", "MEMORY_LIMIT", ... Owner: static storage, never NULL. */
const char *nx_code_name(nx_code_t code);
/* The code named name, or NX_E_INTERNAL_ERROR if unknown. */
nx_code_t nx_code_from_name(const char *name);

/* Frees memory Nexus returned to the caller (JSON text, buffers, lists). */
void nx_free(void *ptr);

/* ---- limits and configuration ---------------------------------------------------- */

/* Limits every execution runs under. In nx_config_t they are the runtime's
 * defaults; in a context, a zero field means "the runtime's default". */
typedef struct nx_limits {
    uint32_t timeout_ms;        /* wall clock per execute/resume (default 5000) */
    uint32_t memory_mb;         /* guest linear memory cap (default 64) */
    uint32_t max_host_calls;    /* per execution, all resumes included (10000) */
    uint32_t max_value_bytes;   /* one state value, payload, return value (1 MiB) */
    uint32_t max_log_bytes;     /* one log message (16 KiB) */
    uint32_t max_events;        /* events per execution (1000) */
    uint32_t max_view_commands; /* view commands per execution (1000) */
    uint32_t max_logs;          /* log messages per execution (1000) */
    uint32_t max_state_keys;    /* distinct state keys written (1000) */
    uint32_t max_output_bytes;  /* everything recorded, summed (16 MiB) */
} nx_limits_t;

typedef struct nx_config {
    nx_limits_t limits;          /* defaults for every execution */
    uint32_t max_instances;      /* sandboxes alive at once, running or
                                    suspended: the concurrency limit (64) */
    uint32_t prewarm_instances;  /* created at start (2) */
    uint32_t acquire_timeout_ms; /* wait for a free instance, then
                                    RESOURCE_LIMIT (1000) */
    uint32_t suspension_ttl_ms;  /* a suspended execution expires (60000) */
    uint64_t cache_max_bytes;    /* in-memory bytecode cache (64 MiB) */
    const char *cache_dir;       /* on-disk bytecode cache, NULL for none.
                                    Copied by nx_runtime_create. */
} nx_config_t;

/* Fills cfg with the defaults above. */
void nx_config_init(nx_config_t *cfg);

/* ---- runtime --------------------------------------------------------------------- */

typedef struct nx_runtime nx_runtime_t;

/* Creates a runtime: initialises the guest once, snapshots it and prewarms
 * the pool. cfg may be NULL for defaults. Owner: caller, nx_runtime_free. */
nx_code_t nx_runtime_create(const nx_config_t *cfg, nx_runtime_t **out);

/* Stops accepting work, waits for running executions, cancels suspended
 * ones and frees their instances. Idempotent; later calls that would start
 * work return NX_E_INVALID_ARGUMENT. */
void nx_runtime_shutdown(nx_runtime_t *rt);

/* Shuts down (if needed) and frees everything. Handles created from rt stay
 * valid to free but not to execute. */
void nx_runtime_free(nx_runtime_t *rt);

/* ---- execution context ---------------------------------------------------------- */

typedef struct nx_context nx_context_t;

/* Owner: caller, nx_context_free. */
nx_code_t nx_context_create(nx_context_t **out);
void nx_context_free(nx_context_t *ctx);

nx_code_t nx_context_set_panel_id(nx_context_t *ctx, const char *panel_id);
nx_code_t nx_context_set_handler_name(nx_context_t *ctx, const char *name);
/* state, args and scope are MessagePack maps with string keys (or nil). They
 * are validated and copied. */
nx_code_t nx_context_set_state(nx_context_t *ctx, const void *msgpack, size_t len);
nx_code_t nx_context_set_args(nx_context_t *ctx, const void *msgpack, size_t len);
nx_code_t nx_context_set_scope(nx_context_t *ctx, const void *msgpack, size_t len);
/* The same from JSON objects (NUL-terminated text). */
nx_code_t nx_context_set_state_json(nx_context_t *ctx, const char *json);
nx_code_t nx_context_set_args_json(nx_context_t *ctx, const char *json);
nx_code_t nx_context_set_scope_json(nx_context_t *ctx, const char *json);
/* Grants a capability token such as "state:write:count", "events:emit:*",
 * "view:update:list", "ext:http", "host:acme:billing/quota". Tokens are
 * checked when an execution starts: a malformed or unknown one fails it
 * with NX_E_INVALID_ARGUMENT. */
nx_code_t nx_context_add_capability(nx_context_t *ctx, const char *token);
/* Per-execution limits; zero fields keep the runtime's defaults. */
nx_code_t nx_context_set_limits(nx_context_t *ctx, const nx_limits_t *limits);

/* ---- results ----------------------------------------------------------------------- */

typedef enum nx_status {
    NX_STATUS_SUCCESS = 0,
    NX_STATUS_ERROR = 1,
    NX_STATUS_SUSPENDED = 2
} nx_status_t;

/* "success", "error", "suspended". Owner: static storage. */
const char *nx_status_name(nx_status_t status);

typedef enum nx_mutation_op { NX_MUTATION_SET = 0, NX_MUTATION_DELETE = 1 } nx_mutation_op_t;
typedef enum nx_log_level {
    NX_LOG_DEBUG = 0, NX_LOG_INFO = 1, NX_LOG_WARN = 2, NX_LOG_ERROR = 3
} nx_log_level_t;

/* All pointers inside these structs are owned by the result and live until
 * nx_result_free. Strings are NUL-terminated UTF-8; values are MessagePack.
 * Keys and names never hold U+0000 (the host refuses them with
 * INVALID_ARGUMENT); in a log message each U+0000 becomes U+FFFD. */
typedef struct nx_mutation {
    const char *key;
    nx_mutation_op_t op;
    const uint8_t *value;       /* NULL for a delete */
    size_t value_len;
} nx_mutation_t;

typedef struct nx_event {
    const char *name;
    const uint8_t *payload;
    size_t payload_len;
} nx_event_t;

typedef struct nx_view_command {
    const char *component_id;   /* NULL when the command targets no component */
    const char *type;
    const uint8_t *args;
    size_t args_len;
} nx_view_command_t;

typedef struct nx_log {
    nx_log_level_t level;
    const char *message;
    double timestamp_ms;        /* Unix epoch milliseconds */
} nx_log_t;

typedef struct nx_error_info {
    nx_code_t code;
    const char *message;
    const char *stack;          /* NULL when unknown */
    uint32_t line;              /* 1-based in the handler source, 0 if unknown */
    uint32_t column;            /* 1-based, 0 if unknown */
    const char *source_line;    /* the offending line, NULL if unknown */
} nx_error_info_t;

typedef struct nx_metrics {
    uint64_t duration_us;       /* wall time of this execute/resume call */
    uint64_t compile_us;        /* time spent compiling (0 on a cache hit) */
    bool cache_hit;             /* bytecode came from the cache */
    uint64_t memory_bytes;      /* guest linear memory at the end */
    uint32_t host_calls;        /* host calls in this call */
    uint32_t suspensions;       /* times this execution suspended so far */
} nx_metrics_t;

/* A pending extension call, reported by a suspended result. */
typedef struct nx_suspension {
    const char *id;             /* pass to nx_resume */
    const char *extension;
    const char *method;
    const uint8_t *args;        /* MessagePack array */
    size_t args_len;
} nx_suspension_t;

typedef struct nx_result nx_result_t;

nx_status_t nx_result_status(const nx_result_t *r);
/* The handler's return value as MessagePack; NULL when there is none
 * (undefined, or not a success). */
const uint8_t *nx_result_value(const nx_result_t *r, size_t *len);
size_t nx_result_mutation_count(const nx_result_t *r);
const nx_mutation_t *nx_result_mutation(const nx_result_t *r, size_t i);
size_t nx_result_event_count(const nx_result_t *r);
const nx_event_t *nx_result_event(const nx_result_t *r, size_t i);
size_t nx_result_view_command_count(const nx_result_t *r);
const nx_view_command_t *nx_result_view_command(const nx_result_t *r, size_t i);
size_t nx_result_log_count(const nx_result_t *r);
const nx_log_t *nx_result_log(const nx_result_t *r, size_t i);
/* NULL unless the status is NX_STATUS_ERROR. */
const nx_error_info_t *nx_result_error(const nx_result_t *r);
const nx_metrics_t *nx_result_metrics(const nx_result_t *r);
/* Pending extension calls; nonzero only when suspended. */
size_t nx_result_suspension_count(const nx_result_t *r);
const nx_suspension_t *nx_result_suspension(const nx_result_t *r, size_t i);

/* One JSON object with camelCase keys: status, returnValue, stateMutations,
 * events, viewCommands, logs, suspension, error, metrics. Owner: caller,
 * nx_free. */
nx_code_t nx_result_to_json(const nx_result_t *r, char **json);
/* The same object as MessagePack. Owner: caller, nx_free. */
nx_code_t nx_result_to_msgpack(const nx_result_t *r, uint8_t **buf, size_t *len);

void nx_result_free(nx_result_t *r);

/* One result for an execution out of two of its segments: earlier, a
 * suspended result, and later, what resuming it returned. For a host that
 * resumes by itself and reports once. Mutations one per key in first-write
 * order with the final value; events, view commands and logs in order;
 * durations, compile time and host calls summed. When later failed, only
 * the logs of both are kept (the execution is all or nothing). earlier
 * must be suspended. Owner of *out: caller, nx_result_free. */
nx_code_t nx_result_combine(const nx_result_t *earlier, const nx_result_t *later,
                            nx_result_t **out);

/* ---- executing --------------------------------------------------------------------- */

/* Runs handler source: the body of an async function, where `return` gives
 * the result value. Compiles through the bytecode cache, under the
 * context's time and memory limits; what compiling hits (a syntax error,
 * TIMEOUT, MEMORY_LIMIT, a parser stack overflow) is the handler's doing
 * and ends in an error result like a failure while running.
 *
 * Returns NX_OK when the handler ran, whatever it did: *out then holds a
 * success, error or suspended result. Any other code means the execution
 * did not start (bad argument, malformed capability token, pool exhausted,
 * runtime shut down); *out then holds an error result saying why. *out is
 * NULL only if memory ran out. Owner of *out: caller, nx_result_free. */
nx_code_t nx_execute(nx_runtime_t *rt, const char *source, size_t len,
                     const nx_context_t *ctx, nx_result_t **out);

/* A compiled handler. Owner: caller, nx_handler_free. Holds its own copy of
 * the bytecode; usable with the runtime that made it. */
typedef struct nx_handler nx_handler_t;

/* Compiles source, under the runtime's default limits. On a syntax error
 * returns NX_E_COMPILATION_ERROR and, if error is not NULL, an error result
 * with the location (other codes for a limit the compile hit). */
nx_code_t nx_precompile(nx_runtime_t *rt, const char *source, size_t len,
                        nx_handler_t **out, nx_result_t **error);
nx_code_t nx_execute_handler(nx_runtime_t *rt, const nx_handler_t *handler,
                             const nx_context_t *ctx, nx_result_t **out);
/* Hex digest identifying the handler's source and engine. Owner: handler. */
const char *nx_handler_id(const nx_handler_t *handler);
void nx_handler_free(nx_handler_t *handler);

/* ---- extensions and resuming --------------------------------------------------------- */

typedef struct nx_ext_call {
    const char *id;             /* the suspension id if the call is deferred */
    const char *extension;
    const char *method;
    const uint8_t *args;        /* MessagePack array of the call's arguments */
    size_t args_len;
} nx_ext_call_t;

/* Valid only during the callback that received it. */
typedef struct nx_ext_reply nx_ext_reply_t;

/* Serves calls to one extension. To answer at once (the handler's await
 * resolves in the same execution) call nx_ext_reply_value or
 * nx_ext_reply_error before returning; to defer, return without answering:
 * the execution then suspends with this call pending. All pointers in call
 * live until the callback returns. Runs on the executing thread, inside the
 * execution's time limit. Host callbacks (this, interface functions,
 * interceptors) may not execute, precompile or resume on their own thread:
 * those calls return NX_E_INVALID_ARGUMENT and change nothing. */
typedef void (*nx_ext_fn)(void *user_data, const nx_ext_call_t *call, nx_ext_reply_t *reply);

nx_code_t nx_ext_reply_value(nx_ext_reply_t *reply, const void *msgpack, size_t len);
nx_code_t nx_ext_reply_error(nx_ext_reply_t *reply, const char *message);

/* Registers (or replaces) an extension with its method names. fn may be NULL:
 * every call is then deferred. Handlers need "ext:NAME" or "ext:*". */
nx_code_t nx_runtime_register_extension(nx_runtime_t *rt, const char *name,
                                        const char *const *methods, size_t method_count,
                                        nx_ext_fn fn, void *user_data);

/* The answer to a deferred extension call. */
typedef struct nx_outcome {
    bool is_error;
    const uint8_t *value;       /* MessagePack, when !is_error (NULL = nil) */
    size_t value_len;
    const char *error_message;  /* when is_error: the await throws an Error
                                   with this message */
} nx_outcome_t;

/* Answers the pending call suspension_id and continues its execution until
 * it succeeds, fails or suspends again. An unknown, expired, cancelled or
 * already answered id returns NX_E_INVALID_ARGUMENT and changes nothing; a
 * value over the execution's max_value_bytes returns NX_E_RESOURCE_LIMIT
 * and leaves it waiting, to be answered again. */
nx_code_t nx_resume(nx_runtime_t *rt, const char *suspension_id,
                    const nx_outcome_t *outcome, nx_result_t **out);

/* Abandons the suspended execution that owns suspension_id. */
nx_code_t nx_cancel(nx_runtime_t *rt, const char *suspension_id);

/* ---- custom host interfaces ------------------------------------------------------------- */

/* A synchronous host function under a namespaced interface such as
 * "acme:billing/quota". args is the MessagePack value the handler passed.
 * Answer with nx_ext_reply_value / nx_ext_reply_error before returning;
 * returning without an answer gives the handler undefined. */
typedef void (*nx_host_fn)(void *user_data, const char *interface, const char *function,
                           const uint8_t *args, size_t args_len, nx_ext_reply_t *reply);

typedef struct nx_host_function {
    const char *name;
    nx_host_fn fn;
    void *user_data;
} nx_host_function_t;

/* Called when a host function answers with an error, before the handler
 * sees it. May rewrite the message through reply (it receives the error). */
typedef void (*nx_host_error_fn)(void *user_data, const char *interface,
                                 const char *function, const char *message);

/* Registers an interface. Handlers call its functions as
 * $host["acme:billing/quota"].fn(args) and need "host:acme:billing/quota"
 * or "host:*". Interface names: "namespace:package/name". */
nx_code_t nx_runtime_register_interface(nx_runtime_t *rt, const char *interface,
                                        const nx_host_function_t *functions, size_t count,
                                        nx_host_error_fn on_error, void *error_user_data);

/* A provider groups interfaces: it is called once with rt to register them. */
typedef nx_code_t (*nx_provider_fn)(nx_runtime_t *rt, void *user_data);
nx_code_t nx_runtime_add_provider(nx_runtime_t *rt, nx_provider_fn provider, void *user_data);

/* ---- interceptors, record and replay ----------------------------------------------------- */

/* Every host call as seen at the boundary. input and output are MessagePack
 * (output is NULL in the before hook, and NULL after a failed call). */
typedef struct nx_host_call {
    const char *interface;      /* "nexus:state", "nexus:events", "wasi", ... */
    const char *function;       /* "get", "emit", "clock_time_get", ... */
    const uint8_t *input;
    size_t input_len;
    const uint8_t *output;
    size_t output_len;
    nx_code_t code;             /* NX_OK or the call's failure */
} nx_host_call_t;

typedef void (*nx_interceptor_fn)(void *user_data, const nx_host_call_t *call);

/* Installs hooks called before and after every host call of every
 * execution of rt (either may be NULL). Returns an id for removal. */
nx_code_t nx_runtime_add_interceptor(nx_runtime_t *rt, nx_interceptor_fn before,
                                     nx_interceptor_fn after, void *user_data, int *id);
nx_code_t nx_runtime_remove_interceptor(nx_runtime_t *rt, int id);

/* A recording: the host-call log of one execution and everything after
 * it, until the execution ends. Owner: caller, nx_recording_free. */
typedef struct nx_recording nx_recording_t;

/* Runs like nx_execute and also records every host call's answer, the
 * clock and the random seed. Resumes of a recorded execution are recorded
 * too (through nx_resume, until the execution ends). */
nx_code_t nx_execute_recorded(nx_runtime_t *rt, const char *source, size_t len,
                              const nx_context_t *ctx, nx_recording_t **recording,
                              nx_result_t **out);
/* Serialises / loads a recording (MessagePack). Owner of *buf: caller, nx_free. */
nx_code_t nx_recording_save(const nx_recording_t *rec, uint8_t **buf, size_t *len);
nx_code_t nx_recording_load(const void *buf, size_t len, nx_recording_t **out);
/* Replays: runs the recorded source again under the recorded context; the
 * host calls whose answers came from outside the sandbox (time, Math.random's
 * seed, extension and host-function answers, extension call ids, registry
 * listings) are answered from the log, the others run again and must match
 * it; it resumes where the recording resumed, with the recorded answers.
 * Returns the final result, identical to the recorded one but for its
 * metrics. A replay that departs from the log ends with
 * NX_E_INVALID_HANDLER. */
nx_code_t nx_replay(nx_runtime_t *rt, const nx_recording_t *rec, nx_result_t **out);
void nx_recording_free(nx_recording_t *rec);

/* ---- statistics and metrics ---------------------------------------------------------------- */

typedef struct nx_stats {
    uint64_t executions;        /* execute + resume calls finished */
    uint64_t successes, errors, suspensions;
    uint64_t errors_by_code[14];/* indexed by nx_code_t */
    uint64_t host_calls;
    uint64_t cache_entries, cache_bytes, cache_hits, cache_misses, compilations;
    uint64_t instances_idle, instances_busy, instances_suspended, instances_created;
    uint64_t memory_bytes;      /* guest memory of all live instances */
    uint64_t peak_memory_bytes;
    uint64_t pending_suspensions;
    bool dirty_page_restore;    /* false: full-copy restore (older kernels) */
} nx_stats_t;

void nx_runtime_stats(nx_runtime_t *rt, nx_stats_t *out);

/* Prometheus text exposition (nexus_ prefix). Owner: caller, nx_free. */
nx_code_t nx_runtime_prometheus(nx_runtime_t *rt, char **text);

/* ---- capability inference ---------------------------------------------------------------- */

/* Suggests the capability tokens source needs, sorted and unique. Dynamic
 * access (computed keys) suggests the wildcard. Owner: caller, free with
 * nx_strings_free(*tokens, *count). */
nx_code_t nx_infer_capabilities(const char *source, size_t len, char ***tokens, size_t *count);
void nx_strings_free(char **strings, size_t count);

#ifdef __cplusplus
}
#endif

#endif /* NEXUS_H */
