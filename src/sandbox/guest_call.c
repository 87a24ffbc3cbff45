/* guest_call.c - one call into a guest, with the sandbox's mechanics
 * around it (guest_call.h). */
#include "sandbox/guest_call.h"

#include <string.h>

#include "common/clock.h"
#include "sandbox/memory.h"

bool nx_guest_call_active(void)
{
    nx_thread_t *t = nx_thread_current();
    return t && (t->in_guest || t->trap_target);
}

nx_code_t nx_guest_call(nx_instance_t *inst, nx_guest_export_t which, const void *input,
                        size_t len, uint32_t timeout_ms, uint32_t memory_mb,
                        nx_guest_call_facts_t *facts, const char **why)
{
    memset(facts, 0, sizeof *facts);
    nx_thread_t *t = nx_thread_get();
    if (!t) {
        *why = "cannot prepare this thread for guest code";
        return NX_E_INTERNAL_ERROR;
    }
    if (t->in_guest || t->trap_target) {
        *why = "an execution cannot start inside another on the same thread";
        return NX_E_INVALID_ARGUMENT;
    }
    nx_instance_set_page_cap(inst, memory_mb * (1024 * 1024 / NX_WASM_PAGE_BYTES));
    t->memory_cap_hit = false;
    nx_code_t code = nx_instance_write_input(inst, input, len);
    if (code != NX_OK) {
        *why = "the input does not fit in guest memory";
        return code;
    }
    if (nx_deadline_arm(t, timeout_ms, NX_DEADLINE_GRACE_MS, nx_instance_interrupt_flag(inst)) != 0) {
        *why = "cannot arm the deadline (the watchdog thread did not start)";
        return NX_E_INTERNAL_ERROR;
    }
    uint64_t t0 = nx_clock_ns(), cpu0 = nx_thread_cpu_ns();
    facts->trap = nx_instance_call(inst, t, which, (uint32_t)len, &facts->ret);
    facts->guest_cpu_ns = nx_thread_cpu_ns() - cpu0;
    facts->guest_ns = nx_clock_ns() - t0;
    facts->deadline_passed = nx_deadline_disarm(t);
    facts->memory_cap_hit = t->memory_cap_hit;
    facts->memory_bytes = nx_instance_memory_bytes(inst);
    return NX_OK;
}
