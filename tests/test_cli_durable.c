/* test_cli_durable.c - `nexus run --suspend-to | --store` and `nexus
 * resume` as a user runs them: a handler with state writes, events, view
 * commands, logs, three awaits (two in a Promise.all), Math.random and
 * Date.now runs in three processes, each killed with SIGKILL once it has
 * handed the execution on (through a file, then through a real Redis
 * started on a free port), and the result the last one prints equals the
 * replay of the recording that travelled with it (so randomness and time
 * match), and carries what a one-process run carries. Also: no key, a
 * wrong key, a resume of an id already taken. */
#include <signal.h>
#include <sys/stat.h>

#include "cli_runner.h"
#include "redis_server.h"

static const char *const HANDLER =
    "$state.count = ($state.count || 0) + 1; $emit('start', { r: Math.random() });\n"
    "console.log('before', Date.now() > 0);\n"
    "const a = await $ext.db.get('a');\n"
    "$state.a = a; $view.command('list', 'refresh', { a });\n"
    "const [b, c] = await Promise.all([$ext.db.get('b'), $ext.http.post('c')]);\n"
    "$state.count += 1; $emit('end', { a, b, c }); console.log('after', a, b, c, Math.random() < 1);\n"
    "return { a, b, c, t: Date.now() > 0 };";

#define CAPS "--cap", "state:read:*", "--cap", "state:write:*", "--cap", "events:emit:*", \
             "--cap", "view:update:*", "--cap", "ext:*"
#define ANSWERS "--ext", "db.get={\"v\":1}", "--ext", "http.post=\"ok\""

/* Runs nexus like a worker that dies right after its work. */
static void run_and_kill(cli_run_t *r, const char *const *args)
{
    nexus_run(r, args, true);
}

static json_t *without_metrics(const char *text)
{
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    if (!doc)
        fail_msg("not JSON: %s\n%s", err.text, text);
    json_object_del(doc, "metrics");
    return doc;
}

static void expect_same(json_t *a, json_t *b)
{
    char *x = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY),
         *y = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (strcmp(x, y) != 0)
        fail_msg("the results differ:\n%s\n%s", x, y);
    free(x);
    free(y);
}

/* What does not depend on random draws or the time: the same in every run. */
static void expect_same_shape(json_t *a, json_t *b)
{
    static const char *const keys[] = { "status", "returnValue", "stateMutations", "viewCommands" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        expect_same(json_object_get(a, keys[i]), json_object_get(b, keys[i]));
    assert_int_equal(json_array_size(json_object_get(a, "events")), json_array_size(json_object_get(b, "events")));
    assert_int_equal(json_array_size(json_object_get(a, "logs")), json_array_size(json_object_get(b, "logs")));
}

/* The one-process run, for comparison. */
static json_t *one_process(const char *file)
{
    cli_run_t r;
    const char *args[] = { "run", file, CAPS, ANSWERS, NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 0);
    return without_metrics(r.out);
}

static json_t *replay_of(const char *rec)
{
    cli_run_t r;
    const char *args[] = { "replay", rec, NULL };
    nexus(&r, args);
    assert_int_equal(r.exit_code, 0);
    return without_metrics(r.out);
}

static void test_through_files(void **state)
{
    (void)state;
    const char *file = write_temp(HANDLER);
    char s1[96], s2[96], rec[96];
    snprintf(s1, sizeof s1, "%s.s1", file);
    snprintf(s2, sizeof s2, "%s.s2", file);
    snprintf(rec, sizeof rec, "%s.rec", file);
    cli_run_t r;
    const char *run_args[] = { "run", file, CAPS, ANSWERS, "--suspend-to", s1, "--record", rec, NULL };
    run_and_kill(&r, run_args);
    assert_int_equal(r.exit_code, 0);
    struct stat st;
    assert_int_equal(stat(s1, &st), 0);
    assert_true(st.st_size > 0 && st.st_size < 64 * 1024);
    const char *resume1[] = { "resume", s1, ANSWERS, "--suspend-to", s2, NULL };
    run_and_kill(&r, resume1);
    assert_int_equal(r.exit_code, 0);
    json_t *mid = without_metrics(r.out);
    assert_string_equal(json_string_value(json_object_get(mid, "status")), "suspended");
    /* the printed result covers the execution so far: the first segment's
     * effects included */
    assert_int_equal(json_array_size(json_object_get(mid, "stateMutations")), 2);
    assert_int_equal(json_array_size(json_object_get(mid, "pendingCalls")), 2);
    json_decref(mid);
    const char *resume2[] = { "resume", s2, ANSWERS, "--record", rec, NULL };
    run_and_kill(&r, resume2);
    assert_int_equal(r.exit_code, 0);
    json_t *final = without_metrics(r.out);
    json_t *replayed = replay_of(rec);
    expect_same(final, replayed);
    json_t *single = one_process(file);
    expect_same_shape(final, single);
    json_decref(final);
    json_decref(replayed);
    json_decref(single);
    unlink(s1);
    unlink(s2);
    unlink(rec);
}

static const char *suspension_id(const cli_run_t *r, char *buf, size_t size)
{
    json_t *doc = parse(r);
    snprintf(buf, size, "%s",
             json_string_value(json_object_get(json_object_get(doc, "suspension"), "id")));
    json_decref(doc);
    return buf;
}

static void test_through_redis(void **state)
{
    (void)state;
    redis_server_t redis;
    if (!redis_start(&redis, 0))
        fail_msg("cannot start redis-server (scripts/install-deps.sh installs it)");
    const char *file = write_temp(HANDLER);
    char rec[96], id1[64], id2[64];
    snprintf(rec, sizeof rec, "%s.rec", file);
    cli_run_t r;
    const char *run_args[] = { "run", file, CAPS, ANSWERS, "--store", redis.url, "--record", rec, NULL };
    run_and_kill(&r, run_args);
    assert_int_equal(r.exit_code, 0);
    suspension_id(&r, id1, sizeof id1);
    assert_int_equal(redis_dbsize(&redis), 1);
    const char *resume1[] = { "resume", "--store", redis.url, id1, ANSWERS, NULL };
    run_and_kill(&r, resume1);
    assert_int_equal(r.exit_code, 0);
    suspension_id(&r, id2, sizeof id2);
    /* taken exactly once: the same id again is refused, clearly */
    cli_run_t again;
    nexus(&again, resume1);
    assert_int_equal(again.exit_code, 2);
    const char *resume2[] = { "resume", "--store", redis.url, id2, ANSWERS, "--record", rec, NULL };
    run_and_kill(&r, resume2);
    assert_int_equal(r.exit_code, 0);
    json_t *final = without_metrics(r.out);
    assert_string_equal(json_string_value(json_object_get(final, "status")), "success");
    assert_int_equal(redis_dbsize(&redis), 0);
    json_t *replayed = replay_of(rec);
    expect_same(final, replayed);
    json_t *single = one_process(file);
    expect_same_shape(final, single);
    json_decref(final);
    json_decref(replayed);
    json_decref(single);
    unlink(rec);

    /* Redis gone: the run says the execution could not be stored */
    redis_stop(&redis, true);
    nexus(&r, run_args);
    assert_int_equal(r.exit_code, 1);
    const char *resume3[] = { "resume", "--store", redis.url, id2, ANSWERS, NULL };
    nexus(&r, resume3);
    assert_int_equal(r.exit_code, 1);
}

static void test_keys(void **state)
{
    (void)state;
    const char *file = write_temp(HANDLER);
    char s1[96];
    snprintf(s1, sizeof s1, "%s.s1", file);
    cli_run_t r;
    const char *run_args[] = { "run", file, CAPS, ANSWERS, "--suspend-to", s1, NULL };
    /* no key: a usage error, nothing written */
    unsetenv("NEXUS_SUSPENSION_KEY");
    nexus(&r, run_args);
    assert_int_equal(r.exit_code, 2);
    struct stat st;
    assert_int_not_equal(stat(s1, &st), 0);
    setenv("NEXUS_SUSPENSION_KEY", "first key, long enough to use", 1);
    nexus(&r, run_args);
    assert_int_equal(r.exit_code, 0);
    /* another key: refused, exit 2 */
    setenv("NEXUS_SUSPENSION_KEY", "second key, long enough too", 1);
    const char *resume[] = { "resume", s1, ANSWERS, NULL };
    nexus(&r, resume);
    assert_int_equal(r.exit_code, 2);
    setenv("NEXUS_SUSPENSION_KEY", "first key, long enough to use", 1);
    nexus(&r, resume);
    assert_int_equal(r.exit_code, 0);
    unlink(s1);
}

static int setup(void **state)
{
    (void)state;
    setenv("NEXUS_SUSPENSION_KEY", "the key these tests seal with", 1);
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
        cmocka_unit_test_setup(test_through_files, setup),
        cmocka_unit_test_setup(test_through_redis, setup),
        cmocka_unit_test(test_keys),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
