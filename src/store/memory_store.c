/* memory_store.c - exports kept in this process (nx_store_memory_create):
 * a hash table under one lock, expired entries dropped as it is used. For
 * hosts that want suspended executions to hold no instance without
 * running a server, and for tests. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "common/clock.h"
#include "store/store.h"

typedef struct entry {
    char *key;
    uint8_t *bytes;
    size_t len;
    uint64_t expires_ms;
    UT_hash_handle hh;
} entry_t;

typedef struct memory_store {
    pthread_mutex_t lock;
    entry_t *entries;
    uint64_t next_sweep_ms;
} memory_store_t;

static void entry_free(entry_t *e)
{
    free(e->key);
    free(e->bytes);
    free(e);
}

/* Drops expired entries, at most every 100 ms (lock held). */
static void sweep(memory_store_t *m, uint64_t now)
{
    if (now < m->next_sweep_ms)
        return;
    m->next_sweep_ms = now + 100;
    entry_t *e, *tmp;
    HASH_ITER(hh, m->entries, e, tmp) {
        if (e->expires_ms <= now) {
            HASH_DEL(m->entries, e);
            entry_free(e);
        }
    }
}

/* The live entry for key, if any (lock held). */
static entry_t *find(memory_store_t *m, const char *key, uint64_t now)
{
    entry_t *e = NULL;
    HASH_FIND_STR(m->entries, key, e);
    if (e && e->expires_ms <= now) {
        HASH_DEL(m->entries, e);
        entry_free(e);
        e = NULL;
    }
    return e;
}

static nx_code_t put(void *self, const char *key, const uint8_t *bytes, size_t len, uint32_t ttl_ms,
                     char *err, size_t err_size)
{
    memory_store_t *m = self;
    entry_t *e = calloc(1, sizeof *e);
    if (e) {
        e->key = strdup(key);
        e->bytes = malloc(len ? len : 1);
    }
    if (!e || !e->key || !e->bytes) {
        if (e)
            entry_free(e);
        snprintf(err, err_size, "out of memory");
        return NX_E_STORE_UNAVAILABLE;
    }
    memcpy(e->bytes, bytes, len);
    e->len = len;
    uint64_t now = nx_clock_ms();
    e->expires_ms = now + ttl_ms;
    pthread_mutex_lock(&m->lock);
    sweep(m, now);
    entry_t *old = find(m, key, now);
    if (old) {
        HASH_DEL(m->entries, old);
        entry_free(old);
    }
    HASH_ADD_KEYPTR(hh, m->entries, e->key, strlen(e->key), e);
    pthread_mutex_unlock(&m->lock);
    return NX_OK;
}

static nx_code_t take(void *self, const char *key, uint8_t **bytes, size_t *len, char *err, size_t err_size)
{
    memory_store_t *m = self;
    (void)err, (void)err_size;
    pthread_mutex_lock(&m->lock);
    uint64_t now = nx_clock_ms();
    sweep(m, now);
    entry_t *e = find(m, key, now);
    if (e)
        HASH_DEL(m->entries, e);
    pthread_mutex_unlock(&m->lock);
    if (!e)
        return NX_E_INVALID_ARGUMENT;
    *bytes = e->bytes;
    *len = e->len;
    e->bytes = NULL;
    entry_free(e);
    return NX_OK;
}

static nx_code_t remove_key(void *self, const char *key, char *err, size_t err_size)
{
    uint8_t *bytes;
    size_t len;
    nx_code_t code = take(self, key, &bytes, &len, err, err_size);
    if (code == NX_OK)
        free(bytes);
    return code;
}

static void destroy(void *self)
{
    memory_store_t *m = self;
    entry_t *e, *tmp;
    HASH_ITER(hh, m->entries, e, tmp) {
        HASH_DEL(m->entries, e);
        entry_free(e);
    }
    pthread_mutex_destroy(&m->lock);
    free(m);
}

nx_code_t nx_store_memory_create(nx_store_t **out)
{
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    memory_store_t *m = calloc(1, sizeof *m);
    if (!m)
        return NX_E_INTERNAL_ERROR;
    pthread_mutex_init(&m->lock, NULL);
    static const nx_store_ops_t ops = { put, take, remove_key, destroy };
    nx_code_t code = nx_store_create(&ops, m, out);
    if (code != NX_OK)
        destroy(m);
    return code;
}
