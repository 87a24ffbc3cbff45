/* engine_compat.h - force-included into every QuickJS source file built for
 * the guest. It supplies what wasi-libc lacks, redirects the two calls
 * QuickJS uses for directed rounding to guest/rounding.c, because
 * WebAssembly only rounds to nearest (see that file), and turns on the
 * instruction metering of patches/quickjs-metering.patch (guest/meter.h);
 * the native QuickJS the benchmarks compare with is built without it. */
#ifndef NEXUS_ENGINE_COMPAT_H
#define NEXUS_ENGINE_COMPAT_H

#include <malloc.h>  /* malloc_usable_size */
#include <stddef.h>
#include <stdio.h>
#include <fenv.h>

#ifndef FE_DOWNWARD
#define FE_DOWNWARD 0x400
#endif
#ifndef FE_UPWARD
#define FE_UPWARD 0x800
#endif

int nx_fesetround(int mode);
int nx_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define NX_METER 1

#define fesetround nx_fesetround
#define snprintf nx_snprintf

#endif
