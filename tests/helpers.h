/* helpers.h - shared by the C API tests: running a handler with JSON inputs
 * and capabilities, and reading results back as JSON text. Header-only so
 * every tests/test_*.c stays one program. */
#ifndef NEXUS_TEST_HELPERS_H
#define NEXUS_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash_report.h"
#include "nexus.h"
#include "common/values.h"

#define MAX_CAPS 32

typedef struct run_opts {
    const char *state, *args, *scope;   /* JSON objects or NULL */
    const char *caps[MAX_CAPS];         /* NULL-terminated */
    nx_limits_t limits;
} run_opts_t;

static inline nx_context_t *make_context(const run_opts_t *o)
{
    nx_context_t *ctx;
    assert_int_equal(nx_context_create(&ctx), NX_OK);
    if (o && o->state)
        assert_int_equal(nx_context_set_state_json(ctx, o->state), NX_OK);
    if (o && o->args)
        assert_int_equal(nx_context_set_args_json(ctx, o->args), NX_OK);
    if (o && o->scope)
        assert_int_equal(nx_context_set_scope_json(ctx, o->scope), NX_OK);
    for (int i = 0; o && i < MAX_CAPS && o->caps[i]; i++)
        assert_int_equal(nx_context_add_capability(ctx, o->caps[i]), NX_OK);
    if (o)
        assert_int_equal(nx_context_set_limits(ctx, &o->limits), NX_OK);
    return ctx;
}

/* Runs source; returns the result (never NULL). *code gets the call's code. */
static inline nx_result_t *run_code(nx_runtime_t *rt, const char *source, const run_opts_t *o,
                                    nx_code_t *code)
{
    nx_context_t *ctx = make_context(o);
    nx_result_t *r = NULL;
    nx_code_t c = nx_execute(rt, source, strlen(source), ctx, &r);
    nx_context_free(ctx);
    assert_non_null(r);
    if (code)
        *code = c;
    return r;
}

static inline nx_result_t *run(nx_runtime_t *rt, const char *source, const run_opts_t *o)
{
    nx_code_t code;
    nx_result_t *r = run_code(rt, source, o, &code);
    if (code != NX_OK) {
        const nx_error_info_t *e = nx_result_error(r);
        fail_msg("execute failed: %s %s", nx_code_name(code), e ? e->message : "");
    }
    return r;
}

/* A MessagePack value as compact JSON (caller frees), "undefined" for none. */
static inline char *value_json(const uint8_t *v, size_t len)
{
    if (!v || !len)
        return strdup("undefined");
    char *json = NULL;
    assert_int_equal(nx_msgpack_to_json(v, len, &json), NX_OK);
    return json;
}

static inline char *result_value_json(const nx_result_t *r)
{
    size_t len;
    const uint8_t *v = nx_result_value(r, &len);
    return value_json(v, len);
}

/* Asserts success with the given return value (as compact JSON). */
static inline void assert_result_value(const nx_result_t *r, const char *expected_json)
{
    const nx_error_info_t *e = nx_result_error(r);
    if (nx_result_status(r) != NX_STATUS_SUCCESS)
        fail_msg("expected success, got %s: %s %s", nx_status_name(nx_result_status(r)),
                 e ? nx_code_name(e->code) : "", e ? e->message : "");
    char *got = result_value_json(r);
    if (strcmp(got, expected_json) != 0) {
        fprintf(stderr, "expected %s\n     got %s\n", expected_json, got);
        free(got);
        fail();
    }
    free(got);
}

/* Asserts an error result with this code. */
static inline void assert_result_error(const nx_result_t *r, nx_code_t code)
{
    const nx_error_info_t *e = nx_result_error(r);
    if (nx_result_status(r) != NX_STATUS_ERROR || !e)
        fail_msg("expected error %s, got %s", nx_code_name(code), nx_status_name(nx_result_status(r)));
    if (e->code != code)
        fail_msg("expected error %s, got %s: %s", nx_code_name(code), nx_code_name(e->code), e->message);
}

/* Runs and checks the return value in one go. */
static inline void expect_run(nx_runtime_t *rt, const char *source, const run_opts_t *o,
                              const char *expected_json)
{
    nx_result_t *r = run(rt, source, o);
    assert_result_value(r, expected_json);
    nx_result_free(r);
}

static inline void expect_run_error(nx_runtime_t *rt, const char *source, const run_opts_t *o,
                                    nx_code_t code)
{
    nx_result_t *r = run(rt, source, o);
    assert_result_error(r, code);
    nx_result_free(r);
}

/* The whole result as JSON (caller frees). */
static inline char *result_json(const nx_result_t *r)
{
    char *json = NULL;
    assert_int_equal(nx_result_to_json(r, &json), NX_OK);
    return json;
}

/* The whole file at path, NUL-terminated (caller frees), its length in
 * *len unless len is NULL; NULL if it cannot be read. */
static inline char *read_whole_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
        buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = (size_t)n;
    return buf;
}

static inline nx_runtime_t *make_runtime(void)
{
    crash_report_install();
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 1;
    nx_runtime_t *rt = NULL;
    nx_code_t code = nx_runtime_create(&cfg, &rt);
    if (code != NX_OK)
        fail_msg("runtime: %s", nx_code_name(code));
    return rt;
}

/* make_runtime() with extension db.get registered and answered by the
 * caller: the runtime of tests whose handlers suspend on one call. */
static inline nx_runtime_t *make_runtime_with_db(void)
{
    nx_runtime_t *rt = make_runtime();
    static const char *const db[] = { "get" };
    assert_int_equal(nx_runtime_register_extension(rt, "db", db, 1, NULL, NULL, NULL), NX_OK);
    return rt;
}

#endif
