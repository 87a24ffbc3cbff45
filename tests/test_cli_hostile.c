/* test_cli_hostile.c - the nexus command against inputs meant to break it:
 * handler files that are not UTF-8 (Latin-1, UTF-16, random bytes, a
 * U+0000), error locations a handler chooses, lines longer than the quote
 * with characters of every width cut across the limit, capability tokens
 * with invalid bytes, and recordings damaged byte by byte.
 *
 * Every run must end by itself (no signal) with a documented exit status
 * (0, 1 or 2), and whatever it prints on stdout must be one JSON object in
 * valid UTF-8 (jansson refuses anything else). */
#include "cli_runner.h"

/* Runs args; checks the exit status is want (or any of 0..2 when want is
 * -1) and, when stdout is not empty, that it is one valid JSON object.
 * Returns the document (or NULL when nothing was printed). */
static json_t *run_checked(const char *const *args, int want)
{
    cli_run_t r;
    nexus(&r, args);
    if (want >= 0 && r.exit_code != want)
        fail_msg("exit %d, expected %d; output: %.300s", r.exit_code, want, r.out);
    if (r.exit_code < 0 || r.exit_code > 2)
        fail_msg("exit %d is not a documented status", r.exit_code);
    if (!r.out[0])
        return NULL;
    return parse(&r);
}

static json_t *error_of(json_t *doc) { return json_object_get(doc, "error"); }

static void expect_error(const char *file, const char *code, int exit_code)
{
    const char *args[] = { "run", file, NULL };
    json_t *doc = run_checked(args, exit_code);
    assert_non_null(doc);
    if (strcmp(error_code(doc), code) != 0)
        fail_msg("expected %s, got %s", code, error_code(doc));
    json_decref(doc);
}

/* ---- error locations and quoted lines ----------------------------------------------------- */

/* A throwing line longer than the 1 KiB quote, in characters of 2, 3 and 4
 * bytes: the quote is cut between characters. */
static void test_long_lines_are_cut_between_characters(void **state)
{
    (void)state;
    static const char *const chars[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80" };
    for (size_t c = 0; c < 3; c++) {
        for (size_t shift = 0; shift < 4; shift++) {
            char src[4096];
            size_t n = (size_t)snprintf(src, sizeof src, "throw new Error(\"x\"); //%.*s", (int)shift, "abc");
            while (n + 4 < 3000)
                n += (size_t)snprintf(src + n, sizeof src - n, "%s", chars[c]);
            const char *args[] = { "run", write_temp(src), NULL };
            json_t *doc = run_checked(args, 1);
            json_t *err = error_of(doc);
            const char *line = json_string_value(json_object_get(err, "sourceLine"));
            assert_non_null(line);
            assert_true(strlen(line) <= 1024 && strlen(line) > 1000);
            assert_int_equal(json_integer_value(json_object_get(err, "line")), 1);
            json_decref(doc);
        }
    }
}

static void test_handlers_choose_what_is_quoted(void **state)
{
    (void)state;
    /* a thrown object names a line, in range and out of it */
    const char *in_range = write_temp("const s = 'caf\xc3\xa9 \xf0\x9f\x98\x80';\n"
                                      "throw { lineNumber: 1, message: 'forged' };");
    const char *args[] = { "run", in_range, NULL };
    json_t *doc = run_checked(args, 1);
    assert_string_equal(json_string_value(json_object_get(error_of(doc), "sourceLine")),
                        "const s = 'caf\xc3\xa9 \xf0\x9f\x98\x80';");
    json_decref(doc);
    const char *out_of_range = write_temp("throw { lineNumber: 99, columnNumber: 5, message: 'm' };");
    const char *args2[] = { "run", out_of_range, NULL };
    doc = run_checked(args2, 1);
    assert_true(json_is_null(json_object_get(error_of(doc), "sourceLine")));
    json_decref(doc);
    /* a forged stack, with bytes a stack never has */
    const char *forged = write_temp("const e = new Error('m');\n"
                                    "e.stack = '    at x (<handler>:1)\\n\\u0000\\ud800 end';\n"
                                    "throw e;");
    const char *args3[] = { "run", forged, NULL };
    doc = run_checked(args3, 1);
    assert_int_equal(json_integer_value(json_object_get(error_of(doc), "line")), 1);
    json_decref(doc);
    /* a message with lone surrogates and every width of character */
    expect_error(write_temp("throw new Error('\\ud83d \\udca9 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80' + "
                            "'\\u0000'.repeat(3));"),
                 "EXECUTION_ERROR", 1);
}

static void test_syntax_errors_with_wide_characters(void **state)
{
    (void)state;
    expect_error(write_temp("let \xc3\xa9 = ;"), "COMPILATION_ERROR", 1);
    expect_error(write_temp("const s = '\xf0\x9f\x98\x80' +* 1;"), "COMPILATION_ERROR", 1);
    expect_error(write_temp("const \xf0\x9f\x98\x80 = 1;"), "COMPILATION_ERROR", 1);
    char src[3000];
    size_t n = (size_t)snprintf(src, sizeof src, "let a = ");
    while (n + 5 < 2500)
        n += (size_t)snprintf(src + n, sizeof src - n, "\xe2\x82\xac");
    snprintf(src + n, sizeof src - n, " +;");
    expect_error(write_temp(src), "COMPILATION_ERROR", 1);
}

/* ---- sources that are not UTF-8 --------------------------------------------------------------- */

static void expect_not_utf8(const void *bytes, size_t len, const char *what)
{
    const char *file = write_temp_bytes(bytes, len, ".js");
    const char *args[] = { "run", file, NULL };
    json_t *doc = run_checked(args, 1);
    if (strcmp(error_code(doc), "COMPILATION_ERROR") != 0)
        fail_msg("%s: expected COMPILATION_ERROR, got %s", what, error_code(doc));
    const char *message = json_string_value(json_object_get(error_of(doc), "message"));
    if (!strstr(message, "not valid UTF-8") && !strstr(message, "U+0000"))
        fail_msg("%s: the message does not say why: %s", what, message);
    json_decref(doc);
}

static void test_sources_in_other_encodings(void **state)
{
    (void)state;
    /* Latin-1: é as one byte */
    const char latin1[] = "const s = 'caf\xe9';\nreturn s;";
    expect_not_utf8(latin1, sizeof latin1 - 1, "Latin-1");
    /* UTF-16LE with its byte order mark */
    const char *text = "return 1;";
    uint8_t utf16[64] = { 0xff, 0xfe };
    size_t n = 2;
    for (const char *p = text; *p; p++) {
        utf16[n++] = (uint8_t)*p;
        utf16[n++] = 0;
    }
    expect_not_utf8(utf16, n, "UTF-16LE");
    /* CESU-8 (a surrogate pair as two 3-byte sequences) and an overlong */
    expect_not_utf8("return '\xed\xa0\xbd\xed\xb2\xa9';", 16, "CESU-8");
    expect_not_utf8("return '\xc0\xaf';", 11, "overlong");
    /* a U+0000 inside otherwise valid text */
    const char nul[] = "return 1;\0return 2;";
    expect_not_utf8(nul, sizeof nul - 1, "U+0000");
    /* random bytes: whatever the engine makes of them, a clean result */
    uint32_t seed = 12345;
    for (int round = 0; round < 12; round++) {
        uint8_t bytes[200];
        for (size_t i = 0; i < sizeof bytes; i++) {
            seed = seed * 1103515245u + 12345u;
            bytes[i] = (uint8_t)(seed >> 16);
        }
        const char *file = write_temp_bytes(bytes, sizeof bytes, ".js");
        const char *args[] = { "run", file, NULL };
        json_t *doc = run_checked(args, 1);
        json_decref(doc);
    }
}

/* ---- capability tokens -------------------------------------------------------------------------- */

static void test_malformed_tokens_in_any_bytes(void **state)
{
    (void)state;
    const char *file = write_temp("return 1;");
    char token[400];
    size_t n = (size_t)snprintf(token, sizeof token, "state:reed:");
    for (int i = 0; i < 150; i++)
        n += (size_t)snprintf(token + n, sizeof token - n, "\xc3\xa9");
    const char *args[] = { "run", file, "--cap", token, NULL };
    json_t *doc = run_checked(args, 2);
    assert_string_equal(error_code(doc), "INVALID_ARGUMENT");
    json_decref(doc);
    const char *args2[] = { "run", file, "--cap", "state:read:\xff\xfe", NULL };
    doc = run_checked(args2, 2);
    assert_string_equal(error_code(doc), "INVALID_ARGUMENT");
    json_decref(doc);
    const char *args3[] = { "run", file, "--state", "{\"k\":\"\xff\"}", NULL };
    json_decref(run_checked(args3, 2));
}

/* ---- recordings ------------------------------------------------------------------------------------ */

/* A replay prints the whole execution, and damaged recordings are refused
 * or replayed, never fatal. */
static void test_recordings_damaged_byte_by_byte(void **state)
{
    (void)state;
    const char *src = write_temp("$state.a = 1; console.log('before', Math.random());\n"
                                 "const v = await $ext.db.get(1);\n"
                                 "$state.b = v; console.log('after', Date.now() > 0);\n"
                                 "return [v, await $ext.db.get(2)];");
    char rec[64];
    snprintf(rec, sizeof rec, "%s.rec", src);
    const char *args[] = { "run", src, "--cap", "ext:db", "--cap", "state:write:*", "--ext", "db.get=7",
                           "--record", rec, NULL };
    json_t *original = run_checked(args, 0);
    const char *replay_args[] = { "replay", rec, NULL };
    json_t *replayed = run_checked(replay_args, 0);
    /* the whole execution, as run printed it: effects from before the
     * suspension included (metrics aside) */
    json_object_del(original, "metrics");
    json_object_del(replayed, "metrics");
    char *a = json_dumps(original, JSON_COMPACT | JSON_SORT_KEYS);
    char *b = json_dumps(replayed, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(a, b);
    assert_int_equal(json_array_size(json_object_get(replayed, "stateMutations")), 2);
    assert_int_equal(json_array_size(json_object_get(replayed, "logs")), 2);
    free(a);
    free(b);
    json_decref(original);
    json_decref(replayed);

    size_t len = 0;
    char *bytes = read_whole_file(rec, &len);
    assert_non_null(bytes);
    unlink(rec);
    /* 40 positions spread over the file, each byte flipped on its own */
    for (int k = 0; k < 40; k++) {
        size_t at = (size_t)k * len / 40;
        bytes[at] ^= 0x5a;
        const char *damaged = write_temp_bytes(bytes, len, ".rec");
        bytes[at] ^= 0x5a;
        const char *a2[] = { "replay", damaged, NULL };
        json_decref(run_checked(a2, -1));
    }
    /* cut short */
    const char *cut = write_temp_bytes(bytes, len / 2, ".rec");
    const char *a3[] = { "replay", cut, NULL };
    assert_null(run_checked(a3, 2));
    free(bytes);
}

static int setup(void **state)
{
    (void)state;
    const char *s = getenv("NEXUS_CLI_SLOWDOWN");
    if (s)
        slowdown = atof(s);
    return 0;
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
        cmocka_unit_test(test_long_lines_are_cut_between_characters),
        cmocka_unit_test(test_handlers_choose_what_is_quoted),
        cmocka_unit_test(test_syntax_errors_with_wide_characters),
        cmocka_unit_test(test_sources_in_other_encodings),
        cmocka_unit_test(test_malformed_tokens_in_any_bytes),
        cmocka_unit_test(test_recordings_damaged_byte_by_byte),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
