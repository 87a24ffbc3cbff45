/* suspended.h - executions waiting for the host to answer extension
 * calls, by call id. An execution with several pending calls (a
 * Promise.all) has one entry per call. Resuming one id marks the
 * execution taken, so that its other ids wait; the answered call's entry
 * goes, and parking it again adds entries only for the calls it made
 * since: answering N parallel calls one at a time costs N entries in all,
 * not N per answer. Entries expire with their execution. */
#ifndef NEXUS_EXECUTION_SUSPENDED_H
#define NEXUS_EXECUTION_SUSPENDED_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hostcalls/execution_state.h"

typedef struct nx_suspension_entry nx_suspension_entry_t;

typedef struct nx_suspensions {
    pthread_mutex_t lock;
    nx_suspension_entry_t *by_id;   /* uthash */
    uint64_t waiting;               /* executions parked, not taken */
    uint64_t next_sweep_ms;
} nx_suspensions_t;

void nx_suspensions_init(nx_suspensions_t *s);
void nx_suspensions_destroy(nx_suspensions_t *s);

/* Parks e (suspended, or taken and not resumed after all): adds an entry
 * for each of its pending calls that has none. It expires at
 * expires_at_ms (its TTL: its ids become unknown) or, if that comes first,
 * at deadline_at_ms (its overall deadline: its ids answer TIMEOUT until
 * the TTL). NX_E_INVALID_ARGUMENT, and nothing of e parked, when another
 * execution waits on one of its ids (only replays reuse ids: the
 * recorded ones). */
nx_code_t nx_suspensions_park(nx_suspensions_t *s, nx_exec_t *e, uint64_t expires_at_ms,
                              uint64_t deadline_at_ms);

/* Takes the execution waiting on id and marks it taken (parking it again
 * puts it back as it was). NULL if none waits on id: unknown, expired,
 * cancelled, answered, or being resumed right now through another of its
 * ids. When id's execution passed its overall deadline while it waited,
 * *deadline_passed_ms gets that deadline (else 0) and the id is forgotten. */
nx_exec_t *nx_suspensions_take(nx_suspensions_t *s, const char *id, uint32_t *deadline_passed_ms);

/* Removes the entry of a call a taken execution is being answered on. */
void nx_suspensions_answered(nx_suspensions_t *s, nx_ledger_call_t *call);

/* Removes every entry of a taken execution that ends (or is cancelled). */
void nx_suspensions_forget(nx_suspensions_t *s, nx_exec_t *e);

/* Removes and returns the expired executions (every one when force), as a
 * list linked through next_expired; taken ones are left alone. Without
 * force, runs at most once per 100 ms. */
nx_exec_t *nx_suspensions_sweep(nx_suspensions_t *s, uint64_t now_ms, bool force);

uint64_t nx_suspensions_waiting(nx_suspensions_t *s);

#endif
