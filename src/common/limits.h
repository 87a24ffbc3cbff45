/* limits.h - the one list of execution limits. Every place that handles
 * limits one by one (the defaults, resolving a context's zeros against the
 * runtime's, checking ranges, a context in a recording and an execution in
 * an export, by name: nx_limits_pack and nx_limits_unpack) expands
 * NX_LIMIT_TABLE, so a limit added to nx_limits_t and to the table reaches
 * all of them; limits.c checks at compile time that the two agree.
 *
 * X(field, default, min, max): the field of nx_limits_t, its built-in
 * default, and the range a value set by a host must fall in. Every default
 * is a bound but max_instructions', which is 0: no budget. */
#ifndef NEXUS_COMMON_LIMITS_H
#define NEXUS_COMMON_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#include "nexus.h"

#define NX_LIMIT_TABLE(X)                                                   \
    X(timeout_ms,        5000,       1, 24u * 3600u * 1000u)                \
    X(memory_mb,         64,         4, 4096)                               \
    X(max_host_calls,    10000,      1, UINT32_MAX)                         \
    X(max_value_bytes,   1u << 20,   16, 256u << 20)                        \
    X(max_log_bytes,     16u << 10,  1, UINT32_MAX)                         \
    X(max_events,        1000,       1, UINT32_MAX)                         \
    X(max_view_commands, 1000,       1, UINT32_MAX)                         \
    X(max_logs,          1000,       1, UINT32_MAX)                         \
    X(max_state_keys,    1000,       1, UINT32_MAX)                         \
    X(max_output_bytes,  16u << 20,  1, UINT32_MAX)                         \
    X(deadline_ms,       60000,      1, 30u * 24u * 3600u * 1000u)          \
    X(max_instructions,  0,          1, UINT32_MAX)

typedef enum nx_limit_id {
#define NX_LIMIT_ID(field, dflt, min, max) NX_LIMIT_##field,
    NX_LIMIT_TABLE(NX_LIMIT_ID)
#undef NX_LIMIT_ID
    NX_LIMIT_COUNT
} nx_limit_id_t;

/* The built-in defaults. */
void nx_limits_defaults(nx_limits_t *out);
/* out = limits, with every zero field taken from defaults. */
void nx_limits_resolve(nx_limits_t *out, const nx_limits_t *limits, const nx_limits_t *defaults);
/* NX_OK when every nonzero field lies in its range; otherwise
 * NX_E_INVALID_ARGUMENT with the reason in err. */
nx_code_t nx_limits_check(const nx_limits_t *limits, char *err, size_t err_size);

/* Limits as a MessagePack map by name, the form recordings and exports
 * keep them in, so that a limit added later cannot shift the others. All:
 * every limit (resolved ones); otherwise the nonzero ones (a context's). */
struct msgpack_packer;
struct msgpack_object;
void nx_limits_pack(struct msgpack_packer *pk, const nx_limits_t *limits, bool all);
/* The reverse, checked: names this build knows, each once, each value in
 * its range; with all, every limit and zero only where zero is the
 * default (none). NX_OK or NX_E_INVALID_ARGUMENT with err. */
nx_code_t nx_limits_unpack(const struct msgpack_object *map, bool all, nx_limits_t *out, char *err,
                           size_t err_size);

#endif
