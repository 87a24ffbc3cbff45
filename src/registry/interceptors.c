/* interceptors.c - the copy-on-write list of host-call hooks
 * (interceptors.h). */
#include "registry/interceptors.h"

#include <stdlib.h>
#include <string.h>

typedef struct hook {
    atomic_int refs;            /* sets holding it */
    int id;
    nx_interceptor_fn before, after;
    void *user_data;
    nx_finalize_fn finalize;
} hook_t;

struct nx_interceptor_set {
    atomic_int refs;            /* the list, and host calls running its hooks */
    size_t count;
    hook_t *hooks[];
};

static void hook_release(hook_t *h)
{
    if (atomic_fetch_sub(&h->refs, 1) != 1)
        return;
    if (h->finalize)
        h->finalize(h->user_data);
    free(h);
}

static void set_release(nx_interceptor_set_t *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    for (size_t i = 0; i < s->count; i++)
        hook_release(s->hooks[i]);
    free(s);
}

/* A new set of count hooks copied from old (each retained), minus the one
 * with id skip; NULL for an empty set. *ok is false when out of memory. */
static nx_interceptor_set_t *set_copy(const nx_interceptor_set_t *old, int skip, size_t extra,
                                      bool *ok)
{
    size_t n = old ? old->count : 0;
    nx_interceptor_set_t *s = malloc(sizeof *s + (n + extra) * sizeof s->hooks[0]);
    if (!s) {
        *ok = false;
        return NULL;
    }
    atomic_init(&s->refs, 1);
    s->count = 0;
    for (size_t i = 0; i < n; i++) {
        if (old->hooks[i]->id == skip)
            continue;
        atomic_fetch_add(&old->hooks[i]->refs, 1);
        s->hooks[s->count++] = old->hooks[i];
    }
    return s;
}

/* Makes s current (NULL when empty) and drops the old set; lock held. */
static void install(nx_interceptors_t *list, nx_interceptor_set_t *s)
{
    if (s && s->count == 0) {
        free(s);
        s = NULL;
    }
    nx_interceptor_set_t *old = list->current;
    list->current = s;
    atomic_store(&list->any, s != NULL);
    /* old's hooks are still held by s (or are being removed); releasing old
     * here may finalize a removed hook's user data, unless a host call still
     * holds old: then that call's release does it */
    set_release(old);
}

nx_code_t nx_interceptors_init(nx_interceptors_t *list)
{
    memset(list, 0, sizeof *list);
    return pthread_mutex_init(&list->lock, NULL) == 0 ? NX_OK : NX_E_INTERNAL_ERROR;
}

void nx_interceptors_destroy(nx_interceptors_t *list)
{
    pthread_mutex_lock(&list->lock);
    install(list, NULL);
    pthread_mutex_unlock(&list->lock);
    pthread_mutex_destroy(&list->lock);
}

nx_code_t nx_interceptors_add(nx_interceptors_t *list, nx_interceptor_fn before,
                              nx_interceptor_fn after, void *user_data, nx_finalize_fn finalize,
                              int *id)
{
    if (!before && !after)
        return NX_E_INVALID_ARGUMENT;
    hook_t *h = malloc(sizeof *h);
    if (!h)
        return NX_E_INTERNAL_ERROR;
    *h = (hook_t){ .before = before, .after = after, .user_data = user_data, .finalize = finalize };
    atomic_init(&h->refs, 1);
    bool ok = true;
    pthread_mutex_lock(&list->lock);
    nx_interceptor_set_t *s = set_copy(list->current, 0, 1, &ok);
    if (ok) {
        h->id = ++list->next_id;
        s->hooks[s->count++] = h;
        install(list, s);
    }
    pthread_mutex_unlock(&list->lock);
    if (!ok) {
        free(h);
        return NX_E_INTERNAL_ERROR;
    }
    if (id)
        *id = h->id;
    return NX_OK;
}

nx_code_t nx_interceptors_remove(nx_interceptors_t *list, int id)
{
    pthread_mutex_lock(&list->lock);
    const nx_interceptor_set_t *cur = list->current;
    bool found = false;
    for (size_t i = 0; cur && i < cur->count; i++)
        found = found || cur->hooks[i]->id == id;
    bool ok = true;
    if (found) {
        nx_interceptor_set_t *s = set_copy(cur, id, 0, &ok);
        if (ok)
            install(list, s);
    }
    pthread_mutex_unlock(&list->lock);
    return !found ? NX_E_INVALID_ARGUMENT : ok ? NX_OK : NX_E_INTERNAL_ERROR;
}

void nx_interceptors_run(nx_interceptors_t *list, bool after, const nx_host_call_t *call)
{
    pthread_mutex_lock(&list->lock);
    nx_interceptor_set_t *s = list->current;
    if (s)
        atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&list->lock);
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++) {
        nx_interceptor_fn fn = after ? s->hooks[i]->after : s->hooks[i]->before;
        if (fn)
            fn(s->hooks[i]->user_data, call);
    }
    set_release(s);
}
