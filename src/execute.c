/* execute.c - running handlers: compile through the bytecode cache, run on
 * a pooled instance under the deadline, turn the guest's report and the
 * host's own facts (deadline passed, memory cap hit, trap) into a result,
 * and park or release the instance. nx_execute, nx_execute_handler,
 * nx_precompile, nx_resume and nx_cancel live here.
 *
 * Effects (docs/api.md): a successful or suspended result carries the state
 * mutations, events, view commands and logs produced since the previous
 * result of the same execution; a failed result carries only the logs -
 * a handler's effects are all or nothing.
 */
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec.h"
#include "record.h"
#include "result.h"
#include "runtime.h"
#include "sandbox/memory.h"
#include "values.h"

/* Guest code runs on its caller's thread, one execution at a time: a call
 * made from a host callback (extension, interface, interceptor) during an
 * execution cannot start or resume another there. Refused up front, before
 * anything (a suspension above all) is taken. */
static bool inside_an_execution(void)
{
    nx_thread_t *t = nx_thread_get();
    return t && (t->in_guest || t->trap_target);
}

#define NESTED_MESSAGE "an execution cannot start inside another on the same thread"

struct nx_handler {
    nx_runtime_t *rt;
    nx_blob_t *bytecode;
    char *source;
    size_t source_len;
    char id[2 * NX_CACHE_KEY_BYTES + 1];
};

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- the guest's report ----------------------------------------------------------- */

typedef struct report {
    msgpack_zone zone;
    msgpack_object root;
    const msgpack_object *status, *value, *error, *bytecode;
} report_t;

static bool str_is(const msgpack_object *o, const char *s)
{
    size_t n = strlen(s);
    return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
           memcmp(o->via.str.ptr, s, n) == 0;
}

static const msgpack_object *map_get(const msgpack_object *map, const char *key)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    for (uint32_t i = 0; i < map->via.map.size; i++)
        if (str_is(&map->via.map.ptr[i].key, key))
            return &map->via.map.ptr[i].val;
    return NULL;
}

/* Parses and validates the report the guest left on the instance. */
static bool report_parse(report_t *rep, const nx_instance_t *inst)
{
    memset(rep, 0, sizeof *rep);
    msgpack_zone_init(&rep->zone, 1024);
    if (inst->report_overflow || !inst->report_len ||
        nx_value_check(inst->report, inst->report_len, NULL) != NX_OK)
        return false;
    size_t off = 0;
    if (msgpack_unpack((const char *)inst->report, inst->report_len, &off, &rep->zone,
                       &rep->root) != MSGPACK_UNPACK_SUCCESS ||
        rep->root.type != MSGPACK_OBJECT_MAP)
        return false;
    rep->status = map_get(&rep->root, "status");
    rep->value = map_get(&rep->root, "value");
    rep->error = map_get(&rep->root, "error");
    rep->bytecode = map_get(&rep->root, "bytecode");
    return rep->status && rep->status->type == MSGPACK_OBJECT_STR;
}

static void report_free(report_t *rep) { msgpack_zone_destroy(&rep->zone); }

/* A string field of the guest's error map, copied (NULL when absent). */
static char *error_field(const msgpack_object *err, const char *key)
{
    const msgpack_object *o = map_get(err, key);
    if (!o || o->type != MSGPACK_OBJECT_STR)
        return NULL;
    char *s = malloc(o->via.str.size + 1);
    if (s) {
        memcpy(s, o->via.str.ptr, o->via.str.size);
        s[o->via.str.size] = '\0';
    }
    return s;
}

/* A positive integer field of the guest's error map, or 0. */
static uint32_t error_number(const msgpack_object *err, const char *key)
{
    const msgpack_object *o = map_get(err, key);
    if (o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= UINT32_MAX)
        return (uint32_t)o->via.u64;
    return 0;
}

/* ---- error locations ---------------------------------------------------------------- */

/* The first "<handler>:LINE" in a QuickJS stack: the innermost handler frame. */
static uint32_t stack_line(const char *stack)
{
    const char *p = stack ? strstr(stack, "<handler>:") : NULL;
    return p ? (uint32_t)strtoul(p + 10, NULL, 10) : 0;
}

static char *source_line(const char *source, uint32_t line)
{
    if (!source || !line)
        return NULL;
    const char *p = source;
    for (uint32_t i = 1; i < line && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return NULL;
    size_t len = strcspn(p, "\r\n");
    if (len > 1024)
        len = 1024;
    return strndup(p, len);
}

/* Codes a handler's uncaught error may carry as its own (.code): the ones
 * the API throws. The others are facts only the host may establish. */
static bool handler_visible(nx_code_t code)
{
    switch (code) {
    case NX_E_PERMISSION_DENIED: case NX_E_INVALID_ARGUMENT: case NX_E_SERIALIZATION_ERROR:
    case NX_E_RESOURCE_LIMIT: case NX_E_EXTENSION_NOT_FOUND: case NX_E_METHOD_NOT_FOUND:
    case NX_E_INVALID_HANDLER: case NX_E_EXECUTION_ERROR:
        return true;
    default:
        return false;
    }
}

static nx_code_t classify(const char *name, const char *message, const char *code_name)
{
    if (code_name) {
        nx_code_t c = nx_code_from_name(code_name);
        if (handler_visible(c))
            return c;
    }
    /* QuickJS's stack check: InternalError, or SyntaxError from its parsers */
    if (name && message && strcmp(message, "stack overflow") == 0 &&
        (strcmp(name, "InternalError") == 0 || strcmp(name, "SyntaxError") == 0))
        return NX_E_RESOURCE_LIMIT;
    return NX_E_EXECUTION_ERROR;
}

/* Fills r with the guest's error, located in source. */
static void set_guest_error(nx_result_t *r, const msgpack_object *err, const char *source,
                            nx_code_t forced)
{
    char *name = error_field(err, "name"), *message = error_field(err, "message");
    char *stack = error_field(err, "stack"), *code = error_field(err, "code");
    nx_code_t c = forced ? forced : classify(name, message, code);
    char *full = NULL;
    if (name && *name && strcmp(name, "Error") != 0 && message &&
        asprintf(&full, "%s: %s", name, message) < 0)
        full = NULL;
    /* a syntax error knows its line and column; other errors only the
     * line, from the innermost handler frame of the stack */
    uint32_t line = error_number(err, "lineNumber");
    uint32_t column = line ? error_number(err, "columnNumber") : 0;
    if (!line)
        line = stack_line(stack);
    char *text = source_line(source, line);
    nx_result_set_error(r, c, full ? full : message ? message : "uncaught exception", stack,
                        line, column, text);
    free(name); free(message); free(stack); free(code); free(full); free(text);
}

/* The handler's return value: raw MessagePack in a bin (absent: undefined). */
static void set_return_value(nx_result_t *r, const msgpack_object *value, const nx_limits_t *limits)
{
    if (!value)
        return;
    if (value->type != MSGPACK_OBJECT_BIN) {
        nx_result_set_errorf(r, NX_E_WASM_ERROR, "the sandbox reported a malformed value");
        return;
    }
    const uint8_t *bytes = (const uint8_t *)value->via.bin.ptr;
    size_t len = value->via.bin.size;
    const char *why = NULL;
    if (len > limits->max_value_bytes)
        nx_result_set_errorf(r, NX_E_RESOURCE_LIMIT, "the return value is %zu bytes, over the %u-byte limit",
                             len, limits->max_value_bytes);
    else if (nx_value_check(bytes, len, &why) != NX_OK)
        nx_result_set_errorf(r, NX_E_SERIALIZATION_ERROR, "the return value cannot cross the boundary: %s", why);
    else
        nx_result_set_value(r, bytes, len);
}

/* ---- one call into the guest ---------------------------------------------------------- */

static nx_code_t trap_code(int trap, bool cap_hit, const char **what)
{
    if (trap == NX_TRAP_DEADLINE) {
        *what = "stopped at the deadline";
        return NX_E_TIMEOUT;
    }
    if (trap == NX_TRAP_MEMORY || cap_hit) {
        *what = "memory exhausted";
        return NX_E_MEMORY_LIMIT;
    }
    *what = wasm_rt_strerror((wasm_rt_trap_t)trap);
    return trap == WASM_RT_TRAP_EXHAUSTION ? NX_E_RESOURCE_LIMIT : NX_E_WASM_ERROR;
}

typedef enum outcome { OUTCOME_DONE, OUTCOME_PENDING, OUTCOME_TRAPPED } outcome_t;

/* Runs export `which` on e's instance with input; the outcome lands in
 * e->out (status, value or error; effects were recorded by host calls). */
static outcome_t call_guest(nx_exec_t *e, nx_guest_export_t which, const uint8_t *input, size_t len)
{
    nx_instance_t *inst = e->inst;
    nx_result_t *r = e->out;
    nx_thread_t *t = nx_thread_get();
    if (!t) {
        nx_result_set_errorf(r, NX_E_INTERNAL_ERROR, "cannot prepare this thread for guest code");
        return OUTCOME_DONE;
    }
    if (t->in_guest || t->trap_target) {
        nx_result_set_errorf(r, NX_E_INVALID_ARGUMENT, NESTED_MESSAGE);
        return OUTCOME_DONE;
    }
    inst->exec = e;
    nx_instance_set_page_cap(inst, e->limits.memory_mb * (1024 * 1024 / NX_WASM_PAGE_BYTES));
    t->memory_cap_hit = false;
    nx_code_t code = nx_instance_write_input(inst, input, len);
    if (code != NX_OK) {
        nx_result_set_errorf(r, code, "cannot pass %zu bytes of input to the sandbox", len);
        return OUTCOME_TRAPPED;
    }
    if (nx_deadline_arm(t, e->limits.timeout_ms, NX_DEADLINE_GRACE_MS,
                        nx_instance_interrupt_flag(inst)) != 0) {
        nx_result_set_errorf(r, NX_E_INTERNAL_ERROR, "cannot arm the deadline (the watchdog thread did not start)");
        return OUTCOME_TRAPPED;
    }
    uint32_t ret = NX_GUEST_FAILED;
    int trap = nx_instance_call(inst, t, which, (uint32_t)len, &ret);
    bool late = nx_deadline_disarm(t);
    bool cap_hit = t->memory_cap_hit;
    const char *doing = e->compiling ? "compiling the handler" : "execution";
    nx_metrics_t *m = nx_result_metrics_mut(r);
    m->memory_bytes = nx_instance_memory_bytes(inst);

    if (trap) {
        const char *what;
        nx_code_t c = trap_code(trap, cap_hit, &what);
        if (c == NX_E_TIMEOUT || late)
            nx_result_set_errorf(r, NX_E_TIMEOUT, "%s exceeded the %u ms time limit (%s)",
                                 doing, e->limits.timeout_ms, what);
        else if (c == NX_E_MEMORY_LIMIT)
            nx_result_set_errorf(r, c, "%s exceeded the %u MiB memory limit", doing, e->limits.memory_mb);
        else if (c == NX_E_RESOURCE_LIMIT)
            nx_result_set_errorf(r, c, "stack overflow (%s)", what);
        else
            nx_result_set_errorf(r, c, "the sandbox trapped: %s", what);
        return OUTCOME_TRAPPED;
    }

    report_t rep;
    bool parsed = report_parse(&rep, inst);
    outcome_t outcome = OUTCOME_DONE;
    if (late) {
        nx_result_set_errorf(r, NX_E_TIMEOUT, "%s exceeded the %u ms time limit", doing,
                             e->limits.timeout_ms);
    } else if (!parsed || ret == NX_GUEST_FAILED) {
        if (!inst->report_overflow)
            nx_result_set_errorf(r, NX_E_WASM_ERROR, "the sandbox returned no usable outcome");
        else if (e->compiling)
            nx_result_set_errorf(r, NX_E_RESOURCE_LIMIT, "the handler's bytecode is larger than %u MiB",
                                 NX_MAX_BYTECODE_BYTES >> 20);
        else
            nx_result_set_errorf(r, NX_E_RESOURCE_LIMIT, "the outcome is larger than the value limit");
    } else if (str_is(rep.status, "pending") && ret == NX_GUEST_PENDING && e->pending_count > 0) {
        nx_result_set_status(r, NX_STATUS_SUSPENDED);
        outcome = OUTCOME_PENDING;
    } else if (str_is(rep.status, "error") && rep.error) {
        set_guest_error(r, rep.error, e->source, cap_hit ? NX_E_MEMORY_LIMIT : NX_OK);
        if (cap_hit)
            nx_result_set_errorf(r, NX_E_MEMORY_LIMIT, "%s exceeded the %u MiB memory limit",
                                 doing, e->limits.memory_mb);
    } else if (str_is(rep.status, "ok") && which != NX_EXPORT_COMPILE) {
        set_return_value(r, rep.value, &e->limits);
    } else if (!str_is(rep.status, "ok")) {
        nx_result_set_errorf(r, NX_E_WASM_ERROR, "the sandbox reported an unknown outcome");
    }
    report_free(&rep);
    return outcome;
}

/* ---- compiling ------------------------------------------------------------------------ */

/* Compiles source on a pooled instance, under limits (time, memory). On
 * failure sets *error; *handler_fault tells a failure the source caused
 * (a syntax error, or a limit the compile hit: COMPILATION_ERROR, TIMEOUT,
 * MEMORY_LIMIT, RESOURCE_LIMIT) from one of the call (no instance free,
 * shut down, out of memory). */
static nx_code_t compile_source(nx_runtime_t *rt, const char *source, size_t len,
                                const nx_limits_t *limits, nx_blob_t **out, nx_result_t **error,
                                bool *handler_fault)
{
    *out = NULL;
    *error = NULL;
    *handler_fault = false;
    nx_instance_t *inst;
    nx_code_t code = nx_pool_acquire(&rt->pool, rt->config.acquire_timeout_ms, &inst);
    if (code != NX_OK) {
        *error = nx_result_error_new(code, code == NX_E_RESOURCE_LIMIT
                                               ? "no sandbox instance came free in time"
                                               : "the runtime is shut down");
        return code;
    }
    char *text = strndup(source, len); /* NUL-terminated, for error locations */
    nx_exec_t e = { .rt = rt, .inst = inst, .limits = *limits, .source = text, .compiling = true };
    e.out = nx_result_create(NX_STATUS_SUCCESS);
    nx_result_t *r = e.out;
    code = NX_E_INTERNAL_ERROR;
    if (r && text) {
        call_guest(&e, NX_EXPORT_COMPILE, (const uint8_t *)source, len);
        if (nx_result_status(r) == NX_STATUS_SUCCESS) {
            report_t rep;
            if (report_parse(&rep, inst) && rep.bytecode && rep.bytecode->type == MSGPACK_OBJECT_BIN) {
                *out = nx_blob_create((const uint8_t *)rep.bytecode->via.bin.ptr,
                                      rep.bytecode->via.bin.size);
                code = *out ? NX_OK : NX_E_INTERNAL_ERROR;
            } else {
                nx_result_set_errorf(r, NX_E_WASM_ERROR, "the sandbox produced no bytecode");
            }
            report_free(&rep);
        }
        const nx_error_info_t *err = nx_result_error(r);
        if (err) {
            /* a syntax error (or worse) while compiling */
            code = err->code == NX_E_EXECUTION_ERROR ? NX_E_COMPILATION_ERROR : err->code;
            *handler_fault = code != NX_E_INTERNAL_ERROR;
            nx_result_t *located = nx_result_create(NX_STATUS_ERROR);
            if (located)
                nx_result_set_error(located, code, err->message, err->stack, err->line,
                                    err->column, err->source_line);
            *error = located;
        }
    }
    free(text);
    nx_result_free(r);
    nx_pool_release(&rt->pool, inst);
    return code;
}

/* Bytecode for source: from the cache, or compiled and cached. */
static nx_code_t bytecode_for(nx_runtime_t *rt, const char *source, size_t len,
                              const nx_limits_t *limits, nx_blob_t **out, nx_result_t **error,
                              bool *handler_fault, uint8_t key[NX_CACHE_KEY_BYTES],
                              uint64_t *compile_us)
{
    *compile_us = 0;
    *handler_fault = false;
    nx_cache_key(rt->cache, source, len, key);
    *out = nx_cache_get(rt->cache, key);
    if (*out)
        return NX_OK;
    uint64_t start = now_us();
    nx_code_t code = compile_source(rt, source, len, limits, out, error, handler_fault);
    *compile_us = now_us() - start;
    nx_metrics_record_compile(&rt->metrics, *compile_us);
    if (code == NX_OK)
        nx_cache_put(rt->cache, key, (*out)->data, (*out)->len);
    return code;
}

/* ---- finishing a call ----------------------------------------------------------------- */

static nx_code_t add_suspensions(nx_exec_t *e, nx_result_t *r)
{
    for (size_t i = 0; i < e->pending_count; i++) {
        const nx_pending_call_t *pc = &e->pending[i];
        nx_code_t code = nx_result_add_suspension(r, pc->id, pc->extension, pc->method,
                                                  pc->args, pc->args_len);
        if (code != NX_OK)
            return code;
    }
    return NX_OK;
}

/* Settles the call: completes e->out, then parks the execution (suspended)
 * or releases its instance and frees it. Returns the result. */
/* Recording: keeps the segment's result. Replaying: a divergence (a host
 * call or the result differing from the log) makes the result an error. */
static outcome_t observe_segment(nx_exec_t *e, nx_result_t *r, outcome_t outcome)
{
    bool ended = !(outcome == OUTCOME_PENDING && nx_result_status(r) == NX_STATUS_SUSPENDED);
    if (!nx_recorder_divergence(e->recorder))
        nx_recorder_segment_end(e->recorder, r, ended);
    const char *why = nx_recorder_divergence(e->recorder);
    if (!why)
        return outcome;
    nx_result_set_errorf(r, NX_E_INVALID_HANDLER, "replay diverged: %s", why);
    nx_result_clear_effects(r);
    return OUTCOME_DONE;
}

static nx_result_t *finish_call(nx_runtime_t *rt, nx_exec_t *e, outcome_t outcome, uint64_t started)
{
    nx_result_t *r = e->out;
    e->out = NULL;
    if (e->recorder)
        outcome = observe_segment(e, r, outcome);
    nx_status_t status = nx_result_status(r);
    if (status == NX_STATUS_ERROR)
        nx_result_clear_effects(r);
    else
        nx_exec_flush_mutations(e, r);
    if (outcome == OUTCOME_PENDING && status == NX_STATUS_SUSPENDED) {
        e->suspensions++;
        if (add_suspensions(e, r) != NX_OK ||
            nx_suspensions_park(&rt->suspensions, e, nx_monotonic_ms() + rt->config.suspension_ttl_ms) != NX_OK) {
            nx_result_set_errorf(r, NX_E_INTERNAL_ERROR, "cannot keep the suspended execution");
            nx_result_clear_effects(r);
            outcome = OUTCOME_DONE;
        }
    }
    nx_metrics_t *m = nx_result_metrics_mut(r);
    m->duration_us = now_us() - started;
    m->host_calls = e->call_host_calls;
    m->suspensions = e->suspensions;
    nx_metrics_record(&rt->metrics, r);
    if (outcome == OUTCOME_PENDING && nx_result_status(r) == NX_STATUS_SUSPENDED) {
        nx_pool_park(&rt->pool);
        return r;
    }
    nx_instance_t *inst = e->inst;
    e->inst = NULL;
    nx_exec_free(e);
    nx_pool_release(&rt->pool, inst);
    return r;
}

/* ---- expiry ---------------------------------------------------------------------------- */

static void drop_suspended(nx_runtime_t *rt, nx_exec_t *e)
{
    nx_instance_t *inst = e->inst;
    nx_pool_unpark(&rt->pool);
    nx_exec_free(e);
    nx_pool_release(&rt->pool, inst);
}

void nx_runtime_expire(nx_runtime_t *rt, bool all)
{
    nx_exec_t *e = nx_suspensions_sweep(&rt->suspensions, nx_monotonic_ms(), all);
    while (e) {
        nx_exec_t *next = e->next_expired;
        drop_suspended(rt, e);
        e = next;
    }
}

/* ---- running ---------------------------------------------------------------------------- */

static nx_code_t fail(nx_result_t **out, nx_code_t code, const char *msg)
{
    if (out)
        *out = nx_result_error_new(code, "%s", msg);
    return code;
}

static void pack_optional_str(msgpack_packer *pk, const char *s)
{
    if (s)
        msgpack_pack_str_with_body(pk, s, strlen(s));
    else
        msgpack_pack_nil(pk);
}

/* Packs the run request [bytecode, args, scope, panelId, handlerName]. */
static bool pack_run_request(msgpack_sbuffer *sb, const nx_blob_t *bc, const nx_context_t *ctx)
{
    msgpack_packer pk;
    msgpack_sbuffer_init(sb);
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 5);
    msgpack_pack_bin_with_body(&pk, bc->data, bc->len);
    if (ctx->args_len)
        msgpack_sbuffer_write(sb, (const char *)ctx->args, ctx->args_len);
    else
        msgpack_pack_nil(&pk);
    if (ctx->scope_len)
        msgpack_sbuffer_write(sb, (const char *)ctx->scope, ctx->scope_len);
    else
        msgpack_pack_nil(&pk);
    pack_optional_str(&pk, ctx->panel_id);
    pack_optional_str(&pk, ctx->handler_name);
    return sb->data != NULL;
}

/* Runs bytecode in a new execution; *out gets the result. */
static nx_code_t run(nx_runtime_t *rt, const nx_blob_t *bc, const char *source, size_t source_len,
                     const nx_context_t *ctx, uint64_t started, uint64_t compile_us, bool cache_hit,
                     struct nx_recorder *recorder, nx_result_t **out)
{
    char err[512];
    nx_exec_t *e;
    nx_code_t code = nx_exec_create(rt, ctx, &rt->config.limits, source, source_len, &e, err, sizeof err);
    if (code != NX_OK) {
        nx_recorder_free(recorder);
        return fail(out, code, err);
    }
    e->recorder = recorder;
    e->out = nx_result_create(NX_STATUS_SUCCESS);
    if (!e->out) {
        nx_exec_free(e);
        return fail(out, NX_E_INTERNAL_ERROR, "out of memory");
    }
    code = nx_pool_acquire(&rt->pool, rt->config.acquire_timeout_ms, &e->inst);
    if (code != NX_OK) {
        nx_exec_free(e);
        return fail(out, code, code == NX_E_RESOURCE_LIMIT ? "no sandbox instance came free in time"
                                                           : "the runtime is shut down");
    }
    msgpack_sbuffer req;
    outcome_t outcome = OUTCOME_TRAPPED;
    if (pack_run_request(&req, bc, ctx))
        outcome = call_guest(e, NX_EXPORT_RUN, (const uint8_t *)req.data, req.size);
    else
        nx_result_set_errorf(e->out, NX_E_INTERNAL_ERROR, "out of memory");
    msgpack_sbuffer_destroy(&req);
    nx_metrics_t *m = nx_result_metrics_mut(e->out);
    m->compile_us = compile_us;
    m->cache_hit = cache_hit;
    *out = finish_call(rt, e, outcome, started);
    return *out ? NX_OK : NX_E_INTERNAL_ERROR;
}

static nx_code_t check_runtime(nx_runtime_t *rt, const nx_context_t *ctx, nx_result_t **out)
{
    if (out)
        *out = NULL;
    if (!rt || !ctx || !out)
        return fail(out, NX_E_INVALID_ARGUMENT, "runtime, context and result pointer are required");
    if (atomic_load(&rt->shut_down))
        return fail(out, NX_E_INVALID_ARGUMENT, "the runtime is shut down");
    if (inside_an_execution())
        return fail(out, NX_E_INVALID_ARGUMENT, NESTED_MESSAGE);
    nx_runtime_expire(rt, false);
    return NX_OK;
}

/* Takes ownership of recorder (it ends with the execution). */
nx_code_t nx_execute_source(nx_runtime_t *rt, const char *source, size_t len,
                            const nx_context_t *ctx, struct nx_recorder *recorder, nx_result_t **out)
{
    uint64_t started = now_us();
    nx_code_t code = check_runtime(rt, ctx, out);
    if (code == NX_OK && !source && len)
        code = fail(out, NX_E_INVALID_ARGUMENT, "source is NULL");
    if (code != NX_OK) {
        nx_recorder_free(recorder);
        return code;
    }
    nx_blob_t *bc;
    nx_result_t *error;
    uint8_t key[NX_CACHE_KEY_BYTES];
    uint64_t compile_us;
    bool handler_fault;
    nx_limits_t limits;
    nx_limits_resolve(&limits, ctx, &rt->config.limits);
    code = bytecode_for(rt, source ? source : "", len, &limits, &bc, &error, &handler_fault, key,
                        &compile_us);
    if (code != NX_OK && handler_fault && error) {
        /* the handler's fault: a result, not a failed call */
        nx_result_metrics_mut(error)->compile_us = compile_us;
        nx_result_metrics_mut(error)->duration_us = now_us() - started;
        nx_metrics_record(&rt->metrics, error);
        if (recorder) {
            nx_recorder_segment_end(recorder, error, true);
            if (nx_recorder_divergence(recorder))
                nx_result_set_errorf(error, NX_E_INVALID_HANDLER, "replay diverged: %s",
                                     nx_recorder_divergence(recorder));
        }
        nx_recorder_free(recorder);
        *out = error;
        return NX_OK;
    }
    if (code != NX_OK) {
        nx_recorder_free(recorder);
        *out = error ? error : nx_result_error_new(code, "compilation failed");
        return code;
    }
    code = run(rt, bc, source, len, ctx, started, compile_us, compile_us == 0, recorder, out);
    nx_blob_release(bc);
    return code;
}

nx_code_t nx_execute(nx_runtime_t *rt, const char *source, size_t len,
                     const nx_context_t *ctx, nx_result_t **out)
{
    return nx_execute_source(rt, source, len, ctx, NULL, out);
}

nx_code_t nx_precompile(nx_runtime_t *rt, const char *source, size_t len,
                        nx_handler_t **out, nx_result_t **error)
{
    if (error)
        *error = NULL;
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    if (!rt || (!source && len))
        return NX_E_INVALID_ARGUMENT;
    if (atomic_load(&rt->shut_down) || inside_an_execution())
        return NX_E_INVALID_ARGUMENT;
    nx_handler_t *h = calloc(1, sizeof *h);
    if (!h)
        return NX_E_INTERNAL_ERROR;
    uint8_t key[NX_CACHE_KEY_BYTES];
    uint64_t compile_us;
    nx_result_t *err = NULL;
    bool handler_fault;
    nx_code_t code = bytecode_for(rt, source ? source : "", len, &rt->config.limits, &h->bytecode,
                                  &err, &handler_fault, key, &compile_us);
    h->source = malloc(len + 1);
    if (code == NX_OK && !h->source)
        code = NX_E_INTERNAL_ERROR;
    if (code != NX_OK) {
        if (error)
            *error = err;
        else
            nx_result_free(err);
        nx_handler_free(h);
        return code;
    }
    memcpy(h->source, source, len);
    h->source[len] = '\0';
    h->source_len = len;
    h->rt = rt;
    nx_cache_key_hex(key, h->id);
    *out = h;
    return NX_OK;
}

nx_code_t nx_execute_handler(nx_runtime_t *rt, const nx_handler_t *handler,
                             const nx_context_t *ctx, nx_result_t **out)
{
    uint64_t started = now_us();
    nx_code_t code = check_runtime(rt, ctx, out);
    if (code != NX_OK)
        return code;
    if (!handler || handler->rt != rt)
        return fail(out, NX_E_INVALID_HANDLER, "the handler was not compiled by this runtime");
    return run(rt, handler->bytecode, handler->source, handler->source_len, ctx, started, 0, true,
               NULL, out);
}

const char *nx_handler_id(const nx_handler_t *handler) { return handler ? handler->id : NULL; }

void nx_handler_free(nx_handler_t *handler)
{
    if (!handler)
        return;
    nx_blob_release(handler->bytecode);
    free(handler->source);
    free(handler);
}

/* ---- resuming ----------------------------------------------------------------------------- */

static bool pack_resume_request(msgpack_sbuffer *sb, const char *id, const nx_outcome_t *o)
{
    msgpack_packer pk;
    msgpack_sbuffer_init(sb);
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 3);
    msgpack_pack_str_with_body(&pk, id, strlen(id));
    if (o->is_error)
        msgpack_pack_false(&pk);
    else
        msgpack_pack_true(&pk);
    if (o->is_error) {
        const char *msg = o->error_message ? o->error_message : "extension call failed";
        msgpack_pack_str_with_body(&pk, msg, strlen(msg));
    } else if (o->value && o->value_len) {
        msgpack_sbuffer_write(sb, (const char *)o->value, o->value_len);
    } else {
        msgpack_pack_nil(&pk);
    }
    return sb->data != NULL;
}

static nx_code_t check_outcome(const nx_outcome_t *o, char *err, size_t err_size)
{
    if (!o) {
        snprintf(err, err_size, "an outcome is required");
        return NX_E_INVALID_ARGUMENT;
    }
    if (o->is_error) {
        const char *m = o->error_message;
        if (m && !nx_utf8_valid(m, strlen(m))) {
            snprintf(err, err_size, "the error message is not valid UTF-8");
            return NX_E_INVALID_ARGUMENT;
        }
        return NX_OK;
    }
    const char *why = NULL;
    if (o->value && o->value_len && nx_value_check(o->value, o->value_len, &why) != NX_OK) {
        snprintf(err, err_size, "the outcome value cannot cross the boundary: %s", why);
        return NX_E_INVALID_ARGUMENT;
    }
    return NX_OK;
}

nx_code_t nx_resume(nx_runtime_t *rt, const char *suspension_id, const nx_outcome_t *outcome,
                    nx_result_t **out)
{
    uint64_t started = now_us();
    if (out)
        *out = NULL;
    if (!rt || !suspension_id || !out)
        return fail(out, NX_E_INVALID_ARGUMENT, "runtime, suspension id and result pointer are required");
    if (atomic_load(&rt->shut_down))
        return fail(out, NX_E_INVALID_ARGUMENT, "the runtime is shut down");
    if (inside_an_execution())
        return fail(out, NX_E_INVALID_ARGUMENT, NESTED_MESSAGE);
    char err[256];
    nx_code_t code = check_outcome(outcome, err, sizeof err);
    if (code != NX_OK)
        return fail(out, code, err);
    nx_runtime_expire(rt, false);
    nx_exec_t *e = nx_suspensions_take(&rt->suspensions, suspension_id);
    if (e && !outcome->is_error && outcome->value_len > e->limits.max_value_bytes) {
        /* refused whole, the execution left waiting: the host may answer again */
        uint32_t limit = e->limits.max_value_bytes;
        code = nx_suspensions_park(&rt->suspensions, e, e->expires_at_ms);
        if (code != NX_OK) {
            drop_suspended(rt, e);
            return fail(out, code, "out of memory");
        }
        snprintf(err, sizeof err, "the outcome is %zu bytes, over the execution's %u-byte value limit",
                 outcome->value_len, limit);
        return fail(out, NX_E_RESOURCE_LIMIT, err);
    }
    nx_pending_call_t call;
    if (!e || !nx_exec_take_pending(e, suspension_id, &call)) {
        snprintf(err, sizeof err,
                 "no execution waits on suspension id \"%.64s\" (unknown, expired, cancelled or "
                 "already resumed)", suspension_id);
        return fail(out, NX_E_INVALID_ARGUMENT, err);
    }
    nx_pending_call_clear(&call);
    nx_pool_unpark(&rt->pool);
    if (e->recorder)
        nx_recorder_resume(e->recorder, suspension_id, outcome);
    e->out = nx_result_create(NX_STATUS_SUCCESS);
    msgpack_sbuffer req;
    outcome_t oc = OUTCOME_TRAPPED;
    if (!e->out) {
        /* handled below */
    } else if (pack_resume_request(&req, suspension_id, outcome)) {
        oc = call_guest(e, NX_EXPORT_RESUME, (const uint8_t *)req.data, req.size);
        msgpack_sbuffer_destroy(&req);
    } else {
        nx_result_set_errorf(e->out, NX_E_INTERNAL_ERROR, "out of memory");
    }
    if (!e->out) {
        nx_instance_t *inst = e->inst;
        nx_exec_free(e);
        nx_pool_release(&rt->pool, inst);
        return fail(out, NX_E_INTERNAL_ERROR, "out of memory");
    }
    *out = finish_call(rt, e, oc, started);
    return NX_OK;
}

nx_code_t nx_cancel(nx_runtime_t *rt, const char *suspension_id)
{
    if (!rt || !suspension_id)
        return NX_E_INVALID_ARGUMENT;
    nx_exec_t *e = nx_suspensions_take(&rt->suspensions, suspension_id);
    if (!e)
        return NX_E_INVALID_ARGUMENT;
    drop_suspended(rt, e);
    return NX_OK;
}
