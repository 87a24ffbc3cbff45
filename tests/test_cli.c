/* test_cli.c - the nexus command as a user runs it: the README's counter
 * example, permission denial, endless recursion / allocation / loop ending
 * within 2 s, syntax errors, extension answers (--ext, --stop-at-suspend),
 * infer-caps, bench, usage errors (exit 2) and --help.
 *
 * NEXUS_CLI_WRAPPER (e.g. "valgrind --error-exitcode=99 -q") runs every
 * command under a wrapper; time bounds then stretch by NEXUS_CLI_SLOWDOWN. */
#include "cli_runner.h"

static char g_counter[512];

static int setup(void **state)
{
    (void)state;
    snprintf(g_counter, sizeof g_counter, "%s/counter.js", EXAMPLES_DIR);
    const char *s = getenv("NEXUS_CLI_SLOWDOWN");
    if (s)
        slowdown = atof(s);
    return 0;
}

static void test_counter_example(void **state)
{
    (void)state;
    cli_run_t r;
    const char *args[] = { "run", g_counter, "--state", "{\"count\":41}", "--args", "{\"step\":1}",
                           "--cap", "state:read:count", "--cap", "state:write:count", "--cap", "events:emit:*", NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 0);
    json_t *doc = parse(&r);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "success");
    assert_int_equal(json_integer_value(json_object_get(doc, "returnValue")), 42);
    json_t *muts = json_object_get(doc, "stateMutations");
    assert_int_equal(json_array_size(muts), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(muts, 0), "key")), "count");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(muts, 0), "value")), 42);
    assert_int_equal(json_array_size(json_object_get(doc, "events")), 1);
    json_decref(doc);
}

static void test_counter_without_write(void **state)
{
    (void)state;
    cli_run_t r;
    const char *args[] = { "run", g_counter, "--state", "{\"count\":41}", "--args", "{\"step\":1}",
                           "--cap", "state:read:count", "--cap", "events:emit:*", NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 1);
    json_t *doc = parse(&r);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "error");
    assert_string_equal(error_code(doc), "PERMISSION_DENIED");
    json_decref(doc);
}

/* Runs source with a 100 ms deadline (stretched under a wrapper unless the
 * deadline is what is tested) and expects code within 2 s. The memory limit
 * is well above what 100 ms of allocation reaches (~35 MiB per 100 ms on
 * the Segue build), so that an allocating loop meets its deadline first. */
static void expect_bounded(const char *source, const char *code)
{
    cli_run_t r;
    char timeout[32];
    bool tests_deadline = strcmp(code, "TIMEOUT") == 0;
    snprintf(timeout, sizeof timeout, "%.0f", tests_deadline ? 100 : 100 * slowdown);
    const char *args[] = { "run", write_temp(source), "--timeout-ms", timeout, "--memory-mb", "512", NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 1);
    json_t *doc = parse(&r);
    if (strcmp(error_code(doc), code) != 0)
        fail_msg("expected %s, got %s", code, error_code(doc));
    json_decref(doc);
    if (r.ms > 2000 * slowdown)
        fail_msg("%s took %.0f ms", code, r.ms);
}

static void test_hostile_handlers_end_cleanly(void **state)
{
    (void)state;
    expect_bounded("function f(n) { return f(n + 1) + 1; }\nreturn f(0);", "RESOURCE_LIMIT");
    /* allocates without keeping: only the deadline can end it (one that
     * keeps what it allocates races the memory cap; that is the next test) */
    expect_bounded("let n = 0;\nwhile (true) n += new Array(100000).fill(1.5).length;", "TIMEOUT");
    expect_bounded("while (true) {}", "TIMEOUT");
    expect_bounded("return /(a+)+$/.test('a'.repeat(40) + 'b');", "TIMEOUT");
}

static void test_allocation_hits_memory_limit(void **state)
{
    (void)state;
    cli_run_t r;
    const char *src = write_temp("const a = [];\nwhile (true) a.push(new Array(100000).fill(1.5));");
    /* a deadline no load can reach: only the memory cap can end it */
    const char *args[] = { "run", src, "--memory-mb", "16", "--timeout-ms", "600000", NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 1);
    json_t *doc = parse(&r);
    assert_string_equal(error_code(doc), "MEMORY_LIMIT");
    json_decref(doc);
    if (r.ms > 10000 * slowdown)
        fail_msg("MEMORY_LIMIT took %.0f ms", r.ms);
}

static void test_syntax_error(void **state)
{
    (void)state;
    cli_run_t r;
    const char *args[] = { "run", write_temp("let a = 1;\nlet b = a +* 2;\n"), NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 1);
    json_t *doc = parse(&r);
    json_t *err = json_object_get(doc, "error");
    assert_string_equal(error_code(doc), "COMPILATION_ERROR");
    assert_int_equal(json_integer_value(json_object_get(err, "line")), 2);
    assert_int_equal(json_integer_value(json_object_get(err, "column")), 12);
    json_decref(doc);
}

static const char *ext_handler =
    "const a = await $ext.db.get('a');\n"
    "const b = await $ext.db.get('b');\n"
    "const [c, d] = await Promise.all([$ext.db.get('c'), $ext.http.post('d')]);\n"
    "return [a, b, c, d];";

static void test_ext_answers(void **state)
{
    (void)state;
    cli_run_t r;
    const char *args[] = { "run", write_temp(ext_handler), "--cap", "ext:*",
                           "--ext", "db.get={\"v\":1}", "--ext", "http.post=\"ok\"", NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 0);
    json_t *doc = parse(&r);
    char *value = json_dumps(json_object_get(doc, "returnValue"), JSON_COMPACT);
    assert_string_equal(value, "[{\"v\":1},{\"v\":1},{\"v\":1},\"ok\"]");
    free(value);
    json_t *metrics = json_object_get(doc, "metrics");
    assert_int_equal(json_integer_value(json_object_get(metrics, "suspensions")), 4);
    json_decref(doc);
}

/* The CLI resumes by itself and prints one result: it carries the effects
 * of every segment, before and after each suspension. */
static void test_ext_effects_across_suspensions(void **state)
{
    (void)state;
    cli_run_t r;
    const char *args[] = { "run", write_temp("$state.a = 1; $emit('before', 1); console.log('one');\n"
                                             "const v = await $ext.db.get('k');\n"
                                             "$state.b = v; $state.a = 2; $emit('after', v);\n"
                                             "return v;"),
                           "--cap", "ext:db", "--cap", "state:write:*", "--cap", "events:emit:*",
                           "--ext", "db.get=7", NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 0);
    json_t *doc = parse(&r);
    char *mutations = json_dumps(json_object_get(doc, "stateMutations"), JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(mutations, "[{\"key\":\"a\",\"op\":\"set\",\"value\":2},"
                                   "{\"key\":\"b\",\"op\":\"set\",\"value\":7}]");
    free(mutations);
    json_t *events = json_object_get(doc, "events");
    assert_int_equal(json_array_size(events), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(events, 0), "name")), "before");
    assert_string_equal(json_string_value(json_object_get(json_array_get(events, 1), "name")), "after");
    assert_int_equal(json_array_size(json_object_get(doc, "logs")), 1);
    json_decref(doc);
}

static void test_stop_at_suspend(void **state)
{
    (void)state;
    cli_run_t r;
    const char *args[] = { "run", write_temp(ext_handler), "--cap", "ext:*", "--ext", "db.get=1",
                           "--ext", "http.post=2", "--stop-at-suspend", NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 0);
    json_t *doc = parse(&r);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "suspended");
    json_t *s = json_object_get(doc, "suspension");
    assert_string_equal(json_string_value(json_object_get(s, "extension")), "db");
    assert_string_equal(json_string_value(json_object_get(s, "method")), "get");
    assert_non_null(json_string_value(json_object_get(s, "id")));
    json_decref(doc);
}

static void test_missing_answer_fails_the_await(void **state)
{
    (void)state;
    cli_run_t r;
    const char *args[] = { "run", write_temp(ext_handler), "--cap", "ext:*", "--ext", "db.get=1",
                           "--ext", "http.get=2", NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 1);
    json_t *doc = parse(&r);
    /* db.get is answered; the Promise.all also calls http.post, unknown */
    assert_string_equal(error_code(doc), "METHOD_NOT_FOUND");
    json_decref(doc);
}

/* The result without metrics, as compact JSON (caller frees). */
static char *outcome_json(const cli_run_t *r)
{
    json_t *doc = parse(r);
    json_object_del(doc, "metrics");
    char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(doc);
    return text;
}

static void test_record_and_replay(void **state)
{
    (void)state;
    char rec[64];
    snprintf(rec, sizeof rec, "/tmp/nexus-cli-rec-%d.bin", (int)getpid());
    const char *src = write_temp("const a = await $ext.db.get('a');\n"
                                 "$log.info('r', Math.random());\n"
                                 "return {a, r: Math.random(), t: Date.now(), n: $time.now()};");
    cli_run_t first, again;
    const char *args[] = { "run", src, "--cap", "ext:*", "--ext", "db.get=[1,2]", "--record", rec, NULL };
    nexus(&first, args);
    assert_int_equal(first.exit_code, 0);
    const char *replay[] = { "replay", rec, NULL };
    nexus(&again, replay);
    assert_int_equal(again.exit_code, 0);
    char *a = outcome_json(&first), *b = outcome_json(&again);
    assert_string_equal(a, b);
    free(a);
    free(b);
    unlink(rec);
    const char *missing[] = { "replay", "/nonexistent.rec", NULL };
    nexus(&again, missing);
    assert_int_equal(again.exit_code, 2);
    const char *not_rec[] = { "replay", g_counter, NULL };
    nexus(&again, not_rec);
    assert_int_equal(again.exit_code, 2);
}

static void test_infer_caps(void **state)
{
    (void)state;
    cli_run_t r;
    const char *args[] = { "infer-caps", g_counter, NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 0);
    assert_string_equal(r.out, "events:emit:counter:changed\nstate:read:count\nstate:write:count\n");
}

static void test_bench(void **state)
{
    (void)state;
    cli_run_t r;
    const char *args[] = { "bench", g_counter, "--state", "{\"count\":1}", "--cap", "state:read:count",
                           "--cap", "state:write:count", "--cap", "events:emit:*", "--iterations", "50", NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 0);
    json_t *doc = parse(&r);
    assert_int_equal(json_integer_value(json_object_get(doc, "iterations")), 50);
    assert_int_equal(json_integer_value(json_object_get(doc, "failures")), 0);
    assert_true(json_number_value(json_object_get(doc, "p50Us")) > 0);
    assert_true(json_number_value(json_object_get(doc, "p99Us")) >= json_number_value(json_object_get(doc, "p50Us")));
    assert_true(json_number_value(json_object_get(doc, "execPerSec")) > 0);
    json_decref(doc);
}

static void test_usage_errors(void **state)
{
    (void)state;
    static const char *const cases[][8] = {
        { "run", NULL },
        { "run", "/nonexistent/file.js", NULL },
        { "frobnicate", NULL },
        { "run", "x.js", "--timeout-ms", "abc", NULL },
        { "run", "x.js", "--memory-mb", "1", NULL },
        { "run", "x.js", "--state", "{not json", NULL },
        { "run", "x.js", "--args", "[1,2]", NULL },
        { "run", "x.js", "--ext", "nodot=1", NULL },
        { "run", "x.js", "--cap", NULL },
        { "infer-caps", NULL },
    };
    char *file = write_temp("return 1;");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[8];
        for (int j = 0; j < 8; j++)
            args[j] = cases[i][j] && !strcmp(cases[i][j], "x.js") ? file : cases[i][j];
        cli_run_t r;
        nexus(&r, args);
        if (r.exit_code != 2)
            fail_msg("case %zu: exit %d, expected 2", i, r.exit_code);
    }
    /* a malformed capability token: the result says why, exit 2 */
    cli_run_t r;
    const char *args[] = { "run", file, "--cap", "state:delete:x", NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 2);
    json_t *doc = parse(&r);
    assert_string_equal(error_code(doc), "INVALID_ARGUMENT");
    json_decref(doc);
}

static void test_help(void **state)
{
    (void)state;
    cli_run_t r;
    const char *args[] = { "--help", NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "nexus run FILE"));
    assert_non_null(strstr(r.out, "--timeout-ms"));
    assert_non_null(strstr(r.out, "Exit status"));
}

static int teardown(void **state)
{
    (void)state;
    remove_temps();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_example),
        cmocka_unit_test(test_counter_without_write),
        cmocka_unit_test(test_hostile_handlers_end_cleanly),
        cmocka_unit_test(test_allocation_hits_memory_limit),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_ext_answers),
        cmocka_unit_test(test_ext_effects_across_suspensions),
        cmocka_unit_test(test_stop_at_suspend),
        cmocka_unit_test(test_missing_answer_fails_the_await),
        cmocka_unit_test(test_record_and_replay),
        cmocka_unit_test(test_infer_caps),
        cmocka_unit_test(test_bench),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_help),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
