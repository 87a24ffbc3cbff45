/* abi.h - the contract between the guest module and the host.
 *
 * The guest (QuickJS + glue, compiled to WebAssembly) and the host (src/)
 * agree on exactly what is written here: the exports the host calls, the
 * imports of module "nexus" the guest calls, the layout block the guest
 * publishes once at initialisation, and the status codes both exchange.
 * Everything that crosses carries MessagePack or (pointer, length) pairs of
 * UTF-8; the host validates all of it, since guest memory is untrusted once
 * handler code has run.
 */
#ifndef NEXUS_GUEST_ABI_H
#define NEXUS_GUEST_ABI_H

#include <stdint.h>

/* Version of this contract; the host refuses a guest that reports another. */
#define NX_ABI_VERSION 2u

/* Size of the reply buffer the guest reserves for host call results. Larger
 * replies are fetched with the reply_read import. */
#define NX_ABI_REPLY_CAPACITY 65536u

/* Longest error name, message, stack or code the guest reports, in bytes;
 * longer ones are cut on a character boundary and end with "...". Four of
 * them fit in the 64 KiB the host allows a report beyond the value limit. */
#define NX_ABI_ERROR_TEXT_MAX 8192u

/* Published by nx_guest_layout(): where the host finds the guest's fixed
 * addresses. Read once, before the snapshot, and bounds-checked then. */
typedef struct nx_abi_layout {
    uint32_t abi_version;
    uint32_t reply_buffer;      /* address of NX_ABI_REPLY_CAPACITY bytes */
    uint32_t reply_capacity;
    uint32_t interrupt_flag;    /* address of a uint32: nonzero = stop now */
    uint32_t instruction_count; /* address of a uint64: bytecode instructions
                                   run since the host zeroed it (meter.h) */
    uint32_t instruction_budget;/* address of an int64: past it the engine
                                   stops the handler; INT64_MAX: none */
    uint32_t value_limit;       /* address of a uint32: the largest value, in
                                   bytes, the guest encodes */
} nx_abi_layout_t;

/* nx_guest_init flags. */
#define NX_INIT_HANDLER_MODE 0u /* hardened context with the handler API */
#define NX_INIT_RAW_ENGINE   1u /* plain QuickJS context (conformance tests) */

/* Return values of the guest's run/resume/compile/eval exports. The outcome
 * itself (value, error, pending) is reported through the finish import. */
#define NX_GUEST_DONE        0u
#define NX_GUEST_PENDING     1u /* promise unsettled, extension calls pending */
#define NX_GUEST_FAILED      2u /* the guest could not even report */

/* Host call status, returned negated by imports: -NX_HC_* on failure, with a
 * MessagePack string (the message) at the start of the reply buffer. The
 * numbers match nx_code_t in include/nexus.h. */
#define NX_HC_PERMISSION_DENIED    3
#define NX_HC_EXECUTION_ERROR      4
#define NX_HC_INTERNAL_ERROR       7
#define NX_HC_RESOURCE_LIMIT       8
#define NX_HC_SERIALIZATION_ERROR 10
#define NX_HC_INVALID_ARGUMENT    11
#define NX_HC_EXTENSION_NOT_FOUND 12
#define NX_HC_METHOD_NOT_FOUND    13

/* Log levels for the log import. */
#define NX_ABI_LOG_DEBUG 0
#define NX_ABI_LOG_INFO  1
#define NX_ABI_LOG_WARN  2
#define NX_ABI_LOG_ERROR 3

/* The ext_call import answers with one of these in its reply:
 * [NX_EXT_DEFERRED, id] or [NX_EXT_VALUE, id, value] or [NX_EXT_ERROR, id, msg] */
#define NX_EXT_DEFERRED 0
#define NX_EXT_VALUE    1
#define NX_EXT_ERROR    2

/* A componentId length meaning "no component" for the view import. */
#define NX_ABI_NO_COMPONENT 0xffffffffu

#endif
