/* guest_report.h - reading the outcome report a guest leaves through the
 * finish import: a MessagePack map {status, value | error | bytecode},
 * validated like any other bytes from the sandbox before it is read. */
#ifndef NEXUS_EXECUTION_GUEST_REPORT_H
#define NEXUS_EXECUTION_GUEST_REPORT_H

#include <msgpack.h>
#include <stdbool.h>

#include "execution/outcome.h"
#include "sandbox/instance.h"

typedef struct nx_guest_report {
    msgpack_zone zone;
    msgpack_object root;
    nx_report_status_t status;
    const msgpack_object *value, *error, *bytecode;
} nx_guest_report_t;

/* Parses inst's last report; status NX_REPORT_NONE when there is none or
 * it is malformed. Always pair with nx_guest_report_free. */
void nx_guest_report_parse(nx_guest_report_t *rep, const nx_instance_t *inst);
void nx_guest_report_free(nx_guest_report_t *rep);

/* A string field of the error map as a new NUL-terminated string (NULL
 * when absent; owner: caller, free()). */
char *nx_guest_report_error_string(const nx_guest_report_t *rep, const char *key);
/* A positive integer field of the error map, or 0. */
uint32_t nx_guest_report_error_number(const nx_guest_report_t *rep, const char *key);

#endif
