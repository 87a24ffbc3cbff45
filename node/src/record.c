/* record.c - recordings from JavaScript: the object a recorded execution
 * resolves with (it owns its nx_recording_t, which the library keeps
 * extending while the execution's resumes run), saving it to a Buffer, and
 * loading one from a Buffer for a replay. */
#include <stdlib.h>

#include "addon.h"

static const napi_type_tag RECORDING_TAG = { 0x6e65787573726563ULL, 0x3c91d2e7a4b85f10ULL };

static void finalize_recording(napi_env env, void *data, void *hint)
{
    (void)env;
    (void)hint;
    nx_recording_free(data);
}

napi_value nxa_wrap_recording(napi_env env, nx_recording_t *rec)
{
    napi_value obj;
    if (!rec) {
        nxa_throw(env, "INTERNAL_ERROR", "the library returned no recording");
        return NULL;
    }
    if (!NXA_OK(env, napi_create_object(env, &obj)) ||
        !NXA_OK(env, napi_type_tag_object(env, obj, &RECORDING_TAG)) ||
        !NXA_OK(env, napi_wrap(env, obj, rec, finalize_recording, NULL, NULL))) {
        nx_recording_free(rec);
        return NULL;
    }
    return obj;
}

/* saveRecording(recording object) -> Buffer (MessagePack) */
napi_value nxa_save_recording(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    if (!nxa_args(env, info, 1, argv))
        return NULL;
    bool tagged = false;
    napi_valuetype t;
    if (!NXA_OK(env, napi_typeof(env, argv[0], &t)))
        return NULL;
    if (t == napi_object && !NXA_OK(env, napi_check_object_type_tag(env, argv[0], &RECORDING_TAG, &tagged)))
        return NULL;
    void *rec = NULL;
    if (!tagged || !NXA_OK(env, napi_unwrap(env, argv[0], &rec))) {
        nxa_throw(env, "INVALID_ARGUMENT", "not a recording");
        return NULL;
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    nx_code_t code = nx_recording_save(rec, &buf, &len);
    if (code != NX_OK) {
        nxa_throw(env, nx_code_name(code), "cannot save the recording");
        return NULL;
    }
    napi_value out;
    bool ok = NXA_OK(env, napi_create_buffer_copy(env, len, buf, NULL, &out));
    nx_free(buf);
    return ok ? out : NULL;
}

nx_recording_t *nxa_recording_load(napi_env env, napi_value v)
{
    const void *bytes;
    size_t len;
    bool present;
    if (!nxa_optional_bytes(env, v, "recording", &bytes, &len, &present))
        return NULL;
    if (!present) {
        nxa_throw(env, "INVALID_ARGUMENT", "recording must be a Buffer or Uint8Array");
        return NULL;
    }
    nx_recording_t *rec = NULL;
    nx_code_t code = nx_recording_load(bytes, len, &rec);
    if (code != NX_OK) {
        nxa_throw(env, nx_code_name(code), "not a valid recording");
        return NULL;
    }
    return rec;
}
