/* boundary.c - the checks and replies every host call shares, and the two
 * protocol imports (finish, reply_read) that carry no API of their own. */
#include "hostcalls/boundary.h"

#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/msgpack_io.h"
#include "record/recorder.h"
#include "result/result.h"
#include "registry/interceptors.h"
#include "registry/registry.h"
#include "common/values.h"

/* The reply buffer; NULL before the snapshot exists (guest start-up). */
static uint8_t *reply_buffer(nx_instance_t *inst)
{
    const nx_abi_layout_t *layout = nx_instance_layout(inst);
    return layout ? inst->guest.w2c_memory.data + layout->reply_buffer : NULL;
}

int32_t nx_call_begin(nx_call_t *c, nx_instance_t *inst, const char *interface,
                      const char *function, bool counted)
{
    *c = (nx_call_t){ .inst = inst, .exec = inst->exec, .thread = inst->thread,
                      .interface = interface, .function = function };
    c->observed = c->exec && (c->exec->recorder || nx_interceptors_any(c->exec->services.interceptors));
    if (c->thread)
        nx_thread_enter_host(c->thread);
    if (!c->exec)
        return nx_call_fail(c, NX_E_INTERNAL_ERROR, "no execution is running");
    if (counted) {
        c->exec->call_host_calls++;
        if (++c->exec->host_calls > c->exec->limits.max_host_calls)
            return nx_call_fail(c, NX_E_RESOURCE_LIMIT, "more than %u host calls",
                                c->exec->limits.max_host_calls);
    }
    return 0;
}

/* ---- observation: interceptors, recording, replay --------------------------------- */

static void intercept(nx_call_t *c, bool after, int32_t ret)
{
    nx_interceptors_t *list = c->exec->services.interceptors;
    if (!nx_interceptors_any(list))
        return;
    nx_host_call_t call = {
        .interface = c->interface, .function = c->function,
        .input = c->input, .input_len = c->input_len,
        .output = after && ret >= 0 ? c->output : NULL, .output_len = after && ret >= 0 ? c->output_len : 0,
        .code = after && ret < 0 ? (nx_code_t)-ret : NX_OK,
    };
    nx_interceptors_run(list, after, &call);
}

static bool same_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* Replaying: the logged call this one must match (fetched once). */
static const nx_logged_call_t *logged_call(nx_call_t *c)
{
    nx_recorder_t *rec = c->exec->recorder;
    if (!c->logged) {
        c->logged = nx_recorder_next(rec);
        if (!c->logged)
            nx_recorder_diverge(rec, "the replay made a host call (%s.%s) the recording does not have",
                                c->interface, c->function);
        else if (strcmp(c->logged->interface, c->interface) || strcmp(c->logged->function, c->function))
            nx_recorder_diverge(rec, "the replay called %s.%s where the recording called %s.%s",
                                c->interface, c->function, c->logged->interface, c->logged->function);
    }
    return nx_recorder_divergence(rec) ? NULL : c->logged;
}

int32_t nx_call_input(nx_call_t *c, const char *fmt, ...)
{
    if (!c->observed)
        return 0;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, (uint32_t)strlen(fmt));
    va_list ap;
    va_start(ap, fmt);
    for (const char *f = fmt; *f; f++) {
        const void *p = *f == 'u' || *f == 'i' ? NULL : va_arg(ap, const void *);
        size_t len = *f == 'u' || *f == 'i' ? 0 : va_arg(ap, size_t);
        if (*f == 'u')
            msgpack_pack_uint64(&pk, va_arg(ap, uint64_t));
        else if (*f == 'i')
            msgpack_pack_int64(&pk, va_arg(ap, int64_t));
        else if (*f == 'v' && len)
            msgpack_sbuffer_write(&sb, p, len);
        else if ((*f == 's' || *f == 'S') && p)
            msgpack_pack_str_with_body(&pk, p, len);
        else
            msgpack_pack_nil(&pk);
    }
    va_end(ap);
    free(c->input);
    c->input = (uint8_t *)sb.data;
    c->input_len = sb.size;
    intercept(c, false, 0);
    nx_recorder_t *rec = c->exec->recorder;
    if (nx_recorder_replaying(rec)) {
        const nx_logged_call_t *l = logged_call(c);
        uint8_t digest[NX_DIGEST_BYTES];
        nx_digest(c->input, c->input_len, digest);
        if (l && memcmp(l->input_digest, digest, NX_DIGEST_BYTES) != 0)
            nx_recorder_diverge(rec, "the replay called %s.%s with other arguments than recorded",
                                c->interface, c->function);
        if (nx_recorder_divergence(rec))
            return nx_call_fail(c, NX_E_INVALID_HANDLER, "replay diverged: %s", nx_recorder_divergence(rec));
    }
    return 0;
}

bool nx_call_from_log(nx_call_t *c, int32_t *ret, const uint8_t **output, size_t *len)
{
    /* asked of every call whose answer comes from outside the sandbox,
     * recording or not: a recording keeps such an answer in full */
    c->outside = true;
    if (!c->observed || !nx_recorder_replaying(c->exec->recorder))
        return false;
    const nx_logged_call_t *l = logged_call(c);
    if (!l)
        return false;
    *ret = l->ret;
    *output = l->output;
    *len = l->output_len;
    return true;
}

static void set_output(nx_call_t *c, const uint8_t *bytes, size_t len);

bool nx_call_logged_scalar(nx_call_t *c, double *d, uint64_t *u)
{
    int32_t ret;
    const uint8_t *out;
    size_t len;
    if (!nx_call_from_log(c, &ret, &out, &len) || !out)
        return false;
    msgpack_zone zone;
    msgpack_zone_init(&zone, 64);
    msgpack_object o;
    bool ok = nx_unpack_checked(out, len, &zone, &o);
    if (ok && o.type == MSGPACK_OBJECT_FLOAT64)
        *d = o.via.f64;
    else if (ok && o.type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        *u = o.via.u64;
    else
        ok = false;
    msgpack_zone_destroy(&zone);
    return ok;
}

int32_t nx_call_answer_logged(nx_call_t *c, int32_t ret, const uint8_t *output, size_t len)
{
    if (ret >= 0)
        return len ? nx_call_reply(c, output, len) : ret;
    /* a failure: its message goes back to the reply buffer as it was */
    uint8_t *buf = reply_buffer(c->inst);
    if (buf && len <= NX_ABI_REPLY_CAPACITY)
        memcpy(buf, output, len);
    set_output(c, output, len);
    return ret;
}

static void set_output(nx_call_t *c, const uint8_t *bytes, size_t len)
{
    free(c->output);
    c->output = NULL;
    c->output_len = 0;
    if (len && (c->output = malloc(len)) != NULL) {
        memcpy(c->output, bytes, len);
        c->output_len = len;
    }
}

static void output_packed(nx_call_t *c, double d, uint64_t u, bool is_double)
{
    if (!c->observed)
        return;
    uint8_t buf[9];
    msgpack_sbuffer sb = { 0 };
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    if (is_double)
        msgpack_pack_double(&pk, d);
    else
        msgpack_pack_uint64(&pk, u);
    size_t n = sb.size < sizeof buf ? sb.size : sizeof buf;
    memcpy(buf, sb.data, n);
    msgpack_sbuffer_destroy(&sb);
    set_output(c, buf, n);
}

void nx_call_output_double(nx_call_t *c, double v) { output_packed(c, v, 0, true); }
void nx_call_output_uint(nx_call_t *c, uint64_t v) { output_packed(c, 0, v, false); }

/* The output as a recording keeps it: in full from outside, else its
 * digest (of nothing when there is none). */
static bool same_output(const nx_logged_call_t *l, const nx_call_t *c)
{
    if (l->outside)
        return same_bytes(l->output, l->output_len, c->output, c->output_len);
    if (!c->output_len)
        return l->output_len == 0;
    uint8_t digest[NX_DIGEST_BYTES];
    nx_digest(c->output, c->output_len, digest);
    return l->output_len == NX_DIGEST_BYTES && memcmp(l->output, digest, NX_DIGEST_BYTES) == 0;
}

static void observe_end(nx_call_t *c, int32_t ret)
{
    nx_recorder_t *rec = c->exec->recorder;
    size_t kept = 0;
    if (rec && nx_recorder_replaying(rec)) {
        const nx_logged_call_t *l = logged_call(c);
        if (l && (l->ret != ret || !same_output(l, c)))
            nx_recorder_diverge(rec, "%s.%s answered otherwise than recorded", c->interface, c->function);
        kept = c->outside ? c->output_len : 0;
    } else if (rec) {
        kept = nx_recorder_log(rec, c->interface, c->function, c->input, c->input_len, ret,
                               c->outside, c->output, c->output_len);
    }
    /* what a recording keeps of the host's answers counts against the
     * output limit, recording and replaying alike (the next call or the
     * end of the segment fails past it) */
    c->exec->output_bytes += kept;
    intercept(c, true, ret);
    free(c->input);
    free(c->output);
    c->input = c->output = NULL;
}

uint32_t nx_call_end(nx_call_t *c, int32_t ret)
{
    if (c->observed)
        observe_end(c, ret);
    if (c->thread)
        nx_thread_leave_host(c->thread);
    return (uint32_t)ret;
}

int32_t nx_call_fail(nx_call_t *c, nx_code_t code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
    /* the message as a MessagePack str (str16 fits any 512-byte message) */
    uint8_t *buf = reply_buffer(c->inst);
    if (!buf)
        return -(int32_t)code;
    buf[0] = 0xda;
    buf[1] = (uint8_t)(len >> 8);
    buf[2] = (uint8_t)len;
    memcpy(buf + 3, msg, len);
    if (c->observed)
        set_output(c, buf, len + 3);
    return -(int32_t)code;
}

int32_t nx_call_reply(nx_call_t *c, const uint8_t *bytes, size_t len)
{
    if (len > INT32_MAX)
        return nx_call_fail(c, NX_E_RESOURCE_LIMIT, "reply too large");
    if (c->observed)
        set_output(c, bytes, len);
    if (len <= NX_ABI_REPLY_CAPACITY) {
        if (len)
            memcpy(reply_buffer(c->inst), bytes, len);
        return (int32_t)len;
    }
    /* too large for the buffer: park it until the guest asks for it */
    uint8_t *copy = malloc(len);
    if (!copy)
        return nx_call_fail(c, NX_E_INTERNAL_ERROR, "out of memory");
    memcpy(copy, bytes, len);
    free(c->exec->parked_reply);
    c->exec->parked_reply = copy;
    c->exec->parked_len = len;
    return (int32_t)len;
}

int32_t nx_call_string(nx_call_t *c, uint32_t ptr, uint32_t len, size_t max,
                       nx_string_kind_t kind, const char *what, const char **out)
{
    const uint8_t *p = nx_instance_span(c->inst, ptr, len);
    if (!p)
        return nx_call_fail(c, NX_E_INVALID_ARGUMENT, "%s lies outside guest memory", what);
    if (len > max)
        return nx_call_fail(c, NX_E_RESOURCE_LIMIT, "%s longer than %zu bytes", what, max);
    if (!len && kind == NX_STRING_NAME)
        return nx_call_fail(c, NX_E_INVALID_ARGUMENT, "%s is empty", what);
    if (!nx_utf8_valid((const char *)p, len))
        return nx_call_fail(c, NX_E_INVALID_ARGUMENT, "%s is not valid UTF-8", what);
    if (kind != NX_STRING_TEXT && memchr(p, 0, len))
        return nx_call_fail(c, NX_E_INVALID_ARGUMENT, "%s contains U+0000", what);
    *out = (const char *)p;
    return 0;
}

int32_t nx_call_value(nx_call_t *c, uint32_t ptr, uint32_t len, const char *what,
                      const uint8_t **out)
{
    const uint8_t *p = nx_instance_span(c->inst, ptr, len);
    if (!p)
        return nx_call_fail(c, NX_E_INVALID_ARGUMENT, "%s lies outside guest memory", what);
    if (len > c->exec->limits.max_value_bytes)
        return nx_call_fail(c, NX_E_RESOURCE_LIMIT, "%s: %u bytes, over the %u-byte limit",
                            what, len, c->exec->limits.max_value_bytes);
    const char *why = NULL;
    if (nx_value_check(p, len, &why) != NX_OK)
        return nx_call_fail(c, NX_E_SERIALIZATION_ERROR, "%s cannot cross the boundary: %s",
                            what, why ? why : "malformed");
    *out = p;
    return 0;
}

int32_t nx_call_charge(nx_call_t *c, size_t bytes)
{
    nx_exec_t *e = c->exec;
    e->output_bytes += bytes;
    if (e->output_bytes > e->limits.max_output_bytes)
        return nx_call_fail(c, NX_E_RESOURCE_LIMIT, "output over %u bytes",
                            e->limits.max_output_bytes);
    return 0;
}

/* ---- protocol imports ------------------------------------------------------------------ */

/* The guest's outcome report: kept on the instance for the caller. */
u32 Z_nexusZ_finish(struct Z_nexus_instance_t *ctx, u32 ptr, u32 len)
{
    nx_instance_t *inst = ctx->owner;
    nx_thread_t *t = inst->thread;
    if (t)
        nx_thread_enter_host(t);
    const uint8_t *p = nx_instance_span(inst, ptr, len);
    /* a value and the report around it; a compile reports bytecode */
    size_t limit = !inst->exec ? 1 << 20
                   : inst->exec->compiling ? NX_MAX_BYTECODE_BYTES
                   : (size_t)inst->exec->limits.max_value_bytes + 65536;
    int32_t ret = 0;
    if (!p || len > limit) {
        inst->report_overflow = true;
        ret = -1;
    } else {
        if (len > inst->report_cap) {
            uint8_t *grown = realloc(inst->report, len);
            if (!grown) {
                inst->report_overflow = true;
                len = 0;
            } else {
                inst->report = grown;
                inst->report_cap = len;
            }
        }
        memcpy(inst->report, p, len);
        inst->report_len = len;
    }
    if (t)
        nx_thread_leave_host(t);
    return (u32)ret;
}

/* Copies a parked reply into the guest buffer it allocated for it. */
u32 Z_nexusZ_reply_read(struct Z_nexus_instance_t *ctx, u32 ptr, u32 cap)
{
    nx_call_t c;
    int32_t ret = nx_call_begin(&c, ctx->owner, "nexus:protocol", "reply_read", false);
    if (ret == 0) {
        nx_exec_t *e = c.exec;
        uint8_t *dst = nx_instance_span(c.inst, ptr, cap);
        if (!e->parked_reply || !dst || cap < e->parked_len) {
            ret = nx_call_fail(&c, NX_E_INVALID_ARGUMENT, "no reply of that size is waiting");
        } else {
            memcpy(dst, e->parked_reply, e->parked_len);
            ret = (int32_t)e->parked_len;
            free(e->parked_reply);
            e->parked_reply = NULL;
            e->parked_len = 0;
        }
    }
    if (c.thread)
        nx_thread_leave_host(c.thread);
    return (u32)ret;
}

uint32_t nx_call_listing(nx_instance_t *inst, const char *interface,
                         nx_code_t (*list)(struct nx_registry *, uint8_t **, size_t *))
{
    nx_call_t c;
    int32_t ret = nx_call_begin(&c, inst, interface, "list", true);
    if (ret == 0)
        ret = nx_call_input(&c, "");
    const uint8_t *logged;
    size_t logged_len;
    if (ret == 0 && nx_call_from_log(&c, &ret, &logged, &logged_len)) {
        ret = nx_call_answer_logged(&c, ret, logged, logged_len);
    } else if (ret == 0) {
        uint8_t *bytes;
        size_t len;
        if (list(c.exec->services.registry, &bytes, &len) != NX_OK) {
            ret = nx_call_fail(&c, NX_E_INTERNAL_ERROR, "out of memory");
        } else {
            ret = nx_call_reply(&c, bytes, len);
            free(bytes);
        }
    }
    return nx_call_end(&c, ret);
}
