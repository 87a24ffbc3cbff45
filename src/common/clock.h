/* clock.h - the clocks the library reads: monotonic time for durations,
 * deadlines and expiry, thread CPU time for the guest's metrics,
 * wall-clock time for what a handler or a log sees.
 * One place, so that every duration is measured the same way. */
#ifndef NEXUS_COMMON_CLOCK_H
#define NEXUS_COMMON_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t nx_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t nx_clock_us(void) { return nx_clock_ns() / 1000u; }
static inline uint64_t nx_clock_ms(void) { return nx_clock_ns() / 1000000u; }

/* CPU time of the calling thread. A system call (about 0.17 us here, not
 * in the vDSO): read it per guest call, not per host call. */
static inline uint64_t nx_thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Unix epoch milliseconds (Date.now, log timestamps). */
static inline double nx_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Unix epoch nanoseconds (the guest's WASI realtime clock). */
static inline uint64_t nx_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
