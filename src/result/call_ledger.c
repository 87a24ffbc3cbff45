/* call_ledger.c - an execution's deferred calls (call_ledger.h). */
#include "result/call_ledger.h"

#include "common/utf8.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_CALLS 256

struct nx_ledger_chunk {
    _Atomic(struct nx_ledger_chunk *) next;  /* linked once, read by other threads */
    nx_ledger_call_t calls[CHUNK_CALLS];
};
typedef struct nx_ledger_chunk chunk_t;

struct nx_call_ledger {
    atomic_int refs;
    chunk_t *first, *last;
    size_t chunks;
    size_t length;
};

nx_call_ledger_t *nx_ledger_new(void)
{
    nx_call_ledger_t *l = calloc(1, sizeof *l);
    if (l)
        atomic_init(&l->refs, 1);
    return l;
}

nx_call_ledger_t *nx_ledger_retain(nx_call_ledger_t *l)
{
    atomic_fetch_add_explicit(&l->refs, 1, memory_order_relaxed);
    return l;
}

void nx_ledger_release(nx_call_ledger_t *l)
{
    if (!l || atomic_fetch_sub_explicit(&l->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (chunk_t *c = l->first, *next; c; c = next) {
        next = atomic_load(&c->next);
        size_t used = c == l->last ? l->length - (l->chunks - 1) * CHUNK_CALLS : CHUNK_CALLS;
        for (size_t i = 0; i < used; i++) {
            free(c->calls[i].extension);
            free(c->calls[i].method);
            free(c->calls[i].args);
        }
        free(c);
    }
    free(l);
}

/* Names as valid UTF-8 whatever they were handed (a host's ids and names
 * are checked before they get here; this keeps the promise anyway). */
static char *dup_text(const char *s, size_t len) { return nx_utf8_sanitize(s, len, 3 * len, NULL); }

/* Room for one more call; false when out of memory. */
static bool make_room(nx_call_ledger_t *l)
{
    if (l->length < l->chunks * CHUNK_CALLS)
        return true;
    chunk_t *c = calloc(1, sizeof *c);
    if (!c)
        return false;
    if (l->last)
        atomic_store(&l->last->next, c);
    else
        l->first = c;
    l->last = c;
    l->chunks++;
    return true;
}

nx_ledger_call_t *nx_ledger_append(nx_call_ledger_t *l, const char *id, const char *ext,
                                   size_t ext_len, const char *method, size_t method_len,
                                   const uint8_t *args, size_t args_len)
{
    if (strlen(id) >= NX_ID_BYTES || !make_room(l))
        return NULL;
    nx_ledger_call_t *c = &l->last->calls[l->length % CHUNK_CALLS];
    memset(c, 0, sizeof *c);
    nx_utf8_clip(id, strlen(id), NX_ID_BYTES - 1, c->id, NX_ID_BYTES);
    c->extension = dup_text(ext, ext_len);
    c->method = dup_text(method, method_len);
    c->args = malloc(args_len ? args_len : 1);
    if (!c->extension || !c->method || !c->args) {
        free(c->extension);
        free(c->method);
        free(c->args);
        return NULL;
    }
    if (args_len)
        memcpy(c->args, args, args_len);
    c->args_len = args_len;
    c->index = l->length;
    atomic_init(&c->answered_at, NX_CALL_PENDING);
    c->view = (nx_suspension_t){ .id = c->id, .extension = c->extension, .method = c->method,
                                 .args = c->args, .args_len = args_len };
    l->length++;
    return c;
}

size_t nx_ledger_length(const nx_call_ledger_t *l) { return l ? l->length : 0; }

void nx_ledger_seek(const nx_call_ledger_t *l, size_t index, nx_ledger_cursor_t *cur)
{
    chunk_t *c = l->first, *prev = NULL;
    for (size_t k = index / CHUNK_CALLS; k > 0 && c; k--) {
        prev = c;
        c = atomic_load(&c->next);
    }
    *cur = (nx_ledger_cursor_t){ .chunk = c, .prev = prev, .index = index };
}

nx_ledger_call_t *nx_ledger_get(const nx_call_ledger_t *l, nx_ledger_cursor_t *cur)
{
    if (!cur->chunk)
        cur->chunk = cur->prev ? atomic_load(&cur->prev->next) : l->first;
    return &cur->chunk->calls[cur->index % CHUNK_CALLS];
}

void nx_ledger_next(nx_ledger_cursor_t *cur)
{
    cur->index++;
    if (cur->index % CHUNK_CALLS == 0) {
        cur->prev = cur->chunk;
        cur->chunk = NULL; /* resolved by the next nx_ledger_get */
    }
}
