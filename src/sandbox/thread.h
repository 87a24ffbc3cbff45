/* thread.h - what every thread that runs guest code carries, and the two
 * signal handlers that read it.
 *
 * Guest code runs on the caller's own thread. While it runs, a fault on a
 * guard page of the instance's memory or on the thread's stack guard turns
 * into a trap (a siglongjmp back to nx_thread_call's boundary); any other
 * fault is passed on to whatever handled it before (the default crash,
 * AddressSanitizer, a debugger). The deadline signal (sent by deadline.c's
 * watchdog) first raises the guest's interrupt flag and, if the guest is
 * still running a grace period later, traps out of it - but never from
 * inside a host import: a stop that arrives there waits until the import
 * returns.
 */
#ifndef NEXUS_SANDBOX_THREAD_H
#define NEXUS_SANDBOX_THREAD_H

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "sandbox/segue.h"

/* Trap codes: wasm_rt_trap_t values, plus our own. */
#define NX_TRAP_DEADLINE 0x100  /* stopped after the deadline */
#define NX_TRAP_MEMORY 0x101    /* memory.grow past the memory cap */
#define NX_TRAP_SEGUE 0x102     /* the GS base could not be set (segue.h) */

typedef struct nx_thread {
    sigjmp_buf *trap_target;             /* boundary a trap jumps to */
    volatile sig_atomic_t in_guest;      /* guest code running (not an import) */
    volatile sig_atomic_t stop_pending;  /* hard stop waiting for an import */
    volatile sig_atomic_t expirations;   /* deadline signals since arming */
    volatile uint32_t *interrupt_flag;   /* the guest's flag, in its memory */
    const uint8_t *guard_lo, *guard_hi;  /* running instance's reservation */
    uintptr_t segue_base;                /* GS base guest code needs (segue.h) */
    uintptr_t stack_lo, stack_hi;        /* this thread's native stack */
    bool memory_cap_hit;                 /* a memory.grow was refused */
    /* deadline (deadline.c): CLOCK_MONOTONIC ns, 0 when none is armed; its
     * value also names the execution in the watchdog's signals */
    _Atomic uint64_t deadline_ns;
    _Atomic uint64_t grace_ns;
    uint64_t last_deadline;
    pthread_t self;
    bool wd_registered;
    struct nx_thread *wd_next, *wd_prev; /* watchdog's list, under its lock */
    uint64_t wd_deadline, wd_signal_at;  /* watchdog's own bookkeeping */
    void *alt_stack;
    size_t alt_stack_size;
    void (*on_destroy)(struct nx_thread *t); /* set by the watchdog's registration */
} nx_thread_t;

/* This thread's state, set up on first use (alternate signal stack, stack
 * bounds, a place on the deadline watchdog's list). NULL if that failed. */
nx_thread_t *nx_thread_get(void);
/* This thread's state if it has any, without setting it up. */
nx_thread_t *nx_thread_current(void);

/* Jumps to the current boundary with code (wasm_rt_trap lands here). */
void nx_thread_trap(int code) __attribute__((noreturn));

/* Installs the process-wide signal handlers once. Returns 0 or -1. */
int nx_signals_install(void);

/* Guest-code entry points have this shape once wrapped (see instance.c). */
typedef uint32_t (*nx_guest_entry_fn)(void *guest, uint32_t arg);

/* Calls fn(guest, arg) inside the trap boundary of thread t, with
 * [guard_lo, guard_hi) as the instance's memory reservation (guard_lo is
 * its linear memory's base: in the Segue build, the GS base while guest
 * code runs). Returns 0 and sets *ret, or returns the trap code. Whatever
 * the way out, the caller's trap boundary, reservation and GS base are as
 * they were (a host import may call guest code of another instance). */
int nx_thread_call(nx_thread_t *t, nx_guest_entry_fn fn, void *guest, uint32_t arg,
                   const uint8_t *guard_lo, const uint8_t *guard_hi, uint32_t *ret);

/* Host imports bracket their work with these, so that a deadline stop never
 * lands inside host code; leaving also makes sure GS still holds the
 * instance's memory base (segue.h). */
static inline void nx_thread_enter_host(nx_thread_t *t) { t->in_guest = 0; }
static inline void nx_thread_leave_host(nx_thread_t *t)
{
    nx_segue_reassert(t->segue_base);
    t->in_guest = 1;
    if (t->stop_pending) {
        t->stop_pending = 0;
        siglongjmp(*t->trap_target, NX_TRAP_DEADLINE);
    }
}

/* The signal the watchdog sends at a deadline. */
static inline int nx_deadline_signal(void) { return SIGRTMIN + 3; }

/* Puts t on the watchdog's list (starting the watchdog), and takes it off
 * (which the thread's end does by itself). nx_deadline_arm registers a
 * thread that is not yet. */
int nx_deadline_register(nx_thread_t *t);
void nx_deadline_unregister(nx_thread_t *t);

/* Arms the deadline: after timeout_ms the guest's interrupt flag is raised;
 * grace_ms later, a guest still running is trapped out (NX_TRAP_DEADLINE).
 * No system call unless the watchdog must wake earlier than planned. */
int nx_deadline_arm(nx_thread_t *t, uint32_t timeout_ms, uint32_t grace_ms,
                    volatile uint32_t *interrupt_flag);
/* Disarms it; returns true if the deadline had passed. */
bool nx_deadline_disarm(nx_thread_t *t);

#endif
