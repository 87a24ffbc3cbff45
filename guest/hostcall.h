/* hostcall.h - the guest's side of the "nexus" imports: declarations of the
 * functions the host provides, and helpers that turn their replies into JS
 * values or thrown errors. Every call here is re-checked by the host; the
 * guest-side checks only give handlers clearer errors sooner. */
#ifndef NEXUS_GUEST_HOSTCALL_H
#define NEXUS_GUEST_HOSTCALL_H

#include <stdint.h>

#include "abi.h"
#include "quickjs.h"

#define NX_IMPORT(name) __attribute__((import_module("nexus"), import_name(#name)))

NX_IMPORT(state_get) int32_t nx_host_state_get(const char *key, uint32_t key_len);
NX_IMPORT(state_set) int32_t nx_host_state_set(const char *key, uint32_t key_len,
                                               const uint8_t *value, uint32_t value_len);
NX_IMPORT(state_delete) int32_t nx_host_state_delete(const char *key, uint32_t key_len);
NX_IMPORT(state_has) int32_t nx_host_state_has(const char *key, uint32_t key_len);
NX_IMPORT(state_keys) int32_t nx_host_state_keys(void);
NX_IMPORT(emit) int32_t nx_host_emit(const char *name, uint32_t name_len,
                                     const uint8_t *payload, uint32_t payload_len);
NX_IMPORT(view) int32_t nx_host_view(const char *component, uint32_t component_len,
                                     const char *type, uint32_t type_len,
                                     const uint8_t *args, uint32_t args_len);
NX_IMPORT(log) int32_t nx_host_log(int32_t level, const char *message, uint32_t len);
/* milliseconds since the epoch; a refused call returns minus its error code
 * (no clock reads before 1970), with the message in the reply buffer */
NX_IMPORT(now) double nx_host_now(void);
NX_IMPORT(random_seed) int64_t nx_host_random_seed(void);
NX_IMPORT(ext_list) int32_t nx_host_ext_list(void);
NX_IMPORT(ext_call) int32_t nx_host_ext_call(const char *ext, uint32_t ext_len,
                                             const char *method, uint32_t method_len,
                                             const uint8_t *args, uint32_t args_len);
NX_IMPORT(host_call) int32_t nx_host_host_call(const char *iface, uint32_t iface_len,
                                               const char *fn, uint32_t fn_len,
                                               const uint8_t *args, uint32_t args_len);
NX_IMPORT(host_list) int32_t nx_host_host_list(void);
NX_IMPORT(reply_read) int32_t nx_host_reply_read(uint8_t *dst, uint32_t cap);
NX_IMPORT(finish) int32_t nx_host_finish(const uint8_t *report, uint32_t len);

/* The reply buffer the host writes results into (published in the layout). */
extern uint8_t nx_reply_buffer[NX_ABI_REPLY_CAPACITY];

/* Name of a host status code ("PERMISSION_DENIED"...). */
const char *hostcall_code_name(int code);

/* Interprets an import's return value. On success returns JS_UNDEFINED and
 * points *bytes and *len at the reply (len 0 = no reply); the caller frees
 * *owned when set. On failure throws the host's error (with .code) and
 * returns JS_EXCEPTION. */
JSValue hostcall_reply(JSContext *ctx, int32_t ret, const uint8_t **bytes,
                       uint32_t *len, uint8_t **owned);

/* hostcall_reply, then decodes the reply into a value (undefined if empty). */
JSValue hostcall_value(JSContext *ctx, int32_t ret);

#endif
