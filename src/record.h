/* record.h - recordings of executions and the recorder that makes or
 * replays them (nx_recording_t in nexus.h).
 *
 * A recording holds the source, the context, and per segment (the first
 * run, then each resume) every host call as (interface, function, input,
 * return value, output), the resume's answer, and the result without its
 * metrics. Replaying runs the source again: calls whose answer comes from
 * outside the sandbox (time, randomness, registry listings, extension and
 * host-function answers, extension call ids) are answered from the log;
 * the others run again and must produce what the log says. Any difference
 * is a divergence: the replay ends with NX_E_INVALID_HANDLER.
 */
#ifndef NEXUS_RECORD_H
#define NEXUS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nexus.h"

typedef struct nx_recorder nx_recorder_t;

typedef struct nx_logged_call {
    char *interface, *function;
    uint8_t *input, *output;
    size_t input_len, output_len;
    int32_t ret;
} nx_logged_call_t;

/* Starts recording an execution of source under ctx. */
nx_recorder_t *nx_recorder_for_recording(const char *engine_id, const char *source, size_t len,
                                         const nx_context_t *ctx, nx_recording_t **recording);
/* Starts replaying rec. */
nx_recorder_t *nx_recorder_for_replay(const nx_recording_t *rec);
void nx_recorder_free(nx_recorder_t *r);

bool nx_recorder_replaying(const nx_recorder_t *r);
/* Marks the replay as diverged (with the first reason kept). */
void nx_recorder_diverge(nx_recorder_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The divergence reason, or NULL. */
const char *nx_recorder_divergence(const nx_recorder_t *r);

/* Recording: appends a call to the current segment. */
void nx_recorder_log(nx_recorder_t *r, const char *interface, const char *function,
                     const uint8_t *input, size_t input_len, int32_t ret,
                     const uint8_t *output, size_t output_len);
/* Replaying: the next logged call of the current segment, or NULL. */
const nx_logged_call_t *nx_recorder_next(nx_recorder_t *r);

/* A resume begins a new segment (recording: remembers the answer). */
void nx_recorder_resume(nx_recorder_t *r, const char *id, const nx_outcome_t *outcome);
/* The current segment ended with result r (metrics are not compared). */
void nx_recorder_segment_end(nx_recorder_t *rec, const nx_result_t *result, bool execution_ended);

/* Replaying: the context of the recording, rebuilt. Owner: caller. */
nx_code_t nx_recording_context(const nx_recording_t *rec, nx_context_t **out);
const char *nx_recording_source(const nx_recording_t *rec, size_t *len);
size_t nx_recording_segments(const nx_recording_t *rec);
/* The resume that opens segment i (i >= 1). */
bool nx_recording_resume_of(const nx_recording_t *rec, size_t i, const char **id, nx_outcome_t *outcome);

/* The result document used to compare runs: MessagePack of the result
 * without metrics. Owner: caller, free(). */
nx_code_t nx_result_outcome_msgpack(const nx_result_t *r, uint8_t **buf, size_t *len);

#endif
