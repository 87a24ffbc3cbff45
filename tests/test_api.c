/* test_api.c - the handler API through the C API: the counter example,
 * $state (methods and Proxy), $args/$scope, $emit, $view, $log/console,
 * $time, $ext listing, errors and their locations, values crossing the
 * boundary, and what failed results carry. */
#include "helpers.h"

static nx_runtime_t *rt;

static int setup(void **state)
{
    (void)state;
    rt = make_runtime();
    static const char *const http_methods[] = { "get", "post" };
    nx_runtime_register_extension(rt, "http", http_methods, 2, NULL, NULL, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nx_runtime_free(rt);
    return 0;
}

static char *read_example(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", EXAMPLES_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* ---- issue acceptance: the counter example ------------------------------------- */

static void test_counter_example(void **state)
{
    (void)state;
    run_opts_t o = { .state = "{\"count\":41}", .args = "{\"step\":1}",
                     .caps = { "state:read:count", "state:write:count", "events:emit:*" } };
    nx_result_t *r = run(rt, read_example("counter.js"), &o);
    assert_result_value(r, "42");
    assert_int_equal(nx_result_mutation_count(r), 1);
    const nx_mutation_t *m = nx_result_mutation(r, 0);
    assert_string_equal(m->key, "count");
    assert_int_equal(m->op, NX_MUTATION_SET);
    char *v = value_json(m->value, m->value_len);
    assert_string_equal(v, "42");
    free(v);
    assert_int_equal(nx_result_event_count(r), 1);
    assert_string_equal(nx_result_event(r, 0)->name, "counter:changed");
    assert_int_equal(nx_result_metrics(r)->host_calls, 3);
    nx_result_free(r);
}

static void test_counter_without_write_is_denied(void **state)
{
    (void)state;
    run_opts_t o = { .state = "{\"count\":41}", .args = "{\"step\":1}",
                     .caps = { "state:read:count", "events:emit:*" } };
    nx_result_t *r = run(rt, read_example("counter.js"), &o);
    assert_result_error(r, NX_E_PERMISSION_DENIED);
    const nx_error_info_t *e = nx_result_error(r);
    assert_non_null(strstr(e->message, "state:write:count"));
    assert_int_equal(e->line, 6); /* $state.count = count; */
    assert_string_equal(e->source_line, "$state.count = count;");
    nx_result_free(r);
}

/* ---- $state ------------------------------------------------------------------------ */

static void test_caught_denial_then_emit(void **state)
{
    (void)state;
    run_opts_t o = { .caps = { "events:emit:done" } };
    nx_result_t *r = run(rt,
                         "try { $state.set('x', 1); } catch (e) {\n"
                         "  if (e.code !== 'PERMISSION_DENIED') throw e;\n"
                         "}\n"
                         "$emit('done', { ok: true });\n"
                         "return 'caught';",
                         &o);
    assert_result_value(r, "\"caught\"");
    assert_int_equal(nx_result_mutation_count(r), 0);
    assert_int_equal(nx_result_event_count(r), 1);
    nx_result_free(r);
}

static void test_state_methods(void **state)
{
    (void)state;
    run_opts_t o = { .state = "{\"a\":1,\"b\":{\"c\":[1,2]}}", .caps = { "state:read:*", "state:write:*" } };
    expect_run(rt, "return [$state.get('a'), $state.get('missing'), $state.has('a'), $state.has('zz')]",
               &o, "[1,null,true,false]");
    expect_run(rt, "$state.set('a', 5); $state.delete('b'); return [$state.get('a'), $state.has('b'), $state.keys()]",
               &o, "[5,false,[\"a\"]]");
    expect_run(rt, "return $state.update('a', (v) => v + 10)", &o, "11");
    nx_result_t *r = run(rt, "$state.set('x', 1); $state.set('x', 2); $state.delete('a'); $state.set('y', null);", &o);
    assert_result_value(r, "undefined");
    /* one mutation per key, first-write order, final value */
    assert_int_equal(nx_result_mutation_count(r), 3);
    assert_string_equal(nx_result_mutation(r, 0)->key, "x");
    char *v = value_json(nx_result_mutation(r, 0)->value, nx_result_mutation(r, 0)->value_len);
    assert_string_equal(v, "2");
    free(v);
    assert_string_equal(nx_result_mutation(r, 1)->key, "a");
    assert_int_equal(nx_result_mutation(r, 1)->op, NX_MUTATION_DELETE);
    assert_string_equal(nx_result_mutation(r, 2)->key, "y");
    assert_int_equal(nx_result_mutation(r, 2)->op, NX_MUTATION_SET);
    nx_result_free(r);
}

static void test_state_proxy(void **state)
{
    (void)state;
    run_opts_t o = { .state = "{\"a\":1,\"b\":2}", .caps = { "state:read:*", "state:write:*" } };
    expect_run(rt, "$state.c = $state.a + $state.b; delete $state.a;\n"
                   "return [Object.keys($state).sort(), 'a' in $state, 'c' in $state, $state.c, $state.a]",
               &o, "[[\"b\",\"c\"],false,true,3,null]");
    expect_run(rt, "$state['x y'] = {n: 1}; $state['x y'].n = 2; return $state['x y']", &o, "{\"n\":1}");
    expect_run(rt, "const all = {}; for (const k in $state) all[k] = $state[k]; return all", &o,
               "{\"a\":1,\"b\":2}");
}

static void test_state_method_named_keys(void **state)
{
    (void)state;
    /* reads of the method names give the methods; everything else is state */
    run_opts_t o = { .state = "{\"get\":7}", .caps = { "state:read:*", "state:write:*" } };
    expect_run(rt, "return [typeof $state.get, $state.get('get'), 'get' in $state]", &o, "[\"function\",7,true]");
    expect_run(rt, "$state.keys = 1; return [typeof $state.keys, $state.get('keys')]", &o, "[\"function\",1]");
}

static void test_state_keys_needs_wildcard(void **state)
{
    (void)state;
    run_opts_t o = { .state = "{\"a\":1}", .caps = { "state:read:a" } };
    expect_run_error(rt, "return $state.keys()", &o, NX_E_PERMISSION_DENIED);
    expect_run_error(rt, "return Object.keys($state)", &o, NX_E_PERMISSION_DENIED);
    expect_run(rt, "return $state.a", &o, "1");
}

static void test_state_invalid_arguments(void **state)
{
    (void)state;
    run_opts_t o = { .caps = { "state:read:*", "state:write:*" } };
    expect_run(rt, "try { $state.get(42) } catch (e) { return e.code }", &o, "\"INVALID_ARGUMENT\"");
    expect_run(rt, "try { $state.set('f', () => 1) } catch (e) { return e.code }", &o,
               "\"SERIALIZATION_ERROR\"");
    expect_run(rt, "const c = {}; c.self = c; try { $state.set('c', c) } catch (e) { return e.code }", &o,
               "\"SERIALIZATION_ERROR\"");
    expect_run(rt, "try { $state.set('s', Symbol('x')) } catch (e) { return e.code }", &o,
               "\"SERIALIZATION_ERROR\"");
    expect_run(rt, "try { $state.update('a', 5) } catch (e) { return e.code }", &o, "\"INVALID_ARGUMENT\"");
    expect_run_error(rt, "$state.set({}, 1)", &o, NX_E_INVALID_ARGUMENT);
}

/* ---- $args, $scope ------------------------------------------------------------------- */

static void test_args_and_scope_read_only(void **state)
{
    (void)state;
    run_opts_t o = { .args = "{\"n\":1,\"deep\":{\"x\":[1]}}", .scope = "{\"row\":3}" };
    expect_run(rt, "return [$args.n, $args.deep.x[0], $scope.row]", &o, "[1,1,3]");
    expect_run(rt, "'use strict'; try { $args.n = 2; return 'wrote' } catch (e) { return e.name }", &o,
               "\"TypeError\"");
    expect_run(rt, "'use strict'; try { $args.deep.x.push(2); return 'wrote' } catch (e) { return e.name }", &o,
               "\"TypeError\"");
    expect_run(rt, "$args.n = 5; $scope = null; return [$args.n, $scope.row]", &o, "[1,3]");
    expect_run(rt, "return [Object.keys($args).length, Object.keys($scope).length]", NULL, "[0,0]");
    /* frozen all the way down, like Object.freeze at every level */
    expect_run(rt,
               "const f = Object.isFrozen, x = $args.deep.x;\n"
               "'use strict'; try { x.length = 5 } catch (e) {}\n"
               "try { Object.defineProperty($args.deep, 'y', {value: 1}) } catch (e) {}\n"
               "return [f($args), f($args.deep), f(x), f($scope), f($handler), x.length,\n"
               "  'y' in $args.deep, Object.getOwnPropertyDescriptor($args, 'n').writable,\n"
               "  Object.getOwnPropertyDescriptor($args, 'n').enumerable,\n"
               "  Object.getOwnPropertyDescriptor(x, 'length').writable]",
               &o, "[true,true,true,true,true,1,false,false,true,false]");
    run_opts_t none = { 0 };
    expect_run(rt, "return [Object.isFrozen($args), Object.isFrozen($scope)]", &none, "[true,true]");
}

static void test_handler_identity(void **state)
{
    (void)state;
    nx_context_t *ctx = make_context(NULL);
    assert_int_equal(nx_context_set_panel_id(ctx, "panel-7"), NX_OK);
    assert_int_equal(nx_context_set_handler_name(ctx, "onSave"), NX_OK);
    const char *src = "$handler.name = 'x'; return [$handler.panelId, $handler.name, Object.isFrozen($handler)]";
    nx_result_t *r;
    assert_int_equal(nx_execute(rt, src, strlen(src), ctx, &r), NX_OK);
    assert_result_value(r, "[\"panel-7\",\"onSave\",true]");
    nx_result_free(r);
    nx_context_free(ctx);
    expect_run(rt, "return [$handler.panelId, $handler.name]", NULL, "[null,null]");
}

/* ---- $emit, $view, $log, $time, $ext -------------------------------------------------- */

static void test_emit_and_toast(void **state)
{
    (void)state;
    run_opts_t o = { .caps = { "events:emit:*" } };
    nx_result_t *r = run(rt, "$emit('a', {x: 1}); $emit('b'); $emit.toast('Saved!'); $emit.toast('Oops', 'error');", &o);
    assert_int_equal(nx_result_event_count(r), 4);
    const nx_event_t *e = nx_result_event(r, 2);
    assert_string_equal(e->name, "toast");
    char *p = value_json(e->payload, e->payload_len);
    assert_string_equal(p, "{\"message\":\"Saved!\",\"type\":\"info\"}");
    free(p);
    p = value_json(nx_result_event(r, 1)->payload, nx_result_event(r, 1)->payload_len);
    assert_string_equal(p, "null");
    free(p);
    nx_result_free(r);
    run_opts_t only_toast = { .caps = { "events:emit:toast" } };
    expect_run(rt, "$emit.toast('hi'); try { $emit('other') } catch (e) { return e.code }", &only_toast,
               "\"PERMISSION_DENIED\"");
    expect_run(rt, "try { $emit('') } catch (e) { return e.code }", &o, "\"INVALID_ARGUMENT\"");
}

static void test_view_commands(void **state)
{
    (void)state;
    run_opts_t o = { .caps = { "view:update:*" } };
    nx_result_t *r = run(rt,
                         "$view.setFilter('list', 'open');\n"
                         "$view.scrollTo('list', 10);\n"
                         "$view.focus('search');\n"
                         "$view.command('chart', 'zoom', {level: 2});\n"
                         "$view.command('refresh', {});",
                         &o);
    assert_int_equal(nx_result_view_command_count(r), 5);
    const nx_view_command_t *v = nx_result_view_command(r, 0);
    assert_string_equal(v->component_id, "list");
    assert_string_equal(v->type, "setFilter");
    char *a = value_json(v->args, v->args_len);
    assert_string_equal(a, "{\"filter\":\"open\"}");
    free(a);
    assert_string_equal(nx_result_view_command(r, 3)->type, "zoom");
    assert_null(nx_result_view_command(r, 4)->component_id);
    assert_string_equal(nx_result_view_command(r, 4)->type, "refresh");
    nx_result_free(r);
}

static void test_log_console_time(void **state)
{
    (void)state;
    nx_result_t *r = run(rt,
                         "$log.debug('d'); $log.info('i', 1, {a: [2]}); $log.warn('w'); $log.error(new TypeError('bad'));\n"
                         "console.log('c', null, undefined); console.error('ce');\n"
                         "const t = $time.now(); return t > 1.6e12 && Math.abs(t - Date.now()) < 5000;",
                         NULL);
    assert_result_value(r, "true");
    assert_int_equal(nx_result_log_count(r), 6);
    assert_int_equal(nx_result_log(r, 0)->level, NX_LOG_DEBUG);
    assert_string_equal(nx_result_log(r, 1)->message, "i 1 {\"a\":[2]}");
    assert_int_equal(nx_result_log(r, 2)->level, NX_LOG_WARN);
    assert_string_equal(nx_result_log(r, 3)->message, "TypeError: bad");
    assert_string_equal(nx_result_log(r, 4)->message, "c null undefined");
    assert_int_equal(nx_result_log(r, 4)->level, NX_LOG_INFO);
    assert_int_equal(nx_result_log(r, 5)->level, NX_LOG_ERROR);
    assert_true(nx_result_log(r, 0)->timestamp_ms > 1.6e12);
    nx_result_free(r);
}

static void test_ext_listing(void **state)
{
    (void)state;
    expect_run(rt, "return [Object.keys($ext), Object.keys($ext.http), 'http' in $ext, 'nope' in $ext]", NULL,
               "[[\"http\"],[\"get\",\"post\"],true,false]");
    /* feature detection never throws; what is absent reads as undefined to typeof */
    expect_run(rt, "return [typeof $ext.nope, typeof $ext.http.put, typeof $ext.http.get, 'put' in $ext.http]", NULL,
               "[\"undefined\",\"undefined\",\"function\",false]");
    expect_run(rt, "return [$ext.exists('http'), $ext.exists('nope'), $ext.methods('http'), "
               "$ext.methods('nope') === undefined, $ext.list(), 'exists' in $ext]", NULL,
               "[true,false,[\"get\",\"post\"],true,[\"http\"],false]");
    expect_run(rt, "return [$ext.nope == null, $ext.http.put == null, $ext.then, $ext.http.then]", NULL,
               "[true,true,null,null]");
    /* using what is absent still says what is missing */
    expect_run(rt, "try { $ext.nope.x() } catch (e) { return e.code }", NULL, "\"EXTENSION_NOT_FOUND\"");
    expect_run(rt, "try { $ext.http.put() } catch (e) { return e.code }", NULL, "\"METHOD_NOT_FOUND\"");
    expect_run(rt, "try { await $ext.http.get('u') } catch (e) { return e.code }", NULL, "\"PERMISSION_DENIED\"");
}

/* ---- errors --------------------------------------------------------------------------- */

static void test_uncaught_error_location(void **state)
{
    (void)state;
    nx_result_t *r = run(rt, "let a = 1;\nfunction f() {\n  return a.b.c;\n}\nreturn f();", NULL);
    assert_result_error(r, NX_E_EXECUTION_ERROR);
    const nx_error_info_t *e = nx_result_error(r);
    assert_string_equal(e->message, "TypeError: cannot read property 'c' of undefined");
    assert_int_equal(e->line, 3);
    assert_string_equal(e->source_line, "  return a.b.c;");
    assert_non_null(strstr(e->stack, "at f (<handler>:3)"));
    nx_result_free(r);

    r = run(rt, "throw 'plain string';", NULL);
    assert_result_error(r, NX_E_EXECUTION_ERROR);
    assert_string_equal(nx_result_error(r)->message, "plain string");
    nx_result_free(r);

    r = run(rt, "const e = new Error('coded'); e.code = 'INVALID_ARGUMENT'; throw e;", NULL);
    assert_result_error(r, NX_E_INVALID_ARGUMENT);
    nx_result_free(r);
    /* codes only the host may establish are not taken from the handler */
    r = run(rt, "const e = new Error('fake'); e.code = 'TIMEOUT'; throw e;", NULL);
    assert_result_error(r, NX_E_EXECUTION_ERROR);
    nx_result_free(r);
}

static void test_syntax_error_location(void **state)
{
    (void)state;
    nx_result_t *r = run(rt, "let a = 1;\nlet b = a +* 2;\n", NULL);
    assert_result_error(r, NX_E_COMPILATION_ERROR);
    const nx_error_info_t *e = nx_result_error(r);
    assert_int_equal(e->line, 2);
    assert_int_equal(e->column, 12);
    assert_string_equal(e->source_line, "let b = a +* 2;");
    nx_result_free(r);
    r = run(rt, "let a = (;", NULL);
    assert_int_equal(nx_result_error(r)->line, 1);
    assert_int_equal(nx_result_error(r)->column, 10);
    nx_result_free(r);
}

static void test_failed_result_keeps_only_logs(void **state)
{
    (void)state;
    run_opts_t o = { .caps = { "state:write:*", "events:emit:*", "view:update:*" } };
    nx_result_t *r = run(rt, "$state.x = 1; $emit('e'); $view.focus('f'); $log.info('before'); throw new Error('late');", &o);
    assert_result_error(r, NX_E_EXECUTION_ERROR);
    assert_int_equal(nx_result_mutation_count(r), 0);
    assert_int_equal(nx_result_event_count(r), 0);
    assert_int_equal(nx_result_view_command_count(r), 0);
    assert_int_equal(nx_result_log_count(r), 1);
    nx_result_free(r);
}

static void test_bad_token_rejected(void **state)
{
    (void)state;
    static const char *const bad[] = { "state:delete:x", "events:emit:", "foo", "state:read:a b", "*" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_opts_t o = { .caps = { "state:read:a", bad[i] } };
        nx_code_t code;
        nx_result_t *r = run_code(rt, "return 1", &o, &code);
        assert_int_equal(code, NX_E_INVALID_ARGUMENT);
        assert_result_error(r, NX_E_INVALID_ARGUMENT);
        assert_non_null(strstr(nx_result_error(r)->message, bad[i]));
        nx_result_free(r);
    }
}

/* ---- values crossing the boundary ---------------------------------------------------- */

static void test_values_round_trip(void **state)
{
    (void)state;
    run_opts_t o = { .state = "{\"v\":{\"s\":\"h\\u00e9llo \\ud83d\\ude00\",\"n\":-1.5,\"i\":9007199254740991,\"t\":true,\"z\":null,\"a\":[1,[2,[3]]]}}",
                     .caps = { "state:read:*", "state:write:*" } };
    expect_run(rt, "$state.w = $state.v; return $state.w", &o,
               "{\"s\":\"h\xc3\xa9llo \xf0\x9f\x98\x80\",\"n\":-1.5,\"i\":9007199254740991,\"t\":true,\"z\":null,\"a\":[1,[2,[3]]]}");
    expect_run(rt, "return [1/0, -0, NaN, 2**53 + 2, 0.1 + 0.2]", NULL,
               "[null,-0.0,null,9007199254740994.0,0.30000000000000004]");
    expect_run(rt, "return [10n, -(2n**63n), 2n**64n - 1n]", NULL, "[10,-9223372036854775808,1.8446744073709552e19]");
    /* the return value crosses after the handler ends: no catch possible */
    expect_run_error(rt, "return 2n**64n", NULL, NX_E_SERIALIZATION_ERROR);
    expect_run(rt, "return new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))", NULL, "\"2024-01-02T03:04:05.678Z\"");
    expect_run(rt, "return new Uint8Array([104, 105])", NULL, "\"aGk=\"");
    expect_run(rt, "return new Uint16Array([1]).buffer", NULL, "\"AQA=\"");
    expect_run(rt, "return {a: undefined, b: [undefined], c: 1}", NULL, "{\"b\":[null],\"c\":1}");
    expect_run(rt, "return '\\ud800x'", NULL, "\"\xef\xbf\xbdx\"");
    expect_run(rt, "return {['__proto__']: 1}", NULL, "{\"__proto__\":1}");
    run_opts_t dated = { .state = "{}", .caps = { "state:read:*", "state:write:*" } };
    expect_run(rt, "$state.d = new Date(0); $state.b = new Uint8Array([1,2]);\n"
                   "return [$state.d instanceof Date, $state.d.getTime(), $state.b instanceof Uint8Array, $state.b[1]]",
               &dated, "[true,0,true,2]");
}

static void test_deep_values(void **state)
{
    (void)state;
    expect_run(rt, "let v = 1; for (let i = 0; i < 32; i++) v = [v]; return v.length", NULL, "1");
    expect_run(rt, "let v = 1; for (let i = 0; i < 32; i++) v = [v]; return v", NULL,
               "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
    expect_run_error(rt, "let v = 1; for (let i = 0; i < 33; i++) v = [v]; return v", NULL,
                     NX_E_SERIALIZATION_ERROR);
}

static void test_result_serialisation(void **state)
{
    (void)state;
    run_opts_t o = { .caps = { "events:emit:*" } };
    nx_result_t *r = run(rt, "$emit('e', 1); return {ok: true}", &o);
    char *json = result_json(r);
    json_error_t err;
    json_t *doc = json_loads(json, 0, &err);
    assert_non_null(doc);
    static const char *const keys[] = { "status", "returnValue", "stateMutations", "events", "viewCommands",
                                        "logs", "suspension", "pendingCalls", "error", "metrics" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(json_object_get(doc, keys[i]));
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "success");
    assert_true(json_is_true(json_object_get(json_object_get(doc, "returnValue"), "ok")));
    json_decref(doc);
    free(json);
    uint8_t *mp;
    size_t len;
    assert_int_equal(nx_result_to_msgpack(r, &mp, &len), NX_OK);
    assert_int_equal(nx_value_check(mp, len, NULL), NX_OK);
    nx_free(mp);
    nx_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_example),
        cmocka_unit_test(test_counter_without_write_is_denied),
        cmocka_unit_test(test_caught_denial_then_emit),
        cmocka_unit_test(test_state_methods),
        cmocka_unit_test(test_state_proxy),
        cmocka_unit_test(test_state_method_named_keys),
        cmocka_unit_test(test_state_keys_needs_wildcard),
        cmocka_unit_test(test_state_invalid_arguments),
        cmocka_unit_test(test_args_and_scope_read_only),
        cmocka_unit_test(test_handler_identity),
        cmocka_unit_test(test_emit_and_toast),
        cmocka_unit_test(test_view_commands),
        cmocka_unit_test(test_log_console_time),
        cmocka_unit_test(test_ext_listing),
        cmocka_unit_test(test_uncaught_error_location),
        cmocka_unit_test(test_syntax_error_location),
        cmocka_unit_test(test_failed_result_keeps_only_logs),
        cmocka_unit_test(test_bad_token_rejected),
        cmocka_unit_test(test_values_round_trip),
        cmocka_unit_test(test_deep_values),
        cmocka_unit_test(test_result_serialisation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
