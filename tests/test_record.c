/* test_record.c - interceptors, record and replay, custom host interfaces.
 *
 * 100 different executions (Math.random, Date.now, $time.now, logs, state,
 * events, immediate and deferred extension calls, host functions) are
 * recorded, saved, loaded and replayed on a fresh runtime: each replay's
 * result must be byte-identical to the recorded one (metrics aside). */
#include <msgpack.h>
#include <stdatomic.h>

#include "helpers.h"
#include "result/result.h"

static nx_runtime_t *rt;

/* ---- registered things ------------------------------------------------------------------ */

static void double_now(void *user, const nx_ext_call_t *call, nx_ext_reply_t *reply)
{
    (void)user;
    msgpack_zone zone;
    msgpack_zone_init(&zone, 256);
    msgpack_object args;
    size_t off = 0;
    msgpack_unpack((const char *)call->args, call->args_len, &off, &zone, &args);
    int64_t n = args.via.array.size ? args.via.array.ptr[0].via.i64 : 0;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_int64(&pk, n * 2 + (int64_t)(rand() % 1000)); /* not reproducible: the log must answer */
    nx_ext_reply_value(reply, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    msgpack_zone_destroy(&zone);
}

static int quota_calls;

static void quota_check(void *user, const char *iface, const char *fn, const uint8_t *args,
                        size_t len, nx_ext_reply_t *reply)
{
    (void)user; (void)iface; (void)fn;
    quota_calls++;
    if (len == 1 && args[0] == 0xc0) {
        nx_ext_reply_error(reply, "no account given");
        return;
    }
    /* echo the argument back inside {ok: true, arg} */
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    msgpack_pack_str_with_body(&pk, "ok", 2);
    msgpack_pack_true(&pk);
    msgpack_pack_str_with_body(&pk, "arg", 3);
    msgpack_sbuffer_write(&sb, (const char *)args, len);
    nx_ext_reply_value(reply, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

static char last_error[128];

static void quota_error(void *user, const char *iface, const char *fn, const char *message)
{
    (void)user;
    snprintf(last_error, sizeof last_error, "%s.%s: %s", iface, fn, message);
}

/* A positive fixint from rand(): only the log can answer it again. */
static void roll(void *user, const char *iface, const char *fn, const uint8_t *args, size_t len,
                 nx_ext_reply_t *reply)
{
    (void)user; (void)iface; (void)fn; (void)args; (void)len;
    char v = (char)(rand() % 100);
    nx_ext_reply_value(reply, &v, 1);
}

static nx_code_t register_acme(nx_runtime_t *r, void *user)
{
    (void)user;
    static const nx_host_function_t quota[] = { { "check", quota_check, NULL, NULL } };
    static const nx_host_function_t dice[] = { { "roll", roll, NULL, NULL } };
    nx_code_t code = nx_runtime_register_interface(r, "acme:billing/quota", quota, 1, quota_error, NULL, NULL);
    if (code == NX_OK)
        code = nx_runtime_register_interface(r, "acme:games/dice", dice, 1, NULL, NULL, NULL);
    return code;
}

static void register_all(nx_runtime_t *r)
{
    static const char *const db[] = { "get" };
    static const char *const sync[] = { "double" };
    assert_int_equal(nx_runtime_register_extension(r, "db", db, 1, NULL, NULL, NULL), NX_OK);
    assert_int_equal(nx_runtime_register_extension(r, "sync", sync, 1, double_now, NULL, NULL), NX_OK);
    assert_int_equal(nx_runtime_add_provider(r, register_acme, NULL), NX_OK);
}

static int setup(void **state)
{
    (void)state;
    rt = make_runtime();
    register_all(rt);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nx_runtime_free(rt);
    return 0;
}

/* ---- custom interfaces ---------------------------------------------------------------------- */

static void test_custom_interface_needs_its_token(void **state)
{
    (void)state;
    run_opts_t with = { .caps = { "host:acme:billing/quota" } };
    expect_run(rt, "return $host['acme:billing/quota'].check({account: 7})", &with,
               "{\"ok\":true,\"arg\":{\"account\":7}}");
    run_opts_t wildcard = { .caps = { "host:*" } };
    expect_run(rt, "return $host['acme:billing/quota'].check(1).ok", &wildcard, "true");
    run_opts_t other = { .caps = { "host:acme:games/dice", "ext:*", "state:read:*" } };
    int before = quota_calls;
    expect_run_error(rt, "return $host['acme:billing/quota'].check(1)", &other, NX_E_PERMISSION_DENIED);
    expect_run_error(rt, "return $host['acme:billing/quota'].check(1)", NULL, NX_E_PERMISSION_DENIED);
    assert_int_equal(quota_calls, before); /* denied calls never reach the function */
    expect_run(rt, "return [Object.keys($host).sort(), Object.keys($host['acme:billing/quota'])]", NULL,
               "[[\"acme:billing/quota\",\"acme:games/dice\"],[\"check\"]]");
    expect_run(rt, "try { $host['acme:nope/x'].f() } catch (e) { return e.code }", NULL, "\"EXTENSION_NOT_FOUND\"");
    expect_run(rt, "try { $host['acme:billing/quota'].nope() } catch (e) { return e.code }", NULL,
               "\"METHOD_NOT_FOUND\"");
}

static void test_custom_interface_errors(void **state)
{
    (void)state;
    run_opts_t o = { .caps = { "host:*" } };
    last_error[0] = '\0';
    expect_run(rt, "try { $host['acme:billing/quota'].check(null) } catch (e) { return [e.code, e.message] }", &o,
               "[\"EXECUTION_ERROR\",\"acme:billing/quota.check failed: no account given\"]");
    assert_string_equal(last_error, "acme:billing/quota.check: no account given");
    nx_result_t *r = run(rt, "return $host['acme:billing/quota'].check(null)", &o);
    assert_result_error(r, NX_E_EXECUTION_ERROR);
    nx_result_free(r);
}

static void test_interface_names(void **state)
{
    (void)state;
    static const nx_host_function_t f[] = { { "f", quota_check, NULL, NULL } };
    static const char *const bad[] = { "nocolon/x", "ns:noslash", ":pkg/x", "ns:/x", "ns:pkg/", "NS:pkg/x",
                                       "ns:pkg/x/y", "ns:a:b/c", "" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(nx_runtime_register_interface(rt, bad[i], f, 1, NULL, NULL, NULL), NX_E_INVALID_ARGUMENT);
    assert_int_equal(nx_runtime_register_interface(rt, "acme:ok-1/v2.x", f, 1, NULL, NULL, NULL), NX_OK);
}

/* ---- interceptors ---------------------------------------------------------------------------- */

static atomic_int before_count, after_count;
static char seen[2048];

static void on_before(void *user, const nx_host_call_t *call)
{
    (void)user;
    atomic_fetch_add(&before_count, 1);
    assert_null(call->output);
}

static void on_after(void *user, const nx_host_call_t *call)
{
    (void)user;
    atomic_fetch_add(&after_count, 1);
    char *in = value_json(call->input, call->input_len);
    char *out = value_json(call->output, call->output_len);
    size_t used = strlen(seen);
    snprintf(seen + used, sizeof seen - used, "%s.%s%s->%s:%s;", call->interface, call->function, in, out,
             nx_code_name(call->code));
    free(in);
    free(out);
}

static void test_interceptors(void **state)
{
    (void)state;
    int id;
    atomic_store(&before_count, 0);
    atomic_store(&after_count, 0);
    seen[0] = '\0';
    assert_int_equal(nx_runtime_add_interceptor(rt, on_before, on_after, NULL, NULL, &id), NX_OK);
    run_opts_t o = { .state = "{\"a\":1}", .caps = { "state:read:a", "events:emit:e" } };
    expect_run(rt, "$emit('e', $state.a + 1); try { $state.set('b', 2) } catch (e) {} return 1", &o, "1");
    assert_int_equal(nx_runtime_remove_interceptor(rt, id), NX_OK);
    assert_int_equal(nx_runtime_remove_interceptor(rt, id), NX_E_INVALID_ARGUMENT);
    /* random seed, get, emit, set (denied) */
    assert_int_equal(atomic_load(&before_count), 4);
    assert_int_equal(atomic_load(&after_count), 4);
    assert_non_null(strstr(seen, "nexus:state.get[\"a\"]->1:OK;"));
    assert_non_null(strstr(seen, "nexus:events.emit[\"e\",2]->undefined:OK;"));
    assert_non_null(strstr(seen, "nexus:state.set[\"b\",2]->"));
    assert_non_null(strstr(seen, ":PERMISSION_DENIED;"));
    /* removed: nothing more is seen */
    expect_run(rt, "return 2", &o, "2");
    assert_int_equal(atomic_load(&after_count), 4);
}

/* ---- record and replay ----------------------------------------------------------------------- */

/* Answers a deferred db.get with random data (only the log can know it). */
/* Answers every pending call until the execution ends; returns the whole
 * execution folded into one result, as a replay returns it. */
static nx_result_t *settle(nx_result_t *r)
{
    while (nx_result_status(r) == NX_STATUS_SUSPENDED) {
        const nx_suspension_t *s = nx_result_suspension(r, 0);
        char json[64];
        snprintf(json, sizeof json, "{\"rows\":%d}", rand() % 100);
        uint8_t *mp;
        size_t len;
        char err[64];
        assert_int_equal(nx_json_to_msgpack(json, strlen(json), &mp, &len, err, sizeof err), NX_OK);
        nx_outcome_t o = rand() % 7 == 0 ? (nx_outcome_t){ .is_error = true, .error_message = "db down" }
                                         : (nx_outcome_t){ .value = mp, .value_len = len };
        nx_result_t *next;
        assert_int_equal(nx_resume(rt, s->id, &o, &next), NX_OK);
        free(mp);
        assert_int_equal(nx_result_append(r, next), NX_OK);
        nx_result_free(next);
    }
    return r;
}

static void make_handler(char *buf, size_t size, int i)
{
    snprintf(buf, size,
             "const i = %d;\n"
             "const r = Math.random(), t = Date.now(), n = $time.now();\n"
             "$state.set('k' + (i %% 4), {r, i});\n"
             "$emit('tick', {i, r});\n"
             "$log.info('run', i, r);\n"
             "let extra = null;\n"
             "if (i %% 3 === 0) { try { extra = await $ext.db.get(i); } catch (e) { extra = e.message; } }\n"
             "if (i %% 5 === 0) extra = await Promise.all([$ext.db.get(1), $ext.sync.double(i)]);\n"
             "if (i %% 7 === 0) extra = [$host['acme:games/dice'].roll(), await $ext.sync.double(i)];\n"
             "if (i %% 11 === 0) $view.command('list', 'refresh', {at: new Date().toISOString()});\n"
             "if (i %% 13 === 0) throw new Error('unlucky ' + r);\n"
             "return {i, r, t, n, extra, d: new Date().getTime() - t < 1000};",
             i);
}

static char *outcome_of(const nx_result_t *r, size_t *len)
{
    uint8_t *doc;
    assert_int_equal(nx_result_outcome_msgpack(r, &doc, len), NX_OK);
    return (char *)doc;
}

static void test_record_replay_100(void **state)
{
    (void)state;
    nx_runtime_t *replayer = make_runtime(); /* a fresh runtime: nothing shared */
    register_all(replayer);
    int suspended = 0, failed = 0;
    for (int i = 0; i < 100; i++) {
        char src[1024];
        make_handler(src, sizeof src, i);
        run_opts_t o = { .state = "{\"k0\":0}", .caps = { "state:read:*", "state:write:*", "events:emit:*",
                                                          "ext:*", "host:*", "view:update:*" } };
        nx_context_t *ctx = make_context(&o);
        nx_recording_t *rec;
        nx_result_t *r;
        assert_int_equal(nx_execute_recorded(rt, src, strlen(src), ctx, &rec, &r), NX_OK);
        suspended += nx_result_status(r) == NX_STATUS_SUSPENDED;
        r = settle(r);
        failed += nx_result_status(r) == NX_STATUS_ERROR;
        nx_context_free(ctx);

        uint8_t *saved;
        size_t saved_len;
        assert_int_equal(nx_recording_save(rec, &saved, &saved_len), NX_OK);
        nx_recording_free(rec);
        nx_recording_t *loaded;
        assert_int_equal(nx_recording_load(saved, saved_len, &loaded), NX_OK);
        nx_free(saved);

        nx_result_t *again;
        assert_int_equal(nx_replay(replayer, loaded, &again), NX_OK);
        size_t a_len, b_len;
        char *a = outcome_of(r, &a_len), *b = outcome_of(again, &b_len);
        if (a_len != b_len || memcmp(a, b, a_len) != 0) {
            char *ja = result_json(r), *jb = result_json(again);
            fail_msg("execution %d replayed differently:\n%s\n%s", i, ja, jb);
        }
        free(a);
        free(b);
        nx_result_free(again);
        nx_result_free(r);
        nx_recording_free(loaded);
    }
    print_message("100 executions replayed identically (%d suspended, %d failed)\n", suspended, failed);
    assert_true(suspended >= 40);
    assert_true(failed >= 5);
    nx_runtime_free(replayer);
}

static void test_replay_detects_divergence(void **state)
{
    (void)state;
    const char *src = "return [$state.get('a'), Math.random()]";
    run_opts_t o = { .state = "{\"a\":1,\"b\":2}", .caps = { "state:read:*" } };
    nx_context_t *ctx = make_context(&o);
    nx_recording_t *rec;
    nx_result_t *r;
    assert_int_equal(nx_execute_recorded(rt, src, strlen(src), ctx, &rec, &r), NX_OK);
    nx_result_free(r);
    nx_context_free(ctx);
    uint8_t *saved;
    size_t len;
    assert_int_equal(nx_recording_save(rec, &saved, &len), NX_OK);
    nx_recording_free(rec);
    /* make the recorded source read another key */
    uint8_t *p = memmem(saved, len, "get('a')", 8);
    assert_non_null(p);
    p[5] = 'b';
    nx_recording_t *tampered;
    assert_int_equal(nx_recording_load(saved, len, &tampered), NX_OK);
    assert_int_equal(nx_replay(rt, tampered, &r), NX_OK);
    assert_result_error(r, NX_E_INVALID_HANDLER);
    assert_non_null(strstr(nx_result_error(r)->message, "replay diverged"));
    nx_result_free(r);
    nx_recording_free(tampered);
    /* garbage is refused */
    nx_recording_t *bad;
    assert_int_equal(nx_recording_load(saved, len / 2, &bad), NX_E_INVALID_ARGUMENT);
    assert_int_equal(nx_recording_load("\x93\x01\x02\x03", 4, &bad), NX_E_INVALID_ARGUMENT);
    nx_free(saved);
}

/* A recording that gives two deferred calls the same id (the ids a replay
 * uses are the recorded ones) is a divergence: once, it left a table
 * entry pointing at a freed execution (found by fuzz_recording). */
static void test_replay_refuses_a_repeated_call_id(void **state)
{
    (void)state;
    const char *src = "const [a, b] = await Promise.all([$ext.db.get(1), $ext.db.get(2)]); return a + b;";
    run_opts_t o = { .caps = { "ext:db" } };
    nx_context_t *ctx = make_context(&o);
    nx_recording_t *rec;
    nx_result_t *r;
    assert_int_equal(nx_execute_recorded(rt, src, strlen(src), ctx, &rec, &r), NX_OK);
    nx_context_free(ctx);
    assert_int_equal(nx_result_suspension_count(r), 2);
    char first[64], second[64];
    snprintf(first, sizeof first, "%s", nx_result_suspension(r, 0)->id);
    snprintf(second, sizeof second, "%s", nx_result_suspension(r, 1)->id);
    nx_result_free(r);
    uint8_t one[] = { 0x01 };
    nx_outcome_t ans = { .value = one, .value_len = 1 };
    assert_int_equal(nx_resume(rt, first, &ans, &r), NX_OK);
    nx_result_free(r);
    assert_int_equal(nx_resume(rt, second, &ans, &r), NX_OK);
    assert_result_value(r, "2");
    nx_result_free(r);
    uint8_t *saved;
    size_t len;
    assert_int_equal(nx_recording_save(rec, &saved, &len), NX_OK);
    nx_recording_free(rec);
    assert_int_equal(strlen(first), strlen(second));
    uint8_t *p = memmem(saved, len, second, strlen(second));
    assert_non_null(p);
    memcpy(p, first, strlen(first)); /* the second deferred call's logged id */
    nx_recording_t *tampered;
    assert_int_equal(nx_recording_load(saved, len, &tampered), NX_OK);
    for (int i = 0; i < 2; i++) { /* and the runtime is sound afterwards */
        assert_int_equal(nx_replay(rt, tampered, &r), NX_OK);
        assert_result_error(r, NX_E_INVALID_HANDLER);
        nx_result_free(r);
    }
    nx_recording_free(tampered);
    nx_free(saved);
    expect_run(rt, "return 1", NULL, "1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_custom_interface_needs_its_token),
        cmocka_unit_test(test_custom_interface_errors),
        cmocka_unit_test(test_interface_names),
        cmocka_unit_test(test_interceptors),
        cmocka_unit_test(test_record_replay_100),
        cmocka_unit_test(test_replay_detects_divergence),
        cmocka_unit_test(test_replay_refuses_a_repeated_call_id),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
