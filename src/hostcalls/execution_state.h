/* execution_state.h - the record of one execution (nx_exec_t): everything
 * the host keeps between a handler's start and its end, across
 * suspensions. Host calls read its inputs (capabilities, state snapshot,
 * limits, what the runtime registered) and record its effects (state
 * writes, events, view commands, logs, pending extension calls) and what
 * has been used of each limit. src/execution/ drives it: run, then resume
 * zero or more times.
 *
 * An execution is used by one thread at a time: the one running its
 * instance, or the one resuming it.
 */
#ifndef NEXUS_EXEC_H
#define NEXUS_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/capability.h"
#include "common/context.h"
#include "common/ids.h"
#include "result/call_ledger.h"
#include "nexus.h"
#include "sandbox/instance.h"

typedef struct nx_state_write nx_state_write_t;
struct nx_recorder;
struct nx_registry;
struct nx_interceptors;
struct nx_ids;

/* What host calls may use of the runtime that runs the execution: lent by
 * the runtime, which outlives every execution it runs. */
typedef struct nx_exec_services {
    struct nx_registry *registry;
    struct nx_interceptors *interceptors;
    struct nx_ids *ids;
} nx_exec_services_t;

typedef struct nx_exec {
    nx_exec_services_t services;
    char key[NX_EXEC_KEY_BYTES];      /* in every call id: names it in a store */
    nx_instance_t *inst;
    nx_limits_t limits;               /* resolved: no zero fields but
                                         max_instructions (no budget) */
    uint64_t started_ns;              /* nx_clock_ns() at the first execute */
    double started_wall_ms;           /* the same as Unix epoch ms, which
                                         another process can read */
    uint64_t guest_ns;                /* guest running time so far, compiling
                                         included: timeout_ms bounds it */
    uint64_t guest_cpu_ns;            /* CPU time running (not compiling) */
    uint64_t instructions;            /* the guest's count after the last
                                         segment: max_instructions bounds it */
    bool compiling;                   /* a compile, not an execution */
    nx_caps_t *caps;
    char **cap_tokens;                /* what caps was parsed from */
    size_t cap_count;
    nx_state_snapshot_t *state;       /* retained */
    char *source;                     /* for error locations; may be NULL */
    size_t source_len;
    char *panel_id, *handler_name;

    /* state writes: a hash by key, and the not-yet-reported ones in order */
    nx_state_write_t *writes;
    nx_state_write_t *unreported_head, *unreported_tail;
    uint32_t keys_written;

    nx_result_t *out;                 /* the result of the current call */
    uint32_t host_calls;              /* whole execution, for the limit */
    uint32_t call_host_calls;         /* this execute/resume call */
    uint64_t output_bytes;
    uint32_t events, view_commands, logs;

    uint8_t *parked_reply;            /* a reply too large for the buffer */
    size_t parked_len;

    /* deferred extension calls: every one in the ledger, in call order;
     * the pending ones also by id */
    nx_call_ledger_t *ledger;
    nx_ledger_call_t *pending_by_id;
    size_t pending_count;
    uint32_t segment;                 /* 0 for the first run, +1 per resume */
    nx_ledger_cursor_t first_pending; /* no pending call before it */
    nx_ledger_cursor_t unparked;      /* the suspension table's: no call
                                         before it lacks an entry */
    uint32_t suspensions;
    nx_result_t *whole;               /* every suspended segment's result
                                         folded, kept while the execution
                                         may be exported */

    struct nx_recorder *recorder;     /* record or replay, if any */
    /* the suspension table's, under its lock */
    uint64_t expires_at_ms;           /* while suspended: its TTL */
    uint64_t deadline_at_ms;          /* ... and its overall deadline */
    bool taken;                       /* being resumed: its other ids wait */
    bool from_store;                  /* taken from the runtime's store */
    struct nx_exec *next_expired;     /* sweep list link */
    bool collected;                   /* already on a sweep list */
} nx_exec_t;

/* The largest bytecode a compile may report: a handler is source text, so
 * its bytecode is bounded by the source, not by max_value_bytes. */
#define NX_MAX_BYTECODE_BYTES (64u << 20)

/* Creates an execution from a context (caps parsed, limits resolved
 * against defaults). Fails with NX_E_INVALID_ARGUMENT on a bad token,
 * writing the reason to err. */
nx_code_t nx_exec_create(const nx_exec_services_t *services, const nx_context_t *ctx,
                         const nx_limits_t *defaults, const char *source, size_t source_len,
                         nx_exec_t **out, char *err, size_t err_size);
void nx_exec_free(nx_exec_t *e);

/* ---- state overlay ----------------------------------------------------------- */

/* The current value of key: the execution's own write if any (a delete
 * gives NULL with *deleted set), else the snapshot's. */
const uint8_t *nx_exec_state_get(const nx_exec_t *e, const char *key, size_t len,
                                 size_t *value_len, bool *deleted);
/* True when the execution has written or deleted key. */
bool nx_exec_wrote(const nx_exec_t *e, const char *key, size_t len);
/* Records a set (value != NULL) or delete (value == NULL). */
nx_code_t nx_exec_state_write(nx_exec_t *e, const char *key, size_t len,
                              const uint8_t *value, size_t value_len);
/* How many keys the execution has written (or deleted), and each of them
 * in the order first written (value NULL: deleted). */
size_t nx_exec_write_count(const nx_exec_t *e);
void nx_exec_each_write(const nx_exec_t *e,
                        void (*fn)(void *user, const char *key, size_t len, const uint8_t *value,
                                   size_t value_len),
                        void *user);
/* Marks every write as already reported (an imported execution's were). */
void nx_exec_forget_unreported(nx_exec_t *e);
/* Every present key as a MessagePack array. Owner of *out: caller, free(). */
nx_code_t nx_exec_state_keys(const nx_exec_t *e, uint8_t **out, size_t *out_len);
/* Moves unreported writes into r as mutations, in first-write order. */
nx_code_t nx_exec_flush_mutations(nx_exec_t *e, nx_result_t *r);

/* ---- extension calls ------------------------------------------------------------- */

/* Adds a deferred call under id (from nx_ids_new_call); NULL when out of
 * memory. */
nx_ledger_call_t *nx_exec_add_pending(nx_exec_t *e, const char *id, const char *ext, size_t ext_len,
                                      const char *method, size_t method_len,
                                      const uint8_t *args, size_t args_len);
/* The pending call id, or NULL. */
nx_ledger_call_t *nx_exec_find_pending(nx_exec_t *e, const char *id);
/* Answers call: it stops being pending and a new segment begins. */
void nx_exec_answer(nx_exec_t *e, nx_ledger_call_t *call);
/* Lists the calls still pending in r, as of the current segment. */
void nx_exec_list_pending(nx_exec_t *e, nx_result_t *r);

/* ---- moving to another process (execution_state_pack.c) ---------------------------- */

struct msgpack_packer;
struct msgpack_object;
/* Packs what of a suspended e survives a move (not its instance, services
 * or recorder). NX_E_INVALID_ARGUMENT in the middle of a segment. */
nx_code_t nx_exec_pack(const nx_exec_t *e, struct msgpack_packer *pk);
/* Rebuilds an execution from nx_exec_pack's output, checking everything
 * as untrusted (err says what is wrong). Owner of *out: caller. */
nx_code_t nx_exec_unpack(const struct msgpack_object *o, const nx_exec_services_t *services,
                         nx_exec_t **out, char *err, size_t err_size);

#endif
