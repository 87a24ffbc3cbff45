/* outcome.h - what an execution's segment ended with, decided from facts.
 * These pure functions are the table that decides what an untrusted
 * handler can claim: TIMEOUT and MEMORY_LIMIT come only from the host's own
 * observations (the deadline, the memory cap, a trap), a spent instruction
 * budget outranks them all (it is the one limit that ends a handler at the
 * same point on every run), and a handler's
 * uncaught error keeps its own .code only for codes the API itself throws.
 * tests/test_outcome.c checks every row. */
#ifndef NEXUS_EXECUTION_OUTCOME_H
#define NEXUS_EXECUTION_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nexus.h"

/* The status the guest reported, if it reported one the host could read. */
typedef enum nx_report_status {
    NX_REPORT_NONE,          /* no report, a malformed one, or one too large */
    NX_REPORT_OK,
    NX_REPORT_ERROR,         /* with an error map */
    NX_REPORT_PENDING,
    NX_REPORT_UNKNOWN        /* a status the host does not know */
} nx_report_status_t;

typedef struct nx_segment_facts {
    bool compiling;          /* the compile export, not run or resume */
    int trap;                /* from the guest call: 0 or the trap code */
    bool deadline_passed;
    bool memory_cap_hit;
    bool guest_failed;       /* the export returned NX_GUEST_FAILED */
    bool guest_pending;      /* the export returned NX_GUEST_PENDING */
    nx_report_status_t report;
    bool report_too_large;   /* the guest tried to report more than allowed */
    size_t pending_calls;    /* extension calls the host deferred */
    bool instructions_over;  /* the guest's count passed max_instructions */
    uint32_t timeout_ms, memory_mb, max_instructions; /* the limits, for messages */
} nx_segment_facts_t;

typedef enum nx_verdict_kind {
    NX_VERDICT_SUCCESS,      /* the report's value (or bytecode) stands */
    NX_VERDICT_SUSPENDED,    /* waiting for the deferred calls */
    NX_VERDICT_GUEST_ERROR,  /* the handler's own error, classified with
                                nx_outcome_error_code unless code is set */
    NX_VERDICT_HOST_ERROR    /* an error only the host establishes */
} nx_verdict_kind_t;

typedef struct nx_verdict {
    nx_verdict_kind_t kind;
    nx_code_t code;          /* HOST_ERROR: the code; GUEST_ERROR: a code
                                forced on the handler's error, or NX_OK */
    bool trapped;            /* the instance must not be reused as is */
    char message[192];       /* HOST_ERROR (and a forced GUEST_ERROR) */
} nx_verdict_t;

/* Decides how a segment ended. */
void nx_outcome_decide(const nx_segment_facts_t *facts, nx_verdict_t *out);

/* The code of a trap: TIMEOUT (the deadline's stop), MEMORY_LIMIT (a
 * refused memory.grow, or any trap once the cap was hit), RESOURCE_LIMIT
 * (call stack exhausted) or WASM_ERROR; *what describes it. */
nx_code_t nx_outcome_trap_code(int trap, bool memory_cap_hit, const char **what);

/* True for codes a handler's uncaught error may carry as its own (.code):
 * the ones the API throws into the handler. */
bool nx_outcome_handler_may_claim(nx_code_t code);

/* The code of a handler's uncaught error from its name, message and .code
 * (each may be NULL). */
nx_code_t nx_outcome_error_code(const char *name, const char *message, const char *code_name);

#endif
