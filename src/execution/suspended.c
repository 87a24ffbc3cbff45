/* suspensions.c - the table of suspended executions (suspensions.h). */
#include "execution/suspended.h"

#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#define SWEEP_INTERVAL_MS 100

struct nx_suspension_entry {
    char id[40];
    nx_exec_t *exec;
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

/* Removes every entry of exec (lock held). */
static void unlink_exec(nx_suspensions_t *s, nx_exec_t *exec)
{
    for (size_t i = 0; i < exec->pending_count; i++) {
        nx_suspension_entry_t *e = NULL;
        const char *id = exec->pending[i].id;
        HASH_FIND_STR(s->by_id, id, e);
        if (e && e->exec == exec) {
            HASH_DEL(s->by_id, e);
            free(e);
        }
    }
    s->waiting--;
}

nx_code_t nx_suspensions_park(nx_suspensions_t *s, nx_exec_t *exec, uint64_t expires_at_ms)
{
    exec->expires_at_ms = expires_at_ms;
    exec->collected = false;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < exec->pending_count; i++) {
        nx_suspension_entry_t *e = calloc(1, sizeof *e);
        if (!e) {
            s->waiting++;
            unlink_exec(s, exec);
            pthread_mutex_unlock(&s->lock);
            return NX_E_INTERNAL_ERROR;
        }
        strcpy(e->id, exec->pending[i].id);
        e->exec = exec;
        HASH_ADD_STR(s->by_id, id, e);
    }
    s->waiting++;
    pthread_mutex_unlock(&s->lock);
    return NX_OK;
}

nx_exec_t *nx_suspensions_take(nx_suspensions_t *s, const char *id)
{
    nx_suspension_entry_t *e = NULL;
    pthread_mutex_lock(&s->lock);
    HASH_FIND_STR(s->by_id, id, e);
    nx_exec_t *exec = e ? e->exec : NULL;
    if (exec)
        unlink_exec(s, exec);
    pthread_mutex_unlock(&s->lock);
    return exec;
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
        if ((force || exec->expires_at_ms <= now_ms) && !exec->collected) {
            exec->collected = true;
            exec->next_expired = expired;
            expired = exec;
        }
    }
    for (nx_exec_t *exec = expired; exec; exec = exec->next_expired)
        unlink_exec(s, exec);
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
