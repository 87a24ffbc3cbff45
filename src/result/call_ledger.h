/* call_ledger.h - every extension call one execution deferred, in call
 * order: the execution appends to it and marks calls answered; each
 * result it returns keeps a reference and reads it as of its own segment.
 *
 * A result lists every call still pending (nexus.h). Copying that list
 * into every result made answering N parallel calls one at a time cost
 * N^2; a result instead records only where the list stood (the segment,
 * how many calls existed, where the first pending one was) and walks the
 * ledger when asked, so each resume costs the same however many calls
 * wait.
 *
 * Records never move (the ledger grows by chunks) and, once appended,
 * change only in answered_at, which is atomic: a result on another thread
 * may read while the execution goes on. */
#ifndef NEXUS_RESULT_CALL_LEDGER_H
#define NEXUS_RESULT_CALL_LEDGER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uthash.h>

#include "common/ids.h"
#include "nexus.h"

/* answered_at of a call nobody answered */
#define NX_CALL_PENDING UINT32_MAX

typedef struct nx_ledger_call {
    nx_suspension_t view;            /* points into this record */
    char id[NX_ID_BYTES];
    char *extension, *method;
    uint8_t *args;
    size_t args_len;
    size_t index;                    /* its place in the ledger */
    _Atomic uint32_t answered_at;    /* the segment its answer opened */
    bool parked;                     /* the suspension table's, under its lock */
    UT_hash_handle hh;               /* the execution's index by id */
} nx_ledger_call_t;

typedef struct nx_call_ledger nx_call_ledger_t;

/* An empty ledger (one reference). NULL when out of memory. */
nx_call_ledger_t *nx_ledger_new(void);
nx_call_ledger_t *nx_ledger_retain(nx_call_ledger_t *l);
void nx_ledger_release(nx_call_ledger_t *l);

/* Appends a pending call; NULL when out of memory or the id too long. */
nx_ledger_call_t *nx_ledger_append(nx_call_ledger_t *l, const char *id, const char *ext,
                                   size_t ext_len, const char *method, size_t method_len,
                                   const uint8_t *args, size_t args_len);
/* How many calls were ever appended. */
size_t nx_ledger_length(const nx_call_ledger_t *l);

/* A position in the ledger, for walking it in order. */
typedef struct nx_ledger_cursor {
    struct nx_ledger_chunk *chunk, *prev;
    size_t index;
} nx_ledger_cursor_t;
/* Positions cur at index (at most the length). */
void nx_ledger_seek(const nx_call_ledger_t *l, size_t index, nx_ledger_cursor_t *cur);
/* The call at cur's position (which must be below the length). */
nx_ledger_call_t *nx_ledger_get(const nx_call_ledger_t *l, nx_ledger_cursor_t *cur);
void nx_ledger_next(nx_ledger_cursor_t *cur);

/* True when call was still pending as of segment. */
static inline bool nx_ledger_pending_at(nx_ledger_call_t *call, uint32_t segment)
{
    return atomic_load_explicit(&call->answered_at, memory_order_relaxed) > segment;
}

#endif
