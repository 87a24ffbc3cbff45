/* guest_call.h - one call into a guest instance with everything the
 * sandbox does around it (the calling thread prepared for guest code, the
 * memory cap set, the input written, the deadline armed and disarmed, the
 * trap boundary) and the facts the host learns from it. What those facts
 * mean for the execution is decided above, in execution/outcome.c. */
#ifndef NEXUS_SANDBOX_GUEST_CALL_H
#define NEXUS_SANDBOX_GUEST_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nexus.h"
#include "sandbox/instance.h"

/* After the deadline, guest code gets this long to notice the interrupt
 * flag before it is trapped out (a built-in that never polls the flag,
 * such as the regular-expression engine, needs the trap). */
#define NX_DEADLINE_GRACE_MS 50

/* What the host knows after a guest call, from its own observation (none
 * of it is the guest's claim). */
typedef struct nx_guest_call_facts {
    int trap;                /* 0, or wasm_rt_trap_t / NX_TRAP_* */
    bool deadline_passed;    /* the deadline passed while the guest ran */
    bool memory_cap_hit;     /* a memory.grow was refused at the cap */
    uint32_t ret;            /* the export's return value (no trap) */
    uint64_t memory_bytes;   /* linear memory when the call ended */
    uint64_t guest_ns;       /* wall time spent inside the call */
    uint64_t guest_cpu_ns;   /* this thread's CPU time inside the call (host
                                calls the guest made included) */
} nx_guest_call_facts_t;

/* Calls export which of inst on the calling thread with input, under
 * timeout_ms (then the interrupt flag, then a trap) and a memory cap of
 * memory_mb. NX_OK: the guest ran, *facts says how it ended. Otherwise
 * the guest was not called: NX_E_INVALID_ARGUMENT when this thread is
 * already running guest code (a host callback starting an execution),
 * NX_E_RESOURCE_LIMIT when the input does not fit in guest memory,
 * NX_E_INTERNAL_ERROR when the thread or the watchdog cannot be set up;
 * *why then names the reason (static storage). The instance must be
 * restored after a call that trapped. */
nx_code_t nx_guest_call(nx_instance_t *inst, nx_guest_export_t which, const void *input,
                        size_t len, uint32_t timeout_ms, uint32_t memory_mb,
                        nx_guest_call_facts_t *facts, const char **why);

/* True when the calling thread is running guest code, or a host callback
 * that guest code made: no other execution may start on it. */
bool nx_guest_call_active(void);

#endif
