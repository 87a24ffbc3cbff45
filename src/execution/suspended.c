/* suspended.c - the table of suspended executions (suspended.h). */
#include "execution/suspended.h"

#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#define SWEEP_INTERVAL_MS 100

struct nx_suspension_entry {
    char id[NX_ID_BYTES];
    nx_exec_t *exec;             /* NULL: a tombstone */
    nx_ledger_call_t *call;
    /* a tombstone stands for a call whose execution passed its overall
     * deadline while it waited: resuming it says so (TIMEOUT) rather than
     * "unknown id", until the suspension's TTL would have ended anyway */
    uint64_t tomb_until_ms;
    uint32_t deadline_ms;
    UT_hash_handle hh;
};

void nx_suspensions_init(nx_suspensions_t *s)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
}

void nx_suspensions_destroy(nx_suspensions_t *s)
{
    nx_suspension_entry_t *e, *tmp;
    HASH_ITER(hh, s->by_id, e, tmp) {
        HASH_DEL(s->by_id, e);
        free(e);
    }
    pthread_mutex_destroy(&s->lock);
}

/* Removes the entry of one call (lock held). */
static void unpark_call(nx_suspensions_t *s, nx_ledger_call_t *p)
{
    nx_suspension_entry_t *entry = NULL;
    HASH_FIND_STR(s->by_id, p->id, entry);
    if (entry && entry->exec && entry->call == p) {
        HASH_DEL(s->by_id, entry);
        free(entry);
    }
    p->parked = false;
}

/* Removes every entry of exec (lock held). */
static void unpark_all(nx_suspensions_t *s, nx_exec_t *exec)
{
    for (nx_ledger_call_t *p = exec->pending_by_id; p; p = p->hh.next)
        if (p->parked)
            unpark_call(s, p);
}

nx_code_t nx_suspensions_park(nx_suspensions_t *s, nx_exec_t *exec, uint64_t expires_at_ms,
                              uint64_t deadline_at_ms)
{
    pthread_mutex_lock(&s->lock);
    /* only the calls made since the last park can lack an entry */
    size_t len = nx_ledger_length(exec->ledger);
    for (; exec->unparked.index < len; nx_ledger_next(&exec->unparked)) {
        nx_ledger_call_t *p = nx_ledger_get(exec->ledger, &exec->unparked);
        if (p->parked || !nx_ledger_pending_at(p, exec->segment))
            continue;
        /* ids are unique but where a replay reuses the recorded ones: two
         * replays of one recording cannot wait at once */
        nx_suspension_entry_t *entry = NULL;
        HASH_FIND_STR(s->by_id, p->id, entry);
        if (entry) {
            unpark_all(s, exec);
            pthread_mutex_unlock(&s->lock);
            return NX_E_INVALID_ARGUMENT;
        }
        entry = malloc(sizeof *entry);
        if (!entry) {
            unpark_all(s, exec);
            pthread_mutex_unlock(&s->lock);
            return NX_E_INTERNAL_ERROR;
        }
        *entry = (nx_suspension_entry_t){ .exec = exec, .call = p };
        strcpy(entry->id, p->id);
        HASH_ADD_STR(s->by_id, id, entry);
        p->parked = true;
    }
    exec->expires_at_ms = expires_at_ms;
    exec->deadline_at_ms = deadline_at_ms;
    exec->collected = false;
    exec->taken = false;
    s->waiting++;
    pthread_mutex_unlock(&s->lock);
    return NX_OK;
}

nx_exec_t *nx_suspensions_take(nx_suspensions_t *s, const char *id, uint32_t *deadline_passed_ms)
{
    nx_suspension_entry_t *entry = NULL;
    *deadline_passed_ms = 0;
    pthread_mutex_lock(&s->lock);
    HASH_FIND_STR(s->by_id, id, entry);
    if (entry && !entry->exec) {
        *deadline_passed_ms = entry->deadline_ms;
        HASH_DEL(s->by_id, entry);
        free(entry);
        entry = NULL;
    }
    nx_exec_t *exec = entry && !entry->exec->taken ? entry->exec : NULL;
    if (exec) {
        exec->taken = true;
        s->waiting--;
    }
    pthread_mutex_unlock(&s->lock);
    return exec;
}

void nx_suspensions_answered(nx_suspensions_t *s, nx_ledger_call_t *call)
{
    pthread_mutex_lock(&s->lock);
    if (call->parked)
        unpark_call(s, call);
    pthread_mutex_unlock(&s->lock);
}

void nx_suspensions_forget(nx_suspensions_t *s, nx_exec_t *exec)
{
    pthread_mutex_lock(&s->lock);
    unpark_all(s, exec);
    pthread_mutex_unlock(&s->lock);
}

/* Turns the entries of exec into tombstones until its TTL (lock held). */
static void entomb_all(nx_suspensions_t *s, nx_exec_t *exec)
{
    for (nx_ledger_call_t *p = exec->pending_by_id; p; p = p->hh.next) {
        nx_suspension_entry_t *entry = NULL;
        HASH_FIND_STR(s->by_id, p->id, entry);
        if (entry && entry->exec == exec) {
            entry->exec = NULL;
            entry->call = NULL;
            entry->tomb_until_ms = exec->expires_at_ms;
            entry->deadline_ms = exec->limits.deadline_ms;
        }
        p->parked = false;
    }
}

nx_exec_t *nx_suspensions_sweep(nx_suspensions_t *s, uint64_t now_ms, bool force)
{
    nx_exec_t *expired = NULL;
    pthread_mutex_lock(&s->lock);
    if (!force && now_ms < s->next_sweep_ms) {
        pthread_mutex_unlock(&s->lock);
        return NULL;
    }
    s->next_sweep_ms = now_ms + SWEEP_INTERVAL_MS;
    nx_suspension_entry_t *e, *tmp;
    HASH_ITER(hh, s->by_id, e, tmp) {
        nx_exec_t *exec = e->exec;
        if (!exec) {
            if (force || e->tomb_until_ms <= now_ms) {
                HASH_DEL(s->by_id, e);
                free(e);
            }
            continue;
        }
        uint64_t ends = exec->expires_at_ms < exec->deadline_at_ms ? exec->expires_at_ms
                                                                   : exec->deadline_at_ms;
        if (!exec->taken && !exec->collected && (force || ends <= now_ms)) {
            exec->collected = true;
            exec->next_expired = expired;
            expired = exec;
        }
    }
    for (nx_exec_t *exec = expired; exec; exec = exec->next_expired) {
        if (!force && exec->expires_at_ms > now_ms)
            entomb_all(s, exec); /* its deadline passed before its TTL */
        else
            unpark_all(s, exec);
        s->waiting--;
    }
    pthread_mutex_unlock(&s->lock);
    return expired;
}

uint64_t nx_suspensions_waiting(nx_suspensions_t *s)
{
    pthread_mutex_lock(&s->lock);
    uint64_t n = s->waiting;
    pthread_mutex_unlock(&s->lock);
    return n;
}
