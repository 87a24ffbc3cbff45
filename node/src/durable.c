/* durable.c - suspended executions that leave the process, from Node
 * (docs/durable-suspensions.md): the runtime's suspension key and Redis
 * store (createRuntime's suspensionKey and suspensionStore), and what the
 * requests of work.c do with them on a worker - resuming an execution that
 * may be waiting in the store, exporting one to bytes.
 *
 * Why a resume imports first: nx_resume takes an execution from the store
 * by itself, but returns only what the resume did; nx_import_stored also
 * returns what the execution did before (the whole so far, kept inside
 * the export), and its recording. The process that resumes then reports
 * the whole execution, as if it had run here from the start. */
#include <stdlib.h>
#include <string.h>

#include "addon.h"

/* ---- configuration (JS thread) ------------------------------------------------------- */

static bool get_property(napi_env env, napi_value obj, const char *name, napi_value *v, bool *present)
{
    bool nullish;
    if (!NXA_OK(env, napi_get_named_property(env, obj, name, v)) || !nxa_is_nullish(env, *v, &nullish))
        return false;
    *present = !nullish;
    return true;
}

/* config.suspensionStore: { redis: URL, keyPrefix: string | null,
 * timeoutMs: number | null } (checked by lib/options.js). */
static bool set_store(napi_env env, napi_value spec, nx_runtime_t *rt)
{
    napi_value v;
    bool present;
    char *url = NULL, *prefix = NULL;
    uint32_t timeout_ms = 0;
    bool ok = get_property(env, spec, "redis", &v, &present) &&
              (url = nxa_string(env, v, "suspensionStore.redis", NULL)) != NULL &&
              get_property(env, spec, "keyPrefix", &v, &present) &&
              nxa_optional_string(env, v, "suspensionStore.keyPrefix", &prefix) &&
              get_property(env, spec, "timeoutMs", &v, &present) &&
              (!present || nxa_u32(env, v, "suspensionStore.timeoutMs", &timeout_ms));
    nx_store_t *store = NULL;
    char *error = NULL;
    nx_code_t code = NX_OK;
    if (ok && (code = nx_store_redis_create(url, prefix, timeout_ms, &store, &error)) != NX_OK) {
        nxa_throw(env, nx_code_name(code), error ? error : "cannot use this Redis URL");
        ok = false;
    }
    nx_free(error);
    if (ok && (code = nx_runtime_set_store(rt, store)) != NX_OK) {
        nx_store_free(store);
        nxa_throw(env, nx_code_name(code), "cannot set the suspension store");
        ok = false;
    }
    free(url);
    free(prefix);
    return ok;
}

bool nxa_durable_configure(napi_env env, napi_value config, nx_runtime_t *rt, bool *has_store)
{
    *has_store = false;
    bool nullish;
    if (!nxa_is_nullish(env, config, &nullish))
        return false;
    if (nullish)
        return true;
    napi_value v;
    bool present;
    if (!get_property(env, config, "suspensionKey", &v, &present))
        return false;
    if (present) {
        const void *key;
        size_t len;
        if (!nxa_optional_bytes(env, v, "suspensionKey", &key, &len, &present))
            return false;
        nx_code_t code = nx_runtime_set_suspension_key(rt, key, len);
        if (code != NX_OK) {
            nxa_throw(env, nx_code_name(code), "suspensionKey must be 16 to 64 bytes");
            return false;
        }
    }
    if (!get_property(env, config, "suspensionStore", &v, &present))
        return false;
    if (present) {
        if (!set_store(env, v, rt))
            return false;
        *has_store = true;
    }
    return true;
}

/* ---- on a worker ------------------------------------------------------------------------ */

nx_code_t nxa_durable_resume(nx_runtime_t *rt, const char *suspension_id, const nx_outcome_t *outcome,
                             nxa_whole_t **whole_out, nx_recording_t **recording, nx_result_t **out)
{
    *whole_out = NULL;
    *out = NULL;
    nx_result_t *so_far = NULL;
    nx_recording_t *rec = NULL;
    nx_code_t code = nx_import_stored(rt, suspension_id, &rec, &so_far);
    if (code != NX_OK || nx_result_status(so_far) != NX_STATUS_SUSPENDED) {
        /* not in the store (unknown, expired, taken by another resume), a
         * refused export, the store did not answer (the execution stays in
         * it), or the execution's overall deadline passed while it waited
         * (its end): so_far says which */
        nx_recording_free(rec);
        *out = so_far;
        return code;
    }
    nxa_whole_t *whole = nxa_whole_new(so_far);
    if (!whole) {
        nx_result_free(so_far);
        nx_recording_free(rec);
        nx_cancel(rt, suspension_id); /* taken, and nothing can hold it */
        return NX_E_INTERNAL_ERROR;
    }
    *whole_out = whole;
    if (rec) {
        /* the recording went on inside the store: this is the current one */
        nx_recording_free(*recording);
        *recording = rec;
    }
    return nx_resume(rt, suspension_id, outcome, out);
}

static char *error_message(const nx_result_t *r)
{
    const nx_error_info_t *e = r ? nx_result_error(r) : NULL;
    return e && e->message ? strdup(e->message) : NULL;
}

nx_code_t nxa_durable_export(nx_runtime_t *rt, const char *suspension_id, bool from_store,
                             uint8_t **bytes, size_t *len, char **message)
{
    *message = NULL;
    if (from_store) {
        nx_result_t *so_far = NULL;
        nx_code_t code = nx_import_stored(rt, suspension_id, NULL, &so_far);
        if (code == NX_OK && nx_result_status(so_far) != NX_STATUS_SUSPENDED) /* its deadline passed */
            code = nx_result_error(so_far) ? nx_result_error(so_far)->code : NX_E_TIMEOUT;
        if (code != NX_OK)
            *message = error_message(so_far);
        nx_result_free(so_far);
        if (code != NX_OK)
            return code;
    }
    nx_code_t code = nx_export(rt, suspension_id, bytes, len);
    if (code == NX_E_INVALID_ARGUMENT)
        *message = strdup("no suspended execution waits on that suspension id here (unknown, expired, "
                          "cancelled, already resumed or exported)");
    return code;
}
