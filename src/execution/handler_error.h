/* handler_error.h - the handler's error and return value, from the guest's
 * report into the result (handler_error.c). */
#ifndef NEXUS_EXECUTION_HANDLER_ERROR_H
#define NEXUS_EXECUTION_HANDLER_ERROR_H

#include <stddef.h>
#include <stdint.h>

#include "execution/guest_report.h"
#include "nexus.h"

/* The longest source line an error quotes. */
#define NX_SOURCE_LINE_MAX_BYTES 1024

/* Line `line` (1-based) of source, without its end of line, as valid UTF-8
 * of at most NX_SOURCE_LINE_MAX_BYTES, cut between characters. NULL when
 * the source has no such line. Owner: caller, free(). */
char *nx_handler_source_line(const char *source, size_t source_len, uint32_t line);

/* Makes r an error result from the report's error map, located in source.
 * forced, when not NX_OK, replaces the code the error would get. */
void nx_handler_error_set(nx_result_t *r, const nx_guest_report_t *rep, const char *source,
                          size_t source_len, nx_code_t forced);

/* Sets r's return value from the report's value (a bin of MessagePack),
 * checked against the value limit and the accepted values. */
void nx_handler_value_set(nx_result_t *r, const nx_guest_report_t *rep, const nx_limits_t *limits);

#endif
