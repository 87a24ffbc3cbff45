/* compile.c - handler source to bytecode: through the bytecode cache, or
 * compiled on a pooled instance under the execution's own limits (what
 * compiling hits is the handler's doing: a result, not a failed call).
 * nx_precompile and the nx_handler_t functions live here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/utf8.h"
#include "execution/execution.h"
#include "execution/guest_report.h"
#include "result/result.h"
#include "sandbox/guest_call.h"

/* Source text the engine may be given: valid UTF-8 without U+0000 (which
 * would end the text early inside the engine). Otherwise an error result
 * locating the first bad byte. */
static nx_result_t *check_source_text(const char *source, size_t len)
{
    size_t ok = nx_utf8_valid_prefix(source, len);
    const char *nul = memchr(source, 0, ok);
    if (ok == len && !nul)
        return NULL;
    size_t at = nul ? (size_t)(nul - source) : ok;
    uint32_t line = 1, column = 1;
    for (size_t i = 0; i < at; i++) {
        if (source[i] == '\n') {
            line++;
            column = 1;
        } else if (((uint8_t)source[i] & 0xc0) != 0x80) {
            column++;
        }
    }
    nx_result_t *r = nx_result_create(NX_STATUS_ERROR);
    if (!r)
        return NULL;
    char message[160];
    snprintf(message, sizeof message, nul ? "the handler source contains U+0000 (line %u, column %u)"
                                          : "the handler source is not valid UTF-8 (line %u, column %u)",
             line, column);
    nx_result_set_error(r, NX_E_COMPILATION_ERROR, message, NULL, line, column, NULL);
    return r;
}

/* Compiles source on a pooled instance, under limits (time, memory). */
static nx_code_t compile_source(nx_runtime_t *rt, const char *source, size_t len,
                                const nx_limits_t *limits, nx_blob_t **out, nx_result_t **error,
                                bool *handler_fault, uint64_t *guest_ns)
{
    *out = NULL;
    *error = NULL;
    *handler_fault = false;
    *guest_ns = 0;
    nx_result_t *bad_text = check_source_text(source, len);
    if (bad_text) {
        *error = bad_text;
        *handler_fault = true;
        return NX_E_COMPILATION_ERROR;
    }
    nx_instance_t *inst;
    nx_code_t code = nx_pool_acquire(&rt->pool, rt->config.acquire_timeout_ms, &inst);
    if (code != NX_OK) {
        *error = nx_result_error_new(code, code == NX_E_RESOURCE_LIMIT
                                               ? "no sandbox instance came free in time"
                                               : "the runtime is shut down");
        return code;
    }
    /* a record of its own, so that the compile runs under the same limits
     * and time accounting as any segment */
    nx_exec_t e = { .inst = inst, .limits = *limits, .source = (char *)source, .source_len = len,
                    .compiling = true, .started_ns = nx_clock_ns() };
    e.out = nx_result_create(NX_STATUS_SUCCESS);
    nx_result_t *r = e.out;
    code = NX_E_INTERNAL_ERROR;
    if (r) {
        nx_segment_run(&e, NX_EXPORT_COMPILE, (const uint8_t *)source, len);
        *guest_ns = e.guest_ns;
        if (nx_result_status(r) == NX_STATUS_SUCCESS) {
            nx_guest_report_t rep;
            nx_guest_report_parse(&rep, inst);
            if (rep.status == NX_REPORT_OK && rep.bytecode && rep.bytecode->type == MSGPACK_OBJECT_BIN) {
                *out = nx_blob_create((const uint8_t *)rep.bytecode->via.bin.ptr,
                                      rep.bytecode->via.bin.size);
                code = *out ? NX_OK : NX_E_INTERNAL_ERROR;
            } else {
                nx_result_set_errorf(r, NX_E_WASM_ERROR, "the sandbox produced no bytecode");
            }
            nx_guest_report_free(&rep);
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
    inst->exec = NULL;
    nx_result_free(r);
    nx_pool_release(&rt->pool, inst);
    return code;
}

nx_code_t nx_bytecode_for(nx_runtime_t *rt, const char *source, size_t len,
                          const nx_limits_t *limits, nx_blob_t **out, nx_result_t **error,
                          bool *handler_fault, uint8_t key[NX_CACHE_KEY_BYTES],
                          uint64_t *compile_us, uint64_t *compile_guest_ns)
{
    *compile_us = 0;
    *compile_guest_ns = 0;
    *handler_fault = false;
    *error = NULL;
    nx_cache_key(rt->cache, source, len, key);
    *out = nx_cache_get(rt->cache, key);
    if (*out)
        return NX_OK;
    uint64_t start = nx_clock_us();
    nx_code_t code = compile_source(rt, source, len, limits, out, error, handler_fault,
                                    compile_guest_ns);
    *compile_us = nx_clock_us() - start;
    nx_metrics_record_compile(&rt->metrics, *compile_us);
    if (code == NX_OK)
        nx_cache_put(rt->cache, key, (*out)->data, (*out)->len);
    return code;
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
    if (atomic_load(&rt->shut_down) || nx_guest_call_active())
        return NX_E_INVALID_ARGUMENT;
    if (!source)
        source = "";
    nx_handler_t *h = calloc(1, sizeof *h);
    if (!h)
        return NX_E_INTERNAL_ERROR;
    uint8_t key[NX_CACHE_KEY_BYTES];
    uint64_t compile_us, guest_ns;
    nx_result_t *err = NULL;
    bool handler_fault;
    nx_code_t code = nx_bytecode_for(rt, source, len, &rt->config.limits, &h->bytecode, &err,
                                     &handler_fault, key, &compile_us, &guest_ns);
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

const char *nx_handler_id(const nx_handler_t *handler) { return handler ? handler->id : NULL; }

void nx_handler_free(nx_handler_t *handler)
{
    if (!handler)
        return;
    nx_blob_release(handler->bytecode);
    free(handler->source);
    free(handler);
}
