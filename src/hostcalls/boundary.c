/* boundary.c - the checks and replies every host call shares, and the two
 * protocol imports (finish, reply_read) that carry no API of their own. */
#include "hostcalls/boundary.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "result.h"
#include "runtime.h"
#include "values.h"

double nx_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* The reply buffer; NULL before the snapshot exists (guest start-up). */
static uint8_t *reply_buffer(nx_instance_t *inst)
{
    const nx_abi_layout_t *layout = nx_instance_layout(inst);
    return layout ? inst->guest.w2c_memory.data + layout->reply_buffer : NULL;
}

int32_t nx_call_begin(nx_call_t *c, nx_instance_t *inst, const char *interface,
                      const char *function, bool counted)
{
    c->inst = inst;
    c->exec = inst->exec;
    c->thread = inst->thread;
    c->interface = interface;
    c->function = function;
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

uint32_t nx_call_end(nx_call_t *c, int32_t ret)
{
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
    if (c->exec)
        nx_exec_raise(c->exec, code);
    /* the message as a MessagePack str (str16 fits any 512-byte message) */
    uint8_t *buf = reply_buffer(c->inst);
    if (!buf)
        return -(int32_t)code;
    buf[0] = 0xda;
    buf[1] = (uint8_t)(len >> 8);
    buf[2] = (uint8_t)len;
    memcpy(buf + 3, msg, len);
    return -(int32_t)code;
}

int32_t nx_call_reply(nx_call_t *c, const uint8_t *bytes, size_t len)
{
    if (len > INT32_MAX)
        return nx_call_fail(c, NX_E_RESOURCE_LIMIT, "reply too large");
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

int32_t nx_call_string(nx_call_t *c, uint32_t ptr, uint32_t len, size_t max, bool allow_empty,
                       const char *what, const char **out)
{
    const uint8_t *p = nx_instance_span(c->inst, ptr, len);
    if (!p)
        return nx_call_fail(c, NX_E_INVALID_ARGUMENT, "%s lies outside guest memory", what);
    if (len > max)
        return nx_call_fail(c, NX_E_RESOURCE_LIMIT, "%s longer than %zu bytes", what, max);
    if (!len && !allow_empty)
        return nx_call_fail(c, NX_E_INVALID_ARGUMENT, "%s is empty", what);
    if (!nx_utf8_valid((const char *)p, len))
        return nx_call_fail(c, NX_E_INVALID_ARGUMENT, "%s is not valid UTF-8", what);
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
        return nx_call_fail(c, NX_E_RESOURCE_LIMIT, "%s is %u bytes, over the %u-byte limit",
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
    size_t limit = inst->exec ? (size_t)inst->exec->limits.max_value_bytes + 65536 : 1 << 20;
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
