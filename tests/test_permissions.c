/* test_permissions.c - every token form against every host call, allowed
 * and denied, checked at the import boundary: for each call, the exact
 * token and the kind's wildcard allow it; another name, another kind's
 * wildcard, or no token deny it with PERMISSION_DENIED (catchable). */
#include "helpers.h"

static nx_runtime_t *rt;

static void answer_now(void *user, const nx_ext_call_t *call, nx_ext_reply_t *reply)
{
    (void)user; (void)call;
    nx_ext_reply_value(reply, "\xa2ok", 3);
}

static void quota_check(void *user, const char *iface, const char *fn, const uint8_t *args,
                        size_t len, nx_ext_reply_t *reply)
{
    (void)user; (void)iface; (void)fn; (void)args; (void)len;
    nx_ext_reply_value(reply, "\x07", 1);
}

static int setup(void **state)
{
    (void)state;
    rt = make_runtime();
    static const char *const methods[] = { "get" };
    assert_int_equal(nx_runtime_register_extension(rt, "http", methods, 1, answer_now, NULL, NULL), NX_OK);
    static const nx_host_function_t fns[] = { { "check", quota_check, NULL, NULL } };
    assert_int_equal(nx_runtime_register_interface(rt, "acme:billing/quota", fns, 1, NULL, NULL, NULL), NX_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nx_runtime_free(rt);
    return 0;
}

typedef struct call_spec {
    const char *what;
    const char *code;       /* the call, inside an async function */
    const char *prefix;     /* token prefix of its kind */
    const char *name;       /* its name, or NULL when only the wildcard grants */
} call_spec_t;

static const call_spec_t calls[] = {
    { "state get", "$state.get('count')", "state:read:", "count" },
    { "state proxy get", "$state.count", "state:read:", "count" },
    { "state has", "$state.has('count')", "state:read:", "count" },
    { "state in", "'count' in $state", "state:read:", "count" },
    { "state keys", "$state.keys()", "state:read:", NULL },
    { "state set", "$state.set('count', 1)", "state:write:", "count" },
    { "state proxy set", "$state.count = 1", "state:write:", "count" },
    { "state delete", "$state.delete('count')", "state:write:", "count" },
    { "state proxy delete", "delete $state.count", "state:write:", "count" },
    { "state update", "$state.update('count', (v) => 1)", "state:write:", "count" },
    { "emit", "$emit('saved', {})", "events:emit:", "saved" },
    { "toast", "$emit.toast('hi')", "events:emit:", "toast" },
    { "view focus", "$view.focus('list')", "view:update:", "list" },
    { "view setFilter", "$view.setFilter('list', 'x')", "view:update:", "list" },
    { "view scrollTo", "$view.scrollTo('list', 0)", "view:update:", "list" },
    { "view command", "$view.command('list', 'zoom', {})", "view:update:", "list" },
    { "view command without component", "$view.command('refresh', {})", "view:update:", NULL },
    { "ext call", "await $ext.http.get('u')", "ext:", "http" },
    { "host call", "$host['acme:billing/quota'].check(1)", "host:", "acme:billing/quota" },
};

static const char *const kind_wildcards[] = {
    "state:read:*", "state:write:*", "events:emit:*", "view:update:*", "ext:*", "host:*",
};

/* update needs read as well as write: grant the read it always makes */
static bool needs_read(const call_spec_t *c) { return strstr(c->code, "update") != NULL; }

static void check(const call_spec_t *c, const char *token, bool allowed, int *rows)
{
    char source[512];
    snprintf(source, sizeof source,
             "try { %s; return 'allowed'; } catch (e) { return e.code; }", c->code);
    run_opts_t o = { .caps = { token } };
    if (needs_read(c)) {
        o.caps[0] = "state:read:count";
        o.caps[1] = token;
    }
    nx_result_t *r = run(rt, source, &o);
    char *got = result_value_json(r);
    const char *want = allowed ? "\"allowed\"" : "\"PERMISSION_DENIED\"";
    if (strcmp(got, want) != 0)
        fail_msg("%s with %s: expected %s, got %s", c->what, token ? token : "(none)", want, got);
    free(got);
    nx_result_free(r);
    (*rows)++;
}

static void test_every_token_form_against_every_call(void **state)
{
    (void)state;
    int rows = 0;
    char token[256];
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        const call_spec_t *c = &calls[i];
        /* exact name: allowed (calls without a name need the wildcard) */
        snprintf(token, sizeof token, "%s%s", c->prefix, c->name ? c->name : "count");
        check(c, token, c->name != NULL, &rows);
        /* the kind's wildcard: allowed */
        snprintf(token, sizeof token, "%s*", c->prefix);
        check(c, token, true, &rows);
        /* another name of the same kind: denied */
        snprintf(token, sizeof token, "%s%s", c->prefix, "other");
        check(c, token, false, &rows);
        /* a name that is a prefix of the real one: denied */
        if (c->name) {
            snprintf(token, sizeof token, "%s%.*s", c->prefix, (int)strlen(c->name) - 1, c->name);
            check(c, token, false, &rows);
        }
        /* every other kind's wildcard: denied */
        for (size_t k = 0; k < sizeof kind_wildcards / sizeof kind_wildcards[0]; k++) {
            if (strncmp(kind_wildcards[k], c->prefix, strlen(c->prefix)) == 0)
                continue;
            check(c, kind_wildcards[k], false, &rows);
        }
        /* nothing granted: denied */
        check(c, NULL, false, &rows);
    }
    print_message("%d permission rows checked\n", rows);
    assert_true(rows > 150);
}

static void test_denied_call_records_nothing(void **state)
{
    (void)state;
    run_opts_t o = { .caps = { "state:read:*" } };
    nx_result_t *r = run(rt,
                         "for (const f of [() => $state.x = 1, () => $emit('e'), () => $view.focus('v'),\n"
                         "                 () => $host['acme:billing/quota'].check(1)])\n"
                         "  try { f() } catch (e) {}\n"
                         "return 1;",
                         &o);
    assert_result_value(r, "1");
    assert_int_equal(nx_result_mutation_count(r), 0);
    assert_int_equal(nx_result_event_count(r), 0);
    assert_int_equal(nx_result_view_command_count(r), 0);
    nx_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_token_form_against_every_call),
        cmocka_unit_test(test_denied_call_records_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
