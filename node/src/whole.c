/* whole.c - the whole result of an execution that suspended, kept on the
 * native side while the Node layer drives it: the results the library
 * returns (the first run, each resume, or what nx_import / nx_import_stored
 * say the execution did so far) folded with nx_result_append, the
 * library's one rule for combining segments (mutations one per key in
 * first-write order, effects in order, a failed end keeps only the logs).
 * The Node layer has no combining rule of its own.
 *
 * A whole is made by the worker from the first suspended result of an
 * execution (no copy: the result becomes the whole), handed to JavaScript
 * as an external, and passed back with every later resume, whose worker
 * folds the new segment into it. Executions that never suspend never make
 * one.
 *
 * Threading: a worker folds into a whole while the JS thread may read it
 * (the overall deadline passed during a resume: the TIMEOUT result is made
 * from the segments folded so far), hence the mutex. References: the JS
 * external and each request that uses the whole hold one; every reference
 * is taken and dropped on the JS thread, but the count is atomic anyway. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "addon.h"
#include "result/result.h" /* nx_result_error_new, nx_result_metrics_mut */

struct nxa_whole {
    pthread_mutex_t lock;
    atomic_uint refs;
    nx_result_t *r; /* suspended while the execution goes on */
};

static const napi_type_tag WHOLE_TAG = { 0x6e65787573776870ULL, 0x51d0a7c3e2b94f86ULL };

nxa_whole_t *nxa_whole_new(nx_result_t *r)
{
    nxa_whole_t *w = calloc(1, sizeof *w);
    if (!w || pthread_mutex_init(&w->lock, NULL) != 0) {
        free(w);
        return NULL;
    }
    atomic_init(&w->refs, 1);
    w->r = r;
    return w;
}

nxa_whole_t *nxa_whole_ref(nxa_whole_t *w)
{
    if (w)
        atomic_fetch_add(&w->refs, 1);
    return w;
}

void nxa_whole_unref(nxa_whole_t *w)
{
    if (!w || atomic_fetch_sub(&w->refs, 1) != 1)
        return;
    nx_result_free(w->r);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

/* Worker: folds r (what a resume returned) into w and serialises what the
 * JS side needs: the whole once the execution ended, else r (its status
 * and pending calls; the whole so far is read with wholeResult only when
 * the caller gets it). r stays the caller's. */
nx_code_t nxa_whole_fold(nxa_whole_t *w, const nx_result_t *r, uint8_t **buf, size_t *len)
{
    pthread_mutex_lock(&w->lock);
    nx_code_t code = nx_result_append(w->r, r);
    if (code == NX_OK)
        code = nx_result_to_msgpack(nx_result_status(r) == NX_STATUS_SUSPENDED ? r : w->r, buf, len);
    pthread_mutex_unlock(&w->lock);
    return code;
}

/* ---- the JavaScript side ------------------------------------------------------------ */

static void finalize_whole(napi_env env, void *data, void *hint)
{
    (void)env;
    (void)hint;
    nxa_whole_unref(data);
}

napi_value nxa_wrap_whole(napi_env env, nxa_whole_t *w)
{
    napi_value v;
    if (!NXA_OK(env, napi_create_external(env, w, finalize_whole, NULL, &v))) {
        nxa_whole_unref(w);
        return NULL;
    }
    if (!NXA_OK(env, napi_type_tag_object(env, v, &WHOLE_TAG)))
        return NULL; /* the external's finalizer drops the reference */
    return v;
}

nxa_whole_t *nxa_unwrap_whole(napi_env env, napi_value v, bool *ok)
{
    *ok = false;
    napi_valuetype t;
    if (!NXA_OK(env, napi_typeof(env, v, &t)))
        return NULL;
    if (t == napi_undefined || t == napi_null) {
        *ok = true;
        return NULL;
    }
    bool tagged = false;
    if (t == napi_external && !NXA_OK(env, napi_check_object_type_tag(env, v, &WHOLE_TAG, &tagged)))
        return NULL;
    if (!tagged) {
        nxa_throw(env, "INVALID_ARGUMENT", "not a whole result");
        return NULL;
    }
    void *data = NULL;
    if (!NXA_OK(env, napi_get_value_external(env, v, &data)))
        return NULL;
    *ok = true;
    return data;
}

static napi_value bytes_value(napi_env env, nx_code_t code, uint8_t *buf, size_t len)
{
    napi_value out = NULL;
    if (code != NX_OK)
        nxa_throw(env, nx_code_name(code), "cannot serialise the result");
    else if (!NXA_OK(env, napi_create_buffer_copy(env, len, buf, NULL, &out)))
        out = NULL;
    nx_free(buf);
    return out;
}

/* wholeResult(whole) -> Buffer: the whole so far, as MessagePack. */
napi_value nxa_whole_result(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    bool ok;
    if (!nxa_args(env, info, 1, argv))
        return NULL;
    nxa_whole_t *w = nxa_unwrap_whole(env, argv[0], &ok);
    if (!ok)
        return NULL;
    if (!w) {
        nxa_throw(env, "INVALID_ARGUMENT", "no whole result");
        return NULL;
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    pthread_mutex_lock(&w->lock);
    nx_code_t code = nx_result_to_msgpack(w->r, &buf, &len);
    pthread_mutex_unlock(&w->lock);
    return bytes_value(env, code, buf, len);
}

/* wholeFail(whole | null, code, message, suspensions) -> Buffer: the
 * result of an execution the Node layer ends itself (its overall deadline
 * passed while it waited): an error result with code and message, folded
 * onto the whole so far by the same rule as any failed segment (only the
 * logs are kept). The whole itself is left as it is. */
napi_value nxa_whole_fail(napi_env env, napi_callback_info info)
{
    napi_value argv[4];
    bool ok;
    if (!nxa_args(env, info, 4, argv))
        return NULL;
    nxa_whole_t *w = nxa_unwrap_whole(env, argv[0], &ok);
    if (!ok)
        return NULL;
    char *code_name = nxa_string(env, argv[1], "code", NULL);
    char *message = code_name ? nxa_string(env, argv[2], "message", NULL) : NULL;
    uint32_t suspensions = 0;
    if (!message || !nxa_u32(env, argv[3], "suspensions", &suspensions)) {
        free(code_name);
        free(message);
        return NULL;
    }
    nx_result_t *err = nx_result_error_new(nx_code_from_name(code_name), "%s", message);
    free(code_name);
    free(message);
    if (!err) {
        nxa_throw(env, "INTERNAL_ERROR", "out of memory");
        return NULL;
    }
    nx_result_metrics_mut(err)->suspensions = suspensions;
    nx_result_t *out = err;
    nx_code_t code = NX_OK;
    if (w) {
        pthread_mutex_lock(&w->lock);
        /* a resume that ended the execution may have been folded in just
         * now (its answer comes too late to count): then the error alone */
        if (nx_result_status(w->r) == NX_STATUS_SUSPENDED) {
            code = nx_result_combine(w->r, err, &out);
            if (code != NX_OK)
                out = NULL;
        }
        pthread_mutex_unlock(&w->lock);
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    if (code == NX_OK)
        code = nx_result_to_msgpack(out, &buf, &len);
    if (out != err)
        nx_result_free(out);
    nx_result_free(err);
    return bytes_value(env, code, buf, len);
}
