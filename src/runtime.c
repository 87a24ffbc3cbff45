/* runtime.c - nx_runtime_t: configuration, creation (guest initialised
 * once and snapshotted, pool prewarmed), shutdown, registrations,
 * interceptors, statistics. */
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "guest_id.h"
#include "random.h"
#include "sandbox/dirty.h"

void nx_config_init(nx_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->limits = (nx_limits_t){
        .timeout_ms = 5000,
        .memory_mb = 64,
        .max_host_calls = 10000,
        .max_value_bytes = 1u << 20,
        .max_log_bytes = 16u << 10,
        .max_events = 1000,
        .max_view_commands = 1000,
        .max_logs = 1000,
        .max_state_keys = 1000,
        .max_output_bytes = 16u << 20,
    };
    cfg->max_instances = 64;
    cfg->prewarm_instances = 2;
    cfg->acquire_timeout_ms = 1000;
    cfg->suspension_ttl_ms = 60000;
    cfg->cache_max_bytes = 64u << 20;
    cfg->cache_dir = NULL;
}

/* Limits the guest needs to start at all, and that keep arithmetic sane. */
static nx_code_t check_limits(const nx_limits_t *l)
{
    if (l->memory_mb && (l->memory_mb < 4 || l->memory_mb > 4096))
        return NX_E_INVALID_ARGUMENT;
    if (l->timeout_ms > 24u * 3600u * 1000u)
        return NX_E_INVALID_ARGUMENT;
    return NX_OK;
}

void nx_runtime_new_id(nx_runtime_t *rt, char *buf, size_t size)
{
    uint64_t n = atomic_fetch_add(&rt->id_counter, 1);
    /* the counter makes ids unique; 64 random bits make them unguessable,
     * so that one id gives nothing away about another */
    uint64_t secret = nx_random_u64() ^ rt->id_nonce;
    snprintf(buf, size, "sx-%016llx-%llu", (unsigned long long)secret, (unsigned long long)n);
}

static void free_parts(nx_runtime_t *rt)
{
    nx_pool_destroy(&rt->pool);
    nx_snapshot_free(rt->snapshot);
    nx_cache_free(rt->cache);
    nx_registry_free(rt->registry);
    nx_suspensions_destroy(&rt->suspensions);
    nx_metrics_destroy(&rt->metrics);
    pthread_rwlock_destroy(&rt->interceptors_lock);
    free(rt->interceptors);
    free(rt->cache_dir);
    free(rt);
}

nx_code_t nx_runtime_create(const nx_config_t *cfg, nx_runtime_t **out)
{
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    nx_config_t defaults;
    nx_config_init(&defaults);
    if (!cfg)
        cfg = &defaults;
    if (check_limits(&cfg->limits) != NX_OK)
        return NX_E_INVALID_ARGUMENT;

    nx_runtime_t *rt = calloc(1, sizeof *rt);
    if (!rt)
        return NX_E_INTERNAL_ERROR;
    rt->config = *cfg;
    /* zero limits in the runtime's own config mean "the built-in default" */
    nx_limits_t *l = &rt->config.limits;
    const nx_limits_t *d = &defaults.limits;
#define DEFAULT(f) if (!l->f) l->f = d->f
    DEFAULT(timeout_ms); DEFAULT(memory_mb); DEFAULT(max_host_calls); DEFAULT(max_value_bytes);
    DEFAULT(max_log_bytes); DEFAULT(max_events); DEFAULT(max_view_commands); DEFAULT(max_logs);
    DEFAULT(max_state_keys); DEFAULT(max_output_bytes);
#undef DEFAULT
    if (!rt->config.max_instances)
        rt->config.max_instances = defaults.max_instances;
    if (!rt->config.suspension_ttl_ms)
        rt->config.suspension_ttl_ms = defaults.suspension_ttl_ms;
    if (cfg->cache_dir) {
        rt->cache_dir = strdup(cfg->cache_dir);
        rt->config.cache_dir = rt->cache_dir;
    }
    snprintf(rt->engine_id, sizeof rt->engine_id, "nexus-%s/quickjs-2021-03-27/abi-%u/%s",
             NX_VERSION, NX_ABI_VERSION, NX_GUEST_BUILD_ID);
    if (getrandom(&rt->id_nonce, sizeof rt->id_nonce, 0) != sizeof rt->id_nonce)
        rt->id_nonce = (uint64_t)(uintptr_t)rt;
    pthread_rwlock_init(&rt->interceptors_lock, NULL);
    nx_suspensions_init(&rt->suspensions);
    nx_metrics_init(&rt->metrics);

    char err[512] = "";
    nx_code_t code = nx_registry_create(&rt->registry);
    if (code == NX_OK)
        code = nx_cache_create(rt->config.cache_max_bytes, rt->cache_dir, rt->engine_id, &rt->cache);
    if (code == NX_OK)
        code = nx_snapshot_create(NX_INIT_HANDLER_MODE, &rt->snapshot, err, sizeof err);
    if (code == NX_OK)
        code = nx_pool_init(&rt->pool, rt->snapshot, rt->config.max_instances,
                            rt->config.prewarm_instances);
    else
        nx_pool_init(&rt->pool, NULL, 1, 0); /* so free_parts can destroy it */
    if (code != NX_OK) {
        if (*err)
            fprintf(stderr, "nexus: %s\n", err);
        free_parts(rt);
        return code;
    }
    *out = rt;
    return NX_OK;
}

void nx_runtime_shutdown(nx_runtime_t *rt)
{
    if (!rt || atomic_exchange(&rt->shut_down, true))
        return;
    nx_pool_close(&rt->pool);
    nx_pool_wait_idle(&rt->pool);
    nx_runtime_expire(rt, true);
}

void nx_runtime_free(nx_runtime_t *rt)
{
    if (!rt)
        return;
    nx_runtime_shutdown(rt);
    free_parts(rt);
}

/* ---- registrations ------------------------------------------------------------------------ */

nx_code_t nx_runtime_register_extension(nx_runtime_t *rt, const char *name,
                                        const char *const *methods, size_t method_count,
                                        nx_ext_fn fn, void *user_data)
{
    if (!rt)
        return NX_E_INVALID_ARGUMENT;
    return nx_registry_add_extension(rt->registry, name, methods, method_count, fn, user_data);
}

nx_code_t nx_runtime_register_interface(nx_runtime_t *rt, const char *interface,
                                        const nx_host_function_t *functions, size_t count,
                                        nx_host_error_fn on_error, void *error_user_data)
{
    if (!rt)
        return NX_E_INVALID_ARGUMENT;
    return nx_registry_add_interface(rt->registry, interface, functions, count, on_error,
                                     error_user_data);
}

nx_code_t nx_runtime_add_provider(nx_runtime_t *rt, nx_provider_fn provider, void *user_data)
{
    if (!rt || !provider)
        return NX_E_INVALID_ARGUMENT;
    return provider(rt, user_data);
}

/* ---- interceptors ------------------------------------------------------------------------- */

nx_code_t nx_runtime_add_interceptor(nx_runtime_t *rt, nx_interceptor_fn before,
                                     nx_interceptor_fn after, void *user_data, int *id)
{
    if (!rt || (!before && !after))
        return NX_E_INVALID_ARGUMENT;
    pthread_rwlock_wrlock(&rt->interceptors_lock);
    nx_interceptor_t *grown = realloc(rt->interceptors, (rt->interceptor_count + 1) * sizeof *grown);
    if (!grown) {
        pthread_rwlock_unlock(&rt->interceptors_lock);
        return NX_E_INTERNAL_ERROR;
    }
    rt->interceptors = grown;
    int new_id = ++rt->next_interceptor_id;
    rt->interceptors[rt->interceptor_count++] = (nx_interceptor_t){ new_id, before, after, user_data };
    atomic_store(&rt->intercepted, true);
    pthread_rwlock_unlock(&rt->interceptors_lock);
    if (id)
        *id = new_id;
    return NX_OK;
}

nx_code_t nx_runtime_remove_interceptor(nx_runtime_t *rt, int id)
{
    if (!rt)
        return NX_E_INVALID_ARGUMENT;
    nx_code_t code = NX_E_INVALID_ARGUMENT;
    pthread_rwlock_wrlock(&rt->interceptors_lock);
    for (size_t i = 0; i < rt->interceptor_count; i++) {
        if (rt->interceptors[i].id != id)
            continue;
        memmove(&rt->interceptors[i], &rt->interceptors[i + 1],
                (rt->interceptor_count - i - 1) * sizeof *rt->interceptors);
        rt->interceptor_count--;
        code = NX_OK;
        break;
    }
    atomic_store(&rt->intercepted, rt->interceptor_count > 0);
    pthread_rwlock_unlock(&rt->interceptors_lock);
    return code;
}

/* ---- statistics ------------------------------------------------------------------------------ */

void nx_runtime_stats(nx_runtime_t *rt, nx_stats_t *out)
{
    memset(out, 0, sizeof *out);
    if (!rt)
        return;
    nx_metrics_fill(&rt->metrics, out);
    nx_cache_stats_t cs;
    nx_cache_get_stats(rt->cache, &cs);
    out->cache_entries = cs.entries;
    out->cache_bytes = cs.bytes;
    out->cache_hits = cs.hits;
    out->cache_misses = cs.misses;
    nx_pool_stats_t ps;
    nx_pool_get_stats(&rt->pool, &ps);
    out->instances_idle = ps.idle;
    out->instances_busy = ps.busy;
    out->instances_suspended = ps.suspended;
    out->instances_created = ps.created;
    out->memory_bytes = ps.memory_bytes;
    out->pending_suspensions = nx_suspensions_waiting(&rt->suspensions);
    out->dirty_page_restore = nx_dirty_available();
}

nx_code_t nx_runtime_prometheus(nx_runtime_t *rt, char **text)
{
    if (!rt || !text)
        return NX_E_INVALID_ARGUMENT;
    nx_stats_t stats;
    nx_runtime_stats(rt, &stats);
    return nx_metrics_prometheus(&rt->metrics, &stats, text);
}
