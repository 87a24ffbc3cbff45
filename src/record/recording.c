/* recording.c - recordings: their memory, the context as recorded, and
 * the file format (nx_recording_save / nx_recording_load). Loading takes
 * untrusted bytes: everything is type-checked, sizes are the ones the
 * bytes state (never what a C string function finds), and anything this
 * version would not have written is refused. */
#include "record/recording.h"

#include <msgpack.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "common/context.h"
#include "common/limits.h"
#include "common/msgpack_io.h"
#include "common/values.h"

#define FORMAT_NAME "nexus-recording"
#define FORMAT_VERSION 2

void nx_digest(const uint8_t *bytes, size_t len, uint8_t out[NX_DIGEST_BYTES])
{
    SHA256(len ? bytes : (const uint8_t *)"", len, out);
}

/* ---- memory ------------------------------------------------------------------------------- */

nx_recording_t *nx_recording_new(void)
{
    nx_recording_t *rec = calloc(1, sizeof *rec);
    if (rec)
        atomic_init(&rec->refs, 1);
    return rec;
}

nx_recording_t *nx_recording_retain(nx_recording_t *rec)
{
    atomic_fetch_add(&rec->refs, 1);
    return rec;
}

nx_segment_log_t *nx_recording_add_segment(nx_recording_t *rec)
{
    if (rec->count == rec->cap) {
        size_t cap = rec->cap ? rec->cap * 2 : 4;
        nx_segment_log_t *grown = realloc(rec->segments, cap * sizeof *grown);
        if (!grown)
            return NULL;
        rec->segments = grown;
        rec->cap = cap;
    }
    nx_segment_log_t *s = &rec->segments[rec->count++];
    memset(s, 0, sizeof *s);
    return s;
}

static void free_segment(nx_segment_log_t *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->calls[i].interface);
        free(s->calls[i].function);
        free(s->calls[i].output);
    }
    free(s->calls);
    free(s->resume_id);
    free(s->resume_value);
    free(s->resume_message);
    free(s->result);
}

void nx_recording_free(nx_recording_t *rec)
{
    if (!rec || atomic_fetch_sub(&rec->refs, 1) != 1)
        return;
    for (size_t i = 0; i < rec->count; i++)
        free_segment(&rec->segments[i]);
    free(rec->segments);
    free(rec->engine_id);
    free(rec->source);
    free(rec->context);
    free(rec);
}

bool nx_recording_resume_of(const nx_recording_t *rec, size_t i, const char **id, nx_outcome_t *o)
{
    if (i == 0 || i >= rec->count || !rec->segments[i].resumed)
        return false;
    const nx_segment_log_t *s = &rec->segments[i];
    *id = s->resume_id;
    *o = (nx_outcome_t){ .is_error = s->resume_is_error, .value = s->resume_value,
                         .value_len = s->resume_value_len, .error_message = s->resume_message };
    return true;
}

/* ---- packing ------------------------------------------------------------------------------ */


bool nx_recording_pack_context(const nx_context_t *ctx, uint8_t **out, size_t *len)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 7);
    nx_pack_key(&pk, "panelId");
    nx_pack_str(&pk, ctx->panel_id);
    nx_pack_key(&pk, "handlerName");
    nx_pack_str(&pk, ctx->handler_name);
    nx_pack_key(&pk, "state");
    nx_pack_bin(&pk, ctx->state->bytes, ctx->state->len);
    nx_pack_key(&pk, "args");
    nx_pack_bin(&pk, ctx->args, ctx->args_len);
    nx_pack_key(&pk, "scope");
    nx_pack_bin(&pk, ctx->scope, ctx->scope_len);
    nx_pack_key(&pk, "capabilities");
    msgpack_pack_array(&pk, (uint32_t)ctx->cap_count);
    for (size_t i = 0; i < ctx->cap_count; i++)
        nx_pack_str(&pk, ctx->caps[i]);
    nx_pack_key(&pk, "limits");
    nx_limits_pack(&pk, &ctx->limits, false);
    *out = (uint8_t *)sb.data;
    *len = sb.size;
    return sb.data != NULL;
}

/* ---- unpacking the context ------------------------------------------------------------------ */

static bool key_is(const msgpack_object *o, const char *key)
{
    size_t n = strlen(key);
    return o->type == MSGPACK_OBJECT_STR && o->via.str.size == n && memcmp(o->via.str.ptr, key, n) == 0;
}

static nx_code_t set_string(nx_context_t *ctx, const msgpack_object *o,
                            nx_code_t (*set)(nx_context_t *, const char *))
{
    if (o->type == MSGPACK_OBJECT_NIL)
        return NX_OK;
    char *s = nx_read_cstring(o);
    nx_code_t code = s ? set(ctx, s) : NX_E_INVALID_ARGUMENT;
    free(s);
    return code;
}

static nx_code_t set_map(nx_context_t *ctx, const msgpack_object *o,
                         nx_code_t (*set)(nx_context_t *, const void *, size_t))
{
    if (o->type == MSGPACK_OBJECT_NIL)
        return NX_OK;
    if (o->type != MSGPACK_OBJECT_BIN)
        return NX_E_INVALID_ARGUMENT;
    return set(ctx, o->via.bin.ptr, o->via.bin.size);
}

static nx_code_t set_capabilities(nx_context_t *ctx, const msgpack_object *o)
{
    if (o->type != MSGPACK_OBJECT_ARRAY)
        return NX_E_INVALID_ARGUMENT;
    nx_code_t code = NX_OK;
    for (uint32_t i = 0; code == NX_OK && i < o->via.array.size; i++) {
        char *token = nx_read_cstring(&o->via.array.ptr[i]);
        code = token ? nx_context_add_capability(ctx, token) : NX_E_INVALID_ARGUMENT;
        free(token);
    }
    return code;
}

static nx_code_t set_limits(nx_context_t *ctx, const msgpack_object *o)
{
    nx_limits_t l;
    char err[160];
    if (nx_limits_unpack(o, false, &l, err, sizeof err) != NX_OK)
        return NX_E_INVALID_ARGUMENT;
    return nx_context_set_limits(ctx, &l);
}

nx_code_t nx_recording_context(const nx_recording_t *rec, nx_context_t **out)
{
    *out = NULL;
    msgpack_zone zone;
    msgpack_zone_init(&zone, 1024);
    msgpack_object root;
    nx_context_t *ctx = NULL;
    nx_code_t code = NX_E_INVALID_ARGUMENT;
    if (!nx_unpack_checked(rec->context, rec->context_len, &zone, &root) ||
        root.type != MSGPACK_OBJECT_MAP || root.via.map.size != 7 ||
        nx_context_create(&ctx) != NX_OK)
        goto out;
    code = NX_OK;
    unsigned seen = 0;
    for (uint32_t i = 0; code == NX_OK && i < root.via.map.size; i++) {
        const msgpack_object *k = &root.via.map.ptr[i].key, *v = &root.via.map.ptr[i].val;
        unsigned bit = 0;
        if (key_is(k, "panelId"))
            bit = 1, code = set_string(ctx, v, nx_context_set_panel_id);
        else if (key_is(k, "handlerName"))
            bit = 2, code = set_string(ctx, v, nx_context_set_handler_name);
        else if (key_is(k, "state"))
            bit = 4, code = set_map(ctx, v, nx_context_set_state);
        else if (key_is(k, "args"))
            bit = 8, code = set_map(ctx, v, nx_context_set_args);
        else if (key_is(k, "scope"))
            bit = 16, code = set_map(ctx, v, nx_context_set_scope);
        else if (key_is(k, "capabilities"))
            bit = 32, code = set_capabilities(ctx, v);
        else if (key_is(k, "limits"))
            bit = 64, code = set_limits(ctx, v);
        if (!bit || (seen & bit))
            code = NX_E_INVALID_ARGUMENT;
        seen |= bit;
    }
    if (code == NX_OK && seen != 127)
        code = NX_E_INVALID_ARGUMENT;
out:
    msgpack_zone_destroy(&zone);
    if (code != NX_OK) {
        nx_context_free(ctx);
        return NX_E_INVALID_ARGUMENT;
    }
    *out = ctx;
    return NX_OK;
}

/* ---- files ------------------------------------------------------------------------------------ */

nx_code_t nx_recording_save(const nx_recording_t *rec, uint8_t **buf, size_t *len)
{
    if (!rec || !buf || !len)
        return NX_E_INVALID_ARGUMENT;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 7);
    nx_pack_str(&pk, FORMAT_NAME);
    msgpack_pack_uint32(&pk, FORMAT_VERSION);
    nx_pack_str(&pk, rec->engine_id);
    msgpack_pack_str_with_body(&pk, rec->source, rec->source_len);
    nx_pack_bin(&pk, rec->context, rec->context_len);
    if (rec->ended)
        msgpack_pack_true(&pk);
    else
        msgpack_pack_false(&pk);
    msgpack_pack_array(&pk, (uint32_t)rec->count);
    for (size_t i = 0; i < rec->count; i++) {
        const nx_segment_log_t *s = &rec->segments[i];
        msgpack_pack_array(&pk, 7);
        if (s->resumed)
            msgpack_pack_true(&pk);
        else
            msgpack_pack_false(&pk);
        nx_pack_str(&pk, s->resume_id);
        if (s->resume_is_error)
            msgpack_pack_true(&pk);
        else
            msgpack_pack_false(&pk);
        nx_pack_bin(&pk, s->resume_value, s->resume_value_len);
        nx_pack_str(&pk, s->resume_message);
        nx_pack_bin(&pk, s->result, s->result_len);
        msgpack_pack_array(&pk, (uint32_t)s->count);
        for (size_t j = 0; j < s->count; j++) {
            const nx_logged_call_t *c = &s->calls[j];
            msgpack_pack_array(&pk, 6);
            nx_pack_str(&pk, c->interface);
            nx_pack_str(&pk, c->function);
            msgpack_pack_bin_with_body(&pk, c->input_digest, NX_DIGEST_BYTES);
            msgpack_pack_int32(&pk, c->ret);
            if (c->outside)
                msgpack_pack_true(&pk);
            else
                msgpack_pack_false(&pk);
            nx_pack_bin(&pk, c->output, c->output_len);
        }
    }
    if (!sb.data)
        return NX_E_INTERNAL_ERROR;
    *buf = (uint8_t *)sb.data;
    *len = sb.size;
    return NX_OK;
}

static bool is_str(const msgpack_object *o) { return o->type == MSGPACK_OBJECT_STR; }
static bool is_bool(const msgpack_object *o) { return o->type == MSGPACK_OBJECT_BOOLEAN; }
static bool is_bin_or_nil(const msgpack_object *o)
{
    return o->type == MSGPACK_OBJECT_BIN || o->type == MSGPACK_OBJECT_NIL;
}
static bool is_str_or_nil(const msgpack_object *o) { return is_str(o) || o->type == MSGPACK_OBJECT_NIL; }

static uint8_t *bin_copy(const msgpack_object *o, size_t *len)
{
    *len = 0;
    if (o->type != MSGPACK_OBJECT_BIN || !o->via.bin.size)
        return NULL;
    uint8_t *copy = malloc(o->via.bin.size);
    if (copy) {
        memcpy(copy, o->via.bin.ptr, o->via.bin.size);
        *len = o->via.bin.size;
    }
    return copy;
}

static bool load_call(nx_logged_call_t *c, const msgpack_object *o)
{
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 6)
        return false;
    const msgpack_object *f = o->via.array.ptr;
    if (!is_str(&f[0]) || !is_str(&f[1]) || f[2].type != MSGPACK_OBJECT_BIN ||
        f[2].via.bin.size != NX_DIGEST_BYTES || !is_bool(&f[4]) || !is_bin_or_nil(&f[5]) ||
        (f[3].type != MSGPACK_OBJECT_POSITIVE_INTEGER && f[3].type != MSGPACK_OBJECT_NEGATIVE_INTEGER) ||
        f[3].via.i64 < INT32_MIN || (f[3].type == MSGPACK_OBJECT_POSITIVE_INTEGER && f[3].via.u64 > INT32_MAX))
        return false;
    c->interface = nx_read_cstring(&f[0]);
    c->function = nx_read_cstring(&f[1]);
    memcpy(c->input_digest, f[2].via.bin.ptr, NX_DIGEST_BYTES);
    c->ret = (int32_t)f[3].via.i64;
    c->outside = f[4].via.boolean;
    c->output = bin_copy(&f[5], &c->output_len);
    /* what is not outside is a digest, or nothing */
    bool output_ok = c->outside || c->output_len == 0 || c->output_len == NX_DIGEST_BYTES;
    return c->interface && c->function && output_ok && (c->output || f[5].type == MSGPACK_OBJECT_NIL);
}

static bool load_segment(nx_segment_log_t *s, const msgpack_object *o)
{
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 7)
        return false;
    const msgpack_object *f = o->via.array.ptr;
    if (!is_bool(&f[0]) || !is_str_or_nil(&f[1]) || !is_bool(&f[2]) || !is_bin_or_nil(&f[3]) ||
        !is_str_or_nil(&f[4]) || !is_bin_or_nil(&f[5]) || f[6].type != MSGPACK_OBJECT_ARRAY)
        return false;
    s->resumed = f[0].via.boolean;
    s->resume_id = is_str(&f[1]) ? nx_read_cstring(&f[1]) : NULL;
    s->resume_is_error = f[2].via.boolean;
    s->resume_value = bin_copy(&f[3], &s->resume_value_len);
    s->resume_message = is_str(&f[4]) ? nx_read_cstring(&f[4]) : NULL;
    s->result = bin_copy(&f[5], &s->result_len);
    if (s->resumed && !s->resume_id)
        return false;
    if (s->resume_value && nx_value_check(s->resume_value, s->resume_value_len, NULL) != NX_OK)
        return false;
    s->calls = calloc(f[6].via.array.size ? f[6].via.array.size : 1, sizeof *s->calls);
    if (!s->calls)
        return false;
    s->cap = f[6].via.array.size;
    for (uint32_t i = 0; i < f[6].via.array.size; i++) {
        s->count++;
        if (!load_call(&s->calls[i], &f[6].via.array.ptr[i]))
            return false;
    }
    return true;
}

nx_code_t nx_recording_load(const void *buf, size_t len, nx_recording_t **out)
{
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    if (!buf)
        return NX_E_INVALID_ARGUMENT;
    msgpack_zone zone;
    msgpack_zone_init(&zone, 4096);
    msgpack_object root;
    nx_recording_t *rec = nx_recording_new();
    bool ok = rec && nx_unpack_checked(buf, len, &zone, &root) &&
              root.type == MSGPACK_OBJECT_ARRAY && root.via.array.size == 7;
    const msgpack_object *f = ok ? root.via.array.ptr : NULL;
    ok = ok && key_is(&f[0], FORMAT_NAME) && f[1].type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
         f[1].via.u64 == FORMAT_VERSION && is_str(&f[2]) && is_str(&f[3]) &&
         f[4].type == MSGPACK_OBJECT_BIN && is_bool(&f[5]) && f[6].type == MSGPACK_OBJECT_ARRAY &&
         f[6].via.array.size > 0;
    if (ok) {
        rec->engine_id = nx_read_cstring(&f[2]);
        /* the source as the bytes say: a U+0000 in it is refused, not cut */
        rec->source = nx_read_cstring(&f[3]);
        rec->source_len = rec->source ? f[3].via.str.size : 0;
        rec->context = bin_copy(&f[4], &rec->context_len);
        rec->ended = f[5].via.boolean;
        for (uint32_t i = 0; ok && i < f[6].via.array.size; i++) {
            nx_segment_log_t *s = nx_recording_add_segment(rec);
            ok = s && load_segment(s, &f[6].via.array.ptr[i]);
        }
        /* only the first segment is not opened by a resume */
        for (size_t i = 0; ok && i < rec->count; i++)
            ok = rec->segments[i].resumed == (i > 0);
        ok = ok && rec->engine_id && rec->source && rec->context;
    }
    msgpack_zone_destroy(&zone);
    if (!ok) {
        nx_recording_free(rec);
        return NX_E_INVALID_ARGUMENT;
    }
    *out = rec;
    return NX_OK;
}
