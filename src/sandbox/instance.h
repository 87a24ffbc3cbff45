/* instance.h - one sandbox: a wasm2c instance of the guest module, and the
 * snapshot every instance starts from.
 *
 * A snapshot is the guest right after initialisation (QuickJS runtime and
 * context created, prelude run, built-ins frozen): its linear memory plus
 * the stack pointer global, the module's only mutable global. An instance
 * is created from a snapshot and restored to it after every execution, so
 * nothing survives from one execution to the next.
 */
#ifndef NEXUS_SANDBOX_INSTANCE_H
#define NEXUS_SANDBOX_INSTANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "guest_w2c.h"
#include "nexus.h"
#include "sandbox/thread.h"

typedef struct nx_instance nx_instance_t;
typedef struct nx_snapshot nx_snapshot_t;
struct nx_exec;

/* The import contexts wasm2c passes to our host functions. */
struct Z_nexus_instance_t {
    nx_instance_t *owner;
};
struct Z_wasi_snapshot_preview1_instance_t {
    nx_instance_t *owner;
};

typedef enum nx_guest_export {
    NX_EXPORT_COMPILE,  /* source in the I/O buffer -> bytecode report */
    NX_EXPORT_RUN,      /* run request -> outcome report */
    NX_EXPORT_RESUME,   /* resume request -> outcome report */
    NX_EXPORT_EVAL      /* raw engine only: script -> outcome report */
} nx_guest_export_t;

struct nx_instance {
    Z_guest_instance_t guest;
    struct Z_nexus_instance_t nexus;
    struct Z_wasi_snapshot_preview1_instance_t wasi;
    const nx_snapshot_t *snapshot;
    const nx_abi_layout_t *layout; /* the snapshot's validated guest addresses;
                                      NULL while the snapshot is being made */
    struct nx_exec *exec;   /* the execution using the instance; host calls
                               read and write it (NULL when idle) */
    nx_thread_t *thread;    /* the thread running guest code in it */
    uint8_t *report;        /* last outcome the guest reported (finish) */
    size_t report_len, report_cap;
    bool report_overflow;   /* the report exceeded the size limit */
    bool tracked;           /* restores copy back only written pages */
    nx_instance_t *next;    /* pool list link */
};

/* Creates a guest, initialises it with flags (NX_INIT_*), and captures it.
 * On failure writes a reason to err. Owner: caller, nx_snapshot_free. */
nx_code_t nx_snapshot_create(uint32_t init_flags, nx_snapshot_t **out, char *err, size_t err_size);
void nx_snapshot_free(nx_snapshot_t *snap);
/* Bytes of linear memory in the snapshot. */
size_t nx_snapshot_size(const nx_snapshot_t *snap);
/* Its image (nx_snapshot_size bytes), its size in 64 KiB pages, and the
 * SHA-256 naming it (image, stack pointer, layout): two processes of one
 * build make the same snapshot, so the digest names the build's guest
 * state exactly. */
const uint8_t *nx_snapshot_image(const nx_snapshot_t *snap);
uint32_t nx_snapshot_pages(const nx_snapshot_t *snap);
const uint8_t *nx_snapshot_digest(const nx_snapshot_t *snap);

/* A new instance in the snapshot's state. Owner: caller, nx_instance_free. */
nx_code_t nx_instance_create(const nx_snapshot_t *snap, nx_instance_t **out);
void nx_instance_free(nx_instance_t *inst);

/* Puts memory and globals back to the snapshot (also after a trap). */
void nx_instance_restore(nx_instance_t *inst);

/* Sets linear memory to pages (64 KiB each): new pages are zero, dropped
 * ones become guard pages again. */
nx_code_t nx_instance_resize(nx_instance_t *inst, uint32_t pages);

/* Caps linear memory at pages (64 KiB each) for the next calls. */
void nx_instance_set_page_cap(nx_instance_t *inst, uint32_t pages);

/* Copies input into the guest's I/O buffer (followed by a NUL). */
nx_code_t nx_instance_write_input(nx_instance_t *inst, const void *bytes, size_t len);

/* Calls an export with arg on the calling thread, inside the trap
 * boundary. Returns 0 and the export's result in *ret, or the trap code
 * (wasm_rt_trap_t or NX_TRAP_DEADLINE). The instance must be restored after
 * a trap. The outcome report is in inst->report. */
int nx_instance_call(nx_instance_t *inst, nx_thread_t *t, nx_guest_export_t which,
                     uint32_t arg, uint32_t *ret);

/* The snapshot's validated guest addresses; NULL while creating it. */
static inline const nx_abi_layout_t *nx_instance_layout(const nx_instance_t *inst)
{
    return inst->layout;
}

/* The guest's interrupt flag, as the deadline signal writes it. */
volatile uint32_t *nx_instance_interrupt_flag(nx_instance_t *inst);

/* Before a handler's first segment: zeroes the guest's instruction count
 * and sets its budget (INT64_MAX: none) and the largest value it encodes
 * (guest/meter.h). */
void nx_instance_meter_start(nx_instance_t *inst, int64_t budget, uint32_t value_limit);
/* The guest's instruction count as it stands: a handler could only change
 * it by corrupting its own memory, and then gains nothing the wall-clock
 * timeout does not bound. */
uint64_t nx_instance_instructions(const nx_instance_t *inst);

/* Linear memory size in bytes right now. */
static inline uint64_t nx_instance_memory_bytes(const nx_instance_t *inst)
{
    return inst->guest.w2c_memory.size;
}

/* Bounds-checked view of guest memory: NULL unless [ptr, ptr+len) lies
 * inside linear memory. */
static inline uint8_t *nx_instance_span(nx_instance_t *inst, uint32_t ptr, uint32_t len)
{
    const wasm_rt_memory_t *m = &inst->guest.w2c_memory;
    if ((uint64_t)ptr + len > m->size)
        return NULL;
    return m->data + ptr;
}

#endif
