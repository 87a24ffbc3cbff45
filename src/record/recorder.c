/* recorder.c - the recorder attached to a recorded or replayed execution
 * (recorder.h). */
#include "record/recorder.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result/result.h"

struct nx_recorder {
    nx_recording_t *rec;
    bool replaying;
    size_t segment, next;
    char *divergence;
};

nx_recorder_t *nx_recorder_for_recording(const char *engine_id, const char *source, size_t len,
                                         const nx_context_t *ctx, nx_recording_t **recording)
{
    nx_recording_t *rec = nx_recording_new();
    nx_recorder_t *r = calloc(1, sizeof *r);
    if (!rec || !r || !nx_recording_add_segment(rec) ||
        !nx_recording_pack_context(ctx, &rec->context, &rec->context_len))
        goto fail;
    rec->engine_id = strdup(engine_id);
    rec->source = malloc(len + 1);
    if (!rec->engine_id || !rec->source)
        goto fail;
    memcpy(rec->source, source, len);
    rec->source[len] = '\0';
    rec->source_len = len;
    r->rec = nx_recording_retain(rec);
    *recording = rec;
    return r;
fail:
    free(r);
    nx_recording_free(rec);
    return NULL;
}

nx_recorder_t *nx_recorder_continue(nx_recording_t *rec)
{
    nx_recorder_t *r = calloc(1, sizeof *r);
    if (!r || rec->count == 0) {
        free(r);
        return NULL;
    }
    r->rec = nx_recording_retain(rec);
    r->segment = rec->count - 1;
    r->next = rec->segments[r->segment].count;
    return r;
}

nx_recording_t *nx_recorder_recording(const nx_recorder_t *r)
{
    return r && !r->replaying ? r->rec : NULL;
}

nx_recorder_t *nx_recorder_for_replay(const nx_recording_t *rec)
{
    nx_recorder_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->rec = nx_recording_retain((nx_recording_t *)rec);
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

size_t nx_recorder_log(nx_recorder_t *r, const char *interface, const char *function,
                       const uint8_t *input, size_t input_len, int32_t ret, bool outside,
                       const uint8_t *output, size_t output_len)
{
    nx_segment_log_t *s = &r->rec->segments[r->segment];
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        nx_logged_call_t *grown = realloc(s->calls, cap * sizeof *grown);
        if (!grown) {
            nx_recorder_diverge(r, "out of memory while recording");
            return 0;
        }
        s->calls = grown;
        s->cap = cap;
    }
    nx_logged_call_t *c = &s->calls[s->count++];
    memset(c, 0, sizeof *c);
    c->interface = strdup(interface);
    c->function = strdup(function);
    nx_digest(input, input ? input_len : 0, c->input_digest);
    c->ret = ret;
    c->outside = outside;
    size_t kept = 0;
    if (outside && output && output_len) {
        c->output = malloc(output_len);
        if (c->output) {
            memcpy(c->output, output, output_len);
            c->output_len = kept = output_len;
        }
    } else if (output && output_len) {
        c->output = malloc(NX_DIGEST_BYTES);
        if (c->output) {
            nx_digest(output, output_len, c->output);
            c->output_len = NX_DIGEST_BYTES;
        }
    }
    return kept;
}

const nx_logged_call_t *nx_recorder_next(nx_recorder_t *r)
{
    if (r->segment >= r->rec->count)
        return NULL;
    const nx_segment_log_t *s = &r->rec->segments[r->segment];
    return r->next < s->count ? &s->calls[r->next++] : NULL;
}

void nx_recorder_resume(nx_recorder_t *r, const char *id, const nx_outcome_t *o)
{
    r->segment++;
    r->next = 0;
    if (r->replaying)
        return;
    nx_segment_log_t *s = nx_recording_add_segment(r->rec);
    if (!s)
        return;
    s->resumed = true;
    s->resume_id = strdup(id);
    s->resume_is_error = o->is_error;
    if (!o->is_error && o->value && o->value_len && (s->resume_value = malloc(o->value_len)) != NULL) {
        memcpy(s->resume_value, o->value, o->value_len);
        s->resume_value_len = o->value_len;
    }
    s->resume_message = o->error_message ? strdup(o->error_message) : NULL;
}

void nx_recorder_segment_end(nx_recorder_t *rec, const nx_result_t *result, bool ended)
{
    uint8_t *doc = NULL;
    size_t len = 0;
    nx_result_outcome_msgpack(result, &doc, &len);
    if (!rec->replaying) {
        nx_segment_log_t *s = &rec->rec->segments[rec->segment];
        free(s->result);
        s->result = doc;
        s->result_len = len;
        rec->rec->ended = ended;
        return;
    }
    const nx_segment_log_t *s = rec->segment < rec->rec->count ? &rec->rec->segments[rec->segment] : NULL;
    if (!s)
        nx_recorder_diverge(rec, "the replay ran more segments than were recorded");
    else if (rec->next < s->count)
        nx_recorder_diverge(rec, "the replay made %zu host calls where %zu were recorded", rec->next, s->count);
    else if (!doc || s->result_len != len || memcmp(s->result, doc, len) != 0)
        nx_recorder_diverge(rec, "the replay's result differs from the recorded one");
    free(doc);
}
