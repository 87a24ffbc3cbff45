/* test_conformance.c - QuickJS's own tests (test_builtin.js,
 * test_language.js, test_loop.js, test_closure.js from the same tarball)
 * run unmodified inside the sandbox: the translated engine must behave like
 * the original. They need eval and plain globals, so they run in the raw
 * engine mode (NX_INIT_RAW_ENGINE), not the hardened handler context. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "sandbox/instance.h"

#ifndef QUICKJS_TESTS_DIR
#define QUICKJS_TESTS_DIR "build/quickjs/tests"
#endif

static nx_snapshot_t *g_snapshot;

static int setup(void **state)
{
    (void)state;
    char err[256];
    nx_code_t code = nx_snapshot_create(NX_INIT_RAW_ENGINE, &g_snapshot, err, sizeof err);
    if (code != NX_OK)
        fprintf(stderr, "snapshot: %s\n", err);
    return code == NX_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nx_snapshot_free(g_snapshot);
    return 0;
}

/* Prints the guest's error report (for a failing run). */
static void print_report(const nx_instance_t *inst)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 1024);
    msgpack_object obj;
    size_t off = 0;
    if (msgpack_unpack((const char *)inst->report, inst->report_len, &off, &zone, &obj) ==
        MSGPACK_UNPACK_SUCCESS) {
        msgpack_object_print(stderr, obj);
        fputc('\n', stderr);
    }
    msgpack_zone_destroy(&zone);
}

/* True when the report is a map whose "status" is "ok". */
static bool report_ok(const nx_instance_t *inst)
{
    msgpack_zone zone;
    msgpack_zone_init(&zone, 1024);
    msgpack_object obj;
    size_t off = 0;
    bool ok = false;
    if (msgpack_unpack((const char *)inst->report, inst->report_len, &off, &zone, &obj) ==
            MSGPACK_UNPACK_SUCCESS && obj.type == MSGPACK_OBJECT_MAP) {
        for (uint32_t i = 0; i < obj.via.map.size; i++) {
            const msgpack_object_kv *kv = &obj.via.map.ptr[i];
            if (kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == 6 &&
                memcmp(kv->key.via.str.ptr, "status", 6) == 0)
                ok = kv->val.type == MSGPACK_OBJECT_STR && kv->val.via.str.size == 2 &&
                     memcmp(kv->val.via.str.ptr, "ok", 2) == 0;
        }
    }
    msgpack_zone_destroy(&zone);
    return ok;
}

static void run_engine_test(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", QUICKJS_TESTS_DIR, name);
    size_t len = 0;
    char *src = read_whole_file(path, &len);
    assert_non_null(src);

    nx_instance_t *inst;
    assert_int_equal(nx_instance_create(g_snapshot, &inst), NX_OK);
    nx_instance_set_page_cap(inst, 4096); /* 256 MiB */
    assert_int_equal(nx_instance_write_input(inst, src, len), NX_OK);
    nx_thread_t *t = nx_thread_get();
    assert_non_null(t);
    assert_int_equal(nx_deadline_arm(t, 60000, 50, nx_instance_interrupt_flag(inst)), 0);
    uint32_t ret = 0;
    int trap = nx_instance_call(inst, t, NX_EXPORT_EVAL, (uint32_t)len, &ret);
    bool late = nx_deadline_disarm(t);
    if (trap || late || !report_ok(inst)) {
        fprintf(stderr, "%s: trap %d, late %d\n", name, trap, late);
        print_report(inst);
    }
    assert_int_equal(trap, 0);
    assert_false(late);
    assert_int_equal(ret, 0);
    assert_true(report_ok(inst));
    nx_instance_free(inst);
    free(src);
}

static void test_builtin(void **state) { (void)state; run_engine_test("test_builtin.js"); }
static void test_language(void **state) { (void)state; run_engine_test("test_language.js"); }
static void test_loop(void **state) { (void)state; run_engine_test("test_loop.js"); }
static void test_closure(void **state) { (void)state; run_engine_test("test_closure.js"); }

/* The tie-rounding fix (guest/rounding.c) on its own, so a regression
 * names itself. */
static void test_tie_rounding(void **state)
{
    (void)state;
    static const char src[] =
        "function eq(a, b) { if (a !== b) throw Error(a + ' !== ' + b); }\n"
        "eq((25).toExponential(0), '3e+1');\n"
        "eq((-25).toExponential(0), '-3e+1');\n"
        "eq((1.5).toFixed(0), '2');\n"
        "eq((2.5).toFixed(0), '3');\n"
        "eq((-2.5).toFixed(0), '-3');\n"
        "eq((1.25).toFixed(1), '1.3');\n"
        "eq((1.005).toFixed(2), '1.00');\n"
        "eq((0.5).toFixed(0), '1');\n"
        "eq((9.5).toFixed(0), '10');\n"
        "eq((99.5).toPrecision(2), '1.0e+2');\n"
        "eq((12.5).toPrecision(2), '13');\n"
        "eq((1.45).toFixed(1), '1.4');\n";
    nx_instance_t *inst;
    assert_int_equal(nx_instance_create(g_snapshot, &inst), NX_OK);
    assert_int_equal(nx_instance_write_input(inst, src, sizeof src - 1), NX_OK);
    nx_thread_t *t = nx_thread_get();
    uint32_t ret;
    assert_int_equal(nx_instance_call(inst, t, NX_EXPORT_EVAL, sizeof src - 1, &ret), 0);
    if (!report_ok(inst))
        print_report(inst);
    assert_true(report_ok(inst));
    nx_instance_free(inst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tie_rounding),
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_language),
        cmocka_unit_test(test_loop),
        cmocka_unit_test(test_closure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
