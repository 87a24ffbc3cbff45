/* handler_error.c - a handler's uncaught error, as the guest reported it,
 * made into the result's error: the code it may carry (outcome.c decides),
 * "Name: message", the stack, and where in the handler's source it was
 * thrown, with that line quoted. Everything here comes from the handler,
 * so nothing is trusted: the line it names may not exist, the quoted line
 * is cut between characters, and every string is UTF-8 (the result's
 * arena makes sure). */
#include "execution/handler_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "common/values.h"
#include "execution/outcome.h"
#include "result/result.h"

/* The first "<handler>:LINE" in a QuickJS stack: the innermost handler frame. */
static uint32_t stack_line(const char *stack)
{
    const char *p = stack ? strstr(stack, "<handler>:") : NULL;
    if (!p)
        return 0;
    unsigned long line = strtoul(p + 10, NULL, 10);
    return line <= UINT32_MAX ? (uint32_t)line : 0;
}

char *nx_handler_source_line(const char *source, size_t source_len, uint32_t line)
{
    if (!source || !line)
        return NULL;
    const char *p = source, *end = source + source_len;
    for (uint32_t i = 1; i < line; i++) {
        p = memchr(p, '\n', (size_t)(end - p));
        if (!p)
            return NULL;
        p++;
    }
    size_t len = 0;
    while (p + len < end && p[len] != '\n' && p[len] != '\r')
        len++;
    return nx_utf8_sanitize(p, len, NX_SOURCE_LINE_MAX_BYTES, NULL);
}

void nx_handler_error_set(nx_result_t *r, const nx_guest_report_t *rep, const char *source,
                          size_t source_len, nx_code_t forced)
{
    char *name = nx_guest_report_error_string(rep, "name");
    char *message = nx_guest_report_error_string(rep, "message");
    char *stack = nx_guest_report_error_string(rep, "stack");
    char *code_name = nx_guest_report_error_string(rep, "code");
    nx_code_t c = forced ? forced : nx_outcome_error_code(name, message, code_name);
    char *full = NULL;
    if (name && *name && strcmp(name, "Error") != 0 && message &&
        asprintf(&full, "%s: %s", name, message) < 0)
        full = NULL;
    /* a syntax error knows its line and column; other errors only the
     * line, from the innermost handler frame of the stack */
    uint32_t line = nx_guest_report_error_number(rep, "lineNumber");
    uint32_t column = line ? nx_guest_report_error_number(rep, "columnNumber") : 0;
    if (!line)
        line = stack_line(stack);
    char *text = nx_handler_source_line(source, source_len, line);
    if (!text)
        line = column = 0; /* a line the source does not have */
    nx_result_set_error(r, c, full ? full : message ? message : "uncaught exception", stack,
                        line, column, text);
    free(name); free(message); free(stack); free(code_name); free(full); free(text);
}

void nx_handler_value_set(nx_result_t *r, const nx_guest_report_t *rep, const nx_limits_t *limits)
{
    const msgpack_object *value = rep->value;
    if (!value)
        return;
    if (value->type != MSGPACK_OBJECT_BIN) {
        nx_result_set_errorf(r, NX_E_WASM_ERROR, "the sandbox reported a malformed value");
        return;
    }
    const uint8_t *bytes = (const uint8_t *)value->via.bin.ptr;
    size_t len = value->via.bin.size;
    const char *why = NULL;
    if (len > limits->max_value_bytes)
        nx_result_set_errorf(r, NX_E_RESOURCE_LIMIT, "the return value is %zu bytes, over the %u-byte limit",
                             len, limits->max_value_bytes);
    else if (nx_value_check(bytes, len, &why) != NX_OK)
        nx_result_set_errorf(r, NX_E_SERIALIZATION_ERROR, "the return value cannot cross the boundary: %s", why);
    else
        nx_result_set_value(r, bytes, len);
}
