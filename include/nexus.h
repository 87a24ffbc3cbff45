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
 *
 * What the library does to the process (as sqlite3.h says what SQLite does):
 *  - Signal handlers. The first runtime created installs process-wide
 *    handlers for SIGSEGV and SIGBUS (a guest's out-of-bounds access or
 *    stack overflow becomes a trap of that execution) and for SIGRTMIN+3
 *    (the deadline signal). A fault that is not a guest trap is passed on
 *    to the handler that was installed before (or the default action):
 *    install your own handlers first if you want them chained. Each thread
 *    that runs handlers gets an alternate signal stack (64 KiB) unless it
 *    already has one; SA_ONSTACK handlers of your own keep working.
 *  - A watchdog thread. One thread per process, started with the first
 *    runtime, sleeps until the earliest execution deadline and signals the
 *    thread that overran. It blocks every signal.
 *  - Virtual memory. Each sandbox instance reserves 8 GiB of address space
 *    (PROT_NONE, nothing committed) so that every 32-bit guest address
 *    faults instead of being bounds-checked; only its current pages are
 *    accessible. 64 instances reserve 512 GiB: keep RLIMIT_AS unlimited
 *    (or size it) and vm.overcommit_memory at 0 or 1. On Linux 6.7 and
 *    later, instance memory is registered with userfaultfd (write-protect
 *    mode) to find the pages an execution wrote.
 *  - It cannot be unloaded. The signal handlers and the watchdog point into
 *    the library, so the shared library is linked with -z nodelete:
 *    dlclose() leaves it mapped.
 *  - Randomness comes from getrandom(2), 16 numbers per system call per
 *    thread; a fork()ed child draws its own.
 *
 * ABI (libnexus.so.0): structures the caller allocates and the library
 * reads (nx_config_t, nx_limits_t, nx_stats_t) keep their size within a
 * major version; fields added later take the reserved space at their end,
 * which must be zero (nx_config_init and "= {0}" see to it). Structures
 * the library allocates and the caller only reads through a pointer
 * (results, errors, metrics, calls) may grow at their end. Functions are
 * only added, never changed, within a major version.
 */
#ifndef NEXUS_H
#define NEXUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Only what this header declares is exported from the shared library. */
#if defined(NX_BUILDING_LIBRARY) && defined(__GNUC__)
#define NX_API __attribute__((visibility("default")))
#else
#define NX_API
#endif

#define NX_VERSION_MAJOR 0
#define NX_VERSION_MINOR 2
#define NX_VERSION_PATCH 0
#define NX_VERSION_STRING "0.2.0"
/* The version as one number: (major << 16) | (minor << 8) | patch. */
#define NX_VERSION_HEX ((NX_VERSION_MAJOR << 16) | (NX_VERSION_MINOR << 8) | NX_VERSION_PATCH)

/* The version of the library actually linked (NX_VERSION_HEX of its
 * build), and as text ("0.2.0"; owner: static storage). A program built
 * against one header can check it runs with a compatible library: same
 * major, minor at least its own. */
NX_API unsigned nx_version(void);
NX_API const char *nx_version_string(void);

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
    NX_E_METHOD_NOT_FOUND = 13,
    NX_E_STORE_UNAVAILABLE = 14   /* the suspension store did not answer */
} nx_code_t;

/* How many codes there are: nx_code_t values run from 0 to NX_CODE_COUNT-1.
 * Codes added later keep this header's values. */
#define NX_CODE_COUNT 15

/* "TIMEOUT", "MEMORY_LIMIT", ... Owner: static storage, never NULL. */
NX_API const char *nx_code_name(nx_code_t code);
/* The code named name, or NX_E_INTERNAL_ERROR if unknown. */
NX_API nx_code_t nx_code_from_name(const char *name);

/* Frees memory Nexus returned to the caller (JSON text, buffers, lists). */
NX_API void nx_free(void *ptr);

/* ---- values -------------------------------------------------------------------- */

/* JSON text (len bytes) -> one MessagePack value as Nexus passes values:
 * integers stay integers, other numbers become float64. On failure returns
 * NX_E_INVALID_ARGUMENT and, if error is not NULL, a message with the
 * position. Owner of *msgpack and *error: caller, nx_free. */
NX_API nx_code_t nx_value_from_json(const char *json, size_t len, uint8_t **msgpack,
                                    size_t *msgpack_len, char **error);
/* One MessagePack value -> compact JSON text (bin as base64, timestamps as
 * ISO-8601 strings, NaN and infinities as null). NX_E_SERIALIZATION_ERROR
 * for bytes that are not one accepted value (docs/values.md). Owner of
 * *json: caller, nx_free. */
NX_API nx_code_t nx_value_to_json(const uint8_t *msgpack, size_t len, char **json);

/* ---- limits and configuration ---------------------------------------------------- */

/* Limits every execution runs under. In nx_config_t they are the runtime's
 * defaults; in a context, a zero field means "the runtime's default". An
 * execution is everything from nx_execute to the result that ends it, all
 * its resumes included: every limit bounds the whole of it
 * (docs/api.md, "Limits"). */
typedef struct nx_limits {
    uint32_t timeout_ms;        /* guest running time, compiling and every
                                   segment included (default 5000) */
    uint32_t memory_mb;         /* guest linear memory cap, 4..4096 (64) */
    uint32_t max_host_calls;    /* host calls (10000) */
    uint32_t max_value_bytes;   /* one state value, payload, argument list,
                                   answer or return value (1 MiB) */
    uint32_t max_log_bytes;     /* one log message (16 KiB) */
    uint32_t max_events;        /* events (1000) */
    uint32_t max_view_commands; /* view commands (1000) */
    uint32_t max_logs;          /* log messages (1000) */
    uint32_t max_state_keys;    /* distinct state keys written (1000) */
    uint32_t max_output_bytes;  /* every byte the host keeps for the
                                   execution, summed: effects, pending
                                   calls' arguments, a recording's answers
                                   (16 MiB) */
    uint32_t deadline_ms;       /* wall clock from the first execute to the
                                   final result, waits for extension answers
                                   included; then TIMEOUT (60000) */
    uint32_t max_instructions;  /* bytecode instructions the handler may
                                   run, all segments; past it
                                   RESOURCE_LIMIT, at the same instruction
                                   on every run and machine (0: no budget,
                                   the built-in default) */
    uint32_t reserved[4];       /* zero; for limits added later */
} nx_limits_t;

/* Sets the limit named name (a field name of nx_limits_t, such as
 * "max_logs" or "deadline_ms") to value, for hosts that take limits by
 * name (a command line, a configuration file). NX_E_INVALID_ARGUMENT for a
 * name this version does not know. Ranges are checked when the limits are
 * used. */
NX_API nx_code_t nx_limits_set(nx_limits_t *limits, const char *name, uint32_t value);
/* The name of the i-th limit (0-based), or NULL past the last one. Owner:
 * static storage. */
NX_API const char *nx_limits_name(size_t i);

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
    uint64_t reserved[8];        /* zero; for options added later */
} nx_config_t;

/* Fills cfg with the defaults above (reserved space zeroed). */
NX_API void nx_config_init(nx_config_t *cfg);

/* ---- runtime --------------------------------------------------------------------- */

typedef struct nx_runtime nx_runtime_t;

/* Creates a runtime: initialises the guest once, snapshots it and prewarms
 * the pool. cfg may be NULL for defaults. Owner: caller, nx_runtime_free. */
NX_API nx_code_t nx_runtime_create(const nx_config_t *cfg, nx_runtime_t **out);

/* Stops accepting work, waits for running executions, cancels suspended
 * ones and frees their instances. Idempotent; later calls that would start
 * work return NX_E_INVALID_ARGUMENT. */
NX_API void nx_runtime_shutdown(nx_runtime_t *rt);

/* Shuts down (if needed) and frees everything. Handles created from rt stay
 * valid to free but not to execute. */
NX_API void nx_runtime_free(nx_runtime_t *rt);

/* ---- execution context ---------------------------------------------------------- */

typedef struct nx_context nx_context_t;

/* Owner: caller, nx_context_free. */
NX_API nx_code_t nx_context_create(nx_context_t **out);
NX_API void nx_context_free(nx_context_t *ctx);

NX_API nx_code_t nx_context_set_panel_id(nx_context_t *ctx, const char *panel_id);
NX_API nx_code_t nx_context_set_handler_name(nx_context_t *ctx, const char *name);
/* state, args and scope are MessagePack maps with string keys (or nil). They
 * are validated and copied. */
NX_API nx_code_t nx_context_set_state(nx_context_t *ctx, const void *msgpack, size_t len);
NX_API nx_code_t nx_context_set_args(nx_context_t *ctx, const void *msgpack, size_t len);
NX_API nx_code_t nx_context_set_scope(nx_context_t *ctx, const void *msgpack, size_t len);
/* The same from JSON objects (NUL-terminated text). */
NX_API nx_code_t nx_context_set_state_json(nx_context_t *ctx, const char *json);
NX_API nx_code_t nx_context_set_args_json(nx_context_t *ctx, const char *json);
NX_API nx_code_t nx_context_set_scope_json(nx_context_t *ctx, const char *json);
/* Grants a capability token such as "state:write:count", "events:emit:*",
 * "view:update:list", "ext:http", "host:acme:billing/quota". Tokens are
 * checked when an execution starts: a malformed or unknown one fails it
 * with NX_E_INVALID_ARGUMENT. */
NX_API nx_code_t nx_context_add_capability(nx_context_t *ctx, const char *token);
/* Per-execution limits; zero fields keep the runtime's defaults. */
NX_API nx_code_t nx_context_set_limits(nx_context_t *ctx, const nx_limits_t *limits);

/* ---- results ----------------------------------------------------------------------- */

typedef enum nx_status {
    NX_STATUS_SUCCESS = 0,
    NX_STATUS_ERROR = 1,
    NX_STATUS_SUSPENDED = 2
} nx_status_t;

/* "success", "error", "suspended". Owner: static storage. */
NX_API const char *nx_status_name(nx_status_t status);

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
    uint64_t instructions;      /* bytecode instructions the handler ran so
                                   far, all segments (exact) */
    uint64_t guest_cpu_us;      /* CPU time the handler ran in the guest
                                   so far, all segments, the host calls it
                                   made included (compiling is not: see
                                   compile_us) */
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

NX_API nx_status_t nx_result_status(const nx_result_t *r);
/* The handler's return value as MessagePack; NULL when there is none
 * (undefined, or not a success). */
NX_API const uint8_t *nx_result_value(const nx_result_t *r, size_t *len);
NX_API size_t nx_result_mutation_count(const nx_result_t *r);
NX_API const nx_mutation_t *nx_result_mutation(const nx_result_t *r, size_t i);
NX_API size_t nx_result_event_count(const nx_result_t *r);
NX_API const nx_event_t *nx_result_event(const nx_result_t *r, size_t i);
NX_API size_t nx_result_view_command_count(const nx_result_t *r);
NX_API const nx_view_command_t *nx_result_view_command(const nx_result_t *r, size_t i);
NX_API size_t nx_result_log_count(const nx_result_t *r);
NX_API const nx_log_t *nx_result_log(const nx_result_t *r, size_t i);
/* NULL unless the status is NX_STATUS_ERROR. */
NX_API const nx_error_info_t *nx_result_error(const nx_result_t *r);
NX_API const nx_metrics_t *nx_result_metrics(const nx_result_t *r);
/* Pending extension calls; nonzero only when suspended. */
NX_API size_t nx_result_suspension_count(const nx_result_t *r);
NX_API const nx_suspension_t *nx_result_suspension(const nx_result_t *r, size_t i);

/* One JSON object with camelCase keys: status, returnValue, stateMutations,
 * events, viewCommands, logs, suspension, error, metrics. Owner: caller,
 * nx_free. */
NX_API nx_code_t nx_result_to_json(const nx_result_t *r, char **json);
/* The same object as MessagePack. Values keep their own nesting (up to 32
 * levels), so the document nests up to 35: deeper than msgpack-c's
 * unpacker reads (32 levels, fixed when it is built). With msgpack-c, read
 * results through the accessors below, each value on its own. Owner:
 * caller, nx_free. */
NX_API nx_code_t nx_result_to_msgpack(const nx_result_t *r, uint8_t **buf, size_t *len);

NX_API void nx_result_free(nx_result_t *r);

/* One result for an execution out of two of its segments: earlier, a
 * suspended result, and later, what resuming it returned. For a host that
 * resumes by itself and reports once. Mutations one per key in first-write
 * order with the final value; events, view commands and logs in order;
 * durations, compile time and host calls summed. When later failed, only
 * the logs of both are kept (the execution is all or nothing). earlier
 * must be suspended. Owner of *out: caller, nx_result_free. */
NX_API nx_code_t nx_result_combine(const nx_result_t *earlier, const nx_result_t *later,
                                   nx_result_t **out);
/* The same rule, in place and in time linear in the size of later: whole
 * (a suspended result, or what earlier appends made of one) takes later's
 * status, value, error and pending calls, and its effects are merged in.
 * For a host that folds a long execution one segment at a time. On a
 * failure other than out of memory whole is unchanged. */
NX_API nx_code_t nx_result_append(nx_result_t *whole, const nx_result_t *later);

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
NX_API nx_code_t nx_execute(nx_runtime_t *rt, const char *source, size_t len,
                            const nx_context_t *ctx, nx_result_t **out);

/* A compiled handler. Owner: caller, nx_handler_free. Holds its own copy of
 * the bytecode; usable with the runtime that made it. */
typedef struct nx_handler nx_handler_t;

/* Compiles source, under the runtime's default limits. On a syntax error
 * returns NX_E_COMPILATION_ERROR and, if error is not NULL, an error result
 * with the location (other codes for a limit the compile hit). */
NX_API nx_code_t nx_precompile(nx_runtime_t *rt, const char *source, size_t len,
                               nx_handler_t **out, nx_result_t **error);
NX_API nx_code_t nx_execute_handler(nx_runtime_t *rt, const nx_handler_t *handler,
                                    const nx_context_t *ctx, nx_result_t **out);
/* Hex digest identifying the handler's source and engine. Owner: handler. */
NX_API const char *nx_handler_id(const nx_handler_t *handler);
NX_API void nx_handler_free(nx_handler_t *handler);

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

NX_API nx_code_t nx_ext_reply_value(nx_ext_reply_t *reply, const void *msgpack, size_t len);
NX_API nx_code_t nx_ext_reply_error(nx_ext_reply_t *reply, const char *message);

/* Called once with a user_data pointer the library no longer needs: its
 * registration was replaced or removed, or the runtime was freed, and no
 * callback with it is running or will run. May be NULL. */
typedef void (*nx_finalize_fn)(void *user_data);

/* Registers (or replaces) an extension with its method names. fn may be NULL:
 * every call is then deferred. Handlers need "ext:NAME" or "ext:*".
 * finalize(user_data) runs once user_data is no longer used. */
NX_API nx_code_t nx_runtime_register_extension(nx_runtime_t *rt, const char *name,
                                               const char *const *methods, size_t method_count,
                                               nx_ext_fn fn, void *user_data,
                                               nx_finalize_fn finalize);

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
NX_API nx_code_t nx_resume(nx_runtime_t *rt, const char *suspension_id,
                           const nx_outcome_t *outcome, nx_result_t **out);

/* Abandons the suspended execution that owns suspension_id. */
NX_API nx_code_t nx_cancel(nx_runtime_t *rt, const char *suspension_id);

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
    nx_finalize_fn finalize;    /* for user_data; may be NULL */
} nx_host_function_t;

/* Observes a host function's error before the handler sees it (for logs
 * and metrics; it cannot change the error). The handler then gets an
 * Error with code EXECUTION_ERROR and the message. */
typedef void (*nx_host_error_fn)(void *user_data, const char *interface,
                                 const char *function, const char *message);

/* Registers (or replaces) an interface. Handlers call its functions as
 * $host["acme:billing/quota"].fn(args) and need "host:acme:billing/quota"
 * or "host:*". Interface names: "namespace:package/name". Each function's
 * finalize runs for its user_data, error_finalize for error_user_data,
 * once the library no longer uses them. */
NX_API nx_code_t nx_runtime_register_interface(nx_runtime_t *rt, const char *interface,
                                               const nx_host_function_t *functions, size_t count,
                                               nx_host_error_fn on_error, void *error_user_data,
                                               nx_finalize_fn error_finalize);

/* A provider groups interfaces: it is called once with rt to register them. */
typedef nx_code_t (*nx_provider_fn)(nx_runtime_t *rt, void *user_data);
NX_API nx_code_t nx_runtime_add_provider(nx_runtime_t *rt, nx_provider_fn provider, void *user_data);

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
 * execution of rt (either may be NULL, not both), in the order they were
 * added; there is no limit on their number. Returns an id for removal.
 * finalize(user_data) runs once the interceptor is removed (or the runtime
 * freed) and no call of it is running. Hooks run on the executing thread,
 * inside the execution's time limit. */
NX_API nx_code_t nx_runtime_add_interceptor(nx_runtime_t *rt, nx_interceptor_fn before,
                                            nx_interceptor_fn after, void *user_data,
                                            nx_finalize_fn finalize, int *id);
NX_API nx_code_t nx_runtime_remove_interceptor(nx_runtime_t *rt, int id);

/* A recording: the host-call log of one execution and everything after
 * it, until the execution ends. Owner: caller, nx_recording_free. */
typedef struct nx_recording nx_recording_t;

/* Runs like nx_execute and also records every host call's answer, the
 * clock and the random seed. Resumes of a recorded execution are recorded
 * too (through nx_resume, until the execution ends). */
NX_API nx_code_t nx_execute_recorded(nx_runtime_t *rt, const char *source, size_t len,
                                     const nx_context_t *ctx, nx_recording_t **recording,
                                     nx_result_t **out);
/* Serialises / loads a recording (MessagePack). Owner of *buf: caller, nx_free. */
NX_API nx_code_t nx_recording_save(const nx_recording_t *rec, uint8_t **buf, size_t *len);
NX_API nx_code_t nx_recording_load(const void *buf, size_t len, nx_recording_t **out);
/* Replays: runs the recorded source again under the recorded context; the
 * host calls whose answers came from outside the sandbox (time, Math.random's
 * seed, extension and host-function answers, extension call ids, registry
 * listings) are answered from the log, the others run again and must match
 * it; it resumes where the recording resumed, with the recorded answers.
 * Returns the final result, identical to the recorded one but for its
 * metrics. A replay that departs from the log ends with
 * NX_E_INVALID_HANDLER. */
NX_API nx_code_t nx_replay(nx_runtime_t *rt, const nx_recording_t *rec, nx_result_t **out);
NX_API void nx_recording_free(nx_recording_t *rec);

/* ---- durable suspensions ---------------------------------------------------------------
 *
 * A suspended execution can leave the process: exported to bytes and
 * imported by any runtime of the same Nexus build, here or in another
 * process or machine (docs/durable-suspensions.md). An export holds the
 * guest's memory where it differs from the snapshot, the execution's
 * context, capabilities, limits and what it has used of them, the effects
 * of the results it already returned, its pending calls and its recording;
 * it is compressed (zstd) and authenticated (HMAC-SHA256) under a key the
 * host sets: an export that was altered, cut short, forged, sealed under
 * another key or made by another build is refused before anything in it
 * is used. */

/* Sets the key exports are sealed and checked with (16 to 64 bytes, copied;
 * keep it secret: whoever has it can make an execution with any
 * capability). Without one, exporting and importing are refused. */
NX_API nx_code_t nx_runtime_set_suspension_key(nx_runtime_t *rt, const void *key, size_t len);

/* Takes the suspended execution waiting on suspension_id (any of its
 * pending calls) out of rt as an export: its instance is freed, and it
 * waits nowhere until imported. Owner of *bytes: caller, nx_free. */
NX_API nx_code_t nx_export(nx_runtime_t *rt, const char *suspension_id, uint8_t **bytes, size_t *len);

/* Imports an export: the execution waits in rt, as if it had suspended
 * here, to be resumed with nx_resume on any of its pending calls. *out is
 * a suspended result of the whole execution so far: every effect of the
 * results it returned before, and every call it waits on. If the execution
 * is being recorded, *recording (when recording is not NULL) gets its
 * recording, which goes on filling as it continues (owner: caller,
 * nx_recording_free). NX_E_INVALID_ARGUMENT with an error result saying
 * why for an export that does not authenticate or is another build's. An
 * export whose overall deadline has passed imports as what that execution
 * now is: NX_OK with a TIMEOUT result, as nx_resume gives an answer that
 * comes too late. Owner of *out: caller, nx_result_free. */
NX_API nx_code_t nx_import(nx_runtime_t *rt, const void *bytes, size_t len,
                           nx_recording_t **recording, nx_result_t **out);

/* A store for exported executions: put with an expiry, an atomic take,
 * remove. With a store set (nx_runtime_set_store), every execution that
 * suspends is exported to it under a key named by its suspension ids and
 * holds no instance while it waits; nx_resume and nx_cancel of an id not
 * waiting in this process take it from the store, exactly once: of two
 * workers resuming the same execution at once, one gets it and the other
 * NX_E_INVALID_ARGUMENT. Each function returns NX_OK, NX_E_INVALID_ARGUMENT
 * (take or remove: no such key) or NX_E_STORE_UNAVAILABLE (the store did
 * not answer; err gets a message). They may be called from many threads at
 * once. */
typedef struct nx_store_ops {
    nx_code_t (*put)(void *self, const char *key, const uint8_t *bytes, size_t len,
                     uint32_t ttl_ms, char *err, size_t err_size);
    /* Gets and deletes key in one step. *bytes from malloc (the library
     * frees it with free()). */
    nx_code_t (*take)(void *self, const char *key, uint8_t **bytes, size_t *len, char *err,
                      size_t err_size);
    nx_code_t (*remove)(void *self, const char *key, char *err, size_t err_size);
    void (*destroy)(void *self);
} nx_store_ops_t;

typedef struct nx_store nx_store_t;

/* A store made of the host's own functions (ops copied; self is passed to
 * each, and destroy(self) runs with nx_store_free). */
NX_API nx_code_t nx_store_create(const nx_store_ops_t *ops, void *self, nx_store_t **out);
/* Exports kept in this process's memory (expired ones dropped as the store
 * is used): suspended executions hold no instance, but die with the
 * process. */
NX_API nx_code_t nx_store_memory_create(nx_store_t **out);
/* Redis at url ("redis://HOST:PORT", optionally "redis://:PASSWORD@HOST:PORT/DB"),
 * keys under key_prefix (NULL: "nexus:"), each command bounded by
 * timeout_ms (0: 1000). Connects lazily: creating succeeds whether or not
 * Redis answers yet; a bad URL is NX_E_INVALID_ARGUMENT with *error saying
 * why (owner: caller, nx_free). Needs Redis 6.2 or later (GETDEL). */
NX_API nx_code_t nx_store_redis_create(const char *url, const char *key_prefix, uint32_t timeout_ms,
                                       nx_store_t **out, char **error);
NX_API void nx_store_free(nx_store_t *store);
/* Gives rt a store (rt owns it from then on, and frees it with itself;
 * NULL goes back to keeping suspended executions in this process). Needs a
 * suspension key. Set it before executions suspend. */
NX_API nx_code_t nx_runtime_set_store(nx_runtime_t *rt, nx_store_t *store);

/* Takes the execution waiting on suspension_id out of rt's store (exactly
 * once) and makes it wait in rt, as nx_import does with bytes: *out is the
 * whole execution so far, *recording its recording if it is being
 * recorded. NX_E_INVALID_ARGUMENT when the store has no execution waiting
 * on that id, NX_E_STORE_UNAVAILABLE when it does not answer (then the
 * execution stays in it). For a host that wants the whole execution so
 * far; nx_resume takes from the store by itself. */
NX_API nx_code_t nx_import_stored(nx_runtime_t *rt, const char *suspension_id,
                                  nx_recording_t **recording, nx_result_t **out);

/* When rt has a store and a suspended execution could not be put into it,
 * why (the execution then waits in this process, as with no store, until
 * its TTL); NULL otherwise. Owner: the result. */
NX_API const char *nx_result_store_error(const nx_result_t *r);

/* ---- statistics and metrics ---------------------------------------------------------------- */

typedef struct nx_stats {
    uint64_t executions;        /* execute + resume calls finished */
    uint64_t successes, errors, suspensions;
    uint64_t errors_by_code[32];/* indexed by nx_code_t, NX_CODE_COUNT used */
    uint64_t host_calls;
    uint64_t cache_entries, cache_bytes, cache_hits, cache_misses, compilations;
    uint64_t instances_idle, instances_busy, instances_suspended, instances_created;
    uint64_t memory_bytes;      /* guest memory of all live instances */
    uint64_t peak_memory_bytes;
    uint64_t pending_suspensions;
    bool dirty_page_restore;    /* false: full-copy restore (older kernels) */
    uint64_t reserved[16];      /* zero; for counters added later */
} nx_stats_t;

NX_API void nx_runtime_stats(nx_runtime_t *rt, nx_stats_t *out);

/* Prometheus text exposition (nexus_ prefix). Owner: caller, nx_free. */
NX_API nx_code_t nx_runtime_prometheus(nx_runtime_t *rt, char **text);

/* ---- capability inference ---------------------------------------------------------------- */

/* Suggests the capability tokens source needs, sorted and unique. Dynamic
 * access (computed keys) suggests the wildcard. Owner: caller, free with
 * nx_strings_free(*tokens, *count). */
NX_API nx_code_t nx_infer_capabilities(const char *source, size_t len, char ***tokens, size_t *count);
NX_API void nx_strings_free(char **strings, size_t count);

#ifdef __cplusplus
}
#endif

#endif /* NEXUS_H */
