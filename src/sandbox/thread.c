/* thread.c - per-thread sandbox state, the trap boundary, the fault and
 * deadline signal handlers (thread.h; deadlines are armed in deadline.c).
 *
 * In the Segue build the signal handlers run with whatever GS base the
 * thread had when the signal came (the guest's, inside guest code and host
 * imports): they use only FS-based thread-locals and never GS, and a trap's
 * siglongjmp lands in nx_thread_call, which puts the caller's GS back. */
#include "sandbox/thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sandbox/segue.h"
#include "wasm-rt.h"

#define ALT_STACK_BYTES (256 * 1024)
/* A stack overflow faults just below the stack's lowest usable address; a
 * large frame may jump further, so accept faults this far below it. */
#define STACK_FAULT_WINDOW (1024 * 1024)

/* initial-exec: reading it from a signal handler must never allocate */
static __thread nx_thread_t *tls_thread __attribute__((tls_model("initial-exec")));

static pthread_key_t g_thread_key;
static pthread_once_t g_key_once = PTHREAD_ONCE_INIT;
static pthread_once_t g_signals_once = PTHREAD_ONCE_INIT;
static int g_signals_ok;
static struct sigaction g_prev_segv, g_prev_bus;

/* ---- signal handlers ------------------------------------------------------- */

static void chain(int sig, siginfo_t *si, void *uc, const struct sigaction *prev)
{
    if (prev->sa_flags & SA_SIGINFO) {
        if (prev->sa_sigaction) {
            prev->sa_sigaction(sig, si, uc);
            return;
        }
    } else if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
        prev->sa_handler(sig);
        return;
    }
    /* nobody else wanted it: restore the default; the fault repeats and
     * ends the process the usual way */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
}

static bool is_guest_fault(const nx_thread_t *t, uintptr_t addr)
{
    if (!t || !t->in_guest || !t->trap_target)
        return false;
    return addr >= (uintptr_t)t->guard_lo && addr < (uintptr_t)t->guard_hi;
}

static bool is_stack_overflow(const nx_thread_t *t, uintptr_t addr)
{
    if (!t || !t->in_guest || !t->trap_target || !t->stack_lo)
        return false;
    return addr < t->stack_lo + 4096 && addr + STACK_FAULT_WINDOW >= t->stack_lo;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    nx_thread_t *t = tls_thread;
    uintptr_t addr = (uintptr_t)si->si_addr;
    if (is_guest_fault(t, addr))
        siglongjmp(*t->trap_target, WASM_RT_TRAP_OOB);
    if (is_stack_overflow(t, addr))
        siglongjmp(*t->trap_target, WASM_RT_TRAP_EXHAUSTION);
    chain(sig, si, uc, sig == SIGBUS ? &g_prev_bus : &g_prev_segv);
}

static void on_deadline(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)uc;
    nx_thread_t *t = tls_thread;
    /* only the watchdog's signal for the execution running now counts */
    uint64_t deadline = t ? atomic_load(&t->deadline_ns) : 0;
    if (!deadline || si->si_code != SI_QUEUE ||
        (uint64_t)(uintptr_t)si->si_value.sival_ptr != deadline)
        return;
    if (++t->expirations == 1) {
        /* graceful: QuickJS's interrupt handler polls this flag */
        if (t->interrupt_flag)
            *t->interrupt_flag = 1;
        return;
    }
    if (t->in_guest && t->trap_target)
        siglongjmp(*t->trap_target, NX_TRAP_DEADLINE);
    t->stop_pending = 1; /* inside a host import: stop when it returns */
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    /* SA_NODEFER: leaving a handler by siglongjmp must not leave the signal
     * blocked, and it lets the boundary skip saving the signal mask. */
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sa.sa_sigaction = on_fault;
    if (sigaction(SIGSEGV, &sa, &g_prev_segv) || sigaction(SIGBUS, &sa, &g_prev_bus))
        return;
    sa.sa_flags |= SA_RESTART;
    sa.sa_sigaction = on_deadline;
    if (sigaction(nx_deadline_signal(), &sa, NULL))
        return;
    g_signals_ok = 1;
}

int nx_signals_install(void)
{
    pthread_once(&g_signals_once, install_signals);
    return g_signals_ok ? 0 : -1;
}

/* ---- per-thread state ---------------------------------------------------------- */

static void thread_destroy(void *p)
{
    nx_thread_t *t = p;
    if (t->on_destroy)
        t->on_destroy(t);
    if (t->alt_stack) {
        stack_t off = { .ss_flags = SS_DISABLE };
        sigaltstack(&off, NULL);
        munmap(t->alt_stack, t->alt_stack_size);
    }
    if (tls_thread == t)
        tls_thread = NULL;
    free(t);
}

static void make_key(void) { pthread_key_create(&g_thread_key, thread_destroy); }

static void find_stack(nx_thread_t *t)
{
    pthread_attr_t attr;
    void *addr;
    size_t size;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
        return;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
        t->stack_lo = (uintptr_t)addr;
        t->stack_hi = (uintptr_t)addr + size;
    }
    pthread_attr_destroy(&attr);
}

/* Handlers run on an alternate stack (a stack overflow leaves none). Keep
 * one the thread already has (AddressSanitizer, a runtime's own). */
static int ensure_alt_stack(nx_thread_t *t)
{
    stack_t cur;
    if (sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE) && cur.ss_size >= 64 * 1024)
        return 0;
    void *mem = mmap(NULL, ALT_STACK_BYTES, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return -1;
    stack_t ss = { .ss_sp = mem, .ss_size = ALT_STACK_BYTES, .ss_flags = 0 };
    if (sigaltstack(&ss, NULL) != 0) {
        munmap(mem, ALT_STACK_BYTES);
        return -1;
    }
    t->alt_stack = mem;
    t->alt_stack_size = ALT_STACK_BYTES;
    return 0;
}

nx_thread_t *nx_thread_current(void) { return tls_thread; }

nx_thread_t *nx_thread_get(void)
{
    nx_thread_t *t = tls_thread;
    if (t)
        return t;
    if (nx_signals_install() != 0 || nx_segue_init() != 0)
        return NULL;
    pthread_once(&g_key_once, make_key);
    t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    find_stack(t);
    if (ensure_alt_stack(t) != 0 || pthread_setspecific(g_thread_key, t) != 0) {
        thread_destroy(t);
        return NULL;
    }
    tls_thread = t;
    return t;
}

/* ---- the trap boundary ------------------------------------------------------------ */

int nx_thread_call(nx_thread_t *t, nx_guest_entry_fn fn, void *guest, uint32_t arg,
                   const uint8_t *guard_lo, const uint8_t *guard_hi, uint32_t *ret)
{
    sigjmp_buf boundary;
    /* the caller's, put back on the way out; not written after sigsetjmp,
     * so a siglongjmp leaves them intact */
    sigjmp_buf *const outer = t->trap_target;
    const uint8_t *const outer_lo = t->guard_lo, *const outer_hi = t->guard_hi;
    const uintptr_t outer_base = t->segue_base, base = (uintptr_t)guard_lo;
    uintptr_t caller_gs;
    if (nx_segue_enter(base, &caller_gs) != 0)
        return NX_TRAP_SEGUE;
    t->guard_lo = guard_lo;
    t->guard_hi = guard_hi;
    t->segue_base = base;
    /* no mask saving: handlers use SA_NODEFER, so a trap leaves the mask
     * as it was, and the fast path makes no system call */
    int code = sigsetjmp(boundary, 0);
    if (code == 0) {
        t->trap_target = &boundary;
        t->in_guest = 1;
        *ret = fn(guest, arg);
        t->in_guest = 0;
    } else {
        t->in_guest = 0;
        t->stop_pending = 0;
    }
    t->trap_target = outer;
    t->guard_lo = outer_lo;
    t->guard_hi = outer_hi;
    t->segue_base = outer_base;
    nx_segue_leave(base, caller_gs);
    return code;
}


/* Called by the generated code (through wasm_rt_trap) on any trap. */
void nx_thread_trap(int code)
{
    nx_thread_t *t = tls_thread;
    if (t && t->trap_target) {
        t->in_guest = 0;
        siglongjmp(*t->trap_target, code);
    }
    /* a trap outside any boundary is a bug in Nexus: say so, then crash */
    static const char msg[] = "nexus: a WebAssembly trap outside any guest call; aborting\n";
    (void)!write(2, msg, sizeof msg - 1);
    abort();
}

