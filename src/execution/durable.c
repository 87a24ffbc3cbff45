/* durable.c - suspended executions that leave the process
 * (docs/durable-suspensions.md): nx_export and nx_import, the runtime's
 * store, and what suspending (segment.c) and resuming (resume.c) ask of
 * it. The bytes themselves are export.c's.
 *
 * With a store, an execution that suspends is exported under the key
 * "exec:KEY" (KEY is in every one of its call ids) and its instance
 * released; resuming an id not waiting here takes "exec:KEY" from the
 * store in one atomic step, so that of two workers only one gets it. What
 * cannot be put in the store stays here, alive, as without one; what
 * cannot be taken stays in the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "execution/execution.h"
#include "execution/export.h"
#include "record/recorder.h"
#include "result/result.h"
#include "sandbox/guest_call.h"
#include "store/store.h"

nx_code_t nx_runtime_set_store(nx_runtime_t *rt, nx_store_t *store)
{
    if (!rt)
        return NX_E_INVALID_ARGUMENT;
    if (store && !rt->suspension_key_len)
        return NX_E_INVALID_ARGUMENT;
    nx_store_free(rt->store);
    rt->store = store;
    return NX_OK;
}

static void store_key(const nx_exec_t *e, char out[32])
{
    snprintf(out, 32, "exec:%s", e->key);
}

/* The wall-clock time left before e's overall deadline, in ms (0: none). */
static uint64_t deadline_left_ms(const nx_exec_t *e)
{
    double end = e->started_wall_ms + e->limits.deadline_ms, now = nx_wall_ms();
    return end > now ? (uint64_t)(end - now) : 0;
}

/* Frees an execution that left this process (or never settled in it) and
 * releases its instance. Its calls may still have entries in the table: an
 * execution imported here, parked, resumed and then stored again does;
 * they go with it, or a later resume of one of them would find freed
 * memory. */
static void discard(nx_runtime_t *rt, nx_exec_t *e)
{
    nx_suspensions_forget(&rt->suspensions, e);
    nx_instance_t *inst = e->inst;
    e->inst = NULL;
    nx_exec_free(e);
    if (inst)
        nx_pool_release(&rt->pool, inst);
}

/* ---- suspending into the store, resuming from it -------------------------------------------- */

bool nx_durable_store(nx_runtime_t *rt, nx_exec_t *e, nx_result_t *r)
{
    if (!rt->store)
        return false;
    char err[256] = "", key[32];
    uint8_t *blob = NULL;
    size_t len = 0;
    nx_code_t code = nx_export_execution(rt, e, &blob, &len);
    if (code != NX_OK) {
        snprintf(err, sizeof err, "the execution cannot be exported (%s)", nx_code_name(code));
    } else {
        store_key(e, key);
        uint64_t ttl = rt->config.suspension_ttl_ms;
        code = rt->store->ops.put(rt->store->self, key, blob, len, (uint32_t)ttl, err, sizeof err);
        if (code != NX_OK && !err[0])
            snprintf(err, sizeof err, "the store refused the execution (%s)", nx_code_name(code));
    }
    free(blob);
    if (code != NX_OK) {
        nx_result_set_store_error(r, err);
        return false;
    }
    discard(rt, e);
    return true;
}

/* Puts an execution taken from the store back (a resume that could not
 * go on): the same bytes under the same key. */
static void put_back(nx_runtime_t *rt, const char *key, const uint8_t *blob, size_t len)
{
    char err[256];
    rt->store->ops.put(rt->store->self, key, blob, len, rt->config.suspension_ttl_ms, err, sizeof err);
}

nx_code_t nx_durable_take(nx_runtime_t *rt, const char *id, nx_exec_t **out, uint32_t *deadline_passed,
                          char *err, size_t err_size)
{
    *out = NULL;
    *deadline_passed = 0;
    char exec_key[NX_EXEC_KEY_BYTES], key[32];
    if (!rt->store || !nx_ids_execution_of(id, exec_key))
        return NX_E_INVALID_ARGUMENT;
    snprintf(key, sizeof key, "exec:%s", exec_key);
    uint8_t *blob = NULL;
    size_t len = 0;
    nx_code_t code = rt->store->ops.take(rt->store->self, key, &blob, &len, err, err_size);
    if (code != NX_OK)
        return code == NX_E_INVALID_ARGUMENT ? code : NX_E_STORE_UNAVAILABLE;
    nx_exec_t *e;
    code = nx_import_execution(rt, blob, len, &e, err, err_size);
    if (code == NX_E_RESOURCE_LIMIT || code == NX_E_INTERNAL_ERROR)
        put_back(rt, key, blob, len); /* this worker is full: another may take it */
    if (code != NX_OK) {
        free(blob);
        return code;
    }
    if (deadline_left_ms(e) == 0) {
        *deadline_passed = e->limits.deadline_ms;
        discard(rt, e);
        free(blob);
        return NX_OK;
    }
    if (!nx_exec_find_pending(e, id)) {
        /* the execution waits, but not on this call */
        put_back(rt, key, blob, len);
        discard(rt, e);
        free(blob);
        return NX_E_INVALID_ARGUMENT;
    }
    free(blob);
    e->from_store = true;
    e->taken = true;
    *out = e;
    return NX_OK;
}

void nx_durable_return(nx_runtime_t *rt, nx_exec_t *e)
{
    nx_result_t *r = nx_result_create(NX_STATUS_SUSPENDED);
    if (r && nx_durable_store(rt, e, r)) {
        nx_result_free(r);
        return;
    }
    nx_result_free(r);
    /* the store is gone: keep it here rather than lose it */
    nx_pool_park(&rt->pool);
    nx_suspensions_park(&rt->suspensions, e, nx_clock_ms() + rt->config.suspension_ttl_ms,
                        nx_clock_ms() + deadline_left_ms(e));
}

/* ---- nx_export, nx_import ----------------------------------------------------------------------- */

nx_code_t nx_export(nx_runtime_t *rt, const char *suspension_id, uint8_t **bytes, size_t *len)
{
    if (!rt || !suspension_id || !bytes || !len || !rt->suspension_key_len)
        return NX_E_INVALID_ARGUMENT;
    *bytes = NULL;
    *len = 0;
    if (nx_guest_call_active())
        return NX_E_INVALID_ARGUMENT;
    uint32_t deadline_passed;
    nx_exec_t *e = nx_suspensions_take(&rt->suspensions, suspension_id, &deadline_passed);
    if (!e)
        return NX_E_INVALID_ARGUMENT;
    nx_code_t code = nx_export_execution(rt, e, bytes, len);
    if (code != NX_OK) {
        nx_suspensions_park(&rt->suspensions, e, e->expires_at_ms, e->deadline_at_ms);
        return code;
    }
    nx_suspensions_forget(&rt->suspensions, e);
    nx_execution_drop(rt, e);
    return NX_OK;
}

/* Makes an imported (or taken) e wait in rt; *out gets the whole
 * execution so far. */
static nx_code_t settle_import(nx_runtime_t *rt, nx_exec_t *e, uint64_t started,
                               nx_recording_t **recording, nx_result_t **out)
{
    if (deadline_left_ms(e) == 0) {
        uint32_t deadline = e->limits.deadline_ms;
        discard(rt, e);
        *out = nx_result_error_new(NX_E_TIMEOUT, "the execution passed its %u ms overall deadline "
                                   "while it waited for extension answers", deadline);
        if (*out)
            nx_metrics_record(&rt->metrics, *out);
        return *out ? NX_OK : NX_E_INTERNAL_ERROR;
    }
    nx_result_t *r = nx_result_create(NX_STATUS_SUSPENDED);
    if (!r || (e->whole && nx_result_append(r, e->whole) != NX_OK)) {
        nx_result_free(r);
        discard(rt, e);
        return nx_execution_fail(out, NX_E_INTERNAL_ERROR, "out of memory");
    }
    nx_exec_list_pending(e, r);
    nx_result_metrics_mut(r)->duration_us = nx_clock_us() - started;
    nx_recording_t *rec = nx_recorder_recording(e->recorder);
    e->from_store = false;
    nx_pool_park(&rt->pool);
    nx_code_t code = nx_suspensions_park(&rt->suspensions, e, nx_clock_ms() + rt->config.suspension_ttl_ms,
                                         nx_clock_ms() + deadline_left_ms(e));
    if (code != NX_OK) {
        nx_suspensions_forget(&rt->suspensions, e);
        nx_execution_drop(rt, e);
        nx_result_free(r);
        return nx_execution_fail(out, code, "out of memory");
    }
    if (recording && rec)
        *recording = nx_recording_retain(rec);
    *out = r;
    return NX_OK;
}

nx_code_t nx_import(nx_runtime_t *rt, const void *bytes, size_t len, nx_recording_t **recording,
                    nx_result_t **out)
{
    if (recording)
        *recording = NULL;
    uint64_t started = nx_clock_us();
    nx_code_t code = nx_execution_check_call(rt, bytes != NULL, out);
    if (code != NX_OK)
        return code;
    char err[256] = "";
    nx_exec_t *e;
    code = nx_import_execution(rt, bytes, len, &e, err, sizeof err);
    if (code != NX_OK)
        return nx_execution_fail(out, code, err[0] ? err : "the export cannot be imported");
    return settle_import(rt, e, started, recording, out);
}

nx_code_t nx_import_stored(nx_runtime_t *rt, const char *suspension_id, nx_recording_t **recording,
                           nx_result_t **out)
{
    if (recording)
        *recording = NULL;
    uint64_t started = nx_clock_us();
    nx_code_t code = nx_execution_check_call(rt, suspension_id != NULL, out);
    if (code != NX_OK)
        return code;
    if (!rt->store)
        return nx_execution_fail(out, NX_E_INVALID_ARGUMENT, "the runtime has no store");
    char err[256] = "";
    nx_exec_t *e = NULL;
    uint32_t deadline_passed = 0;
    code = nx_durable_take(rt, suspension_id, &e, &deadline_passed, err, sizeof err);
    if (code == NX_OK && deadline_passed) {
        *out = nx_result_error_new(NX_E_TIMEOUT, "the execution passed its %u ms overall deadline "
                                   "while it waited for extension answers", deadline_passed);
        return *out ? NX_OK : NX_E_INTERNAL_ERROR;
    }
    if (code != NX_OK)
        return nx_execution_fail(out, code, err[0] ? err : "no execution waits in the store on that id");
    e->taken = false;
    return settle_import(rt, e, started, recording, out);
}
