/* execution.h - the execution layer: running a handler from its first
 * execute to the result that ends it, across suspensions. The public entry
 * points (nx_execute, nx_execute_handler, nx_precompile, nx_resume,
 * nx_cancel) live in execute.c, compile.c and resume.c; this header is what
 * those files share, and what the layers above (the runtime, the replay
 * driver) call.
 *
 * Effects (docs/api.md): a successful or suspended result carries the state
 * mutations, events, view commands and logs produced since the previous
 * result of the same execution; a failed result carries only the logs - a
 * handler's effects are all or nothing. */
#ifndef NEXUS_EXECUTION_H
#define NEXUS_EXECUTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache/cache.h"
#include "hostcalls/execution_state.h"
#include "nexus.h"
#include "runtime/runtime.h"

struct nx_recorder;

struct nx_handler {
    nx_runtime_t *rt;
    nx_blob_t *bytecode;
    char *source;
    size_t source_len;
    char id[2 * NX_CACHE_KEY_BYTES + 1];
};

/* ---- for the layers above --------------------------------------------------------------- */

/* nx_execute with an optional recorder attached to the execution (which
 * takes it over: it ends with the execution). */
nx_code_t nx_execute_source(nx_runtime_t *rt, const char *source, size_t len,
                            const nx_context_t *ctx, struct nx_recorder *recorder,
                            nx_result_t **out);

/* Drops expired suspended executions (every one when all). */
void nx_execution_expire(nx_runtime_t *rt, bool all);

/* ---- shared by execute.c, compile.c and resume.c ----------------------------------------- */

typedef enum nx_segment_end {
    NX_SEGMENT_DONE,          /* success or error: the execution ends */
    NX_SEGMENT_SUSPENDED,     /* waiting for deferred extension calls */
    NX_SEGMENT_TRAPPED        /* ended, and the instance is not reusable as is */
} nx_segment_end_t;

/* Runs export which of e's instance with input, within what is left of
 * e's time limits; the outcome lands in e->out (status, value or error;
 * effects were recorded by host calls). */
nx_segment_end_t nx_segment_run(nx_exec_t *e, nx_guest_export_t which, const uint8_t *input,
                                size_t len);

/* Settles a segment: completes e->out, then parks the execution (when
 * suspended) or releases its instance and frees it. Returns the result. */
nx_result_t *nx_segment_finish(nx_runtime_t *rt, nx_exec_t *e, nx_segment_end_t end,
                               uint64_t started_us);

/* Frees a suspended execution taken out of the suspension table and
 * returns its instance to the pool. */
void nx_execution_drop(nx_runtime_t *rt, nx_exec_t *e);

/* ---- the store (durable.c) ----------------------------------------------------------------- */

/* With a store: exports suspended e (busy on its instance) into it, frees
 * e and releases its instance; true when done. False when rt has no store
 * or the store could not take it (then r says why, and e is untouched). */
bool nx_durable_store(nx_runtime_t *rt, nx_exec_t *e, nx_result_t *r);
/* Takes the execution waiting on id from the store, on an instance of
 * this runtime, marked taken. NX_E_INVALID_ARGUMENT when the store has no
 * execution waiting on id; NX_E_STORE_UNAVAILABLE (err says why); NX_OK
 * with *deadline_passed set and *out NULL when its overall deadline
 * passed while it waited. */
nx_code_t nx_durable_take(nx_runtime_t *rt, const char *id, nx_exec_t **out, uint32_t *deadline_passed,
                          char *err, size_t err_size);
/* Gives an execution taken from the store back to it (parked here when
 * the store cannot take it). */
void nx_durable_return(nx_runtime_t *rt, nx_exec_t *e);

/* Bytecode for source: from the cache, or compiled (under limits) and
 * cached. On failure *error holds a result saying why and *handler_fault
 * tells a failure the source caused (a syntax error, a limit the compile
 * hit) from one of the call. *compile_us and *compile_guest_ns are 0 on a
 * cache hit. */
nx_code_t nx_bytecode_for(nx_runtime_t *rt, const char *source, size_t len,
                          const nx_limits_t *limits, nx_blob_t **out, nx_result_t **error,
                          bool *handler_fault, uint8_t key[NX_CACHE_KEY_BYTES],
                          uint64_t *compile_us, uint64_t *compile_guest_ns);

/* *out = an error result with msg (when out is not NULL); returns code. */
nx_code_t nx_execution_fail(nx_result_t **out, nx_code_t code, const char *msg);

/* The checks every entry point makes before taking anything: arguments,
 * shut down, nested on a host callback's thread. */
nx_code_t nx_execution_check_call(nx_runtime_t *rt, bool args_ok, nx_result_t **out);

#endif
