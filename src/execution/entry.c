/* entry.c - what the execution layer's entry points share: the checks
 * made before anything is taken, failing with a result, and suspended
 * executions that end without a resume (dropped, expired). */
#include "common/clock.h"
#include "execution/execution.h"
#include "result/result.h"
#include "sandbox/guest_call.h"

nx_code_t nx_execution_fail(nx_result_t **out, nx_code_t code, const char *msg)
{
    if (out)
        *out = nx_result_error_new(code, "%s", msg);
    return code;
}

nx_code_t nx_execution_check_call(nx_runtime_t *rt, bool args_ok, nx_result_t **out)
{
    if (out)
        *out = NULL;
    if (!rt || !args_ok || !out)
        return nx_execution_fail(out, NX_E_INVALID_ARGUMENT, "a required argument is missing");
    if (atomic_load(&rt->shut_down))
        return nx_execution_fail(out, NX_E_INVALID_ARGUMENT, "the runtime is shut down");
    if (nx_guest_call_active())
        return nx_execution_fail(out, NX_E_INVALID_ARGUMENT,
                                 "an execution cannot start inside another on the same thread");
    nx_execution_expire(rt, false);
    return NX_OK;
}

/* ---- suspended executions that end without a resume ------------------------------------ */

void nx_execution_drop(nx_runtime_t *rt, nx_exec_t *e)
{
    nx_instance_t *inst = e->inst;
    nx_pool_unpark(&rt->pool);
    nx_exec_free(e);
    nx_pool_release(&rt->pool, inst);
}

void nx_execution_expire(nx_runtime_t *rt, bool all)
{
    nx_exec_t *e = nx_suspensions_sweep(&rt->suspensions, nx_clock_ms(), all);
    while (e) {
        nx_exec_t *next = e->next_expired;
        nx_execution_drop(rt, e);
        e = next;
    }
}
