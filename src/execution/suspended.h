/* suspensions.h - executions waiting for the host to answer extension
 * calls, by call id. An execution with several pending calls (a
 * Promise.all) has one entry per call; resuming one id takes the execution
 * out (marking it busy), and it is parked again under its remaining and new
 * ids if it suspends once more. Entries expire after the runtime's TTL. */
#ifndef NEXUS_SUSPENSIONS_H
#define NEXUS_SUSPENSIONS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hostcalls/execution_state.h"

typedef struct nx_suspension_entry nx_suspension_entry_t;

typedef struct nx_suspensions {
    pthread_mutex_t lock;
    nx_suspension_entry_t *by_id;   /* uthash */
    uint64_t waiting;               /* executions parked */
    uint64_t next_sweep_ms;
} nx_suspensions_t;

void nx_suspensions_init(nx_suspensions_t *s);
void nx_suspensions_destroy(nx_suspensions_t *s);

/* Parks e under every id of its pending calls, expiring at expires_at_ms. */
nx_code_t nx_suspensions_park(nx_suspensions_t *s, nx_exec_t *e, uint64_t expires_at_ms);

/* Takes the execution waiting on id out of the table, with all its other
 * ids. NULL if none waits on id: unknown, expired, cancelled, answered, or
 * being resumed right now through another of its ids. */
nx_exec_t *nx_suspensions_take(nx_suspensions_t *s, const char *id);

/* Removes and returns the expired executions (every one when force), as a
 * list linked through next_expired. Without force, runs at most once per
 * 100 ms. */
nx_exec_t *nx_suspensions_sweep(nx_suspensions_t *s, uint64_t now_ms, bool force);

uint64_t nx_suspensions_waiting(nx_suspensions_t *s);

#endif
