/* test_extensions.c - async extension calls: immediate answers, deferred
 * calls that suspend the execution, resume with values and errors,
 * sequential awaits and Promise.all, bad ids, cancel, expiry, effects
 * delivered around suspensions, a Promise.all of 500 calls answered in
 * random order, and 10,000 suspended executions resumed in
 * random order leaving nothing behind. */
#include <msgpack.h>
#include <unistd.h>

#include "helpers.h"

static nx_runtime_t *rt;
static int immediate_calls;

/* "sync" answers every call at once with its first argument * 2. */
static void answer_now(void *user, const nx_ext_call_t *call, nx_ext_reply_t *reply)
{
    (void)user;
    immediate_calls++;
    msgpack_zone zone;
    msgpack_zone_init(&zone, 256);
    msgpack_object args;
    size_t off = 0;
    msgpack_unpack((const char *)call->args, call->args_len, &off, &zone, &args);
    int64_t n = args.type == MSGPACK_OBJECT_ARRAY && args.via.array.size > 0 ? args.via.array.ptr[0].via.i64 : 0;
    if (n < 0) {
        nx_ext_reply_error(reply, "negative input");
    } else {
        msgpack_sbuffer sb;
        msgpack_packer pk;
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        msgpack_pack_int64(&pk, n * 2);
        nx_ext_reply_value(reply, sb.data, sb.size);
        msgpack_sbuffer_destroy(&sb);
    }
    msgpack_zone_destroy(&zone);
}

static int setup(void **state)
{
    (void)state;
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 2;
    cfg.max_instances = 48;
    assert_int_equal(nx_runtime_create(&cfg, &rt), NX_OK);
    static const char *const db_methods[] = { "get" };
    static const char *const sync_methods[] = { "double" };
    assert_int_equal(nx_runtime_register_extension(rt, "db", db_methods, 1, NULL, NULL, NULL), NX_OK);
    assert_int_equal(nx_runtime_register_extension(rt, "sync", sync_methods, 1, answer_now, NULL, NULL), NX_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nx_runtime_free(rt);
    return 0;
}

static const run_opts_t ext_caps = { .caps = { "ext:*", "state:write:*", "events:emit:*" } };

/* Answers a pending db.get call with its argument + "!" (a string). */
static nx_code_t answer(const nx_suspension_t *s, nx_result_t **out)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 256);
    msgpack_object args;
    size_t off = 0;
    assert_int_equal(msgpack_unpack((const char *)s->args, s->args_len, &off, &zone, &args),
                     MSGPACK_UNPACK_SUCCESS);
    assert_int_equal(args.type, MSGPACK_OBJECT_ARRAY);
    const msgpack_object_str *key = &args.via.array.ptr[0].via.str;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_str(&pk, key->size + 1);
    msgpack_pack_str_body(&pk, key->ptr, key->size);
    msgpack_pack_str_body(&pk, "!", 1);
    nx_outcome_t o = { .value = (const uint8_t *)sb.data, .value_len = sb.size };
    nx_code_t code = nx_resume(rt, s->id, &o, out);
    msgpack_sbuffer_destroy(&sb);
    msgpack_zone_destroy(&zone);
    return code;
}

/* Resumes every pending call (first one each time) until r is settled. */
static nx_result_t *settle(nx_result_t *r, int *suspensions)
{
    while (nx_result_status(r) == NX_STATUS_SUSPENDED) {
        (*suspensions)++;
        nx_result_t *next;
        assert_int_equal(answer(nx_result_suspension(r, 0), &next), NX_OK);
        nx_result_free(r);
        r = next;
    }
    return r;
}

static void test_immediate_answer_does_not_suspend(void **state)
{
    (void)state;
    immediate_calls = 0;
    expect_run(rt, "return [await $ext.sync.double(21), await $ext.sync.double(1)]", &ext_caps, "[42,2]");
    assert_int_equal(immediate_calls, 2);
    expect_run(rt, "try { await $ext.sync.double(-1) } catch (e) { return e.message }", &ext_caps,
               "\"negative input\"");
}

static void test_sequential_awaits_and_promise_all(void **state)
{
    (void)state;
    nx_result_t *r = run(rt,
                         "const a = await $ext.db.get('a');\n"
                         "const b = await $ext.db.get('b');\n"
                         "const [c, d] = await Promise.all([$ext.db.get('c'), $ext.db.get('d')]);\n"
                         "return [a, b, c, d];",
                         &ext_caps);
    assert_int_equal(nx_result_status(r), NX_STATUS_SUSPENDED);
    assert_int_equal(nx_result_suspension_count(r), 1);
    assert_string_equal(nx_result_suspension(r, 0)->extension, "db");
    assert_string_equal(nx_result_suspension(r, 0)->method, "get");
    char *args = value_json(nx_result_suspension(r, 0)->args, nx_result_suspension(r, 0)->args_len);
    assert_string_equal(args, "[\"a\"]");
    free(args);
    int suspensions = 0;
    /* the Promise.all reports both calls together, answered one by one */
    nx_result_t *next;
    assert_int_equal(answer(nx_result_suspension(r, 0), &next), NX_OK);
    nx_result_free(r);
    assert_int_equal(answer(nx_result_suspension(next, 0), &r), NX_OK);
    nx_result_free(next);
    assert_int_equal(nx_result_suspension_count(r), 2);
    r = settle(r, &suspensions);
    assert_result_value(r, "[\"a!\",\"b!\",\"c!\",\"d!\"]");
    assert_int_equal(nx_result_metrics(r)->suspensions, 4);
    nx_result_free(r);
}

static void test_resume_with_error(void **state)
{
    (void)state;
    nx_result_t *r = run(rt, "try { await $ext.db.get('x') } catch (e) { return 'caught: ' + e.message }\n", &ext_caps);
    nx_outcome_t fail = { .is_error = true, .error_message = "connection refused" };
    nx_result_t *next;
    assert_int_equal(nx_resume(rt, nx_result_suspension(r, 0)->id, &fail, &next), NX_OK);
    assert_result_value(next, "\"caught: connection refused\"");
    nx_result_free(r);
    nx_result_free(next);

    r = run(rt, "const v = await $ext.db.get('x');\nreturn v;", &ext_caps);
    assert_int_equal(nx_resume(rt, nx_result_suspension(r, 0)->id, &fail, &next), NX_OK);
    assert_result_error(next, NX_E_EXECUTION_ERROR);
    assert_string_equal(nx_result_error(next)->message, "connection refused");
    assert_int_equal(nx_result_error(next)->line, 1);
    nx_result_free(r);
    nx_result_free(next);
}

static void test_bad_ids_change_nothing(void **state)
{
    (void)state;
    nx_result_t *r = run(rt, "return await $ext.db.get('k');", &ext_caps);
    const char *id = nx_result_suspension(r, 0)->id;
    nx_outcome_t v = { .value = (const uint8_t *)"\x01", .value_len = 1 };
    nx_result_t *bad;
    /* unknown, forged, empty */
    static const char *const forged[] = { "nope", "sx-0000000000000000-0", "" };
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(nx_resume(rt, forged[i], &v, &bad), NX_E_INVALID_ARGUMENT);
        assert_result_error(bad, NX_E_INVALID_ARGUMENT);
        nx_result_free(bad);
    }
    /* an invalid outcome value is refused before anything happens */
    nx_outcome_t broken = { .value = (const uint8_t *)"\xc1", .value_len = 1 };
    assert_int_equal(nx_resume(rt, id, &broken, &bad), NX_E_INVALID_ARGUMENT);
    nx_result_free(bad);
    /* the real id still works, once */
    nx_result_t *done;
    assert_int_equal(nx_resume(rt, id, &v, &done), NX_OK);
    assert_result_value(done, "1");
    nx_result_free(done);
    assert_int_equal(nx_resume(rt, id, &v, &bad), NX_E_INVALID_ARGUMENT);
    assert_non_null(strstr(nx_result_error(bad)->message, "already resumed"));
    nx_result_free(bad);
    nx_result_free(r);
}

static void test_cancel(void **state)
{
    (void)state;
    nx_result_t *r = run(rt, "return await $ext.db.get('k');", &ext_caps);
    const char *id = nx_result_suspension(r, 0)->id;
    assert_int_equal(nx_cancel(rt, id), NX_OK);
    assert_int_equal(nx_cancel(rt, id), NX_E_INVALID_ARGUMENT);
    nx_outcome_t v = { 0 };
    nx_result_t *bad;
    assert_int_equal(nx_resume(rt, id, &v, &bad), NX_E_INVALID_ARGUMENT);
    nx_result_free(bad);
    nx_result_free(r);
}

static void test_expiry(void **state)
{
    (void)state;
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.suspension_ttl_ms = 50;
    cfg.prewarm_instances = 0;
    nx_runtime_t *short_lived;
    assert_int_equal(nx_runtime_create(&cfg, &short_lived), NX_OK);
    static const char *const m[] = { "get" };
    nx_runtime_register_extension(short_lived, "db", m, 1, NULL, NULL, NULL);
    nx_result_t *r = run(short_lived, "return await $ext.db.get('k');", &ext_caps);
    assert_int_equal(nx_result_status(r), NX_STATUS_SUSPENDED);
    nx_stats_t stats;
    nx_runtime_stats(short_lived, &stats);
    assert_int_equal(stats.pending_suspensions, 1);
    assert_int_equal(stats.instances_suspended, 1);
    usleep(200 * 1000);
    nx_outcome_t v = { 0 };
    nx_result_t *bad;
    assert_int_equal(nx_resume(short_lived, nx_result_suspension(r, 0)->id, &v, &bad), NX_E_INVALID_ARGUMENT);
    nx_result_free(bad);
    nx_runtime_stats(short_lived, &stats);
    assert_int_equal(stats.pending_suspensions, 0);
    assert_int_equal(stats.instances_suspended, 0);
    assert_int_equal(stats.instances_busy, 0);
    nx_result_free(r);
    nx_runtime_free(short_lived);
}

static void test_effects_around_suspension(void **state)
{
    (void)state;
    nx_result_t *r = run(rt,
                         "$state.loading = true; $emit('started');\n"
                         "const v = await $ext.db.get('k');\n"
                         "$state.loading = false; $state.value = v; $emit('finished');\n"
                         "return v;",
                         &ext_caps);
    assert_int_equal(nx_result_status(r), NX_STATUS_SUSPENDED);
    assert_int_equal(nx_result_mutation_count(r), 1);
    assert_string_equal(nx_result_mutation(r, 0)->key, "loading");
    assert_int_equal(nx_result_event_count(r), 1);
    assert_string_equal(nx_result_event(r, 0)->name, "started");
    nx_result_t *done;
    assert_int_equal(answer(nx_result_suspension(r, 0), &done), NX_OK);
    assert_result_value(done, "\"k!\"");
    /* only what came after: loading (rewritten) and value, one event */
    assert_int_equal(nx_result_mutation_count(done), 2);
    assert_string_equal(nx_result_mutation(done, 0)->key, "loading");
    char *v = value_json(nx_result_mutation(done, 0)->value, nx_result_mutation(done, 0)->value_len);
    assert_string_equal(v, "false");
    free(v);
    assert_string_equal(nx_result_mutation(done, 1)->key, "value");
    assert_int_equal(nx_result_event_count(done), 1);
    assert_string_equal(nx_result_event(done, 0)->name, "finished");
    nx_result_free(r);
    nx_result_free(done);
}

/* nx_result_combine: one result for the whole execution; a failed end
 * keeps only the logs. */
static void test_combine_segments(void **state)
{
    (void)state;
    static const char *const sources[] = {
        "$state.a = 1; $state.b = 1; $emit('one'); console.log('x');\n"
        "const v = await $ext.db.get('k');\n"
        "$state.c = v; $state.a = 2; $emit('two'); return v;",
        "$state.a = 1; $emit('one'); console.log('x');\n"
        "await $ext.db.get('k'); console.log('y'); throw new Error('late');",
    };
    for (int failing = 0; failing < 2; failing++) {
        nx_result_t *first = run(rt, sources[failing], &ext_caps), *second, *all;
        assert_int_equal(nx_result_status(first), NX_STATUS_SUSPENDED);
        assert_int_equal(answer(nx_result_suspension(first, 0), &second), NX_OK);
        assert_int_equal(nx_result_combine(second, first, &all), NX_E_INVALID_ARGUMENT);
        assert_null(all);
        assert_int_equal(nx_result_combine(first, second, &all), NX_OK);
        assert_int_equal(nx_result_status(all), nx_result_status(second));
        assert_int_equal(nx_result_log_count(all), failing ? 2 : 1);
        assert_int_equal(nx_result_metrics(all)->host_calls,
                         nx_result_metrics(first)->host_calls + nx_result_metrics(second)->host_calls);
        if (failing) {
            assert_int_equal(nx_result_error(all)->code, NX_E_EXECUTION_ERROR);
            assert_string_equal(nx_result_error(all)->message, "late");
            assert_int_equal(nx_result_mutation_count(all), 0);
            assert_int_equal(nx_result_event_count(all), 0);
        } else {
            assert_result_value(all, "\"k!\"");
            /* first-write order, final values */
            assert_int_equal(nx_result_mutation_count(all), 3);
            const char *keys[] = { "a", "b", "c" }, *values[] = { "2", "1", "\"k!\"" };
            for (int i = 0; i < 3; i++) {
                const nx_mutation_t *m = nx_result_mutation(all, (size_t)i);
                assert_string_equal(m->key, keys[i]);
                char *v = value_json(m->value, m->value_len);
                assert_string_equal(v, values[i]);
                free(v);
            }
            assert_int_equal(nx_result_event_count(all), 2);
            assert_string_equal(nx_result_event(all, 1)->name, "two");
        }
        nx_result_free(first);
        nx_result_free(second);
        nx_result_free(all);
    }
}

static void test_plain_promises(void **state)
{
    (void)state;
    expect_run(rt,
               "const order = [];\n"
               "const p = Promise.resolve(1).then((x) => { order.push('then'); return x + 1; });\n"
               "order.push('sync');\n"
               "const v = await p;\n"
               "const all = await Promise.all([1, Promise.resolve(2), (async () => 3)()]);\n"
               "const settled = await Promise.allSettled([Promise.reject(new Error('no'))]);\n"
               "return [order, v, all, settled[0].status];",
               NULL, "[[\"sync\",\"then\"],2,[1,2,3],\"rejected\"]");
    expect_run_error(rt, "await new Promise(() => {});", NULL, NX_E_EXECUTION_ERROR);
    expect_run_error(rt, "await Promise.reject(new Error('x'));", NULL, NX_E_EXECUTION_ERROR);
}

/* 500 calls in one Promise.all, answered one at a time in random order:
 * every result lists exactly the calls still waiting, in call order, and
 * a call answered, or an id resumed twice, is refused. */
static void test_promise_all_answered_in_random_order(void **state)
{
    (void)state;
    enum { N = 500 };
    char src[256];
    snprintf(src, sizeof src,
             "const all = await Promise.all(Array.from({length: %d}, (_, i) => $ext.db.get(i)));\n"
             "return all.reduce((a, b) => a + b, 0);", N);
    run_opts_t o = { .caps = { "ext:db" } };
    nx_result_t *r = run(rt, src, &o);
    assert_int_equal(nx_result_status(r), NX_STATUS_SUSPENDED);
    assert_int_equal(nx_result_suspension_count(r), N);
    static char ids[N][64];
    static bool answered[N];
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "%s", nx_result_suspension(r, i)->id);
        answered[i] = false;
    }
    nx_result_free(r);
    int order[N];
    for (int i = 0; i < N; i++)
        order[i] = i;
    srand(42);
    for (int i = N - 1; i > 0; i--) {
        int j = rand() % (i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    long sum = 0;
    for (int k = 0; k < N; k++) {
        int i = order[k];
        uint8_t value = (uint8_t)(i % 100); /* a positive fixint */
        sum += value;
        nx_outcome_t out = { .value = &value, .value_len = 1 };
        nx_result_t *next = NULL;
        assert_int_equal(nx_resume(rt, ids[i], &out, &next), NX_OK);
        answered[i] = true;
        if (k < N - 1) {
            assert_int_equal(nx_result_status(next), NX_STATUS_SUSPENDED);
            size_t n = nx_result_suspension_count(next), seen = 0;
            assert_int_equal(n, N - 1 - k);
            /* the listing is the unanswered calls, in call order; read it
             * out of order once to check the lookups agree */
            if (n > 2)
                assert_string_equal(nx_result_suspension(next, n - 1)->id,
                                    nx_result_suspension(next, n - 1)->id);
            for (int c = 0; c < N; c++) {
                if (answered[c])
                    continue;
                assert_string_equal(nx_result_suspension(next, seen)->id, ids[c]);
                seen++;
            }
            assert_int_equal(seen, n);
            assert_null(nx_result_suspension(next, n));
        } else {
            char want[32];
            snprintf(want, sizeof want, "%ld", sum);
            assert_result_value(next, want);
        }
        nx_result_free(next);
        /* the same id again: already answered */
        nx_result_t *again = NULL;
        assert_int_equal(nx_resume(rt, ids[i], &out, &again), NX_E_INVALID_ARGUMENT);
        nx_result_free(again);
    }
    nx_stats_t st;
    nx_runtime_stats(rt, &st);
    assert_int_equal(st.pending_suspensions, 0);
    assert_int_equal(st.instances_suspended, 0);
}

static void test_many_suspensions_random_order(void **state)
{
    (void)state;
    enum { TOTAL = 10000, WINDOW = 40 };
    nx_result_t *pending[WINDOW];
    int npending = 0, finished = 0, started = 0;
    unsigned seed = 12345;
    nx_stats_t before;
    nx_runtime_stats(rt, &before);
    while (finished < TOTAL) {
        if (started < TOTAL && npending < WINDOW) {
            char src[160];
            snprintf(src, sizeof src,
                     "const a = await $ext.db.get('x%d');\n"
                     "if (%d %% 3 === 0) return a + (await $ext.db.get('y'));\nreturn a;", started, started);
            nx_result_t *r = run(rt, src, &ext_caps);
            assert_int_equal(nx_result_status(r), NX_STATUS_SUSPENDED);
            pending[npending++] = r;
            started++;
            continue;
        }
        int i = (int)(rand_r(&seed) % (unsigned)npending);
        nx_result_t *r = pending[i], *next;
        assert_int_equal(answer(nx_result_suspension(r, 0), &next), NX_OK);
        nx_result_free(r);
        if (nx_result_status(next) == NX_STATUS_SUSPENDED) {
            pending[i] = next;
        } else {
            assert_int_equal(nx_result_status(next), NX_STATUS_SUCCESS);
            nx_result_free(next);
            pending[i] = pending[--npending];
            finished++;
        }
    }
    nx_stats_t after;
    nx_runtime_stats(rt, &after);
    assert_int_equal(after.pending_suspensions, 0);
    assert_int_equal(after.instances_suspended, 0);
    assert_int_equal(after.instances_busy, 0);
    assert_int_equal(after.successes - before.successes, TOTAL);
    /* every call accounted for: TOTAL runs + 1 or 2 resumes each */
    uint64_t resumes = TOTAL + (TOTAL + 2) / 3;
    assert_int_equal(after.executions - before.executions, TOTAL + resumes);
    assert_true(after.instances_created <= 48);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_immediate_answer_does_not_suspend),
        cmocka_unit_test(test_sequential_awaits_and_promise_all),
        cmocka_unit_test(test_resume_with_error),
        cmocka_unit_test(test_bad_ids_change_nothing),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_effects_around_suspension),
        cmocka_unit_test(test_combine_segments),
        cmocka_unit_test(test_plain_promises),
        cmocka_unit_test(test_promise_all_answered_in_random_order),
        cmocka_unit_test(test_many_suspensions_random_order),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
