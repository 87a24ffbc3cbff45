/* memory.h - the layout of a guest memory reservation, shared by the wasm2c
 * runtime (which creates it) and the instance/snapshot code (which restores
 * it). */
#ifndef NEXUS_SANDBOX_MEMORY_H
#define NEXUS_SANDBOX_MEMORY_H

/* A 32-bit wasm address plus a 32-bit offset stays below 8 GiB: reserving
 * that much makes every out-of-bounds access fault. */
#define NX_MEMORY_RESERVATION (8ull << 30)
#define NX_WASM_PAGE_BYTES 65536u

#endif
