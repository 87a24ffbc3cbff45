/* test_metering.c - instruction metering and the instruction budget
 * (max_instructions): the count is exact and the same on every run, the
 * budget stops a handler at the same instruction every time and covers the
 * whole execution (its resumes, a replay, an export and import), and the
 * guest's CPU time is reported. Also the guest's early stop at the value
 * limit. */
#include "helpers.h"

static nx_runtime_t *rt;

static int setup(void **state)
{
    (void)state;
    rt = make_runtime_with_db();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nx_runtime_free(rt);
    return 0;
}

static const char LOOP[] = "let x = 0; for (let i = 0; i < $args.n; i++) x += i; return x;";

/* Runs LOOP for n iterations under budget (0: none); returns the count and
 * the call's status in *status. */
static uint64_t loop_count(uint32_t n, uint32_t budget, nx_status_t *status, nx_code_t *error)
{
    char args[64];
    snprintf(args, sizeof args, "{\"n\":%u}", n);
    run_opts_t o = { .args = args, .limits = { .max_instructions = budget } };
    nx_result_t *r = run(rt, LOOP, &o);
    uint64_t count = nx_result_metrics(r)->instructions;
    *status = nx_result_status(r);
    const nx_error_info_t *e = nx_result_error(r);
    *error = e ? e->code : NX_OK;
    nx_result_free(r);
    return count;
}

/* The count is a property of the handler and its inputs: the same on every
 * run (cache miss or hit), linear in the iterations, nothing counted twice
 * or lost. */
static void test_the_count_is_exact(void **state)
{
    (void)state;
    nx_status_t s;
    nx_code_t e;
    uint64_t c1 = loop_count(1000, 0, &s, &e);
    assert_int_equal(s, NX_STATUS_SUCCESS);
    for (int i = 0; i < 5; i++)
        assert_int_equal(loop_count(1000, 0, &s, &e), c1);
    uint64_t c2 = loop_count(2000, 0, &s, &e), c3 = loop_count(3000, 0, &s, &e);
    assert_true(c1 > 1000 && c2 > c1);
    assert_int_equal(c2 - c1, c3 - c2); /* every iteration counts the same */
    assert_int_equal((c2 - c1) % 1000, 0);
}

/* A budget of exactly the count lets the handler finish; one less stops it,
 * with RESOURCE_LIMIT, at the same count on every run. */
static void test_the_budget_is_exact_and_deterministic(void **state)
{
    (void)state;
    nx_status_t s;
    nx_code_t e;
    uint64_t need = loop_count(5000, 0, &s, &e);
    assert_true(need < UINT32_MAX);
    loop_count(5000, (uint32_t)need, &s, &e);
    assert_int_equal(s, NX_STATUS_SUCCESS);
    uint64_t stopped = loop_count(5000, (uint32_t)need - 1, &s, &e);
    assert_int_equal(s, NX_STATUS_ERROR);
    assert_int_equal(e, NX_E_RESOURCE_LIMIT);
    assert_true(stopped >= need - 1);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(loop_count(5000, (uint32_t)need - 1, &s, &e), stopped);
        assert_int_equal(e, NX_E_RESOURCE_LIMIT);
    }
    /* an endless loop stops soon past the budget, at the same count every
     * time: a frame adds its share to the count every 10,000 instructions
     * or so (NX_METER_FLUSH in patches/quickjs-metering.patch), and the
     * check follows */
    uint64_t first = 0;
    for (int i = 0; i < 3; i++) {
        run_opts_t o = { .limits = { .max_instructions = 100000, .timeout_ms = 60000 } };
        nx_result_t *r = run(rt, "let n = 0; for (;;) { n++; }", &o);
        assert_result_error(r, NX_E_RESOURCE_LIMIT);
        uint64_t over = nx_result_metrics(r)->instructions;
        assert_true(over > 100000 && over <= 100000 + 10000 + 16);
        if (i == 0)
            first = over;
        assert_int_equal(over, first);
        nx_result_free(r);
    }
}

static const char SEGMENTS[] =
    "let t = 0;"
    "for (let i = 0; i < 5; i++) { t += await $ext.db.get(i); for (let j = 0; j < 1000; j++) t++; }"
    "return t;";

/* Runs SEGMENTS to its end, answering every call with 1; returns the final
 * result. *counts gets each segment's metrics.instructions. */
static nx_result_t *run_segments(nx_runtime_t *on, uint32_t budget, uint64_t counts[8], int *n)
{
    run_opts_t o = { .caps = { "ext:db" }, .limits = { .max_instructions = budget, .timeout_ms = 60000 } };
    nx_result_t *r = run(on, SEGMENTS, &o);
    *n = 0;
    uint8_t one[] = { 0x01 };
    while (nx_result_status(r) == NX_STATUS_SUSPENDED && *n < 8) {
        counts[(*n)++] = nx_result_metrics(r)->instructions;
        nx_outcome_t ans = { .value = one, .value_len = sizeof one };
        nx_result_t *next;
        assert_int_equal(nx_resume(on, nx_result_suspension(r, 0)->id, &ans, &next), NX_OK);
        nx_result_free(r);
        r = next;
    }
    return r;
}

/* The count and the budget run across every segment of an execution. */
static void test_the_budget_covers_every_segment(void **state)
{
    (void)state;
    uint64_t counts[8], again[8];
    int n, m;
    nx_result_t *r = run_segments(rt, 0, counts, &n);
    assert_result_value(r, "5005");
    assert_int_equal(n, 5);
    uint64_t total = nx_result_metrics(r)->instructions;
    for (int i = 1; i < n; i++)
        assert_true(counts[i] > counts[i - 1] + 1000);
    assert_true(total > counts[n - 1] + 1000);
    nx_result_free(r);
    r = run_segments(rt, 0, again, &m);
    assert_int_equal(nx_result_metrics(r)->instructions, total);
    assert_memory_equal(again, counts, sizeof(uint64_t) * (size_t)n);
    nx_result_free(r);
    /* a budget no segment reaches alone, which the third segment passes */
    uint32_t budget = (uint32_t)(counts[2] + counts[3]) / 2;
    assert_true(counts[3] - counts[2] < budget);
    r = run_segments(rt, budget, again, &m);
    assert_result_error(r, NX_E_RESOURCE_LIMIT);
    assert_int_equal(m, 3);
    nx_result_free(r);
}

/* Replaying a recording that ran out of budget ends the same way at the
 * same count: a runaway handler is reproducible. */
static void test_a_spent_budget_replays(void **state)
{
    (void)state;
    nx_context_t *ctx = make_context(&(run_opts_t){ .caps = { "ext:db" },
                                                    .limits = { .max_instructions = 8000,
                                                                .timeout_ms = 60000 } });
    nx_recording_t *rec = NULL;
    nx_result_t *r = NULL;
    assert_int_equal(nx_execute_recorded(rt, SEGMENTS, strlen(SEGMENTS), ctx, &rec, &r), NX_OK);
    nx_context_free(ctx);
    uint8_t one[] = { 0x01 };
    while (nx_result_status(r) == NX_STATUS_SUSPENDED) {
        nx_outcome_t ans = { .value = one, .value_len = sizeof one };
        nx_result_t *next;
        assert_int_equal(nx_resume(rt, nx_result_suspension(r, 0)->id, &ans, &next), NX_OK);
        nx_result_free(r);
        r = next;
    }
    assert_result_error(r, NX_E_RESOURCE_LIMIT);
    uint64_t count = nx_result_metrics(r)->instructions;
    uint8_t *saved;
    size_t saved_len;
    assert_int_equal(nx_recording_save(rec, &saved, &saved_len), NX_OK);
    nx_recording_t *loaded;
    assert_int_equal(nx_recording_load(saved, saved_len, &loaded), NX_OK);
    for (int i = 0; i < 3; i++) {
        nx_result_t *replayed;
        assert_int_equal(nx_replay(rt, loaded, &replayed), NX_OK);
        assert_result_error(replayed, NX_E_RESOURCE_LIMIT);
        assert_int_equal(nx_result_metrics(replayed)->instructions, count);
        nx_result_free(replayed);
    }
    nx_recording_free(loaded);
    nx_free(saved);
    nx_recording_free(rec);
    nx_result_free(r);
}

/* An exported execution carries its count (it lives in guest memory) and
 * its budget: resumed in another runtime it ends as in one. */
static void test_the_count_moves_with_an_export(void **state)
{
    (void)state;
    static const char KEY[] = "metering-test-key-0123456789";
    uint64_t counts[8];
    int n;
    nx_result_t *whole = run_segments(rt, 0, counts, &n);
    uint64_t total = nx_result_metrics(whole)->instructions;
    nx_result_free(whole);

    nx_runtime_t *a = make_runtime(), *b = make_runtime();
    static const char *const db[] = { "get" };
    assert_int_equal(nx_runtime_register_extension(a, "db", db, 1, NULL, NULL, NULL), NX_OK);
    assert_int_equal(nx_runtime_register_extension(b, "db", db, 1, NULL, NULL, NULL), NX_OK);
    assert_int_equal(nx_runtime_set_suspension_key(a, KEY, sizeof KEY - 1), NX_OK);
    assert_int_equal(nx_runtime_set_suspension_key(b, KEY, sizeof KEY - 1), NX_OK);
    run_opts_t o = { .caps = { "ext:db" }, .limits = { .timeout_ms = 60000 } };
    nx_result_t *r = run(a, SEGMENTS, &o);
    uint8_t one[] = { 0x01 };
    for (int hop = 0; nx_result_status(r) == NX_STATUS_SUSPENDED; hop++) {
        /* every suspension moves to the other runtime */
        nx_runtime_t *from = hop % 2 ? b : a, *to = hop % 2 ? a : b;
        uint8_t *blob;
        size_t len;
        assert_int_equal(nx_export(from, nx_result_suspension(r, 0)->id, &blob, &len), NX_OK);
        nx_result_t *imported;
        assert_int_equal(nx_import(to, blob, len, NULL, &imported), NX_OK);
        assert_int_equal(nx_result_metrics(imported)->instructions, counts[hop]);
        nx_free(blob);
        nx_outcome_t ans = { .value = one, .value_len = sizeof one };
        nx_result_t *next;
        assert_int_equal(nx_resume(to, nx_result_suspension(imported, 0)->id, &ans, &next), NX_OK);
        nx_result_free(imported);
        nx_result_free(r);
        r = next;
    }
    assert_result_value(r, "5005");
    assert_int_equal(nx_result_metrics(r)->instructions, total);
    nx_result_free(r);
    nx_runtime_free(a);
    nx_runtime_free(b);
}

/* CPU time is reported for the guest's running, and is not more than the
 * wall time of the call. */
static void test_guest_cpu_time(void **state)
{
    (void)state;
    run_opts_t o = { .args = "{\"n\":2000000}" };
    nx_result_t *r = run(rt, LOOP, &o);
    const nx_metrics_t *m = nx_result_metrics(r);
    assert_true(m->guest_cpu_us > 0);
    assert_true(m->guest_cpu_us <= m->duration_us);
    assert_true(m->instructions > 2000000);
    nx_result_free(r);
}

/* A value the host would refuse is not encoded to the end first: a sparse
 * array of 2^32-1 holes (4 GiB of nils) stops at the value limit, without
 * the guest growing past a few MiB. */
static void test_values_stop_at_the_limit(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        { "const a = []; a.length = 2 ** 32 - 1; return a;", "the return value: over" },
        { "const a = []; a.length = 2 ** 32 - 1; $emit('e', a);", "an event payload: over" },
        { "const a = []; a.length = 2 ** 32 - 1; $state.k = a;", "a state value: over" },
        { "const a = []; a.length = 2 ** 32 - 1; await $ext.db.get(a);",
          "extension call arguments: over" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_opts_t o = { .caps = { "events:emit:e", "state:write:k", "ext:db" },
                         .limits = { .memory_mb = 16, .timeout_ms = 60000 } };
        nx_result_t *r = run(rt, cases[i][0], &o);
        assert_result_error(r, NX_E_RESOURCE_LIMIT);
        const nx_error_info_t *e = nx_result_error(r);
        if (!strstr(e->message, cases[i][1]))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e->message, cases[i][1]);
        assert_true(nx_result_metrics(r)->memory_bytes <= 8u << 20);
        nx_result_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_count_is_exact),
        cmocka_unit_test(test_the_budget_is_exact_and_deterministic),
        cmocka_unit_test(test_the_budget_covers_every_segment),
        cmocka_unit_test(test_a_spent_budget_replays),
        cmocka_unit_test(test_the_count_moves_with_an_export),
        cmocka_unit_test(test_guest_cpu_time),
        cmocka_unit_test(test_values_stop_at_the_limit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
