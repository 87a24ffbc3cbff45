/* execute.c - starting executions: nx_execute (source, through the
 * bytecode cache), nx_execute_handler (precompiled) and, for the replay
 * driver above, nx_execute_source (with a recorder attached). */
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/limits.h"
#include "common/msgpack_io.h"
#include "execution/execution.h"
#include "record/recorder.h"
#include "result/result.h"

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
    nx_pack_str(&pk, ctx->panel_id);
    nx_pack_str(&pk, ctx->handler_name);
    return sb->data != NULL;
}

static nx_exec_services_t services_of(nx_runtime_t *rt)
{
    return (nx_exec_services_t){ .registry = rt->registry, .interceptors = &rt->interceptors,
                                 .ids = &rt->ids };
}

/* What an execution started before it ran: when it was asked for, and
 * what compiling took of its time. */
typedef struct start {
    uint64_t started_us, started_ns;
    uint64_t compile_us, compile_guest_ns;
    bool cache_hit;
} start_t;

/* Runs bytecode in a new execution; *out gets the result. */
static nx_code_t run(nx_runtime_t *rt, const nx_blob_t *bc, const char *source, size_t source_len,
                     const nx_context_t *ctx, const start_t *st, struct nx_recorder *recorder,
                     nx_result_t **out)
{
    char err[512];
    nx_exec_t *e;
    nx_exec_services_t services = services_of(rt);
    nx_code_t code = nx_exec_create(&services, ctx, &rt->config.limits, source, source_len, &e, err,
                                    sizeof err);
    if (code != NX_OK) {
        nx_recorder_free(recorder);
        return nx_execution_fail(out, code, err);
    }
    e->recorder = recorder;
    e->started_ns = st->started_ns;
    e->guest_ns = st->compile_guest_ns;
    e->out = nx_result_create(NX_STATUS_SUCCESS);
    if (!e->out) {
        nx_exec_free(e);
        return nx_execution_fail(out, NX_E_INTERNAL_ERROR, "out of memory");
    }
    code = nx_pool_acquire(&rt->pool, rt->config.acquire_timeout_ms, &e->inst);
    if (code != NX_OK) {
        nx_exec_free(e);
        return nx_execution_fail(out, code, code == NX_E_RESOURCE_LIMIT
                                                 ? "no sandbox instance came free in time"
                                                 : "the runtime is shut down");
    }
    msgpack_sbuffer req;
    nx_segment_end_t end = NX_SEGMENT_TRAPPED;
    if (pack_run_request(&req, bc, ctx))
        end = nx_segment_run(e, NX_EXPORT_RUN, (const uint8_t *)req.data, req.size);
    else
        nx_result_set_errorf(e->out, NX_E_INTERNAL_ERROR, "out of memory");
    msgpack_sbuffer_destroy(&req);
    nx_metrics_t *m = nx_result_metrics_mut(e->out);
    m->compile_us = st->compile_us;
    m->cache_hit = st->cache_hit;
    *out = nx_segment_finish(rt, e, end, st->started_us);
    return *out ? NX_OK : NX_E_INTERNAL_ERROR;
}

/* A compile the handler caused to fail (a syntax error, a limit): its
 * result, counted, as the execution's. */
static nx_code_t compile_failed(nx_runtime_t *rt, nx_result_t *error, const start_t *st,
                                struct nx_recorder *recorder, nx_result_t **out)
{
    nx_result_metrics_mut(error)->compile_us = st->compile_us;
    nx_result_metrics_mut(error)->duration_us = nx_clock_us() - st->started_us;
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

nx_code_t nx_execute_source(nx_runtime_t *rt, const char *source, size_t len,
                            const nx_context_t *ctx, struct nx_recorder *recorder, nx_result_t **out)
{
    start_t st = { .started_us = nx_clock_us(), .started_ns = nx_clock_ns() };
    nx_code_t code = nx_execution_check_call(rt, ctx && (source || !len), out);
    if (code != NX_OK) {
        nx_recorder_free(recorder);
        return code;
    }
    if (!source)
        source = "";
    char err[256];
    if (nx_limits_check(&ctx->limits, err, sizeof err) != NX_OK) {
        nx_recorder_free(recorder);
        return nx_execution_fail(out, NX_E_INVALID_ARGUMENT, err);
    }
    nx_blob_t *bc;
    nx_result_t *error;
    uint8_t key[NX_CACHE_KEY_BYTES];
    bool handler_fault;
    nx_limits_t limits;
    nx_limits_resolve(&limits, &ctx->limits, &rt->config.limits);
    code = nx_bytecode_for(rt, source, len, &limits, &bc, &error, &handler_fault, key,
                           &st.compile_us, &st.compile_guest_ns);
    st.cache_hit = st.compile_us == 0;
    if (code != NX_OK && handler_fault && error)
        return compile_failed(rt, error, &st, recorder, out);
    if (code != NX_OK) {
        nx_recorder_free(recorder);
        *out = error ? error : nx_result_error_new(code, "compilation failed");
        return code;
    }
    code = run(rt, bc, source, len, ctx, &st, recorder, out);
    nx_blob_release(bc);
    return code;
}

nx_code_t nx_execute(nx_runtime_t *rt, const char *source, size_t len,
                     const nx_context_t *ctx, nx_result_t **out)
{
    return nx_execute_source(rt, source, len, ctx, NULL, out);
}

nx_code_t nx_execute_handler(nx_runtime_t *rt, const nx_handler_t *handler,
                             const nx_context_t *ctx, nx_result_t **out)
{
    start_t st = { .started_us = nx_clock_us(), .started_ns = nx_clock_ns(), .cache_hit = true };
    nx_code_t code = nx_execution_check_call(rt, ctx != NULL, out);
    if (code != NX_OK)
        return code;
    if (!handler || handler->rt != rt)
        return nx_execution_fail(out, NX_E_INVALID_HANDLER, "the handler was not compiled by this runtime");
    return run(rt, handler->bytecode, handler->source, handler->source_len, ctx, &st, NULL, out);
}
