/* instance_state.h - an instance's guest state as its differences from the
 * snapshot it was made from, and an instance put into such a state again:
 * what an exported execution carries of the guest. The whole state of a
 * guest is its linear memory and its stack pointer (the module's only
 * mutable global), and every process of one build makes the same
 * snapshot, so the differences are enough to rebuild it anywhere. */
#ifndef NEXUS_SANDBOX_INSTANCE_STATE_H
#define NEXUS_SANDBOX_INSTANCE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "nexus.h"
#include "sandbox/instance.h"

/* Differences are found and kept at this grain (bytes). */
#define NX_STATE_GRAIN 64

/* Receives one run of bytes that differ from the snapshot (or, past the
 * snapshot's size, from zero). Returns 0 to go on. */
typedef int (*nx_state_run_fn)(void *user, uint32_t offset, const uint8_t *bytes, uint32_t len);

/* Calls fn for every run of inst's memory that differs from its snapshot,
 * in address order. Uses the written-page tracking when it can, else
 * compares every page. Returns 0, or what fn returned to stop. */
int nx_instance_diff(nx_instance_t *inst, nx_state_run_fn fn, void *user);

/* Memory size (64 KiB pages) and stack pointer of inst now. */
uint32_t nx_instance_pages(const nx_instance_t *inst);
uint32_t nx_instance_stack_pointer(const nx_instance_t *inst);

/* Puts a freshly restored inst into a state: memory of pages (at least the
 * snapshot's), then each run written with nx_instance_patch, and the stack
 * pointer. NX_E_INVALID_ARGUMENT for sizes or runs outside the memory. */
nx_code_t nx_instance_adopt(nx_instance_t *inst, uint32_t pages, uint32_t stack_pointer);
nx_code_t nx_instance_patch(nx_instance_t *inst, uint32_t offset, const uint8_t *bytes, uint32_t len);

#endif
