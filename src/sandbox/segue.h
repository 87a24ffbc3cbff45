/* segue.h - the guest's linear memory addressed through the GS segment base
 * (Segue), on the host side: choosing how GS is written, and the three
 * moments it is written (thread.c calls them).
 *
 * In the Segue build (NX_SEGUE=1, x86-64 Linux only) the generated guest
 * code reads and writes linear memory as %gs:address (segue_access.h), so
 * while guest code runs, the thread's GS base must be the running
 * instance's memory base. Around every guest call the caller's GS base is
 * read, the instance's installed if it differs, and the caller's put back
 * on every way out (return or trap). Host imports check on their way back
 * into guest code that GS still holds the instance's base.
 *
 * How GS is written is chosen once per process: rdgsbase/wrgsbase (a few
 * nanoseconds) where the kernel enables FSGSBASE for user space (AT_HWCAP2
 * bit 1, Linux 5.9+), arch_prctl(ARCH_GET_GS/ARCH_SET_GS) otherwise (a
 * system call each). NEXUS_SEGUE=syscall in the environment forces the
 * second, for tests.
 *
 * In the plain build (NX_SEGUE=0) every function here does nothing: the
 * generated code adds the memory base itself.
 */
#ifndef NEXUS_SANDBOX_SEGUE_H
#define NEXUS_SANDBOX_SEGUE_H

#include <stdbool.h>
#include <stdint.h>

#ifndef NX_SEGUE
#define NX_SEGUE 0
#endif
#if NX_SEGUE && !(defined(__x86_64__) && defined(__linux__))
#error "the Segue build (NX_SEGUE=1) needs x86-64 Linux; build with SEGUE=0"
#endif

typedef enum nx_segue_mode {
    NX_SEGUE_OFF,         /* plain build: GS is never touched */
    NX_SEGUE_WRGSBASE,    /* rdgsbase/wrgsbase */
    NX_SEGUE_SYSCALL,     /* arch_prctl(ARCH_GET_GS / ARCH_SET_GS) */
    NX_SEGUE_UNAVAILABLE  /* Segue build, but GS cannot be read (seccomp?) */
} nx_segue_mode_t;

/* Chooses the mode (once per process); returns 0, or -1 when guest code
 * cannot run on this machine (NX_SEGUE_UNAVAILABLE). */
int nx_segue_init(void);
/* The mode chosen (NX_SEGUE_OFF before nx_segue_init in a Segue build). */
nx_segue_mode_t nx_segue_mode(void);
/* "off", "wrgsbase", "arch_prctl", "unavailable". */
const char *nx_segue_mode_name(nx_segue_mode_t mode);

#if NX_SEGUE

extern nx_segue_mode_t nx_segue_mode_chosen;

int nx_segue_syscall_read(uintptr_t *base);
int nx_segue_syscall_write(uintptr_t base);

static inline uintptr_t nx_segue_rdgsbase(void)
{
    uintptr_t base;
    __asm__ volatile("rdgsbase %0" : "=r"(base));
    return base;
}

/* "memory": no access is moved across a change of what %gs: addresses */
static inline void nx_segue_wrgsbase(uintptr_t base)
{
    __asm__ volatile("wrgsbase %0" : : "r"(base) : "memory");
}

/* Before a guest call: installs base (unless it is 0: no memory yet) and
 * stores the caller's GS base in *caller. Returns 0, or -1 if GS could not
 * be read or written (then no guest code may run). */
static inline int nx_segue_enter(uintptr_t base, uintptr_t *caller)
{
    if (nx_segue_mode_chosen == NX_SEGUE_WRGSBASE) {
        *caller = nx_segue_rdgsbase();
        if (base && *caller != base)
            nx_segue_wrgsbase(base);
        return 0;
    }
    if (nx_segue_syscall_read(caller) != 0)
        return -1;
    return base && *caller != base ? nx_segue_syscall_write(base) : 0;
}

/* After a guest call, on every way out: puts the caller's GS base back.
 * base is what nx_segue_enter installed. */
static inline void nx_segue_leave(uintptr_t base, uintptr_t caller)
{
    if (nx_segue_mode_chosen == NX_SEGUE_WRGSBASE) {
        if (nx_segue_rdgsbase() != caller)
            nx_segue_wrgsbase(caller);
    } else if (base && caller != base) {
        nx_segue_syscall_write(caller); /* cannot fail once it has worked */
    }
}

/* A host import returning to guest code: if host code moved GS (another
 * Segue runtime, an embedder's callback), guest accesses would land at the
 * wrong base, so put the instance's back. A read costs ~4 ns with
 * rdgsbase; with system calls it would cost more than the import itself,
 * so that mode trusts host code to leave GS as it found it. */
static inline void nx_segue_reassert(uintptr_t base)
{
    if (nx_segue_mode_chosen == NX_SEGUE_WRGSBASE && base && nx_segue_rdgsbase() != base)
        nx_segue_wrgsbase(base);
}

#else

static inline int nx_segue_enter(uintptr_t base, uintptr_t *caller)
{
    (void)base;
    *caller = 0;
    return 0;
}
static inline void nx_segue_leave(uintptr_t base, uintptr_t caller) { (void)base; (void)caller; }
static inline void nx_segue_reassert(uintptr_t base) { (void)base; }

#endif

#endif
