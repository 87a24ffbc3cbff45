/* context.h - what a caller hands an execution (nx_context_t): panel id,
 * handler name, state snapshot, args, scope, capability tokens, limits.
 *
 * The state snapshot is an immutable, reference-counted MessagePack map
 * with a key index built once when it is set, so executions (including a
 * suspended one that outlives the context) share it without copying.
 */
#ifndef NEXUS_CONTEXT_H
#define NEXUS_CONTEXT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "nexus.h"

typedef struct nx_state_index_entry nx_state_index_entry_t;

typedef struct nx_state_snapshot {
    atomic_int refs;
    uint8_t *bytes;                     /* the MessagePack map */
    size_t len;
    nx_state_index_entry_t *index;      /* uthash: key -> value span */
    size_t key_count;
} nx_state_snapshot_t;

/* Finds key; returns the value's MessagePack bytes or NULL. */
const uint8_t *nx_state_snapshot_find(const nx_state_snapshot_t *s, const char *key,
                                      size_t key_len, size_t *value_len);
/* Calls fn for every key, in map order. */
void nx_state_snapshot_each(const nx_state_snapshot_t *s,
                            void (*fn)(void *user, const char *key, size_t len), void *user);
nx_state_snapshot_t *nx_state_snapshot_retain(nx_state_snapshot_t *s);
void nx_state_snapshot_release(nx_state_snapshot_t *s);

struct nx_context {
    char *panel_id;
    char *handler_name;
    nx_state_snapshot_t *state;         /* never NULL */
    uint8_t *args, *scope;              /* MessagePack maps, NULL = {} */
    size_t args_len, scope_len;
    char **caps;
    size_t cap_count, cap_capacity;
    nx_limits_t limits;                 /* zero fields = runtime default */
};

#endif
