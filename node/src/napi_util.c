/* napi_util.c - napi plumbing shared by the addon: turning a failed
 * napi_status into a thrown Error, making Errors that carry a .code, and
 * reading arguments (strings, byte buffers, integers, booleans, the
 * limits object) with INVALID_ARGUMENT errors for wrong types. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addon.h"

static bool exception_pending(napi_env env)
{
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) != napi_ok)
        return true; /* cannot tell: do not pile another throw on top */
    return pending;
}

napi_value nxa_make_error(napi_env env, const char *code, const char *message)
{
    napi_value msg, code_value, error;
    if (napi_create_string_utf8(env, message ? message : "", NAPI_AUTO_LENGTH, &msg) != napi_ok ||
        napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value) != napi_ok ||
        napi_create_error(env, NULL, msg, &error) != napi_ok ||
        napi_set_named_property(env, error, "code", code_value) != napi_ok)
        return NULL;
    return error;
}

void nxa_throw(napi_env env, const char *code, const char *message)
{
    if (exception_pending(env))
        return;
    napi_value error = nxa_make_error(env, code, message);
    if (!error || napi_throw(env, error) != napi_ok)
        napi_throw_error(env, code, message); /* last resort, same code */
}

bool nxa_check(napi_env env, napi_status status, const char *what)
{
    if (status == napi_ok)
        return true;
    if (exception_pending(env))
        return false;
    const napi_extended_error_info *info = NULL;
    const char *detail = "unknown napi failure";
    if (napi_get_last_error_info(env, &info) == napi_ok && info && info->error_message)
        detail = info->error_message;
    char message[512];
    snprintf(message, sizeof message, "Node-API call failed (%s): %s", detail, what);
    nxa_throw(env, "INTERNAL_ERROR", message);
    return false;
}

bool nxa_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv)
{
    size_t argc = n;
    if (!NXA_OK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL)))
        return false;
    /* napi fills the missing ones with undefined */
    return true;
}

bool nxa_is_nullish(napi_env env, napi_value v, bool *nullish)
{
    napi_valuetype t;
    if (!NXA_OK(env, napi_typeof(env, v, &t)))
        return false;
    *nullish = t == napi_undefined || t == napi_null;
    return true;
}

static bool type_error(napi_env env, const char *what, const char *expected)
{
    char message[256];
    snprintf(message, sizeof message, "%s must be %s", what, expected);
    nxa_throw(env, "INVALID_ARGUMENT", message);
    return false;
}

char *nxa_string(napi_env env, napi_value v, const char *what, size_t *len)
{
    napi_valuetype t;
    if (!NXA_OK(env, napi_typeof(env, v, &t)))
        return NULL;
    if (t != napi_string) {
        type_error(env, what, "a string");
        return NULL;
    }
    size_t n = 0;
    if (!NXA_OK(env, napi_get_value_string_utf8(env, v, NULL, 0, &n)))
        return NULL;
    char *s = malloc(n + 1);
    if (!s) {
        nxa_throw(env, "INTERNAL_ERROR", "out of memory");
        return NULL;
    }
    size_t copied = 0;
    if (!NXA_OK(env, napi_get_value_string_utf8(env, v, s, n + 1, &copied))) {
        free(s);
        return NULL;
    }
    if (len)
        *len = copied;
    return s;
}

bool nxa_optional_string(napi_env env, napi_value v, const char *what, char **out)
{
    bool nullish;
    *out = NULL;
    if (!nxa_is_nullish(env, v, &nullish))
        return false;
    if (nullish)
        return true;
    *out = nxa_string(env, v, what, NULL);
    return *out != NULL;
}

bool nxa_optional_bytes(napi_env env, napi_value v, const char *what, const void **data,
                        size_t *len, bool *present)
{
    bool nullish;
    *data = NULL;
    *len = 0;
    *present = false;
    if (!nxa_is_nullish(env, v, &nullish))
        return false;
    if (nullish)
        return true;
    bool is_buffer = false;
    if (!NXA_OK(env, napi_is_buffer(env, v, &is_buffer)))
        return false;
    if (is_buffer) {
        void *bytes;
        if (!NXA_OK(env, napi_get_buffer_info(env, v, &bytes, len)))
            return false;
        *data = bytes;
        *present = true;
        return true;
    }
    bool is_typed = false;
    if (!NXA_OK(env, napi_is_typedarray(env, v, &is_typed)))
        return false;
    if (!is_typed)
        return type_error(env, what, "a Buffer or Uint8Array");
    napi_typedarray_type type;
    size_t length, offset;
    void *bytes;
    napi_value arraybuffer;
    if (!NXA_OK(env, napi_get_typedarray_info(env, v, &type, &length, &bytes, &arraybuffer, &offset)))
        return false;
    if (type != napi_uint8_array)
        return type_error(env, what, "a Buffer or Uint8Array");
    *data = bytes;
    *len = length;
    *present = true;
    return true;
}

bool nxa_u32(napi_env env, napi_value v, const char *what, uint32_t *out)
{
    napi_valuetype t;
    if (!NXA_OK(env, napi_typeof(env, v, &t)))
        return false;
    if (t != napi_number)
        return type_error(env, what, "an integer from 0 to 4294967295");
    double d;
    if (!NXA_OK(env, napi_get_value_double(env, v, &d)))
        return false;
    if (!(d >= 0 && d <= 4294967295.0) || floor(d) != d)
        return type_error(env, what, "an integer from 0 to 4294967295");
    *out = (uint32_t)d;
    return true;
}

bool nxa_bool(napi_env env, napi_value v, const char *what, bool *out)
{
    napi_valuetype t;
    if (!NXA_OK(env, napi_typeof(env, v, &t)))
        return false;
    if (t != napi_boolean)
        return type_error(env, what, "a boolean");
    return NXA_OK(env, napi_get_value_bool(env, v, out));
}

bool nxa_set_double(napi_env env, napi_value obj, const char *name, double value)
{
    napi_value v;
    return NXA_OK(env, napi_create_double(env, value, &v)) &&
           NXA_OK(env, napi_set_named_property(env, obj, name, v));
}

bool nxa_set_bool(napi_env env, napi_value obj, const char *name, bool value)
{
    napi_value v;
    return NXA_OK(env, napi_get_boolean(env, value, &v)) &&
           NXA_OK(env, napi_set_named_property(env, obj, name, v));
}

bool nxa_set_string(napi_env env, napi_value obj, const char *name, const char *value)
{
    napi_value v;
    return NXA_OK(env, napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v)) &&
           NXA_OK(env, napi_set_named_property(env, obj, name, v));
}

bool nxa_u32_fields(napi_env env, napi_value obj, const nxa_u32_field_t *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        napi_value v;
        bool nullish;
        if (!NXA_OK(env, napi_get_named_property(env, obj, fields[i].name, &v)) ||
            !nxa_is_nullish(env, v, &nullish))
            return false;
        if (!nullish && !nxa_u32(env, v, fields[i].name, fields[i].field))
            return false;
    }
    return true;
}

/* The one table from the Node names of the limits to nx_limits_t's fields,
 * for the runtime's config and an execution's context.limits alike. */
bool nxa_limits(napi_env env, napi_value obj, nx_limits_t *l)
{
    const nxa_u32_field_t fields[] = {
        { "timeoutMs", &l->timeout_ms },
        { "memoryLimitMb", &l->memory_mb },
        { "maxHostCalls", &l->max_host_calls },
        { "maxValueBytes", &l->max_value_bytes },
        { "maxLogBytes", &l->max_log_bytes },
        { "maxEvents", &l->max_events },
        { "maxViewCommands", &l->max_view_commands },
        { "maxLogs", &l->max_logs },
        { "maxStateKeys", &l->max_state_keys },
        { "maxOutputBytes", &l->max_output_bytes },
        { "deadlineMs", &l->deadline_ms },
        { "maxInstructions", &l->max_instructions },
    };
    return nxa_u32_fields(env, obj, fields, sizeof fields / sizeof fields[0]);
}
