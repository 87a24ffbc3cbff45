/* test_durable.c - suspended executions that leave the process
 * (src/execution/export.c, durable.c, src/store/):
 *  - every process of the build makes the same snapshot;
 *  - an execution exported after each suspension and imported by another
 *    runtime gives the result a one-process run gives, effects of every
 *    segment included, and its recording replays to the same result;
 *  - an export altered in any byte, cut short, sealed under another key or
 *    by another build is refused whole;
 *  - with a store, suspended executions hold no instance: 1,000 wait with
 *    max_instances 4;
 *  - with a real Redis (started by the test on a free port): 1,000
 *    executions resumed in random order by two worker processes at once,
 *    each exactly once, every result right, no key left; Redis stopped
 *    while exporting and while resuming: clear errors, nothing lost. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "helpers.h"
#include "redis_server.h"
#include "runtime/runtime.h"

static const char KEY[] = "0123456789abcdef0123456789abcdef";

/* A handler with every kind of effect, three awaits (two in a
 * Promise.all), Math.random and Date.now. */
static const char *const RICH =
    "$state.count = ($state.count || 0) + 1; $emit('start', { r: Math.random() });\n"
    "console.log('before', Date.now() > 0);\n"
    "const a = await $ext.db.get('a');\n"
    "$state.a = a; $view.command('list', 'refresh', { a });\n"
    "const [b, c] = await Promise.all([$ext.db.get('b'), $ext.db.get('c')]);\n"
    "$state.count += 1; $emit('end', { a, b, c }); console.log('after', a, b, c);\n"
    "return { a, b, c, r: Math.random() < 1, t: Date.now() > 0 };";

static const char *const CAPS[] = { "state:read:*", "state:write:*", "events:emit:*", "view:update:*",
                                    "ext:db", NULL };

static nx_runtime_t *new_runtime(uint32_t max_instances)
{
    crash_report_install();
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 1;
    if (max_instances)
        cfg.max_instances = max_instances;
    nx_runtime_t *rt;
    assert_int_equal(nx_runtime_create(&cfg, &rt), NX_OK);
    assert_int_equal(nx_runtime_set_suspension_key(rt, KEY, sizeof KEY - 1), NX_OK);
    static const char *const db[] = { "get" };
    assert_int_equal(nx_runtime_register_extension(rt, "db", db, 1, NULL, NULL, NULL), NX_OK);
    return rt;
}

static nx_context_t *rich_context(void)
{
    run_opts_t o = { .state = "{\"count\":1}" };
    for (int i = 0; CAPS[i]; i++)
        o.caps[i] = CAPS[i];
    return make_context(&o);
}

/* The answer to a db.get(x): {"v": x}. */
static nx_outcome_t answer_for(const nx_suspension_t *s, uint8_t *buf, size_t *len)
{
    /* args is [str]: answer {"v": that str} */
    char *json = value_json(s->args, s->args_len);
    char doc[128];
    snprintf(doc, sizeof doc, "{\"v\":%.*s}", (int)(strlen(json) - 2), json + 1);
    free(json);
    uint8_t *mp;
    char err[64];
    assert_int_equal(nx_json_to_msgpack(doc, strlen(doc), &mp, len, err, sizeof err), NX_OK);
    memcpy(buf, mp, *len);
    free(mp);
    return (nx_outcome_t){ .value = buf, .value_len = *len };
}

/* The result as compact JSON without its metrics (which differ run to run). */
static char *outcome_json(const nx_result_t *r)
{
    char *json = result_json(r);
    json_error_t err;
    json_t *doc = json_loads(json, 0, &err);
    assert_non_null(doc);
    json_object_del(doc, "metrics");
    char *out = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(doc);
    free(json);
    return out;
}

/* ---- the same snapshot everywhere ---------------------------------------------------------- */

static void test_every_process_makes_the_same_snapshot(void **state)
{
    (void)state;
    nx_runtime_t *rt = new_runtime(0);
    uint8_t mine[32];
    memcpy(mine, nx_snapshot_digest(rt->snapshot), 32);
    for (int child = 0; child < 2; child++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            nx_runtime_t *other;
            uint8_t digest[32] = { 0 };
            if (nx_runtime_create(NULL, &other) == NX_OK)
                memcpy(digest, nx_snapshot_digest(other->snapshot), 32);
            _exit(write(fds[1], digest, 32) == 32 ? 0 : 1);
        }
        close(fds[1]);
        uint8_t theirs[32];
        assert_int_equal(read(fds[0], theirs, 32), 32);
        close(fds[0]);
        int status;
        waitpid(pid, &status, 0);
        assert_memory_equal(mine, theirs, 32);
    }
    nx_runtime_free(rt);
}

/* ---- moving between runtimes ------------------------------------------------------------------ */

/* Runs RICH with a recording; at every suspension exports it, frees the
 * runtime, imports it into a fresh one, and answers one call there.
 * Returns the whole result (and the recording, which travelled along). */
static nx_result_t *run_moving(nx_recording_t **recording)
{
    nx_runtime_t *rt = new_runtime(0);
    nx_context_t *ctx = rich_context();
    nx_result_t *r;
    nx_recording_t *rec;
    assert_int_equal(nx_execute_recorded(rt, RICH, strlen(RICH), ctx, &rec, &r), NX_OK);
    nx_context_free(ctx);
    nx_recording_free(rec); /* the recording travels with the execution */
    rec = NULL;
    int moves = 0;
    while (nx_result_status(r) == NX_STATUS_SUSPENDED) {
        uint8_t *blob;
        size_t len;
        assert_int_equal(nx_export(rt, nx_result_suspension(r, 0)->id, &blob, &len), NX_OK);
        nx_stats_t st;
        nx_runtime_stats(rt, &st);
        assert_int_equal(st.instances_suspended, 0); /* exporting freed it */
        nx_result_free(r);
        nx_runtime_free(rt);
        rt = new_runtime(0); /* another runtime: nothing shared but the bytes */
        nx_recording_free(rec);
        nx_result_t *whole;
        assert_int_equal(nx_import(rt, blob, len, &rec, &whole), NX_OK);
        assert_non_null(rec);
        nx_free(blob);
        moves++;
        assert_int_equal(nx_result_status(whole), NX_STATUS_SUSPENDED);
        uint8_t buf[64];
        size_t n;
        const nx_suspension_t *s = nx_result_suspension(whole, 0);
        nx_outcome_t o = answer_for(s, buf, &n);
        nx_result_t *next;
        assert_int_equal(nx_resume(rt, s->id, &o, &next), NX_OK);
        assert_int_equal(nx_result_append(whole, next), NX_OK);
        nx_result_free(next);
        r = whole;
    }
    assert_int_equal(moves, 3);
    nx_runtime_free(rt);
    *recording = rec;
    return r;
}

static void test_moving_gives_the_one_process_result(void **state)
{
    (void)state;
    nx_recording_t *rec = NULL;
    nx_result_t *moved = run_moving(&rec);
    assert_int_equal(nx_result_status(moved), NX_STATUS_SUCCESS);
    /* every segment's effects */
    assert_int_equal(nx_result_mutation_count(moved), 2);
    assert_int_equal(nx_result_event_count(moved), 2);
    assert_int_equal(nx_result_view_command_count(moved), 1);
    assert_int_equal(nx_result_log_count(moved), 2);
    assert_int_equal(nx_result_metrics(moved)->suspensions, 3);
    /* the recording, made across runtimes, replays to the same result */
    assert_non_null(rec);
    uint8_t *saved;
    size_t saved_len;
    assert_int_equal(nx_recording_save(rec, &saved, &saved_len), NX_OK);
    nx_recording_free(rec);
    nx_recording_t *loaded;
    assert_int_equal(nx_recording_load(saved, saved_len, &loaded), NX_OK);
    nx_free(saved);
    nx_runtime_t *rt = new_runtime(0);
    nx_result_t *replayed;
    assert_int_equal(nx_replay(rt, loaded, &replayed), NX_OK);
    char *a = outcome_json(moved), *b = outcome_json(replayed);
    assert_string_equal(a, b);
    free(a);
    free(b);
    /* and a one-process run (no export) reports the same effects: its
     * random draws differ, so compare what does not depend on them */
    nx_context_t *ctx = rich_context();
    nx_result_t *r;
    assert_int_equal(nx_execute(rt, RICH, strlen(RICH), ctx, &r), NX_OK);
    while (nx_result_status(r) == NX_STATUS_SUSPENDED) {
        uint8_t buf[64];
        size_t n;
        const nx_suspension_t *s = nx_result_suspension(r, 0);
        nx_outcome_t o = answer_for(s, buf, &n);
        nx_result_t *next;
        assert_int_equal(nx_resume(rt, s->id, &o, &next), NX_OK);
        assert_int_equal(nx_result_append(r, next), NX_OK);
        nx_result_free(next);
    }
    assert_int_equal(nx_result_mutation_count(r), nx_result_mutation_count(moved));
    assert_int_equal(nx_result_event_count(r), nx_result_event_count(moved));
    assert_int_equal(nx_result_log_count(r), nx_result_log_count(moved));
    char *value_one = result_value_json(r), *value_moved = result_value_json(moved);
    assert_string_equal(value_one, value_moved);
    free(value_one);
    free(value_moved);
    nx_context_free(ctx);
    nx_result_free(r);
    nx_result_free(replayed);
    nx_recording_free(loaded);
    nx_result_free(moved);
    nx_runtime_free(rt);
}

/* ---- what an export may not be ------------------------------------------------------------------- */

static void suspend_one(nx_runtime_t *rt, uint8_t **blob, size_t *len)
{
    run_opts_t o = { .caps = { "ext:db", "state:write:*" } };
    nx_result_t *r = run(rt, "$state.k = 1; return (await $ext.db.get('x')).v;", &o);
    assert_int_equal(nx_result_status(r), NX_STATUS_SUSPENDED);
    assert_int_equal(nx_export(rt, nx_result_suspension(r, 0)->id, blob, len), NX_OK);
    nx_result_free(r);
}

static void expect_refused(nx_runtime_t *rt, const uint8_t *blob, size_t len, const char *why)
{
    nx_result_t *r = NULL;
    nx_code_t code = nx_import(rt, blob, len, NULL, &r);
    if (code != NX_E_INVALID_ARGUMENT)
        fail_msg("an import that should fail returned %s", nx_code_name(code));
    assert_non_null(r);
    if (why && !strstr(nx_result_error(r)->message, why))
        fail_msg("refused, but \"%s\" does not say \"%s\"", nx_result_error(r)->message, why);
    nx_result_free(r);
}

/* Seals bytes (header and payload, tag replaced) under key, as a forger
 * with the key could. */
static void reseal(uint8_t *blob, size_t len, const char *key)
{
    unsigned n = 0;
    HMAC(EVP_sha256(), key, (int)strlen(key), blob, len - 32, blob + len - 32, &n);
}

static void test_altered_exports_are_refused(void **state)
{
    (void)state;
    nx_runtime_t *rt = new_runtime(0);
    uint8_t *blob;
    size_t len;
    suspend_one(rt, &blob, &len);
    /* every byte flipped in turn */
    uint8_t *copy = malloc(len);
    for (size_t i = 0; i < len; i++) {
        memcpy(copy, blob, len);
        copy[i] ^= 0x01;
        expect_refused(rt, copy, len, i < 4 ? NULL : "does not authenticate");
    }
    /* cut short at every length */
    for (size_t n = 0; n < len; n++)
        expect_refused(rt, blob, n, NULL);
    /* sealed under another key */
    memcpy(copy, blob, len);
    reseal(copy, len, "another key, sixteen bytes or more");
    expect_refused(rt, copy, len, "does not authenticate");
    /* another build: a guest state this build does not have, sealed with the
     * right key (someone holding it, or an old export) */
    memcpy(copy, blob, len);
    copy[8] ^= 0xff;
    reseal(copy, len, KEY);
    expect_refused(rt, copy, len, "another build");
    /* without a key nothing is exported or imported */
    nx_runtime_t *keyless;
    assert_int_equal(nx_runtime_create(NULL, &keyless), NX_OK);
    expect_refused(keyless, blob, len, "no suspension key");
    nx_runtime_free(keyless);
    /* the original still imports, once per import */
    nx_result_t *r;
    assert_int_equal(nx_import(rt, blob, len, NULL, &r), NX_OK);
    uint8_t seven[] = { 0x81, 0xa1, 'v', 0x07 };
    nx_outcome_t o = { .value = seven, .value_len = sizeof seven };
    nx_result_t *done;
    assert_int_equal(nx_resume(rt, nx_result_suspension(r, 0)->id, &o, &done), NX_OK);
    assert_result_value(done, "7");
    nx_result_free(done);
    nx_result_free(r);
    free(copy);
    nx_free(blob);
    nx_runtime_free(rt);
}

/* ---- stores ------------------------------------------------------------------------------------- */

/* Starts count executions that each suspend on one call; their ids land
 * in ids[i] (a shared mapping when the caller forks). */
static void suspend_many(nx_runtime_t *rt, int count, char (*ids)[64])
{
    run_opts_t o = { .caps = { "ext:db" } };
    for (int i = 0; i < count; i++) {
        char src[96];
        snprintf(src, sizeof src, "const r = await $ext.db.get('x'); return r.v * 1000 + %d;", i);
        nx_result_t *r = run(rt, src, &o);
        if (nx_result_status(r) != NX_STATUS_SUSPENDED)
            fail_msg("execution %d did not suspend", i);
        if (nx_result_store_error(r))
            fail_msg("execution %d was not stored: %s", i, nx_result_store_error(r));
        snprintf(ids[i], 64, "%s", nx_result_suspension(r, 0)->id);
        nx_result_free(r);
    }
}

static void test_a_store_holds_waiting_executions_not_instances(void **state)
{
    (void)state;
    nx_runtime_t *rt = new_runtime(4);
    nx_store_t *store;
    assert_int_equal(nx_store_memory_create(&store), NX_OK);
    assert_int_equal(nx_runtime_set_store(rt, store), NX_OK);
    enum { N = 1000 };
    static char ids[N][64];
    suspend_many(rt, N, ids);
    nx_stats_t st;
    nx_runtime_stats(rt, &st);
    assert_true(st.instances_created <= 4);
    assert_int_equal(st.instances_suspended, 0);
    uint8_t five[] = { 0x81, 0xa1, 'v', 0x05 };
    nx_outcome_t o = { .value = five, .value_len = sizeof five };
    for (int i = N - 1; i >= 0; i--) {
        nx_result_t *r;
        assert_int_equal(nx_resume(rt, ids[i], &o, &r), NX_OK);
        char want[16];
        snprintf(want, sizeof want, "%d", 5000 + i);
        assert_result_value(r, want);
        nx_result_free(r);
        /* exactly once */
        assert_int_equal(nx_resume(rt, ids[i], &o, &r), NX_E_INVALID_ARGUMENT);
        nx_result_free(r);
    }
    nx_runtime_free(rt);
}

/* One worker process: resumes every id in its own random order; writes
 * per id 1 when it got the execution (and the right value), 0 when the
 * other worker had it, 2 on anything else. */
static void worker(const char *url, int seed, int count, char (*ids)[64], uint8_t *outcome)
{
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 1;
    cfg.max_instances = 4;
    nx_runtime_t *rt;
    nx_store_t *store;
    if (nx_runtime_create(&cfg, &rt) != NX_OK ||
        nx_runtime_set_suspension_key(rt, KEY, sizeof KEY - 1) != NX_OK ||
        nx_store_redis_create(url, "test:", 2000, &store, NULL) != NX_OK ||
        nx_runtime_set_store(rt, store) != NX_OK)
        _exit(3);
    int *order = malloc((size_t)count * sizeof *order);
    for (int i = 0; i < count; i++)
        order[i] = i;
    srand((unsigned)seed);
    for (int i = count - 1; i > 0; i--) {
        int j = rand() % (i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    uint8_t five[] = { 0x81, 0xa1, 'v', 0x05 };
    nx_outcome_t o = { .value = five, .value_len = sizeof five };
    for (int k = 0; k < count; k++) {
        int i = order[k];
        nx_result_t *r = NULL;
        nx_code_t code = nx_resume(rt, ids[i], &o, &r);
        uint8_t got = 2;
        if (code == NX_E_INVALID_ARGUMENT) {
            got = 0;
        } else if (code == NX_OK && nx_result_status(r) == NX_STATUS_SUCCESS) {
            size_t len;
            const uint8_t *v = nx_result_value(r, &len);
            char *json = NULL;
            char want[16];
            snprintf(want, sizeof want, "%d", 5000 + i);
            if (v && nx_value_to_json(v, len, &json) == NX_OK && strcmp(json, want) == 0)
                got = 1;
            nx_free(json);
        }
        outcome[i] = got;
        nx_result_free(r);
    }
    free(order);
    nx_runtime_free(rt);
    _exit(0);
}

/* An execution taken from the store with nx_import_stored waits here on
 * both of its calls; answering one stores it again, and the other must
 * then come from the store: the table's entry for it went with the
 * execution (it once pointed at freed memory, which `nexus resume --store`
 * hit, and which this test catches under ASan). */
static void test_stored_again_after_one_of_two_answers(void **state)
{
    (void)state;
    nx_runtime_t *rt = new_runtime(0);
    nx_store_t *store;
    assert_int_equal(nx_store_memory_create(&store), NX_OK);
    assert_int_equal(nx_runtime_set_store(rt, store), NX_OK);
    run_opts_t o = { .caps = { "ext:db" } };
    nx_result_t *r = run(rt, "const [a, b] = await Promise.all([$ext.db.get(1), $ext.db.get(2)]); return a + b;", &o);
    assert_int_equal(nx_result_status(r), NX_STATUS_SUSPENDED);
    assert_int_equal(nx_result_suspension_count(r), 2);
    char first[64], second[64];
    snprintf(first, sizeof first, "%s", nx_result_suspension(r, 0)->id);
    snprintf(second, sizeof second, "%s", nx_result_suspension(r, 1)->id);
    nx_result_free(r);
    nx_result_t *whole;
    assert_int_equal(nx_import_stored(rt, first, NULL, &whole), NX_OK);
    assert_int_equal(nx_result_suspension_count(whole), 2);
    nx_result_free(whole);
    uint8_t three[] = { 0x03 }, four[] = { 0x04 };
    nx_outcome_t a = { .value = three, .value_len = 1 }, b = { .value = four, .value_len = 1 };
    assert_int_equal(nx_resume(rt, first, &a, &r), NX_OK);
    assert_int_equal(nx_result_status(r), NX_STATUS_SUSPENDED);
    assert_null(nx_result_store_error(r)); /* in the store again */
    nx_result_free(r);
    assert_int_equal(nx_resume(rt, second, &b, &r), NX_OK);
    assert_result_value(r, "7");
    nx_result_free(r);
    nx_runtime_free(rt);
}

static void test_redis_two_workers_resume_each_exactly_once(void **state)
{
    (void)state;
    redis_server_t redis;
    if (!redis_start(&redis, 0))
        fail_msg("cannot start redis-server (scripts/install-deps.sh installs it)");
    nx_runtime_t *rt = new_runtime(4);
    nx_store_t *store;
    assert_int_equal(nx_store_redis_create(redis.url, "test:", 2000, &store, NULL), NX_OK);
    assert_int_equal(nx_runtime_set_store(rt, store), NX_OK);
    enum { N = 1000 };
    char (*ids)[64] = mmap(NULL, N * 64 + 2 * N, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(ids != MAP_FAILED);
    uint8_t *outcomes = (uint8_t *)ids + N * 64; /* two arrays of N */
    suspend_many(rt, N, ids);
    nx_stats_t st;
    nx_runtime_stats(rt, &st);
    assert_true(st.instances_created <= 4); /* 1,000 wait, 4 instances */
    assert_int_equal(redis_dbsize(&redis), N);
    pid_t pids[2];
    for (int w = 0; w < 2; w++) {
        pids[w] = fork();
        if (pids[w] == 0)
            worker(redis.url, 1000 + w, N, ids, outcomes + w * N);
    }
    for (int w = 0; w < 2; w++) {
        int status;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    int by_first = 0;
    for (int i = 0; i < N; i++) {
        int a = outcomes[i], b = outcomes[N + i];
        if (a == 2 || b == 2 || a + b != 1)
            fail_msg("execution %d: worker outcomes %d and %d (want exactly one 1)", i, a, b);
        by_first += a;
    }
    print_message("1000 executions: %d resumed by the first worker, %d by the second\n", by_first, N - by_first);
    assert_int_equal(redis_dbsize(&redis), 0); /* nothing left behind */
    munmap(ids, N * 64 + 2 * N);
    nx_runtime_free(rt);
    redis_stop(&redis, false);
}

static void test_redis_down_loses_nothing_it_can_keep(void **state)
{
    (void)state;
    redis_server_t redis;
    if (!redis_start(&redis, 0))
        fail_msg("cannot start redis-server (scripts/install-deps.sh installs it)");
    int port = redis.port;
    nx_runtime_t *rt = new_runtime(8);
    nx_store_t *store;
    assert_int_equal(nx_store_redis_create(redis.url, "test:", 500, &store, NULL), NX_OK);
    assert_int_equal(nx_runtime_set_store(rt, store), NX_OK);
    run_opts_t o = { .caps = { "ext:db" } };
    const char *src = "const r = await $ext.db.get('x'); return r.v;";
    uint8_t five[] = { 0x81, 0xa1, 'v', 0x05 };
    nx_outcome_t ans = { .value = five, .value_len = sizeof five };

    /* stored while Redis runs, then Redis dies: resuming says the store is
     * unreachable and takes nothing */
    nx_result_t *stored = run(rt, src, &o);
    assert_null(nx_result_store_error(stored));
    redis_stop(&redis, true);
    nx_result_t *r = NULL;
    assert_int_equal(nx_resume(rt, nx_result_suspension(stored, 0)->id, &ans, &r), NX_E_STORE_UNAVAILABLE);
    assert_non_null(strstr(nx_result_error(r)->message, "Redis"));
    nx_result_free(r);

    /* suspending while Redis is down: the execution stays here, alive,
     * and the result says why */
    nx_result_t *kept = run(rt, src, &o);
    assert_int_equal(nx_result_status(kept), NX_STATUS_SUSPENDED);
    assert_non_null(nx_result_store_error(kept));
    assert_non_null(strstr(nx_result_store_error(kept), "Redis"));
    assert_int_equal(nx_resume(rt, nx_result_suspension(kept, 0)->id, &ans, &r), NX_OK);
    assert_result_value(r, "5");
    nx_result_free(r);

    /* Redis back (empty: it kept nothing on disk, as configured here): the
     * store works again without anything from the host */
    assert_true(redis_start(&redis, port));
    nx_result_t *again = run(rt, src, &o);
    assert_null(nx_result_store_error(again));
    assert_int_equal(nx_resume(rt, nx_result_suspension(again, 0)->id, &ans, &r), NX_OK);
    assert_result_value(r, "5");
    nx_result_free(r);
    nx_result_free(again);
    nx_result_free(kept);
    nx_result_free(stored);
    nx_runtime_free(rt);
    redis_stop(&redis, false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_process_makes_the_same_snapshot),
        cmocka_unit_test(test_moving_gives_the_one_process_result),
        cmocka_unit_test(test_altered_exports_are_refused),
        cmocka_unit_test(test_a_store_holds_waiting_executions_not_instances),
        cmocka_unit_test(test_stored_again_after_one_of_two_answers),
        cmocka_unit_test(test_redis_two_workers_resume_each_exactly_once),
        cmocka_unit_test(test_redis_down_loses_nothing_it_can_keep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
