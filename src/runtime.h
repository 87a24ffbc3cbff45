/* runtime.h - the runtime's parts, for the modules that work with them:
 * configuration, the snapshot, the instance pool, the bytecode cache, the
 * registry of extensions and interfaces, the suspension table, metrics and
 * interceptors. */
#ifndef NEXUS_RUNTIME_H
#define NEXUS_RUNTIME_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cache.h"
#include "metrics.h"
#include "nexus.h"
#include "pool.h"
#include "registry.h"
#include "sandbox/instance.h"
#include "suspensions.h"

/* After the deadline, guest code gets this long to notice the interrupt
 * flag before it is trapped out (a built-in that never polls the flag,
 * such as the regular-expression engine, needs the trap). */
#define NX_DEADLINE_GRACE_MS 50

typedef struct nx_interceptor {
    int id;
    nx_interceptor_fn before, after;
    void *user_data;
} nx_interceptor_t;

struct nx_runtime {
    nx_config_t config;
    char *cache_dir;
    char engine_id[128];
    nx_snapshot_t *snapshot;
    nx_pool_t pool;
    nx_cache_t *cache;
    nx_registry_t *registry;
    nx_suspensions_t suspensions;
    nx_metrics_agg_t metrics;

    pthread_rwlock_t interceptors_lock;
    nx_interceptor_t *interceptors;
    size_t interceptor_count;
    int next_interceptor_id;
    atomic_bool intercepted;        /* any interceptor installed */

    atomic_uint_fast64_t id_counter;
    uint64_t id_nonce;
    atomic_bool shut_down;
};

/* Writes a new unique id (suspension ids) into buf. */
void nx_runtime_new_id(nx_runtime_t *rt, char *buf, size_t size);

/* Drops expired suspended executions (all of them when all). */
void nx_runtime_expire(nx_runtime_t *rt, bool all);

struct nx_recorder;
/* nx_execute, with an optional recorder attached to the execution. */
nx_code_t nx_execute_source(nx_runtime_t *rt, const char *source, size_t len,
                            const nx_context_t *ctx, struct nx_recorder *recorder,
                            nx_result_t **out);

#endif
