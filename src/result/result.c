/* result.c - nx_result_t: storage, building (result.h) and the public
 * accessors (nexus.h). Strings and values live in an arena owned by the
 * result; a small result fits in the arena's inline first chunk and needs
 * no allocation beyond the result itself. */
#include "result/result.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "common/utf8.h"
#include "result/call_ledger.h"

#define INLINE_ARENA 2048
#define CHUNK_MIN 4096

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    max_align_t data[];
} chunk_t;

/* Where each mutation's key sits in the list, built on the first keyed
 * write (nx_result_put_mutation) so that folding many segments stays
 * linear. */
typedef struct key_slot {
    const char *key;           /* the mutation's own key, in the arena */
    size_t index;
    UT_hash_handle hh;
} key_slot_t;

#define DEFINE_LIST(type, name) \
    struct { type *items; size_t count, cap; } name

struct nx_result {
    nx_status_t status;
    uint8_t *value;
    size_t value_len;
    DEFINE_LIST(nx_mutation_t, mutations);
    DEFINE_LIST(nx_event_t, events);
    DEFINE_LIST(nx_view_command_t, views);
    DEFINE_LIST(nx_log_t, logs);
    /* pending calls: read from an execution's ledger as of one segment */
    nx_call_ledger_t *ledger;  /* a reference, or NULL */
    uint32_t as_of;            /* the segment whose result this is */
    size_t ledger_len;         /* calls in the ledger when it was made */
    size_t first;              /* index of the first call pending then */
    size_t pending_count;
    bool own_ledger;           /* made for this result (nx_result_add_suspension) */
    nx_ledger_cursor_t cursor; /* where the last lookup ended */
    size_t cursor_i;           /* which pending call it is at */
    bool cursor_set;
    key_slot_t *keys;          /* NULL until the first keyed write */
    bool keys_indexed;
    const char *store_error;   /* why the store could not take it */
    bool has_error;
    nx_error_info_t error;
    nx_metrics_t metrics;
    chunk_t *chunks;           /* arena overflow chunks */
    size_t inline_used;
    max_align_t inline_arena[INLINE_ARENA / sizeof(max_align_t)];
};

/* ---- arena ------------------------------------------------------------------------ */

static void *arena_alloc(nx_result_t *r, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (r->inline_used + n <= sizeof r->inline_arena) {
        void *p = (char *)r->inline_arena + r->inline_used;
        r->inline_used += n;
        return p;
    }
    chunk_t *c = r->chunks;
    if (!c || c->used + n > c->size) {
        size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
        c = malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->used = 0;
        c->size = size;
        c->next = r->chunks;
        r->chunks = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

static const uint8_t *arena_bytes(nx_result_t *r, const uint8_t *src, size_t len, bool *ok)
{
    if (!src || !len)
        return NULL;
    uint8_t *p = arena_alloc(r, len);
    if (!p) {
        *ok = false;
        return NULL;
    }
    memcpy(p, src, len);
    return p;
}

/* A copy of src as a C string in valid UTF-8, whatever src holds: each byte
 * that does not start a well-formed character, and each U+0000 (which
 * would cut the C string short), becomes U+FFFD. Every string a result
 * hands out goes through here, so none can be invalid. */
static const char *arena_string(nx_result_t *r, const char *src, size_t len, bool *ok)
{
    if (!src)
        return NULL;
    bool clean = nx_utf8_valid(src, len) && !memchr(src, 0, len);
    size_t cap = clean ? len + 1 : 3 * len + 1;
    char *p = arena_alloc(r, cap);
    if (!p) {
        *ok = false;
        return NULL;
    }
    if (clean) {
        memcpy(p, src, len);
        p[len] = '\0';
        return p;
    }
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        /* the longest valid prefix of what is left, up to the next NUL */
        const char *nul = memchr(src + i, 0, len - i);
        size_t span = nul ? (size_t)(nul - (src + i)) : len - i;
        size_t took = nx_utf8_clip(src + i, span, cap - n - 1, p + n, cap - n);
        /* nx_utf8_clip replaced invalid bytes itself; it stops only at the
         * NUL (or the end) */
        n += took;
        i += span;
        if (i < len) { /* a NUL */
            memcpy(p + n, "\xef\xbf\xbd", 3);
            n += 3;
            i++;
        }
    }
    p[n] = '\0';
    return p;
}

#define LIST_PUSH(r, list, slot)                                                     \
    do {                                                                             \
        if ((list).count == (list).cap) {                                            \
            size_t cap = (list).cap ? (list).cap * 2 : 4;                            \
            void *grown = realloc((list).items, cap * sizeof *(list).items);         \
            if (!grown)                                                              \
                return NX_E_INTERNAL_ERROR;                                          \
            (list).items = grown;                                                    \
            (list).cap = cap;                                                        \
        }                                                                            \
        slot = &(list).items[(list).count];                                          \
        memset(slot, 0, sizeof *slot);                                               \
    } while (0)

/* ---- building ------------------------------------------------------------------------ */

nx_result_t *nx_result_create(nx_status_t status)
{
    nx_result_t *r = malloc(sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, offsetof(nx_result_t, inline_arena));
    r->status = status;
    return r;
}

void nx_result_set_status(nx_result_t *r, nx_status_t status) { r->status = status; }

nx_code_t nx_result_set_value(nx_result_t *r, const uint8_t *msgpack, size_t len)
{
    bool ok = true;
    r->value = (uint8_t *)arena_bytes(r, msgpack, len, &ok);
    r->value_len = r->value ? len : 0;
    return ok ? NX_OK : NX_E_INTERNAL_ERROR;
}

nx_code_t nx_result_add_mutation(nx_result_t *r, const char *key, size_t key_len,
                                 nx_mutation_op_t op, const uint8_t *value, size_t value_len)
{
    nx_mutation_t *m;
    LIST_PUSH(r, r->mutations, m);
    bool ok = true;
    m->key = arena_string(r, key, key_len, &ok);
    m->op = op;
    m->value = op == NX_MUTATION_SET ? arena_bytes(r, value, value_len, &ok) : NULL;
    m->value_len = m->value ? value_len : 0;
    if (!ok)
        return NX_E_INTERNAL_ERROR;
    r->mutations.count++;
    return NX_OK;
}

nx_code_t nx_result_add_event(nx_result_t *r, const char *name, size_t name_len,
                              const uint8_t *payload, size_t payload_len)
{
    nx_event_t *e;
    LIST_PUSH(r, r->events, e);
    bool ok = true;
    e->name = arena_string(r, name, name_len, &ok);
    e->payload = arena_bytes(r, payload, payload_len, &ok);
    e->payload_len = e->payload ? payload_len : 0;
    if (!ok)
        return NX_E_INTERNAL_ERROR;
    r->events.count++;
    return NX_OK;
}

nx_code_t nx_result_add_view_command(nx_result_t *r, const char *component, size_t component_len,
                                     const char *type, size_t type_len,
                                     const uint8_t *args, size_t args_len)
{
    nx_view_command_t *v;
    LIST_PUSH(r, r->views, v);
    bool ok = true;
    v->component_id = arena_string(r, component, component_len, &ok);
    v->type = arena_string(r, type, type_len, &ok);
    v->args = arena_bytes(r, args, args_len, &ok);
    v->args_len = v->args ? args_len : 0;
    if (!ok)
        return NX_E_INTERNAL_ERROR;
    r->views.count++;
    return NX_OK;
}

nx_code_t nx_result_add_log(nx_result_t *r, nx_log_level_t level, const char *message,
                            size_t len, double timestamp_ms)
{
    nx_log_t *l;
    LIST_PUSH(r, r->logs, l);
    bool ok = true;
    l->level = level;
    l->message = arena_string(r, message, len, &ok);
    l->timestamp_ms = timestamp_ms;
    if (!ok)
        return NX_E_INTERNAL_ERROR;
    r->logs.count++;
    return NX_OK;
}

void nx_result_list_pending(nx_result_t *r, nx_call_ledger_t *ledger, uint32_t as_of,
                            size_t first, size_t count)
{
    nx_result_clear_suspensions(r);
    if (!ledger || !count)
        return;
    r->ledger = nx_ledger_retain(ledger);
    r->as_of = as_of;
    r->ledger_len = nx_ledger_length(ledger);
    r->first = first;
    r->pending_count = count;
}

void nx_result_copy_pending(nx_result_t *r, const nx_result_t *from)
{
    if (from->own_ledger) {
        /* a listing built by hand: copy it call by call */
        nx_result_clear_suspensions(r);
        for (size_t i = 0; i < nx_result_suspension_count(from); i++) {
            const nx_suspension_t *s = nx_result_suspension(from, i);
            nx_result_add_suspension(r, s->id, s->extension, s->method, s->args, s->args_len);
        }
        return;
    }
    nx_result_list_pending(r, from->ledger, from->as_of, from->first, from->pending_count);
}

nx_code_t nx_result_add_suspension(nx_result_t *r, const char *id, const char *extension,
                                   const char *method, const uint8_t *args, size_t args_len)
{
    if (r->ledger && !r->own_ledger)
        nx_result_clear_suspensions(r);
    if (!r->ledger) {
        r->ledger = nx_ledger_new();
        if (!r->ledger)
            return NX_E_INTERNAL_ERROR;
        r->own_ledger = true;
        r->as_of = 0;
        r->first = 0;
    }
    if (!nx_ledger_append(r->ledger, id, extension, strlen(extension), method, strlen(method), args,
                          args_len))
        return NX_E_INTERNAL_ERROR;
    r->ledger_len = nx_ledger_length(r->ledger);
    r->pending_count++;
    r->cursor_set = false;
    return NX_OK;
}

nx_code_t nx_result_set_error(nx_result_t *r, nx_code_t code, const char *message,
                              const char *stack, uint32_t line, uint32_t column,
                              const char *source_line)
{
    bool ok = true;
    r->status = NX_STATUS_ERROR;
    r->has_error = true;
    r->value = NULL;
    r->value_len = 0;
    r->error.code = code;
    r->error.message = arena_string(r, message ? message : nx_code_name(code),
                                    strlen(message ? message : nx_code_name(code)), &ok);
    r->error.stack = stack ? arena_string(r, stack, strlen(stack), &ok) : NULL;
    r->error.line = line;
    r->error.column = column;
    r->error.source_line = source_line ? arena_string(r, source_line, strlen(source_line), &ok) : NULL;
    return ok ? NX_OK : NX_E_INTERNAL_ERROR;
}

static nx_code_t set_errorv(nx_result_t *r, nx_code_t code, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return nx_result_set_error(r, code, msg, NULL, 0, 0, NULL);
}

nx_code_t nx_result_set_errorf(nx_result_t *r, nx_code_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nx_code_t c = set_errorv(r, code, fmt, ap);
    va_end(ap);
    return c;
}

nx_result_t *nx_result_error_new(nx_code_t code, const char *fmt, ...)
{
    nx_result_t *r = nx_result_create(NX_STATUS_ERROR);
    if (!r)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    set_errorv(r, code, fmt, ap);
    va_end(ap);
    return r;
}

nx_metrics_t *nx_result_metrics_mut(nx_result_t *r) { return &r->metrics; }

nx_code_t nx_result_set_store_error(nx_result_t *r, const char *message)
{
    bool ok = true;
    r->store_error = arena_string(r, message, strlen(message), &ok);
    return ok ? NX_OK : NX_E_INTERNAL_ERROR;
}

const char *nx_result_store_error(const nx_result_t *r) { return r ? r->store_error : NULL; }

static void drop_key_index(nx_result_t *r)
{
    key_slot_t *k, *tmp;
    HASH_ITER(hh, r->keys, k, tmp) {
        HASH_DEL(r->keys, k);
        free(k);
    }
    r->keys_indexed = false;
}

void nx_result_clear_effects(nx_result_t *r)
{
    r->mutations.count = 0;
    r->events.count = 0;
    r->views.count = 0;
    drop_key_index(r);
}

void nx_result_clear_suspensions(nx_result_t *r)
{
    nx_ledger_release(r->ledger);
    r->ledger = NULL;
    r->own_ledger = false;
    r->pending_count = 0;
    r->ledger_len = 0;
    r->cursor_set = false;
}

static bool index_key(nx_result_t *r, size_t i)
{
    key_slot_t *k = malloc(sizeof *k);
    if (!k)
        return false;
    k->key = r->mutations.items[i].key;
    k->index = i;
    HASH_ADD_KEYPTR(hh, r->keys, k->key, strlen(k->key), k);
    return true;
}

nx_code_t nx_result_put_mutation(nx_result_t *r, const char *key, nx_mutation_op_t op,
                                 const uint8_t *value, size_t value_len)
{
    if (!r->keys_indexed) {
        for (size_t i = 0; i < r->mutations.count; i++)
            if (!index_key(r, i))
                return NX_E_INTERNAL_ERROR;
        r->keys_indexed = true;
    }
    key_slot_t *k = NULL;
    HASH_FIND_STR(r->keys, key, k);
    if (!k) {
        nx_code_t code = nx_result_add_mutation(r, key, strlen(key), op, value, value_len);
        if (code == NX_OK && !index_key(r, r->mutations.count - 1))
            code = NX_E_INTERNAL_ERROR;
        return code;
    }
    nx_mutation_t *m = &r->mutations.items[k->index];
    bool ok = true;
    m->op = op;
    m->value = op == NX_MUTATION_SET ? arena_bytes(r, value, value_len, &ok) : NULL;
    m->value_len = m->value ? value_len : 0;
    return ok ? NX_OK : NX_E_INTERNAL_ERROR;
}

void nx_result_free(nx_result_t *r)
{
    if (!r)
        return;
    drop_key_index(r);
    nx_result_clear_suspensions(r);
    free(r->mutations.items);
    free(r->events.items);
    free(r->views.items);
    free(r->logs.items);
    for (chunk_t *c = r->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(r);
}

/* ---- public accessors ------------------------------------------------------------------ */

nx_status_t nx_result_status(const nx_result_t *r) { return r->status; }

const uint8_t *nx_result_value(const nx_result_t *r, size_t *len)
{
    if (len)
        *len = r->value_len;
    return r->value;
}

#define DEFINE_ACCESSORS(type, fn, list)                                                 \
    size_t nx_result_##fn##_count(const nx_result_t *r) { return r->list.count; }       \
    const type *nx_result_##fn(const nx_result_t *r, size_t i)                           \
    {                                                                                     \
        return i < r->list.count ? &r->list.items[i] : NULL;                             \
    }

DEFINE_ACCESSORS(nx_mutation_t, mutation, mutations)
DEFINE_ACCESSORS(nx_event_t, event, events)
DEFINE_ACCESSORS(nx_view_command_t, view_command, views)
DEFINE_ACCESSORS(nx_log_t, log, logs)
size_t nx_result_suspension_count(const nx_result_t *r) { return r->pending_count; }

/* Moves the cursor to the next call pending as of the result's segment,
 * starting where it is. */
static void skip_answered(nx_result_t *r)
{
    while (r->cursor.index < r->ledger_len &&
           !nx_ledger_pending_at(nx_ledger_get(r->ledger, &r->cursor), r->as_of))
        nx_ledger_next(&r->cursor);
}

/* The i-th call pending as of the result's segment. Walking forward from
 * the last lookup makes listing them in order cost one step each. The
 * cursor is a cache: results are used from one thread at a time. */
const nx_suspension_t *nx_result_suspension(const nx_result_t *cr, size_t i)
{
    nx_result_t *r = (nx_result_t *)cr;
    if (i >= r->pending_count)
        return NULL;
    if (!r->cursor_set || i < r->cursor_i) {
        nx_ledger_seek(r->ledger, r->first, &r->cursor);
        r->cursor_i = 0;
        r->cursor_set = true;
        skip_answered(r);
    }
    while (r->cursor_i < i) {
        nx_ledger_next(&r->cursor);
        skip_answered(r);
        r->cursor_i++;
    }
    if (r->cursor.index >= r->ledger_len)
        return NULL; /* cannot happen: the count and the ledger agree */
    return &nx_ledger_get(r->ledger, &r->cursor)->view;
}

const nx_error_info_t *nx_result_error(const nx_result_t *r)
{
    return r->status == NX_STATUS_ERROR && r->has_error ? &r->error : NULL;
}

const nx_metrics_t *nx_result_metrics(const nx_result_t *r) { return &r->metrics; }

const char *nx_status_name(nx_status_t status)
{
    switch (status) {
    case NX_STATUS_SUCCESS: return "success";
    case NX_STATUS_ERROR: return "error";
    case NX_STATUS_SUSPENDED: return "suspended";
    }
    return "unknown";
}
