/* values.h - MessagePack on the host side: the validating decoder every
 * byte string from the guest or a host passes through, and conversion
 * between MessagePack and JSON for the edges (CLI, tests).
 *
 * Accepted values (docs/values.md): nil, bool, integers, float32/64, str
 * (valid UTF-8), bin, array, map with str keys (valid UTF-8), and the
 * timestamp extension (type -1). Nothing else.
 */
#ifndef NEXUS_VALUES_H
#define NEXUS_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/utf8.h"
#include "nexus.h"

/* Containers may nest this deep, no deeper (the guest's codec agrees). */
#define NX_VALUE_MAX_DEPTH 32
/* A result document (nx_result_to_msgpack) holds values up to three
 * levels down (a mutation's value: document, list, entry). */
#define NX_RESULT_MAX_DEPTH (NX_VALUE_MAX_DEPTH + 3)

/* Checks that buf[0..len) is exactly one accepted value, nested at most
 * NX_VALUE_MAX_DEPTH deep. Returns NX_OK, or NX_E_SERIALIZATION_ERROR with a
 * short reason in why (if not NULL; static storage). Never reads outside
 * buf, whatever the bytes; runs in time linear in len. */
nx_code_t nx_value_check(const uint8_t *buf, size_t len, const char **why);

/* The same, and also requires a map (or nil when allow_nil). */
nx_code_t nx_value_check_map(const uint8_t *buf, size_t len, bool allow_nil, const char **why);

/* A state snapshot: a map (or nil) whose values are each one accepted
 * value, so the map itself may add a level: each value is handed to the
 * guest on its own, and a 32-level value a handler wrote must load again. */
nx_code_t nx_value_check_state(const uint8_t *buf, size_t len, const char **why);

/* A result document as nx_result_to_msgpack writes it: one value nested at
 * most NX_RESULT_MAX_DEPTH deep, map keys strings. */
nx_code_t nx_result_document_check(const uint8_t *buf, size_t len, const char **why);

/* JSON text -> MessagePack. Integers stay integers, reals become float64.
 * On failure returns NX_E_INVALID_ARGUMENT and writes a message (with the
 * JSON error position) to err. Owner of *out: caller, free(). */
nx_code_t nx_json_to_msgpack(const char *json, size_t len, uint8_t **out, size_t *out_len,
                             char *err, size_t err_size);

/* One checked MessagePack value -> JSON text (compact). bin becomes a base64
 * string, timestamps ISO-8601 UTC strings, NaN/Infinity null. Owner of *out:
 * caller, free(). */
nx_code_t nx_msgpack_to_json(const uint8_t *buf, size_t len, char **out);

/* For building larger JSON documents: one checked MessagePack value as a
 * new jansson value (json_t *), or NULL on malformed input. */
void *nx_msgpack_to_jansson(const uint8_t *buf, size_t len);

#endif
