/* recording.h - what a recording holds (nx_recording_t in nexus.h) and its
 * file format; shared by the recorder that fills one in and the replay
 * driver that reads one.
 *
 * A recording holds the source, the context, and per segment (the first
 * run, then each resume) the resume's answer, every host call, and the
 * segment's result without its metrics. A host call is kept as
 * (interface, function, SHA-256 of its input, return value, output): the
 * output in full only when it came from outside the sandbox (time,
 * randomness, registry listings, extension and host-function answers,
 * extension call ids), since a replay must hand it back; otherwise its
 * SHA-256, since a replay only checks it. So a recording grows with what
 * the host answered, not with what a handler sent (docs/record-replay.md).
 */
#ifndef NEXUS_RECORD_RECORDING_H
#define NEXUS_RECORD_RECORDING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nexus.h"

#define NX_DIGEST_BYTES 32

typedef struct nx_logged_call {
    char *interface, *function;
    uint8_t input_digest[NX_DIGEST_BYTES];
    int32_t ret;
    bool outside;                /* output kept in full (answered from outside) */
    uint8_t *output;             /* outside: the output; else its digest */
    size_t output_len;
} nx_logged_call_t;

typedef struct nx_segment_log {
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
} nx_segment_log_t;

struct nx_recording {
    atomic_int refs;
    char *engine_id;
    char *source;                /* valid UTF-8, no U+0000 */
    size_t source_len;
    uint8_t *context;            /* MessagePack map, see nx_recording_pack_context */
    size_t context_len;
    nx_segment_log_t *segments;
    size_t count, cap;
    bool ended;
};

/* A new, empty recording (one reference). NULL when out of memory. */
nx_recording_t *nx_recording_new(void);
nx_recording_t *nx_recording_retain(nx_recording_t *rec);
/* Appends an empty segment; NULL when out of memory. */
nx_segment_log_t *nx_recording_add_segment(nx_recording_t *rec);

/* The context as recorded: a map of panelId, handlerName, state, args,
 * scope, capabilities and limits (by name, so that a limit added later
 * does not shift the others). Owner of *out: caller, free(). */
bool nx_recording_pack_context(const nx_context_t *ctx, uint8_t **out, size_t *len);
/* The context rebuilt from a recording (its limits checked as any
 * context's). Owner: caller, nx_context_free. */
nx_code_t nx_recording_context(const nx_recording_t *rec, nx_context_t **out);

/* The resume that opens segment i (i >= 1). */
bool nx_recording_resume_of(const nx_recording_t *rec, size_t i, const char **id,
                            nx_outcome_t *outcome);

/* SHA-256 of bytes (of nothing when len is 0). */
void nx_digest(const uint8_t *bytes, size_t len, uint8_t out[NX_DIGEST_BYTES]);

#endif
