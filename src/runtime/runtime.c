/* runtime.c - nx_runtime_t: creation (the guest initialised once and
 * snapshotted, the pool prewarmed), shutdown, registrations,
 * interceptors, statistics, and the library's version. */
#include "runtime/runtime.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "execution/execution.h"
#include "guest_id.h"
#include "sandbox/dirty.h"

_Static_assert(NX_CODE_COUNT <= sizeof ((nx_stats_t *)0)->errors_by_code /
                                    sizeof ((nx_stats_t *)0)->errors_by_code[0],
               "nx_stats_t.errors_by_code has room for every code");

unsigned nx_version(void) { return NX_VERSION_HEX; }
const char *nx_version_string(void) { return NX_VERSION_STRING; }

void nx_config_init(nx_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    nx_limits_defaults(&cfg->limits);
    cfg->max_instances = 64;
    cfg->prewarm_instances = 2;
    cfg->acquire_timeout_ms = 1000;
    cfg->suspension_ttl_ms = 60000;
    cfg->cache_max_bytes = 64u << 20;
    cfg->cache_dir = NULL;
}

static void free_parts(nx_runtime_t *rt)
{
    nx_pool_destroy(&rt->pool);
    nx_snapshot_free(rt->snapshot);
    nx_cache_free(rt->cache);
    nx_registry_free(rt->registry);
    nx_interceptors_destroy(&rt->interceptors);
    nx_suspensions_destroy(&rt->suspensions);
    nx_metrics_destroy(&rt->metrics);
    nx_store_free(rt->store);
    OPENSSL_cleanse(rt->suspension_key, sizeof rt->suspension_key);
    free(rt->cache_dir);
    free(rt);
}

/* The configuration as the runtime keeps it: zero limits and counts take
 * the built-in defaults. */
static nx_code_t resolve_config(const nx_config_t *cfg, nx_config_t *out)
{
    nx_config_t defaults;
    nx_config_init(&defaults);
    char err[160];
    if (nx_limits_check(&cfg->limits, err, sizeof err) != NX_OK) {
        return NX_E_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < sizeof cfg->reserved / sizeof cfg->reserved[0]; i++)
        if (cfg->reserved[i])
            return NX_E_INVALID_ARGUMENT;
    *out = *cfg;
    nx_limits_resolve(&out->limits, &cfg->limits, &defaults.limits);
    if (!out->max_instances)
        out->max_instances = defaults.max_instances;
    if (!out->suspension_ttl_ms)
        out->suspension_ttl_ms = defaults.suspension_ttl_ms;
    return NX_OK;
}

nx_code_t nx_runtime_create(const nx_config_t *cfg, nx_runtime_t **out)
{
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    nx_config_t defaults;
    nx_config_init(&defaults);
    nx_runtime_t *rt = calloc(1, sizeof *rt);
    if (!rt)
        return NX_E_INTERNAL_ERROR;
    nx_code_t code = resolve_config(cfg ? cfg : &defaults, &rt->config);
    if (code != NX_OK) {
        free(rt);
        return code;
    }
    if (rt->config.cache_dir) {
        rt->cache_dir = strdup(rt->config.cache_dir);
        rt->config.cache_dir = rt->cache_dir;
    }
    snprintf(rt->engine_id, sizeof rt->engine_id, "nexus-%s/quickjs-2021-03-27/abi-%u/%s",
             NX_VERSION_STRING, NX_ABI_VERSION, NX_GUEST_BUILD_ID);
    nx_ids_init(&rt->ids);
    nx_suspensions_init(&rt->suspensions);
    nx_metrics_init(&rt->metrics);
    code = nx_interceptors_init(&rt->interceptors);

    char err[512] = "";
    if (code == NX_OK)
        code = nx_registry_create(&rt->registry);
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
    nx_execution_expire(rt, true);
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
                                        nx_ext_fn fn, void *user_data, nx_finalize_fn finalize)
{
    if (!rt)
        return NX_E_INVALID_ARGUMENT;
    return nx_registry_add_extension(rt->registry, name, methods, method_count, fn, user_data,
                                     finalize);
}

nx_code_t nx_runtime_register_interface(nx_runtime_t *rt, const char *interface,
                                        const nx_host_function_t *functions, size_t count,
                                        nx_host_error_fn on_error, void *error_user_data,
                                        nx_finalize_fn error_finalize)
{
    if (!rt)
        return NX_E_INVALID_ARGUMENT;
    return nx_registry_add_interface(rt->registry, interface, functions, count, on_error,
                                     error_user_data, error_finalize);
}

nx_code_t nx_runtime_add_provider(nx_runtime_t *rt, nx_provider_fn provider, void *user_data)
{
    if (!rt || !provider)
        return NX_E_INVALID_ARGUMENT;
    return provider(rt, user_data);
}

nx_code_t nx_runtime_add_interceptor(nx_runtime_t *rt, nx_interceptor_fn before,
                                     nx_interceptor_fn after, void *user_data,
                                     nx_finalize_fn finalize, int *id)
{
    if (!rt)
        return NX_E_INVALID_ARGUMENT;
    return nx_interceptors_add(&rt->interceptors, before, after, user_data, finalize, id);
}

nx_code_t nx_runtime_remove_interceptor(nx_runtime_t *rt, int id)
{
    if (!rt)
        return NX_E_INVALID_ARGUMENT;
    return nx_interceptors_remove(&rt->interceptors, id);
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
