/* test_outcome.c - the table that decides how a segment ended
 * (src/execution/outcome.c), row by row. It decides what an untrusted
 * handler can claim: TIMEOUT and MEMORY_LIMIT only from the host's own
 * facts, a handler's .code only for codes the API throws. */
#include <string.h>

#include "execution/outcome.h"
#include "helpers.h"
#include "sandbox/thread.h"
#include "wasm-rt.h"

static nx_segment_facts_t ok_facts(void)
{
    return (nx_segment_facts_t){ .report = NX_REPORT_OK, .timeout_ms = 100, .memory_mb = 16 };
}

static nx_verdict_t decide(nx_segment_facts_t f)
{
    nx_verdict_t v;
    nx_outcome_decide(&f, &v);
    return v;
}

static void expect_host_error(nx_segment_facts_t f, nx_code_t code, bool trapped, const char *text)
{
    nx_verdict_t v = decide(f);
    assert_int_equal(v.kind, NX_VERDICT_HOST_ERROR);
    if (v.code != code)
        fail_msg("expected %s, got %s (%s)", nx_code_name(code), nx_code_name(v.code), v.message);
    assert_int_equal(v.trapped, trapped);
    if (!strstr(v.message, text))
        fail_msg("message \"%s\" lacks \"%s\"", v.message, text);
}

static void test_traps(void **state)
{
    (void)state;
    nx_segment_facts_t f = ok_facts();
    f.trap = NX_TRAP_DEADLINE;
    expect_host_error(f, NX_E_TIMEOUT, true, "100 ms time limit");
    f.trap = NX_TRAP_MEMORY;
    expect_host_error(f, NX_E_MEMORY_LIMIT, true, "16 MiB memory limit");
    f.trap = WASM_RT_TRAP_EXHAUSTION;
    expect_host_error(f, NX_E_RESOURCE_LIMIT, true, "stack overflow");
    f.trap = WASM_RT_TRAP_OOB;
    expect_host_error(f, NX_E_WASM_ERROR, true, "trapped");
    /* any trap once the memory cap was hit is the cap's doing */
    f.memory_cap_hit = true;
    expect_host_error(f, NX_E_MEMORY_LIMIT, true, "memory limit");
    /* and any trap after the deadline passed is the deadline's */
    f.deadline_passed = true;
    expect_host_error(f, NX_E_TIMEOUT, true, "time limit");
    f = ok_facts();
    f.compiling = true;
    f.trap = NX_TRAP_DEADLINE;
    expect_host_error(f, NX_E_TIMEOUT, true, "compiling the handler");
}

static void test_the_deadline_overrides_any_report(void **state)
{
    (void)state;
    nx_segment_facts_t f = ok_facts();
    f.deadline_passed = true;
    expect_host_error(f, NX_E_TIMEOUT, false, "time limit");
    f.report = NX_REPORT_ERROR; /* whatever the handler threw at the interrupt */
    expect_host_error(f, NX_E_TIMEOUT, false, "time limit");
}

static void test_unusable_reports(void **state)
{
    (void)state;
    nx_segment_facts_t f = ok_facts();
    f.report = NX_REPORT_NONE;
    expect_host_error(f, NX_E_WASM_ERROR, false, "no usable outcome");
    f.report_too_large = true;
    expect_host_error(f, NX_E_RESOURCE_LIMIT, false, "larger than the value limit");
    f.compiling = true;
    expect_host_error(f, NX_E_RESOURCE_LIMIT, false, "bytecode is larger");
    f = ok_facts();
    f.guest_failed = true;
    expect_host_error(f, NX_E_WASM_ERROR, false, "no usable outcome");
    f = ok_facts();
    f.report = NX_REPORT_UNKNOWN;
    expect_host_error(f, NX_E_WASM_ERROR, false, "unknown outcome");
}

static void test_suspending_needs_deferred_calls(void **state)
{
    (void)state;
    nx_segment_facts_t f = ok_facts();
    f.report = NX_REPORT_PENDING;
    f.guest_pending = true;
    f.pending_calls = 2;
    assert_int_equal(decide(f).kind, NX_VERDICT_SUSPENDED);
    /* a guest that claims to wait, with nothing the host deferred */
    f.pending_calls = 0;
    expect_host_error(f, NX_E_WASM_ERROR, false, "unknown outcome");
    f.pending_calls = 1;
    f.guest_pending = false;
    expect_host_error(f, NX_E_WASM_ERROR, false, "unknown outcome");
    f.guest_pending = true;
    f.compiling = true;
    expect_host_error(f, NX_E_WASM_ERROR, false, "unknown outcome");
}

static void test_handler_errors(void **state)
{
    (void)state;
    nx_segment_facts_t f = ok_facts();
    f.report = NX_REPORT_ERROR;
    nx_verdict_t v = decide(f);
    assert_int_equal(v.kind, NX_VERDICT_GUEST_ERROR);
    assert_int_equal(v.code, NX_OK);
    /* thrown while memory ran out: MEMORY_LIMIT, whatever was thrown */
    f.memory_cap_hit = true;
    v = decide(f);
    assert_int_equal(v.kind, NX_VERDICT_GUEST_ERROR);
    assert_int_equal(v.code, NX_E_MEMORY_LIMIT);
    assert_non_null(strstr(v.message, "16 MiB"));
    f = ok_facts();
    assert_int_equal(decide(f).kind, NX_VERDICT_SUCCESS);
}

static void test_what_a_handler_may_claim(void **state)
{
    (void)state;
    static const nx_code_t claimable[] = {
        NX_E_PERMISSION_DENIED, NX_E_INVALID_ARGUMENT, NX_E_SERIALIZATION_ERROR, NX_E_RESOURCE_LIMIT,
        NX_E_EXTENSION_NOT_FOUND, NX_E_METHOD_NOT_FOUND, NX_E_INVALID_HANDLER, NX_E_EXECUTION_ERROR,
    };
    static const nx_code_t host_only[] = {
        NX_OK, NX_E_TIMEOUT, NX_E_MEMORY_LIMIT, NX_E_COMPILATION_ERROR, NX_E_INTERNAL_ERROR, NX_E_WASM_ERROR,
        NX_E_STORE_UNAVAILABLE,
    };
    assert_int_equal(sizeof claimable / sizeof *claimable + sizeof host_only / sizeof *host_only, NX_CODE_COUNT);
    for (size_t i = 0; i < sizeof claimable / sizeof *claimable; i++) {
        assert_true(nx_outcome_handler_may_claim(claimable[i]));
        assert_int_equal(nx_outcome_error_code("Error", "x", nx_code_name(claimable[i])), claimable[i]);
    }
    for (size_t i = 0; i < sizeof host_only / sizeof *host_only; i++) {
        assert_false(nx_outcome_handler_may_claim(host_only[i]));
        assert_int_equal(nx_outcome_error_code("Error", "x", nx_code_name(host_only[i])), NX_E_EXECUTION_ERROR);
    }
    assert_int_equal(nx_outcome_error_code(NULL, NULL, NULL), NX_E_EXECUTION_ERROR);
    assert_int_equal(nx_outcome_error_code("Error", "x", "NOT_A_CODE"), NX_E_EXECUTION_ERROR);
    assert_int_equal(nx_outcome_error_code("Error", "x", "timeout"), NX_E_EXECUTION_ERROR);
    /* the engine's own stack check */
    assert_int_equal(nx_outcome_error_code("InternalError", "stack overflow", NULL), NX_E_RESOURCE_LIMIT);
    assert_int_equal(nx_outcome_error_code("SyntaxError", "stack overflow", NULL), NX_E_RESOURCE_LIMIT);
    assert_int_equal(nx_outcome_error_code("Error", "stack overflow", NULL), NX_E_EXECUTION_ERROR);
    assert_int_equal(nx_outcome_error_code("InternalError", "stack overflow!", NULL), NX_E_EXECUTION_ERROR);
}

/* A spent instruction budget is RESOURCE_LIMIT whatever else the segment
 * ended with: a report of any kind, the deadline, a trap (which still
 * means the instance is not reused). */
static void test_a_spent_budget_outranks_everything(void **state)
{
    (void)state;
    nx_segment_facts_t f = ok_facts();
    f.instructions_over = true;
    f.max_instructions = 5000;
    expect_host_error(f, NX_E_RESOURCE_LIMIT, false, "budget of 5000 instructions");
    f.report = NX_REPORT_ERROR;
    expect_host_error(f, NX_E_RESOURCE_LIMIT, false, "budget of 5000 instructions");
    f.report = NX_REPORT_PENDING;
    f.guest_pending = true;
    f.pending_calls = 1;
    expect_host_error(f, NX_E_RESOURCE_LIMIT, false, "budget of 5000 instructions");
    f.deadline_passed = true;
    expect_host_error(f, NX_E_RESOURCE_LIMIT, false, "budget of 5000 instructions");
    f.trap = NX_TRAP_DEADLINE;
    expect_host_error(f, NX_E_RESOURCE_LIMIT, true, "budget of 5000 instructions");
    f.trap = NX_TRAP_MEMORY;
    f.memory_cap_hit = true;
    expect_host_error(f, NX_E_RESOURCE_LIMIT, true, "budget of 5000 instructions");
    /* and without it, the facts decide as they always did */
    f.instructions_over = false;
    f.deadline_passed = false;
    expect_host_error(f, NX_E_MEMORY_LIMIT, true, "16 MiB");
}

static void test_trap_codes(void **state)
{
    (void)state;
    const char *what;
    assert_int_equal(nx_outcome_trap_code(NX_TRAP_DEADLINE, false, &what), NX_E_TIMEOUT);
    assert_int_equal(nx_outcome_trap_code(NX_TRAP_DEADLINE, true, &what), NX_E_TIMEOUT);
    assert_int_equal(nx_outcome_trap_code(NX_TRAP_MEMORY, false, &what), NX_E_MEMORY_LIMIT);
    assert_int_equal(nx_outcome_trap_code(WASM_RT_TRAP_OOB, true, &what), NX_E_MEMORY_LIMIT);
    assert_int_equal(nx_outcome_trap_code(WASM_RT_TRAP_EXHAUSTION, false, &what), NX_E_RESOURCE_LIMIT);
    assert_int_equal(nx_outcome_trap_code(WASM_RT_TRAP_UNREACHABLE, false, &what), NX_E_WASM_ERROR);
    assert_non_null(what);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_traps),
        cmocka_unit_test(test_the_deadline_overrides_any_report),
        cmocka_unit_test(test_unusable_reports),
        cmocka_unit_test(test_suspending_needs_deferred_calls),
        cmocka_unit_test(test_handler_errors),
        cmocka_unit_test(test_what_a_handler_may_claim),
        cmocka_unit_test(test_a_spent_budget_outranks_everything),
        cmocka_unit_test(test_trap_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
