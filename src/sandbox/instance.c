/* instance.c - creating, calling and restoring guest instances, and the
 * snapshot they start from (instance.h). */
#include "sandbox/instance.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sandbox/dirty.h"
#include "sandbox/memory.h"

/* The I/O buffer the snapshot already holds, so most inputs need no guest
 * allocation. */
#define PREALLOCATED_IO_BYTES (64 * 1024)
/* When a restore finds more written pages than this, protect them all
 * again: the next execution faults in only what it really writes. */
#define REPROTECT_PAGES 96
#define MAX_DIRTY_RANGES 512

struct nx_snapshot {
    uint8_t *image;            /* linear memory after initialisation */
    uint32_t size, pages;
    uint32_t stack_pointer;    /* w2c___stack_pointer */
    nx_abi_layout_t layout;    /* validated addresses inside the image */
    uint8_t digest[32];        /* SHA-256 of the above: the same in every
                                  process of a build (docs/durable-suspensions.md) */
};

static pthread_once_t g_module_once = PTHREAD_ONCE_INIT;

static void init_module(void)
{
    wasm_rt_init();
    Z_guest_init_module();
}

/* ---- entry points, shaped for nx_thread_call ------------------------------------- */

static Z_guest_instance_t *G(void *p) { return &((nx_instance_t *)p)->guest; }

static uint32_t entry_instantiate(void *p, uint32_t arg)
{
    (void)arg;
    nx_instance_t *inst = p;
    Z_guest_instantiate(&inst->guest, &inst->nexus, &inst->wasi);
    return 0;
}
static uint32_t entry_initialize(void *p, uint32_t a) { (void)a; Z_guestZ__initialize(G(p)); return 0; }
static uint32_t entry_layout(void *p, uint32_t a) { (void)a; return Z_guestZ_nx_guest_layout(G(p)); }
static uint32_t entry_buffer(void *p, uint32_t a) { return Z_guestZ_nx_guest_buffer(G(p), a); }
static uint32_t entry_init(void *p, uint32_t a) { return Z_guestZ_nx_guest_init(G(p), a); }
static uint32_t entry_compile(void *p, uint32_t a) { return Z_guestZ_nx_guest_compile(G(p), a); }
static uint32_t entry_run(void *p, uint32_t a) { return Z_guestZ_nx_guest_run(G(p), a); }
static uint32_t entry_resume(void *p, uint32_t a) { return Z_guestZ_nx_guest_resume(G(p), a); }
static uint32_t entry_eval(void *p, uint32_t a) { return Z_guestZ_nx_guest_eval(G(p), a); }

static int call_entry(nx_instance_t *inst, nx_thread_t *t, nx_guest_entry_fn fn,
                      uint32_t arg, uint32_t *ret)
{
    uint8_t *base = inst->guest.w2c_memory.data;
    inst->thread = t;
    int trap = nx_thread_call(t, fn, inst, arg, base, base ? base + NX_MEMORY_RESERVATION : NULL, ret);
    inst->thread = NULL;
    return trap;
}

int nx_instance_call(nx_instance_t *inst, nx_thread_t *t, nx_guest_export_t which,
                     uint32_t arg, uint32_t *ret)
{
    static const nx_guest_entry_fn entries[] = {
        [NX_EXPORT_COMPILE] = entry_compile,
        [NX_EXPORT_RUN] = entry_run,
        [NX_EXPORT_RESUME] = entry_resume,
        [NX_EXPORT_EVAL] = entry_eval,
    };
    inst->report_len = 0;
    inst->report_overflow = false;
    return call_entry(inst, t, entries[which], arg, ret);
}

/* ---- memory ------------------------------------------------------------------------- */

/* Grows or shrinks a memory from the host side (not through memory.grow,
 * which belongs to guest code). */
static int resize_memory(wasm_rt_memory_t *m, uint32_t pages)
{
    size_t old_bytes = (size_t)m->pages * NX_WASM_PAGE_BYTES;
    size_t new_bytes = (size_t)pages * NX_WASM_PAGE_BYTES;
    if (new_bytes > old_bytes) {
        if (mprotect(m->data + old_bytes, new_bytes - old_bytes, PROT_READ | PROT_WRITE) != 0)
            return -1;
    } else if (new_bytes < old_bytes) {
        /* drop the pages, then make the range a guard again */
        madvise(m->data + new_bytes, old_bytes - new_bytes, MADV_DONTNEED);
        if (mprotect(m->data + new_bytes, old_bytes - new_bytes, PROT_NONE) != 0)
            return -1;
    }
    m->pages = pages;
    m->size = (uint32_t)new_bytes;
    return 0;
}

nx_code_t nx_instance_resize(nx_instance_t *inst, uint32_t pages)
{
    if (pages > 65536 || resize_memory(&inst->guest.w2c_memory, pages) != 0)
        return NX_E_MEMORY_LIMIT;
    return NX_OK;
}

void nx_instance_set_page_cap(nx_instance_t *inst, uint32_t pages)
{
    inst->guest.w2c_memory.max_pages = pages < 65536 ? pages : 65536;
}

volatile uint32_t *nx_instance_interrupt_flag(nx_instance_t *inst)
{
    return (volatile uint32_t *)(inst->guest.w2c_memory.data + inst->snapshot->layout.interrupt_flag);
}

void nx_instance_meter_start(nx_instance_t *inst, int64_t budget, uint32_t value_limit)
{
    const nx_abi_layout_t *l = &inst->snapshot->layout;
    uint8_t *mem = inst->guest.w2c_memory.data;
    uint64_t zero = 0;
    memcpy(mem + l->instruction_count, &zero, sizeof zero);
    memcpy(mem + l->instruction_budget, &budget, sizeof budget);
    memcpy(mem + l->value_limit, &value_limit, sizeof value_limit);
}

uint64_t nx_instance_instructions(const nx_instance_t *inst)
{
    uint64_t n;
    memcpy(&n, inst->guest.w2c_memory.data + inst->snapshot->layout.instruction_count, sizeof n);
    return n;
}

nx_code_t nx_instance_write_input(nx_instance_t *inst, const void *bytes, size_t len)
{
    if (len >= UINT32_MAX - 1)
        return NX_E_RESOURCE_LIMIT;
    nx_thread_t *t = nx_thread_get();
    uint32_t ptr = 0;
    if (!t || call_entry(inst, t, entry_buffer, (uint32_t)len, &ptr) != 0 || ptr == 0)
        return NX_E_MEMORY_LIMIT;
    uint8_t *dst = nx_instance_span(inst, ptr, (uint32_t)len + 1);
    if (!dst)
        return NX_E_WASM_ERROR;
    memcpy(dst, bytes, len);
    dst[len] = 0;
    return NX_OK;
}

/* ---- restore ----------------------------------------------------------------------- */

static void restore_all(nx_instance_t *inst)
{
    const nx_snapshot_t *s = inst->snapshot;
    memcpy(inst->guest.w2c_memory.data, s->image, s->size);
}

static void restore_written(nx_instance_t *inst)
{
    const nx_snapshot_t *s = inst->snapshot;
    uint8_t *data = inst->guest.w2c_memory.data;
    nx_dirty_range_t ranges[MAX_DIRTY_RANGES];
    long n = nx_dirty_scan(data, s->size, ranges, MAX_DIRTY_RANGES);
    if (n < 0) {
        restore_all(inst);
        nx_dirty_protect(data, s->size);
        return;
    }
    size_t copied = 0;
    for (long i = 0; i < n; i++) {
        memcpy(data + ranges[i].offset, s->image + ranges[i].offset, ranges[i].length);
        copied += ranges[i].length;
    }
    /* Written pages stay writable: pages an execution writes tend to be
     * written by the next one too, and copying one back costs less than
     * the fault that would re-mark it. Too many of them: start over. */
    if (copied / 4096 > REPROTECT_PAGES)
        nx_dirty_protect(data, s->size);
}

void nx_instance_restore(nx_instance_t *inst)
{
    const nx_snapshot_t *s = inst->snapshot;
    wasm_rt_memory_t *m = &inst->guest.w2c_memory;
    if (m->pages != s->pages)
        resize_memory(m, s->pages);
    if (inst->tracked)
        restore_written(inst);
    else
        restore_all(inst);
    inst->guest.w2c___stack_pointer = s->stack_pointer;
    inst->exec = NULL;
}

/* ---- instances ------------------------------------------------------------------------ */

static nx_instance_t *instantiate(nx_thread_t *t)
{
    nx_instance_t *inst = calloc(1, sizeof *inst);
    if (!inst)
        return NULL;
    inst->nexus.owner = inst;
    inst->wasi.owner = inst;
    uint32_t ignored;
    if (call_entry(inst, t, entry_instantiate, 0, &ignored) != 0 || !inst->guest.w2c_memory.data) {
        Z_guest_free(&inst->guest);
        free(inst);
        return NULL;
    }
    madvise(inst->guest.w2c_memory.data, NX_MEMORY_RESERVATION, MADV_NOHUGEPAGE);
    return inst;
}

nx_code_t nx_instance_create(const nx_snapshot_t *snap, nx_instance_t **out)
{
    *out = NULL;
    nx_thread_t *t = nx_thread_get();
    if (!t)
        return NX_E_INTERNAL_ERROR;
    pthread_once(&g_module_once, init_module);
    nx_instance_t *inst = instantiate(t);
    if (!inst)
        return NX_E_MEMORY_LIMIT;
    inst->snapshot = snap;
    inst->layout = snap ? &snap->layout : NULL;
    if (resize_memory(&inst->guest.w2c_memory, snap->pages) != 0) {
        nx_instance_free(inst);
        return NX_E_MEMORY_LIMIT;
    }
    restore_all(inst);
    inst->guest.w2c___stack_pointer = snap->stack_pointer;
    inst->tracked = nx_dirty_track(inst->guest.w2c_memory.data, snap->size) == 0;
    *out = inst;
    return NX_OK;
}

void nx_instance_free(nx_instance_t *inst)
{
    if (!inst)
        return;
    Z_guest_free(&inst->guest);
    free(inst->report);
    free(inst);
}

/* ---- snapshots ------------------------------------------------------------------------- */

static bool layout_in_bounds(const nx_abi_layout_t *l, uint32_t size)
{
    return l->abi_version == NX_ABI_VERSION && l->reply_capacity == NX_ABI_REPLY_CAPACITY &&
           (uint64_t)l->reply_buffer + l->reply_capacity <= size &&
           (uint64_t)l->interrupt_flag + 4 <= size && l->interrupt_flag % 4 == 0 &&
           (uint64_t)l->instruction_count + 8 <= size && l->instruction_count % 8 == 0 &&
           (uint64_t)l->instruction_budget + 8 <= size && l->instruction_budget % 8 == 0 &&
           (uint64_t)l->value_limit + 4 <= size && l->value_limit % 4 == 0;
}

static nx_code_t initialise(nx_instance_t *inst, nx_thread_t *t, uint32_t flags,
                            nx_abi_layout_t *layout, char *err, size_t err_size)
{
    uint32_t ret = 0, layout_ptr = 0;
    if (call_entry(inst, t, entry_initialize, 0, &ret) ||
        call_entry(inst, t, entry_layout, 0, &layout_ptr)) {
        snprintf(err, err_size, "guest start-up trapped");
        return NX_E_WASM_ERROR;
    }
    const uint8_t *l = nx_instance_span(inst, layout_ptr, sizeof *layout);
    if (!l) {
        snprintf(err, err_size, "guest layout out of bounds");
        return NX_E_WASM_ERROR;
    }
    memcpy(layout, l, sizeof *layout);
    if (call_entry(inst, t, entry_buffer, PREALLOCATED_IO_BYTES, &ret) || ret == 0 ||
        call_entry(inst, t, entry_init, flags, &ret) || ret != 0) {
        snprintf(err, err_size, "guest initialisation failed%s%.*s", inst->report_len ? ": " : "",
                 (int)inst->report_len, inst->report ? (const char *)inst->report : "");
        return NX_E_INTERNAL_ERROR;
    }
    if (!layout_in_bounds(layout, inst->guest.w2c_memory.size)) {
        snprintf(err, err_size, "guest layout invalid");
        return NX_E_WASM_ERROR;
    }
    return NX_OK;
}

static void snapshot_digest(nx_snapshot_t *snap)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    uint32_t words[2] = { snap->pages, snap->stack_pointer };
    unsigned len = 0;
    if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) ||
        !EVP_DigestUpdate(c, snap->image, snap->size) || !EVP_DigestUpdate(c, words, sizeof words) ||
        !EVP_DigestUpdate(c, &snap->layout, sizeof snap->layout) ||
        !EVP_DigestFinal_ex(c, snap->digest, &len))
        memset(snap->digest, 0, sizeof snap->digest); /* matches no export */
    EVP_MD_CTX_free(c);
}

nx_code_t nx_snapshot_create(uint32_t init_flags, nx_snapshot_t **out, char *err, size_t err_size)
{
    *out = NULL;
    nx_thread_t *t = nx_thread_get();
    if (!t) {
        snprintf(err, err_size, "cannot set up signal handling for this thread");
        return NX_E_INTERNAL_ERROR;
    }
    pthread_once(&g_module_once, init_module);
    nx_instance_t *inst = instantiate(t);
    if (!inst) {
        snprintf(err, err_size, "cannot reserve guest memory");
        return NX_E_MEMORY_LIMIT;
    }
    nx_snapshot_t *snap = calloc(1, sizeof *snap);
    nx_code_t code = snap ? initialise(inst, t, init_flags, &snap->layout, err, err_size)
                          : NX_E_INTERNAL_ERROR;
    if (code == NX_OK) {
        const wasm_rt_memory_t *m = &inst->guest.w2c_memory;
        snap->size = m->size;
        snap->pages = m->pages;
        snap->stack_pointer = inst->guest.w2c___stack_pointer;
        snap->image = malloc(m->size);
        if (snap->image) {
            memcpy(snap->image, m->data, m->size);
            snapshot_digest(snap);
        } else {
            code = NX_E_INTERNAL_ERROR;
        }
    }
    nx_instance_free(inst);
    if (code != NX_OK) {
        nx_snapshot_free(snap);
        return code;
    }
    *out = snap;
    return NX_OK;
}

void nx_snapshot_free(nx_snapshot_t *snap)
{
    if (!snap)
        return;
    free(snap->image);
    free(snap);
}

size_t nx_snapshot_size(const nx_snapshot_t *snap) { return snap->size; }

const uint8_t *nx_snapshot_image(const nx_snapshot_t *snap) { return snap->image; }

uint32_t nx_snapshot_pages(const nx_snapshot_t *snap) { return snap->pages; }

const uint8_t *nx_snapshot_digest(const nx_snapshot_t *snap) { return snap->digest; }
