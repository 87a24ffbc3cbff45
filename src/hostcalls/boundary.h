/* boundary.h - what every host call does at the import boundary: leave
 * guest mode (so a deadline stop waits), find the execution, count the call
 * against its limit, validate every (pointer, length) and byte string the
 * guest passes, and write the reply (or an error message) back.
 *
 * A host call returns to the guest a length >= 0 (reply bytes in the reply
 * buffer, or parked for reply_read when larger) or -code on failure, with a
 * MessagePack string message in the reply buffer (guest/abi.h).
 */
#ifndef NEXUS_HOSTCALLS_BOUNDARY_H
#define NEXUS_HOSTCALLS_BOUNDARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostcalls/execution_state.h"
#include "sandbox/instance.h"

/* Longest event name, component id, view type, extension or method name. */
#define NX_MAX_NAME_BYTES 1024

typedef struct nx_call {
    nx_instance_t *inst;
    nx_exec_t *exec;          /* NULL outside an execution: calls fail */
    nx_thread_t *thread;
    const char *interface;    /* "nexus:state", ... for interceptors */
    const char *function;
    /* when interceptors or a recorder watch (observed), what the call took
     * and what the guest got back, as MessagePack */
    bool observed;
    uint8_t *input, *output;
    size_t input_len, output_len;
    const struct nx_logged_call *logged; /* replaying: the call in the log */
    bool outside;             /* answered from outside the sandbox */
} nx_call_t;

/* Starts a host call. counted calls count against max_host_calls. Returns
 * 0, or the (negative) value to return to the guest at once. */
int32_t nx_call_begin(nx_call_t *c, nx_instance_t *inst, const char *interface,
                      const char *function, bool counted);
/* Ends it and re-enters guest mode; a deadline stop that arrived during the
 * call traps here. Returns ret for the import to return. */
uint32_t nx_call_end(nx_call_t *c, int32_t ret);

/* Fails the call: records code as raised, writes the message. */
int32_t nx_call_fail(nx_call_t *c, nx_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Replies with bytes (copied). Returns the length for the guest. */
int32_t nx_call_reply(nx_call_t *c, const uint8_t *bytes, size_t len);

/* What a guest string argument is. Names and keys reach the embedder as
 * NUL-terminated C strings, so they may not hold U+0000: two keys that
 * differ after a NUL would look the same. Text (a log message) may. */
typedef enum nx_string_kind {
    NX_STRING_NAME, /* non-empty, no U+0000 */
    NX_STRING_KEY,  /* may be empty, no U+0000 */
    NX_STRING_TEXT, /* may be empty, may hold U+0000 */
} nx_string_kind_t;

/* A guest string argument: inside memory, valid UTF-8, at most max bytes,
 * and what kind demands. Returns 0 or a failure return value. */
int32_t nx_call_string(nx_call_t *c, uint32_t ptr, uint32_t len, size_t max,
                       nx_string_kind_t kind, const char *what, const char **out);
/* A guest MessagePack value: inside memory, at most max_value_bytes, one
 * accepted value (values.h). Returns 0 or a failure return value. */
int32_t nx_call_value(nx_call_t *c, uint32_t ptr, uint32_t len, const char *what,
                      const uint8_t **out);
/* Charges bytes against max_output_bytes. Returns 0 or a failure value. */
int32_t nx_call_charge(nx_call_t *c, size_t bytes);

/* Declares the call's arguments once they are validated, as a MessagePack
 * array built from fmt (s: string ptr,len; v: value ptr,len; S: string or
 * NULL as nil, len; u: uint64; i: int64). Does nothing unless observed;
 * then runs the before-interceptors and, when replaying, checks the call
 * against the log (a mismatch fails it). Returns 0 or a failure value. */
int32_t nx_call_input(nx_call_t *c, const char *fmt, ...);

/* Replaying a call whose answer came from outside the sandbox: true, with
 * the logged return value and output. */
bool nx_call_from_log(nx_call_t *c, int32_t *ret, const uint8_t **output, size_t *len);

/* Replaying a call whose scalar answer (time, seed) came from outside:
 * true with the logged float in *d or unsigned integer in *u. */
bool nx_call_logged_scalar(nx_call_t *c, double *d, uint64_t *u);

/* Hands the guest a logged answer (reply bytes, or an error message when
 * ret < 0) and returns ret. */
int32_t nx_call_answer_logged(nx_call_t *c, int32_t ret, const uint8_t *output, size_t len);

/* The output of calls that answer with a scalar rather than a reply. */
void nx_call_output_double(nx_call_t *c, double v);
void nx_call_output_uint(nx_call_t *c, uint64_t v);

/* A registry listing (extensions or interfaces) as a host call: replayed
 * from the log when replaying, else built by list. */
struct nx_registry;
uint32_t nx_call_listing(nx_instance_t *inst, const char *interface,
                         nx_code_t (*list)(struct nx_registry *, uint8_t **, size_t *));


#endif
