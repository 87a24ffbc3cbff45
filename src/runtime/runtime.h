/* runtime.h - nx_runtime_t: what one runtime owns. The layers below read
 * its parts through this struct (the execution code its pool, cache and
 * suspension table; host calls, through the execution, its registry,
 * interceptors and ids) and never call back into runtime.c. */
#ifndef NEXUS_RUNTIME_H
#define NEXUS_RUNTIME_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cache/cache.h"
#include "common/ids.h"
#include "execution/suspended.h"
#include "metrics/metrics.h"
#include "nexus.h"
#include "pool/pool.h"
#include "registry/interceptors.h"
#include "registry/registry.h"
#include "sandbox/instance.h"

struct nx_runtime {
    nx_config_t config;               /* limits resolved: no zero field */
    char *cache_dir;
    char engine_id[128];
    nx_snapshot_t *snapshot;
    nx_pool_t pool;
    nx_cache_t *cache;
    nx_registry_t *registry;
    nx_interceptors_t interceptors;
    nx_ids_t ids;
    nx_suspensions_t suspensions;
    nx_metrics_agg_t metrics;
    nx_store_t *store;                /* where suspended executions wait, or
                                         NULL: in this process */
    uint8_t suspension_key[64];       /* HMAC key of exports */
    size_t suspension_key_len;        /* 0: exporting is off */
    atomic_bool shut_down;
};

#endif
