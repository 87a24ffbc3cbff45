/* result.h - building nx_result_t. The public accessors are in nexus.h;
 * these are for the execution code that fills a result in. Every string and
 * value is copied into the result's arena, so a result owns all it points
 * to and outlives the execution that made it. */
#ifndef NEXUS_RESULT_H
#define NEXUS_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "nexus.h"

nx_result_t *nx_result_create(nx_status_t status);
void nx_result_set_status(nx_result_t *r, nx_status_t status);

nx_code_t nx_result_set_value(nx_result_t *r, const uint8_t *msgpack, size_t len);
nx_code_t nx_result_add_mutation(nx_result_t *r, const char *key, size_t key_len,
                                 nx_mutation_op_t op, const uint8_t *value, size_t value_len);
nx_code_t nx_result_add_event(nx_result_t *r, const char *name, size_t name_len,
                              const uint8_t *payload, size_t payload_len);
/* component may be NULL (no component). */
nx_code_t nx_result_add_view_command(nx_result_t *r, const char *component, size_t component_len,
                                     const char *type, size_t type_len,
                                     const uint8_t *args, size_t args_len);
nx_code_t nx_result_add_log(nx_result_t *r, nx_log_level_t level, const char *message,
                            size_t len, double timestamp_ms);
nx_code_t nx_result_add_suspension(nx_result_t *r, const char *id, const char *extension,
                                   const char *method, const uint8_t *args, size_t args_len);
/* Lists the count calls of an execution's ledger still pending as of
 * segment as_of, the first of them at index first (the result keeps a
 * reference to the ledger; nothing is copied). */
struct nx_call_ledger;
void nx_result_list_pending(nx_result_t *r, struct nx_call_ledger *ledger, uint32_t as_of,
                            size_t first, size_t count);
/* Gives r the same pending calls as from. */
void nx_result_copy_pending(nx_result_t *r, const nx_result_t *from);
/* Makes r an error result. Strings may be NULL; they are copied. */
nx_code_t nx_result_set_error(nx_result_t *r, nx_code_t code, const char *message,
                              const char *stack, uint32_t line, uint32_t column,
                              const char *source_line);
/* printf-style message, no stack or location. */
nx_code_t nx_result_set_errorf(nx_result_t *r, nx_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
nx_metrics_t *nx_result_metrics_mut(nx_result_t *r);
/* Why the runtime's store could not take the suspended execution. */
nx_code_t nx_result_set_store_error(nx_result_t *r, const char *message);
/* Drops mutations, events and view commands (a failed result keeps only
 * its logs). */
void nx_result_clear_effects(nx_result_t *r);
/* Drops the pending calls. */
void nx_result_clear_suspensions(nx_result_t *r);
/* Sets key's mutation: replaces the value (and op) of the mutation key
 * already has, keeping its place, or adds one at the end. Amortised
 * constant time. */
nx_code_t nx_result_put_mutation(nx_result_t *r, const char *key, nx_mutation_op_t op,
                                 const uint8_t *value, size_t value_len);

/* A result's effects and metrics as MessagePack, and a suspended result
 * rebuilt from them (every field checked; NX_E_INVALID_ARGUMENT for
 * anything pack would not have written). Owner of *out: caller. */
struct msgpack_packer;
struct msgpack_object;
void nx_result_pack_effects(const nx_result_t *r, struct msgpack_packer *pk);
nx_code_t nx_result_unpack_effects(const struct msgpack_object *o, nx_result_t **out);

/* The result document used to compare runs: MessagePack of the result
 * without metrics. Owner: caller, free(). */
nx_code_t nx_result_outcome_msgpack(const nx_result_t *r, uint8_t **buf, size_t *len);

/* An error result for a failed API call (never NULL unless out of memory). */
nx_result_t *nx_result_error_new(nx_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
