/* segue-probe.c - does this machine want the Segue build? (scripts/segue-probe.sh)
 *
 * Segue trades a register and the base reloads of every guest memory
 * access for a %gs: prefix. On CPUs that take the fast address-generation
 * path only when the segment base is zero (Intel since at least Skylake),
 * a load through a non-zero GS base is about 1-2 cycles slower to its
 * first use, and QuickJS's interpreter is a chain of dependent loads
 * (program counter, opcode, value stack): there the plain build is faster
 * (docs/performance.md has the figures). This times the same dependent
 * chain of 4-byte loads, once as base + index and once as %gs:index with
 * the base in GS, best of 15 rounds each, and prints
 *
 *   <0|1> <gs/base ratio> <wrgsbase|arch_prctl>
 *
 * 1 when the kernel lets user space write GS with wrgsbase (AT_HWCAP2)
 * and GS-relative loads are at most 10% slower (the penalty, where it exists,
 * is 20% or more; the margin is for a busy machine); 0 otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <time.h>

#define SLOTS 4096
#define LOADS 2000000L
#define ROUNDS 15

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double chase_base_index(const uint32_t *base)
{
    uint32_t at = 0;
    double t0 = now_ns();
    for (long i = 0; i < LOADS; i++)
        __asm__ volatile("movl (%1,%q0), %0" : "+r"(at) : "r"(base));
    return (now_ns() - t0) / LOADS;
}

static double chase_gs(void)
{
    uint32_t at = 0;
    double t0 = now_ns();
    for (long i = 0; i < LOADS; i++)
        __asm__ volatile("movl %%gs:(%q0), %0" : "+r"(at));
    return (now_ns() - t0) / LOADS;
}

int main(void)
{
    int wrgsbase = (getauxval(AT_HWCAP2) & 2) != 0;
    if (!wrgsbase) {
        printf("0 0 arch_prctl\n");
        return 0;
    }
    uint32_t *chain = aligned_alloc(4096, SLOTS * sizeof *chain);
    if (!chain)
        return 1;
    for (uint32_t i = 0; i < SLOTS; i++) /* a cycle through every slot */
        chain[i] = (uint32_t)(((i * 1031u + 7u) % SLOTS) * sizeof *chain);
    uintptr_t saved;
    __asm__ volatile("rdgsbase %0" : "=r"(saved));
    __asm__ volatile("wrgsbase %0" : : "r"((uintptr_t)chain) : "memory");
    double best_base = 1e9, best_gs = 1e9;
    for (int r = 0; r < ROUNDS; r++) {
        double b = chase_base_index(chain), g = chase_gs();
        best_base = b < best_base ? b : best_base;
        best_gs = g < best_gs ? g : best_gs;
    }
    __asm__ volatile("wrgsbase %0" : : "r"(saved) : "memory");
    double ratio = best_gs / best_base;
    printf("%d %.2f wrgsbase\n", ratio <= 1.10, ratio);
    free(chain);
    return 0;
}
