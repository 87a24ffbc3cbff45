/* instance_state.c - an instance's state as differences from its snapshot,
 * and back (instance_state.h). */
#include "sandbox/instance_state.h"

#include <string.h>

#include "sandbox/dirty.h"
#include "sandbox/memory.h"

#define PAGE 4096u
#define MAX_RANGES 512

static const uint8_t g_zero[PAGE];

/* Collects the runs that differ, grain by grain, merging neighbours; the
 * run being built is [run_start, run_start + run_len). */
typedef struct differ {
    nx_state_run_fn fn;
    void *user;
    const uint8_t *mem;
    uint32_t run_start, run_len;
    int stopped;
} differ_t;

static void flush(differ_t *d)
{
    if (d->run_len && !d->stopped)
        d->stopped = d->fn(d->user, d->run_start, d->mem + d->run_start, d->run_len);
    d->run_len = 0;
}

static void compare(differ_t *d, uint32_t off, uint32_t len, const uint8_t *ref)
{
    for (uint32_t at = off; at < off + len && !d->stopped; at += NX_STATE_GRAIN) {
        uint32_t n = off + len - at < NX_STATE_GRAIN ? off + len - at : NX_STATE_GRAIN;
        const uint8_t *want = ref ? ref + at : g_zero;
        if (memcmp(d->mem + at, want, n) == 0) {
            flush(d);
            continue;
        }
        if (d->run_len && d->run_start + d->run_len == at) {
            d->run_len += n;
        } else {
            flush(d);
            d->run_start = at;
            d->run_len = n;
        }
    }
}

int nx_instance_diff(nx_instance_t *inst, nx_state_run_fn fn, void *user)
{
    const nx_snapshot_t *snap = inst->snapshot;
    const wasm_rt_memory_t *m = &inst->guest.w2c_memory;
    const uint8_t *image = nx_snapshot_image(snap);
    uint32_t snap_size = (uint32_t)nx_snapshot_size(snap);
    uint32_t shared = m->size < snap_size ? m->size : snap_size;
    differ_t d = { .fn = fn, .user = user, .mem = m->data };
    nx_dirty_range_t ranges[MAX_RANGES]; /* not static TLS: a dlopen'd addon has little */
    long n = inst->tracked ? nx_dirty_scan(m->data, shared, ranges, MAX_RANGES) : -1;
    if (n >= 0 && n < MAX_RANGES) {
        /* only written pages can differ */
        for (long i = 0; i < n && !d.stopped; i++)
            compare(&d, (uint32_t)ranges[i].offset, (uint32_t)ranges[i].length, image);
    } else {
        compare(&d, 0, shared, image);
    }
    /* memory the guest grew past the snapshot started as zeros */
    for (uint32_t at = shared; at < m->size && !d.stopped; at += PAGE)
        compare(&d, at, m->size - at < PAGE ? m->size - at : PAGE, NULL);
    flush(&d);
    return d.stopped;
}

uint32_t nx_instance_pages(const nx_instance_t *inst) { return inst->guest.w2c_memory.pages; }

uint32_t nx_instance_stack_pointer(const nx_instance_t *inst)
{
    return inst->guest.w2c___stack_pointer;
}

nx_code_t nx_instance_adopt(nx_instance_t *inst, uint32_t pages, uint32_t stack_pointer)
{
    if (pages < nx_snapshot_pages(inst->snapshot) || pages > 65536 ||
        (uint64_t)stack_pointer > (uint64_t)pages * NX_WASM_PAGE_BYTES)
        return NX_E_INVALID_ARGUMENT;
    nx_code_t code = nx_instance_resize(inst, pages);
    if (code != NX_OK)
        return code;
    inst->guest.w2c___stack_pointer = stack_pointer;
    return NX_OK;
}

nx_code_t nx_instance_patch(nx_instance_t *inst, uint32_t offset, const uint8_t *bytes, uint32_t len)
{
    uint8_t *dst = nx_instance_span(inst, offset, len);
    if (!dst)
        return NX_E_INVALID_ARGUMENT;
    memcpy(dst, bytes, len);
    return NX_OK;
}
