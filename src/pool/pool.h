/* pool.h - the instance pool: a bounded number of sandboxes (the runtime's
 * concurrency limit, counting running and suspended ones), some created at
 * start, reused last-in first-out (the most recently used instance has the
 * warmest caches), each restored to the snapshot when released. An
 * exhausted pool makes callers wait up to a deadline. */
#ifndef NEXUS_POOL_H
#define NEXUS_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "nexus.h"
#include "sandbox/instance.h"

typedef struct nx_pool {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    const nx_snapshot_t *snapshot;
    nx_instance_t *idle;          /* LIFO stack */
    uint32_t max;                 /* idle + busy + suspended + being created */
    uint32_t idle_count, busy_count, suspended_count, creating;
    uint64_t created;
    bool closed;
} nx_pool_t;

typedef struct nx_pool_stats {
    uint32_t idle, busy, suspended;
    uint64_t created;
    uint64_t memory_bytes;        /* linear memory of idle + busy + suspended */
} nx_pool_stats_t;

nx_code_t nx_pool_init(nx_pool_t *pool, const nx_snapshot_t *snapshot, uint32_t max,
                       uint32_t prewarm);
/* Frees every idle instance; busy and suspended ones are the caller's to
 * release first (see nx_pool_wait_idle). */
void nx_pool_destroy(nx_pool_t *pool);

/* Takes an idle instance (or creates one under the limit), waiting up to
 * wait_ms. NX_E_RESOURCE_LIMIT when none came free; NX_E_INVALID_ARGUMENT
 * once the pool is closed. */
nx_code_t nx_pool_acquire(nx_pool_t *pool, uint32_t wait_ms, nx_instance_t **out);
/* Restores inst and makes it idle again. */
void nx_pool_release(nx_pool_t *pool, nx_instance_t *inst);
/* Moves a busy instance to suspended and back. */
void nx_pool_park(nx_pool_t *pool);
void nx_pool_unpark(nx_pool_t *pool);

/* Refuses new acquisitions and wakes every waiter. */
void nx_pool_close(nx_pool_t *pool);
/* Waits until no instance is busy. */
void nx_pool_wait_idle(nx_pool_t *pool);

void nx_pool_get_stats(nx_pool_t *pool, nx_pool_stats_t *out);

#endif
