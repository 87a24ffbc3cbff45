/* outcome.c - deciding how a segment ended (outcome.h). No state, no
 * allocation: every function here is a table. */
#include "execution/outcome.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hostcalls/execution_state.h"
#include "sandbox/thread.h"
#include "wasm-rt.h"

nx_code_t nx_outcome_trap_code(int trap, bool memory_cap_hit, const char **what)
{
    if (trap == NX_TRAP_DEADLINE) {
        *what = "stopped at the deadline";
        return NX_E_TIMEOUT;
    }
    if (trap == NX_TRAP_MEMORY || memory_cap_hit) {
        *what = "memory exhausted";
        return NX_E_MEMORY_LIMIT;
    }
    *what = wasm_rt_strerror((wasm_rt_trap_t)trap);
    return trap == WASM_RT_TRAP_EXHAUSTION ? NX_E_RESOURCE_LIMIT : NX_E_WASM_ERROR;
}

bool nx_outcome_handler_may_claim(nx_code_t code)
{
    switch (code) {
    case NX_E_PERMISSION_DENIED: case NX_E_INVALID_ARGUMENT: case NX_E_SERIALIZATION_ERROR:
    case NX_E_RESOURCE_LIMIT: case NX_E_EXTENSION_NOT_FOUND: case NX_E_METHOD_NOT_FOUND:
    case NX_E_INVALID_HANDLER: case NX_E_EXECUTION_ERROR:
        return true;
    default:
        return false;
    }
}

nx_code_t nx_outcome_error_code(const char *name, const char *message, const char *code_name)
{
    if (code_name) {
        nx_code_t c = nx_code_from_name(code_name);
        if (nx_outcome_handler_may_claim(c) && strcmp(nx_code_name(c), code_name) == 0)
            return c;
    }
    /* QuickJS's stack check: InternalError, or SyntaxError from its parsers */
    if (name && message && strcmp(message, "stack overflow") == 0 &&
        (strcmp(name, "InternalError") == 0 || strcmp(name, "SyntaxError") == 0))
        return NX_E_RESOURCE_LIMIT;
    return NX_E_EXECUTION_ERROR;
}

static void host_error(nx_verdict_t *v, nx_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void host_error(nx_verdict_t *v, nx_code_t code, const char *fmt, ...)
{
    v->kind = NX_VERDICT_HOST_ERROR;
    v->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->message, sizeof v->message, fmt, ap);
    va_end(ap);
}

void nx_outcome_decide(const nx_segment_facts_t *f, nx_verdict_t *v)
{
    memset(v, 0, sizeof *v);
    const char *doing = f->compiling ? "compiling the handler" : "execution";
    if (f->instructions_over) {
        /* whatever else happened after the budget was spent */
        host_error(v, NX_E_RESOURCE_LIMIT, "%s exceeded its budget of %u instructions", doing,
                   f->max_instructions);
        v->trapped = f->trap != 0;
        return;
    }
    if (f->trap) {
        v->trapped = true;
        const char *what;
        nx_code_t c = nx_outcome_trap_code(f->trap, f->memory_cap_hit, &what);
        if (c == NX_E_TIMEOUT || f->deadline_passed)
            host_error(v, NX_E_TIMEOUT, "%s exceeded the %u ms time limit (%s)", doing,
                       f->timeout_ms, what);
        else if (c == NX_E_MEMORY_LIMIT)
            host_error(v, c, "%s exceeded the %u MiB memory limit", doing, f->memory_mb);
        else if (c == NX_E_RESOURCE_LIMIT)
            host_error(v, c, "stack overflow (%s)", what);
        else
            host_error(v, c, "the sandbox trapped: %s", what);
        return;
    }
    if (f->deadline_passed) {
        host_error(v, NX_E_TIMEOUT, "%s exceeded the %u ms time limit", doing, f->timeout_ms);
        return;
    }
    if (f->report == NX_REPORT_NONE || f->guest_failed) {
        if (!f->report_too_large)
            host_error(v, NX_E_WASM_ERROR, "the sandbox returned no usable outcome");
        else if (f->compiling)
            host_error(v, NX_E_RESOURCE_LIMIT, "the handler's bytecode is larger than %u MiB",
                       NX_MAX_BYTECODE_BYTES >> 20);
        else
            host_error(v, NX_E_RESOURCE_LIMIT, "the outcome is larger than the value limit");
        return;
    }
    switch (f->report) {
    case NX_REPORT_PENDING:
        if (f->guest_pending && f->pending_calls > 0 && !f->compiling) {
            v->kind = NX_VERDICT_SUSPENDED;
            return;
        }
        host_error(v, NX_E_WASM_ERROR, "the sandbox reported an unknown outcome");
        return;
    case NX_REPORT_ERROR:
        v->kind = NX_VERDICT_GUEST_ERROR;
        if (f->memory_cap_hit) {
            /* whatever the handler threw, it threw because memory ran out */
            v->code = NX_E_MEMORY_LIMIT;
            snprintf(v->message, sizeof v->message, "%s exceeded the %u MiB memory limit", doing,
                     f->memory_mb);
        }
        return;
    case NX_REPORT_OK:
        v->kind = NX_VERDICT_SUCCESS;
        return;
    default:
        host_error(v, NX_E_WASM_ERROR, "the sandbox reported an unknown outcome");
        return;
    }
}
