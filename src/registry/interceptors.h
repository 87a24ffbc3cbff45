/* interceptors.h - the hooks an embedder installs around every host call
 * (nx_runtime_add_interceptor). The list is copy-on-write: adding or
 * removing builds a new immutable set, and a host call holds a reference
 * to the set it started with, so hooks run with no lock held, any number
 * of them, and a removed hook's user_data is finalized only after the last
 * call that could still run it. */
#ifndef NEXUS_REGISTRY_INTERCEPTORS_H
#define NEXUS_REGISTRY_INTERCEPTORS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "nexus.h"

typedef struct nx_interceptor_set nx_interceptor_set_t;

typedef struct nx_interceptors {
    pthread_mutex_t lock;
    nx_interceptor_set_t *current;  /* NULL when none is installed */
    atomic_bool any;                /* current != NULL, read without the lock */
    int next_id;
} nx_interceptors_t;

nx_code_t nx_interceptors_init(nx_interceptors_t *list);
/* Drops every interceptor (finalizing their user data once unused). */
void nx_interceptors_destroy(nx_interceptors_t *list);

nx_code_t nx_interceptors_add(nx_interceptors_t *list, nx_interceptor_fn before,
                              nx_interceptor_fn after, void *user_data, nx_finalize_fn finalize,
                              int *id);
nx_code_t nx_interceptors_remove(nx_interceptors_t *list, int id);

/* True when at least one interceptor is installed (no lock taken). */
static inline bool nx_interceptors_any(nx_interceptors_t *list)
{
    return list && atomic_load_explicit(&list->any, memory_order_relaxed);
}

/* Runs every before (or after) hook with call, in order of addition. */
void nx_interceptors_run(nx_interceptors_t *list, bool after, const nx_host_call_t *call);

#endif
