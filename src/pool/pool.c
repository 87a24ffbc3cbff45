/* pool.c - the instance pool (pool.h). Instances are created and restored
 * outside the lock; the lock only guards the counts and the idle stack. */
#include "pool/pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

nx_code_t nx_pool_init(nx_pool_t *pool, const nx_snapshot_t *snapshot, uint32_t max,
                       uint32_t prewarm)
{
    *pool = (nx_pool_t){ .snapshot = snapshot, .max = max ? max : 1 };
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (pthread_mutex_init(&pool->lock, NULL) || pthread_cond_init(&pool->changed, &attr)) {
        pthread_condattr_destroy(&attr);
        return NX_E_INTERNAL_ERROR;
    }
    pthread_condattr_destroy(&attr);
    if (prewarm > pool->max)
        prewarm = pool->max;
    for (uint32_t i = 0; i < prewarm; i++) {
        nx_instance_t *inst;
        nx_code_t code = nx_instance_create(snapshot, &inst);
        if (code != NX_OK)
            return code;
        inst->next = pool->idle;
        pool->idle = inst;
        pool->idle_count++;
        pool->created++;
    }
    return NX_OK;
}

void nx_pool_destroy(nx_pool_t *pool)
{
    for (nx_instance_t *inst = pool->idle, *next; inst; inst = next) {
        next = inst->next;
        nx_instance_free(inst);
    }
    pool->idle = NULL;
    pool->idle_count = 0;
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->changed);
}

static uint32_t alive(const nx_pool_t *p)
{
    return p->idle_count + p->busy_count + p->suspended_count + p->creating;
}

static struct timespec deadline_after(uint32_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

nx_code_t nx_pool_acquire(nx_pool_t *pool, uint32_t wait_ms, nx_instance_t **out)
{
    *out = NULL;
    struct timespec deadline = deadline_after(wait_ms);
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        if (pool->closed) {
            pthread_mutex_unlock(&pool->lock);
            return NX_E_INVALID_ARGUMENT;
        }
        if (pool->idle) {
            nx_instance_t *inst = pool->idle;
            pool->idle = inst->next;
            pool->idle_count--;
            pool->busy_count++;
            pthread_mutex_unlock(&pool->lock);
            inst->next = NULL;
            *out = inst;
            return NX_OK;
        }
        if (alive(pool) < pool->max)
            break;
        if (pthread_cond_timedwait(&pool->changed, &pool->lock, &deadline) == ETIMEDOUT) {
            pthread_mutex_unlock(&pool->lock);
            return NX_E_RESOURCE_LIMIT;
        }
    }
    pool->creating++;
    pthread_mutex_unlock(&pool->lock);

    nx_instance_t *inst;
    nx_code_t code = nx_instance_create(pool->snapshot, &inst);
    pthread_mutex_lock(&pool->lock);
    pool->creating--;
    if (code == NX_OK) {
        pool->busy_count++;
        pool->created++;
    } else {
        pthread_cond_signal(&pool->changed);
    }
    pthread_mutex_unlock(&pool->lock);
    *out = code == NX_OK ? inst : NULL;
    return code;
}

void nx_pool_release(nx_pool_t *pool, nx_instance_t *inst)
{
    nx_instance_restore(inst);
    pthread_mutex_lock(&pool->lock);
    pool->busy_count--;
    if (pool->closed) {
        pthread_cond_broadcast(&pool->changed);
        pthread_mutex_unlock(&pool->lock);
        nx_instance_free(inst);
        return;
    }
    inst->next = pool->idle;
    pool->idle = inst;
    pool->idle_count++;
    pthread_cond_broadcast(&pool->changed);
    pthread_mutex_unlock(&pool->lock);
}

void nx_pool_park(nx_pool_t *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->busy_count--;
    pool->suspended_count++;
    pthread_cond_broadcast(&pool->changed);
    pthread_mutex_unlock(&pool->lock);
}

void nx_pool_unpark(nx_pool_t *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->suspended_count--;
    pool->busy_count++;
    pthread_mutex_unlock(&pool->lock);
}

void nx_pool_close(nx_pool_t *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->closed = true;
    pthread_cond_broadcast(&pool->changed);
    pthread_mutex_unlock(&pool->lock);
}

void nx_pool_wait_idle(nx_pool_t *pool)
{
    pthread_mutex_lock(&pool->lock);
    while (pool->busy_count > 0 || pool->creating > 0)
        pthread_cond_wait(&pool->changed, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

void nx_pool_get_stats(nx_pool_t *pool, nx_pool_stats_t *out)
{
    pthread_mutex_lock(&pool->lock);
    out->idle = pool->idle_count;
    out->busy = pool->busy_count;
    out->suspended = pool->suspended_count;
    out->created = pool->created;
    uint64_t bytes = 0;
    for (nx_instance_t *inst = pool->idle; inst; inst = inst->next)
        bytes += nx_instance_memory_bytes(inst);
    out->memory_bytes = bytes + (uint64_t)(out->busy + out->suspended) * nx_snapshot_size(pool->snapshot);
    pthread_mutex_unlock(&pool->lock);
}
