/* wasi.c - the five WASI functions the guest imports, and nothing more:
 * a clock, and file descriptors that lead nowhere (no files, network,
 * environment or arguments exist for a handler). stdout/stderr writes are
 * accepted and dropped; QuickJS only writes there on internal errors. */
#include <string.h>

#include "common/clock.h"
#include "hostcalls/boundary.h"

#define WASI_ESUCCESS 0
#define WASI_EBADF 8
#define WASI_EINVAL 28

/* 2026-01-01T00:00:00Z: what the clock reads while the guest starts up. */
#define NX_STARTUP_CLOCK_NS 1767225600000000000ull

static void enter(nx_instance_t *inst)
{
    if (inst->thread)
        nx_thread_enter_host(inst->thread);
}

static u32 leave(nx_instance_t *inst, u32 ret)
{
    if (inst->thread)
        nx_thread_leave_host(inst->thread);
    return ret;
}

/* WASI clock 0 is the realtime clock; the others are monotonic. */
static uint64_t clock_ns(u32 clock_id) { return clock_id == 0 ? nx_wall_ns() : nx_clock_ns(); }

/* The engine's clock (Date.now, new Date): a host call like any other once
 * an execution runs, so it is intercepted, recorded and replayed. */
u32 Z_wasi_snapshot_preview1Z_clock_time_get(struct Z_wasi_snapshot_preview1_instance_t *ctx,
                                             u32 clock_id, u64 precision, u32 out)
{
    (void)precision;
    nx_instance_t *inst = ctx->owner;
    uint8_t *dst = nx_instance_span(inst, out, 8);
    if (!inst->exec) {
        /* guest start-up, before any execution: a fixed clock, so that
         * every process of a build makes the same snapshot (QuickJS seeds
         * its own generator from it), and an exported execution resumes on
         * any of them */
        enter(inst);
        if (!dst)
            return leave(inst, WASI_EINVAL);
        uint64_t ns = NX_STARTUP_CLOCK_NS;
        memcpy(dst, &ns, 8);
        return leave(inst, WASI_ESUCCESS);
    }
    nx_call_t c;
    int32_t ret = nx_call_begin(&c, inst, "wasi", "clock_time_get", false);
    if (ret == 0)
        ret = nx_call_input(&c, "u", (uint64_t)clock_id);
    uint64_t ns = 0;
    double unused;
    if (ret == 0 && !nx_call_logged_scalar(&c, &unused, &ns))
        ns = clock_ns(clock_id);
    nx_call_output_uint(&c, ns);
    if (ret == 0 && dst)
        memcpy(dst, &ns, 8); /* wasm is little-endian, as is this host */
    nx_call_end(&c, ret);
    return ret == 0 && dst ? WASI_ESUCCESS : WASI_EINVAL;
}

u32 Z_wasi_snapshot_preview1Z_fd_write(struct Z_wasi_snapshot_preview1_instance_t *ctx,
                                       u32 fd, u32 iovs, u32 iovs_len, u32 nwritten)
{
    nx_instance_t *inst = ctx->owner;
    enter(inst);
    if (fd != 1 && fd != 2)
        return leave(inst, WASI_EBADF);
    /* report everything as written, without reading it */
    const uint8_t *vec = nx_instance_span(inst, iovs, iovs_len * 8u);
    uint8_t *dst = nx_instance_span(inst, nwritten, 4);
    if (!vec || !dst || iovs_len > 1024)
        return leave(inst, WASI_EINVAL);
    uint32_t total = 0;
    for (uint32_t i = 0; i < iovs_len; i++) {
        uint32_t len;
        memcpy(&len, vec + i * 8 + 4, 4);
        total += len;
    }
    memcpy(dst, &total, 4);
    return leave(inst, WASI_ESUCCESS);
}

u32 Z_wasi_snapshot_preview1Z_fd_close(struct Z_wasi_snapshot_preview1_instance_t *ctx, u32 fd)
{
    (void)fd;
    enter(ctx->owner);
    return leave(ctx->owner, WASI_EBADF);
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_get(struct Z_wasi_snapshot_preview1_instance_t *ctx,
                                            u32 fd, u32 out)
{
    (void)fd; (void)out;
    enter(ctx->owner);
    return leave(ctx->owner, WASI_EBADF);
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(struct Z_wasi_snapshot_preview1_instance_t *ctx, u32 fd,
                                      u64 offset, u32 whence, u32 out)
{
    (void)fd; (void)offset; (void)whence; (void)out;
    enter(ctx->owner);
    return leave(ctx->owner, WASI_EBADF);
}
