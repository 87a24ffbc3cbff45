/* random.h - unpredictable 64-bit numbers for the host: the Math.random
 * seed of every execution and the secret part of suspension ids. */
#ifndef NEXUS_RANDOM_H
#define NEXUS_RANDOM_H

#include <stdint.h>

/* From the kernel's generator (getrandom), drawn 16 numbers at a time per
 * thread, so most executions cost no system call. */
uint64_t nx_random_u64(void);

#endif
