/* segue.c - choosing how the Segue build writes the GS base (segue.h), and
 * the symbol that keeps a Segue guest object from being linked without
 * this code. */
#include "sandbox/segue.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if NX_SEGUE
#include <asm/prctl.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1) /* arch/x86/include/uapi/asm/hwcap2.h */
#endif

/* Referenced by every Segue guest object (segue_access.h): linking one
 * into a library built without NX_SEGUE fails instead of running guest
 * code whose %gs: accesses nobody set up. */
const int nx_segue_abi_1 = 1;

nx_segue_mode_t nx_segue_mode_chosen = NX_SEGUE_OFF;

int nx_segue_syscall_read(uintptr_t *base)
{
    unsigned long value = 0;
    if (syscall(SYS_arch_prctl, ARCH_GET_GS, &value) != 0)
        return -1;
    *base = (uintptr_t)value;
    return 0;
}

int nx_segue_syscall_write(uintptr_t base)
{
    return syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)base) == 0 ? 0 : -1;
}

static nx_segue_mode_t choose(void)
{
    const char *forced = getenv("NEXUS_SEGUE");
    bool syscall_forced = forced && strcmp(forced, "syscall") == 0;
    if (!syscall_forced && (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE))
        return NX_SEGUE_WRGSBASE;
    uintptr_t ignored;
    return nx_segue_syscall_read(&ignored) == 0 ? NX_SEGUE_SYSCALL : NX_SEGUE_UNAVAILABLE;
}

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static void init_once(void) { nx_segue_mode_chosen = choose(); }

int nx_segue_init(void)
{
    pthread_once(&g_once, init_once);
    return nx_segue_mode_chosen == NX_SEGUE_UNAVAILABLE ? -1 : 0;
}

nx_segue_mode_t nx_segue_mode(void) { return nx_segue_mode_chosen; }

#else

int nx_segue_init(void) { return 0; }
nx_segue_mode_t nx_segue_mode(void) { return NX_SEGUE_OFF; }

#endif

const char *nx_segue_mode_name(nx_segue_mode_t mode)
{
    switch (mode) {
    case NX_SEGUE_OFF: return "off";
    case NX_SEGUE_WRGSBASE: return "wrgsbase";
    case NX_SEGUE_SYSCALL: return "arch_prctl";
    case NX_SEGUE_UNAVAILABLE: return "unavailable";
    }
    return "unknown";
}
