/* recorder.h - the recorder attached to one execution that is being
 * recorded or replayed. Host calls feed it (recording) or check against it
 * and take outside answers from it (replaying); the execution layer tells
 * it where segments begin and end.
 *
 * Replaying runs the source again: calls whose answer came from outside the
 * sandbox are answered from the log; the others run again and must produce
 * what the log says. Any difference is a divergence: the replay ends with
 * NX_E_INVALID_HANDLER. */
#ifndef NEXUS_RECORD_RECORDER_H
#define NEXUS_RECORD_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nexus.h"
#include "record/recording.h"

typedef struct nx_recorder nx_recorder_t;

/* Starts recording an execution of source under ctx; *recording gets the
 * recording it fills in (owner: caller, nx_recording_free). */
nx_recorder_t *nx_recorder_for_recording(const char *engine_id, const char *source, size_t len,
                                         const nx_context_t *ctx, nx_recording_t **recording);
/* Goes on recording into rec, an execution's recording so far, as made
 * in another process (an imported execution): its next segment opens with
 * the next resume. Takes a reference to rec. */
nx_recorder_t *nx_recorder_continue(nx_recording_t *rec);
/* The recording a recorder fills (NULL when replaying). */
nx_recording_t *nx_recorder_recording(const nx_recorder_t *r);
/* Starts replaying rec. */
nx_recorder_t *nx_recorder_for_replay(const nx_recording_t *rec);
void nx_recorder_free(nx_recorder_t *r);

bool nx_recorder_replaying(const nx_recorder_t *r);
/* Marks the replay as diverged (with the first reason kept). */
void nx_recorder_diverge(nx_recorder_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The divergence reason, or NULL. */
const char *nx_recorder_divergence(const nx_recorder_t *r);

/* Recording: appends a call to the current segment; output is kept in
 * full when outside, else as its digest. Returns the bytes the recording
 * keeps for it beyond a fixed overhead (outside outputs), for the caller
 * to charge against the execution's output limit. */
size_t nx_recorder_log(nx_recorder_t *r, const char *interface, const char *function,
                       const uint8_t *input, size_t input_len, int32_t ret, bool outside,
                       const uint8_t *output, size_t output_len);
/* Replaying: the next logged call of the current segment, or NULL. */
const nx_logged_call_t *nx_recorder_next(nx_recorder_t *r);

/* A resume begins a new segment (recording: remembers the answer). */
void nx_recorder_resume(nx_recorder_t *r, const char *id, const nx_outcome_t *outcome);
/* The current segment ended with result r (metrics are not compared). */
void nx_recorder_segment_end(nx_recorder_t *rec, const nx_result_t *result, bool execution_ended);

#endif
