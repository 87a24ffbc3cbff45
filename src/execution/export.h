/* export.h - a suspended execution as bytes and back (export.c), for the
 * execution layer's files: the public nx_export/nx_import and the store's
 * use in suspending and resuming (durable.c). */
#ifndef NEXUS_EXECUTION_EXPORT_H
#define NEXUS_EXECUTION_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "hostcalls/execution_state.h"
#include "runtime/runtime.h"

/* The shortest suspension key accepted. */
#define NX_SUSPENSION_KEY_MIN 16

/* Seals a payload: header, zstd, HMAC-SHA256 under rt's key. Owner of
 * *out: caller, free(). */
nx_code_t nx_export_seal(const nx_runtime_t *rt, const uint8_t *payload, size_t len,
                         uint8_t **out, size_t *out_len);
/* Checks and opens an export: NX_E_INVALID_ARGUMENT (err says why) for
 * anything that does not authenticate under rt's key, or was made by
 * another build. Owner of *payload: caller, free(). */
nx_code_t nx_export_open(const nx_runtime_t *rt, const uint8_t *blob, size_t len,
                         uint8_t **payload, size_t *payload_len, char *err, size_t err_size);

/* e (suspended, between segments) as an export. Owner of *out: caller,
 * free(). */
nx_code_t nx_export_execution(const nx_runtime_t *rt, nx_exec_t *e, uint8_t **out, size_t *out_len);
/* An execution rebuilt from an export, on an instance from rt's pool, not
 * parked. Owner of *out: caller (nx_execution_drop-like release). */
nx_code_t nx_import_execution(nx_runtime_t *rt, const uint8_t *blob, size_t len, nx_exec_t **out,
                              char *err, size_t err_size);

#endif
