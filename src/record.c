/* record.c - recordings (nx_execute_recorded, nx_replay, save/load) and
 * the per-execution recorder behind them (record.h). */
#include "record.h"

#include <msgpack.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "result.h"
#include "runtime.h"
#include "values.h"

#define FORMAT_NAME "nexus-recording"
#define FORMAT_VERSION 1

typedef struct segment {
    nx_logged_call_t *calls;
    size_t count, cap;
    bool resumed;                /* opened by a resume (all but the first) */
    char *resume_id;
    bool resume_is_error;
    uint8_t *resume_value;
    size_t resume_value_len;
    char *resume_message;
    uint8_t *result;             /* outcome document (no metrics) */
    size_t result_len;
} segment_t;

struct nx_recording {
    atomic_int refs;
    char *engine_id;
    char *source;
    size_t source_len;
    uint8_t *context;            /* MessagePack map, see pack_context */
    size_t context_len;
    segment_t *segments;
    size_t count, cap;
    bool ended;
};

struct nx_recorder {
    nx_recording_t *rec;
    bool replaying;
    size_t segment, next;
    char *divergence;
};

/* ---- small helpers ------------------------------------------------------------------- */

static void *dup_bytes(const void *p, size_t len)
{
    if (!p || !len)
        return NULL;
    void *copy = malloc(len);
    if (copy)
        memcpy(copy, p, len);
    return copy;
}

static void pack_str(msgpack_packer *pk, const char *s)
{
    if (s)
        msgpack_pack_str_with_body(pk, s, strlen(s));
    else
        msgpack_pack_nil(pk);
}

static void pack_bin(msgpack_packer *pk, const uint8_t *p, size_t len)
{
    if (p && len)
        msgpack_pack_bin_with_body(pk, p, len);
    else
        msgpack_pack_nil(pk);
}

static segment_t *add_segment(nx_recording_t *rec)
{
    if (rec->count == rec->cap) {
        size_t cap = rec->cap ? rec->cap * 2 : 4;
        segment_t *grown = realloc(rec->segments, cap * sizeof *grown);
        if (!grown)
            return NULL;
        rec->segments = grown;
        rec->cap = cap;
    }
    segment_t *s = &rec->segments[rec->count++];
    memset(s, 0, sizeof *s);
    return s;
}

static void free_segment(segment_t *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->calls[i].interface);
        free(s->calls[i].function);
        free(s->calls[i].input);
        free(s->calls[i].output);
    }
    free(s->calls);
    free(s->resume_id);
    free(s->resume_value);
    free(s->resume_message);
    free(s->result);
}

static nx_recording_t *recording_new(void)
{
    nx_recording_t *rec = calloc(1, sizeof *rec);
    if (rec)
        atomic_init(&rec->refs, 1);
    return rec;
}

static nx_recording_t *recording_retain(nx_recording_t *rec)
{
    atomic_fetch_add(&rec->refs, 1);
    return rec;
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

/* ---- the context, as recorded ------------------------------------------------------------ */

static void pack_limits(msgpack_packer *pk, const nx_limits_t *l)
{
    const uint32_t v[] = { l->timeout_ms, l->memory_mb, l->max_host_calls, l->max_value_bytes,
                           l->max_log_bytes, l->max_events, l->max_view_commands, l->max_logs,
                           l->max_state_keys, l->max_output_bytes };
    msgpack_pack_array(pk, sizeof v / sizeof v[0]);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        msgpack_pack_uint32(pk, v[i]);
}

static bool pack_context(const nx_context_t *ctx, uint8_t **out, size_t *len)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 7);
    pack_str(&pk, ctx->panel_id);
    pack_str(&pk, ctx->handler_name);
    pack_bin(&pk, ctx->state->bytes, ctx->state->len);
    pack_bin(&pk, ctx->args, ctx->args_len);
    pack_bin(&pk, ctx->scope, ctx->scope_len);
    msgpack_pack_array(&pk, (uint32_t)ctx->cap_count);
    for (size_t i = 0; i < ctx->cap_count; i++)
        pack_str(&pk, ctx->caps[i]);
    pack_limits(&pk, &ctx->limits);
    *out = (uint8_t *)sb.data;
    *len = sb.size;
    return sb.data != NULL;
}

static char *object_string(const msgpack_object *o)
{
    return o->type == MSGPACK_OBJECT_STR ? strndup(o->via.str.ptr, o->via.str.size) : NULL;
}

static nx_code_t set_map_from(nx_context_t *ctx, const msgpack_object *o,
                              nx_code_t (*set)(nx_context_t *, const void *, size_t))
{
    if (o->type == MSGPACK_OBJECT_NIL)
        return NX_OK;
    if (o->type != MSGPACK_OBJECT_BIN)
        return NX_E_INVALID_ARGUMENT;
    return set(ctx, o->via.bin.ptr, o->via.bin.size);
}

nx_code_t nx_recording_context(const nx_recording_t *rec, nx_context_t **out)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 1024);
    msgpack_object root;
    size_t off = 0;
    nx_context_t *ctx = NULL;
    nx_code_t code = NX_E_INVALID_ARGUMENT;
    if (msgpack_unpack((const char *)rec->context, rec->context_len, &off, &zone, &root) !=
            MSGPACK_UNPACK_SUCCESS || root.type != MSGPACK_OBJECT_ARRAY || root.via.array.size != 7 ||
        nx_context_create(&ctx) != NX_OK)
        goto out;
    const msgpack_object *f = root.via.array.ptr;
    char *panel = object_string(&f[0]), *handler = object_string(&f[1]);
    code = nx_context_set_panel_id(ctx, panel);
    if (code == NX_OK)
        code = nx_context_set_handler_name(ctx, handler);
    free(panel);
    free(handler);
    if (code == NX_OK)
        code = set_map_from(ctx, &f[2], nx_context_set_state);
    if (code == NX_OK)
        code = set_map_from(ctx, &f[3], nx_context_set_args);
    if (code == NX_OK)
        code = set_map_from(ctx, &f[4], nx_context_set_scope);
    if (code == NX_OK && f[5].type != MSGPACK_OBJECT_ARRAY)
        code = NX_E_INVALID_ARGUMENT;
    for (uint32_t i = 0; code == NX_OK && i < f[5].via.array.size; i++) {
        char *token = object_string(&f[5].via.array.ptr[i]);
        code = token ? nx_context_add_capability(ctx, token) : NX_E_INVALID_ARGUMENT;
        free(token);
    }
    if (code == NX_OK && (f[6].type != MSGPACK_OBJECT_ARRAY || f[6].via.array.size != 10))
        code = NX_E_INVALID_ARGUMENT;
    if (code == NX_OK) {
        uint32_t v[10];
        for (int i = 0; i < 10; i++)
            v[i] = (uint32_t)f[6].via.array.ptr[i].via.u64;
        nx_limits_t l = { v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9] };
        code = nx_context_set_limits(ctx, &l);
    }
out:
    msgpack_zone_destroy(&zone);
    if (code != NX_OK) {
        nx_context_free(ctx);
        ctx = NULL;
    }
    *out = ctx;
    return code;
}

const char *nx_recording_source(const nx_recording_t *rec, size_t *len)
{
    *len = rec->source_len;
    return rec->source;
}

size_t nx_recording_segments(const nx_recording_t *rec) { return rec->count; }

bool nx_recording_resume_of(const nx_recording_t *rec, size_t i, const char **id, nx_outcome_t *o)
{
    if (i == 0 || i >= rec->count || !rec->segments[i].resumed)
        return false;
    const segment_t *s = &rec->segments[i];
    *id = s->resume_id;
    *o = (nx_outcome_t){ .is_error = s->resume_is_error, .value = s->resume_value,
                         .value_len = s->resume_value_len, .error_message = s->resume_message };
    return true;
}

/* ---- the recorder -------------------------------------------------------------------------- */

nx_recorder_t *nx_recorder_for_recording(const char *engine_id, const char *source, size_t len,
                                         const nx_context_t *ctx, nx_recording_t **recording)
{
    nx_recording_t *rec = recording_new();
    nx_recorder_t *r = calloc(1, sizeof *r);
    if (!rec || !r || !add_segment(rec) || !pack_context(ctx, &rec->context, &rec->context_len)) {
        free(r);
        nx_recording_free(rec);
        return NULL;
    }
    rec->engine_id = strdup(engine_id);
    rec->source = malloc(len + 1);
    if (rec->source) {
        memcpy(rec->source, source, len);
        rec->source[len] = '\0';
        rec->source_len = len;
    }
    r->rec = recording_retain(rec);
    *recording = rec;
    return r;
}

nx_recorder_t *nx_recorder_for_replay(const nx_recording_t *rec)
{
    nx_recorder_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->rec = recording_retain((nx_recording_t *)rec);
    r->replaying = true;
    return r;
}

void nx_recorder_free(nx_recorder_t *r)
{
    if (!r)
        return;
    nx_recording_free(r->rec);
    free(r->divergence);
    free(r);
}

bool nx_recorder_replaying(const nx_recorder_t *r) { return r && r->replaying; }

void nx_recorder_diverge(nx_recorder_t *r, const char *fmt, ...)
{
    if (r->divergence)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&r->divergence, fmt, ap) < 0)
        r->divergence = NULL;
    va_end(ap);
}

const char *nx_recorder_divergence(const nx_recorder_t *r) { return r ? r->divergence : NULL; }

void nx_recorder_log(nx_recorder_t *r, const char *interface, const char *function,
                     const uint8_t *input, size_t input_len, int32_t ret,
                     const uint8_t *output, size_t output_len)
{
    segment_t *s = &r->rec->segments[r->segment];
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        nx_logged_call_t *grown = realloc(s->calls, cap * sizeof *grown);
        if (!grown)
            return;
        s->calls = grown;
        s->cap = cap;
    }
    s->calls[s->count++] = (nx_logged_call_t){
        .interface = strdup(interface), .function = strdup(function),
        .input = dup_bytes(input, input_len), .input_len = input ? input_len : 0,
        .output = dup_bytes(output, output_len), .output_len = output ? output_len : 0,
        .ret = ret,
    };
}

const nx_logged_call_t *nx_recorder_next(nx_recorder_t *r)
{
    if (r->segment >= r->rec->count)
        return NULL;
    const segment_t *s = &r->rec->segments[r->segment];
    return r->next < s->count ? &s->calls[r->next++] : NULL;
}

void nx_recorder_resume(nx_recorder_t *r, const char *id, const nx_outcome_t *o)
{
    r->segment++;
    r->next = 0;
    if (r->replaying)
        return;
    segment_t *s = add_segment(r->rec);
    if (!s)
        return;
    s->resumed = true;
    s->resume_id = strdup(id);
    s->resume_is_error = o->is_error;
    s->resume_value = dup_bytes(o->value, o->value_len);
    s->resume_value_len = s->resume_value ? o->value_len : 0;
    s->resume_message = o->error_message ? strdup(o->error_message) : NULL;
}

void nx_recorder_segment_end(nx_recorder_t *rec, const nx_result_t *result, bool ended)
{
    uint8_t *doc = NULL;
    size_t len = 0;
    nx_result_outcome_msgpack(result, &doc, &len);
    if (!rec->replaying) {
        segment_t *s = &rec->rec->segments[rec->segment];
        free(s->result);
        s->result = doc;
        s->result_len = len;
        rec->rec->ended = ended;
        return;
    }
    const segment_t *s = rec->segment < rec->rec->count ? &rec->rec->segments[rec->segment] : NULL;
    if (!s)
        nx_recorder_diverge(rec, "the replay ran more segments than were recorded");
    else if (rec->next < s->count)
        nx_recorder_diverge(rec, "the replay made %zu host calls where %zu were recorded", rec->next, s->count);
    else if (!doc || s->result_len != len || memcmp(s->result, doc, len) != 0)
        nx_recorder_diverge(rec, "the replay's result differs from the recorded one");
    free(doc);
}

/* ---- public API ------------------------------------------------------------------------------ */

nx_code_t nx_execute_recorded(nx_runtime_t *rt, const char *source, size_t len,
                              const nx_context_t *ctx, nx_recording_t **recording,
                              nx_result_t **out)
{
    if (recording)
        *recording = NULL;
    if (!rt || !ctx || !recording || !out || (!source && len)) {
        if (out)
            *out = nx_result_error_new(NX_E_INVALID_ARGUMENT, "runtime, context, recording and result are required");
        return NX_E_INVALID_ARGUMENT;
    }
    nx_recorder_t *r = nx_recorder_for_recording(rt->engine_id, source ? source : "", len, ctx, recording);
    if (!r) {
        *out = nx_result_error_new(NX_E_INTERNAL_ERROR, "out of memory");
        return NX_E_INTERNAL_ERROR;
    }
    return nx_execute_source(rt, source ? source : "", len, ctx, r, out);
}

nx_code_t nx_replay(nx_runtime_t *rt, const nx_recording_t *rec, nx_result_t **out)
{
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    if (!rt || !rec) {
        *out = nx_result_error_new(NX_E_INVALID_ARGUMENT, "runtime and recording are required");
        return NX_E_INVALID_ARGUMENT;
    }
    nx_context_t *ctx;
    nx_code_t code = nx_recording_context(rec, &ctx);
    nx_recorder_t *r = code == NX_OK ? nx_recorder_for_replay(rec) : NULL;
    if (!r) {
        nx_context_free(ctx);
        *out = nx_result_error_new(NX_E_INVALID_ARGUMENT, "the recording's context is unusable");
        return NX_E_INVALID_ARGUMENT;
    }
    nx_result_t *result;
    code = nx_execute_source(rt, rec->source, rec->source_len, ctx, r, &result);
    nx_context_free(ctx);
    /* resume where the recording resumed, with the recorded answers */
    for (size_t i = 1; code == NX_OK && i < rec->count && nx_result_status(result) == NX_STATUS_SUSPENDED; i++) {
        const char *id;
        nx_outcome_t outcome;
        if (!nx_recording_resume_of(rec, i, &id, &outcome))
            break;
        nx_result_t *next;
        code = nx_resume(rt, id, &outcome, &next);
        nx_result_free(result);
        result = next;
    }
    *out = result;
    return code;
}

/* ---- files -------------------------------------------------------------------------------------- */

nx_code_t nx_recording_save(const nx_recording_t *rec, uint8_t **buf, size_t *len)
{
    if (!rec || !buf || !len)
        return NX_E_INVALID_ARGUMENT;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 7);
    pack_str(&pk, FORMAT_NAME);
    msgpack_pack_uint32(&pk, FORMAT_VERSION);
    pack_str(&pk, rec->engine_id);
    msgpack_pack_str_with_body(&pk, rec->source, rec->source_len);
    pack_bin(&pk, rec->context, rec->context_len);
    if (rec->ended)
        msgpack_pack_true(&pk);
    else
        msgpack_pack_false(&pk);
    msgpack_pack_array(&pk, (uint32_t)rec->count);
    for (size_t i = 0; i < rec->count; i++) {
        const segment_t *s = &rec->segments[i];
        msgpack_pack_array(&pk, 7);
        if (s->resumed)
            msgpack_pack_true(&pk);
        else
            msgpack_pack_false(&pk);
        pack_str(&pk, s->resume_id);
        if (s->resume_is_error)
            msgpack_pack_true(&pk);
        else
            msgpack_pack_false(&pk);
        pack_bin(&pk, s->resume_value, s->resume_value_len);
        pack_str(&pk, s->resume_message);
        pack_bin(&pk, s->result, s->result_len);
        msgpack_pack_array(&pk, (uint32_t)s->count);
        for (size_t j = 0; j < s->count; j++) {
            const nx_logged_call_t *c = &s->calls[j];
            msgpack_pack_array(&pk, 5);
            pack_str(&pk, c->interface);
            pack_str(&pk, c->function);
            pack_bin(&pk, c->input, c->input_len);
            msgpack_pack_int32(&pk, c->ret);
            pack_bin(&pk, c->output, c->output_len);
        }
    }
    if (!sb.data)
        return NX_E_INTERNAL_ERROR;
    *buf = (uint8_t *)sb.data;
    *len = sb.size;
    return NX_OK;
}

/* Loading accepts only what save writes: every field is type-checked. */
static bool is_str(const msgpack_object *o) { return o->type == MSGPACK_OBJECT_STR; }
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
    *len = o->via.bin.size;
    return dup_bytes(o->via.bin.ptr, o->via.bin.size);
}

static bool load_call(nx_logged_call_t *c, const msgpack_object *o)
{
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 5)
        return false;
    const msgpack_object *f = o->via.array.ptr;
    if (!is_str(&f[0]) || !is_str(&f[1]) || !is_bin_or_nil(&f[2]) || !is_bin_or_nil(&f[4]) ||
        (f[3].type != MSGPACK_OBJECT_POSITIVE_INTEGER && f[3].type != MSGPACK_OBJECT_NEGATIVE_INTEGER))
        return false;
    c->interface = object_string(&f[0]);
    c->function = object_string(&f[1]);
    c->input = bin_copy(&f[2], &c->input_len);
    c->ret = (int32_t)f[3].via.i64;
    c->output = bin_copy(&f[4], &c->output_len);
    return c->interface && c->function;
}

static bool load_segment(segment_t *s, const msgpack_object *o)
{
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 7)
        return false;
    const msgpack_object *f = o->via.array.ptr;
    if (f[0].type != MSGPACK_OBJECT_BOOLEAN || !is_str_or_nil(&f[1]) || f[2].type != MSGPACK_OBJECT_BOOLEAN ||
        !is_bin_or_nil(&f[3]) || !is_str_or_nil(&f[4]) || !is_bin_or_nil(&f[5]) ||
        f[6].type != MSGPACK_OBJECT_ARRAY)
        return false;
    s->resumed = f[0].via.boolean;
    s->resume_id = is_str(&f[1]) ? object_string(&f[1]) : NULL;
    s->resume_is_error = f[2].via.boolean;
    s->resume_value = bin_copy(&f[3], &s->resume_value_len);
    s->resume_message = is_str(&f[4]) ? object_string(&f[4]) : NULL;
    s->result = bin_copy(&f[5], &s->result_len);
    if (s->resumed && !s->resume_id)
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
    if (!buf || nx_value_check(buf, len, NULL) != NX_OK)
        return NX_E_INVALID_ARGUMENT;
    msgpack_zone zone;
    msgpack_zone_init(&zone, 4096);
    msgpack_object root;
    size_t off = 0;
    nx_recording_t *rec = recording_new();
    bool ok = rec && msgpack_unpack(buf, len, &off, &zone, &root) == MSGPACK_UNPACK_SUCCESS &&
              root.type == MSGPACK_OBJECT_ARRAY && root.via.array.size == 7;
    const msgpack_object *f = ok ? root.via.array.ptr : NULL;
    ok = ok && is_str(&f[0]) && f[0].via.str.size == strlen(FORMAT_NAME) &&
         memcmp(f[0].via.str.ptr, FORMAT_NAME, f[0].via.str.size) == 0 &&
         f[1].type == MSGPACK_OBJECT_POSITIVE_INTEGER && f[1].via.u64 == FORMAT_VERSION &&
         is_str(&f[2]) && is_str(&f[3]) && f[4].type == MSGPACK_OBJECT_BIN &&
         f[5].type == MSGPACK_OBJECT_BOOLEAN && f[6].type == MSGPACK_OBJECT_ARRAY &&
         f[6].via.array.size > 0;
    if (ok) {
        rec->engine_id = object_string(&f[2]);
        rec->source = object_string(&f[3]);
        rec->source_len = rec->source ? f[3].via.str.size : 0;
        rec->context = bin_copy(&f[4], &rec->context_len);
        rec->ended = f[5].via.boolean;
        for (uint32_t i = 0; ok && i < f[6].via.array.size; i++) {
            segment_t *s = add_segment(rec);
            ok = s && load_segment(s, &f[6].via.array.ptr[i]);
        }
        ok = ok && rec->source && rec->context;
    }
    msgpack_zone_destroy(&zone);
    if (!ok) {
        nx_recording_free(rec);
        return NX_E_INVALID_ARGUMENT;
    }
    *out = rec;
    return NX_OK;
}
