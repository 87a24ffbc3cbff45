/* segue_access.h - the Segue build's linear-memory accessors, for the C
 * that wasm2c generates (not for host code).
 *
 * scripts/segue-accessors.sh checks that wasm2c's DEFINE_LOAD/DEFINE_STORE
 * definitions are exactly the ones this replaces (wabt 1.0.32) and puts
 * `#include "sandbox/segue_access.h"` right after them, before the
 * accessors are instantiated. Their memcpy from mem->data + addr becomes
 * one move from %gs:addr; the GS base is the instance's memory base while
 * guest code runs (segue.h, thread.c). So no register holds the base and
 * no store can force the base to be reloaded from the instance.
 *
 * Same semantics as the originals, with one deliberate exception: wasm2c
 * ends every load with an empty asm that uses the loaded value, so that a
 * load whose result is unused still happens (and still traps out of
 * bounds). That pin made the Segue build slower than the plain one
 * (docs/performance.md); without it the compiler may drop a load whose
 * value nothing uses. No access happens that the program did not ask for,
 * only one that could not matter may not happen.
 */
#ifndef NEXUS_SANDBOX_SEGUE_ACCESS_H
#define NEXUS_SANDBOX_SEGUE_ACCESS_H

#if !defined(__x86_64__) || !defined(__SEG_GS)
#error "segue_access.h needs x86-64 and a compiler with __seg_gs (gcc 6+, clang 9+)"
#endif
#if WABT_BIG_ENDIAN
#error "segue_access.h is for little-endian hosts"
#endif
#if !WASM_RT_MEMCHECK_SIGNAL_HANDLER
#error "segue_access.h relies on guard pages: the accessors make no bounds checks"
#endif

/* Wasm accesses may be unaligned, and one address may be read as a type
 * other than the one it was written as: the types say both. */
typedef u8 __attribute__((may_alias)) nx_gs_u8;
typedef s8 __attribute__((may_alias)) nx_gs_s8;
typedef u16 __attribute__((aligned(1), may_alias)) nx_gs_u16;
typedef s16 __attribute__((aligned(1), may_alias)) nx_gs_s16;
typedef u32 __attribute__((aligned(1), may_alias)) nx_gs_u32;
typedef s32 __attribute__((aligned(1), may_alias)) nx_gs_s32;
typedef u64 __attribute__((aligned(1), may_alias)) nx_gs_u64;
typedef f32 __attribute__((aligned(1), may_alias)) nx_gs_f32;
typedef f64 __attribute__((aligned(1), may_alias)) nx_gs_f64;

/* The object of type t at guest address addr. */
#define NX_GS_REF(t, addr) (*(__seg_gs nx_gs_##t *)(uintptr_t)(addr))

#undef DEFINE_LOAD
#undef DEFINE_STORE

#define DEFINE_LOAD(name, t1, t2, t3)                      \
  static inline t3 name(wasm_rt_memory_t* mem, u64 addr) { \
    (void)mem;                                             \
    return (t3)(t2)NX_GS_REF(t1, addr);                    \
  }

#define DEFINE_STORE(name, t1, t2)                                     \
  static inline void name(wasm_rt_memory_t* mem, u64 addr, t2 value) { \
    (void)mem;                                                         \
    NX_GS_REF(t1, addr) = (t1)value;                                   \
  }

/* Defined only in a host library built for Segue (segue.c): linking this
 * object without it fails instead of running %gs: accesses nobody set up. */
extern const int nx_segue_abi_1;
static const int* const nx_segue_abi_check __attribute__((used)) = &nx_segue_abi_1;

#endif
