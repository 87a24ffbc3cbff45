/* wasm_rt.c - our implementation of the wasm2c runtime (wasm-rt.h).
 *
 * Debian's libwasm-rt-impl keeps trap state in plain globals and sets one
 * signal stack for the process; this one is thread-safe: traps jump to the
 * calling thread's boundary (sandbox/thread.c), function types are
 * registered under a lock, exception state is thread-local. Memories are
 * guard-page reservations: every address a 32-bit load or store can form
 * (base + offset < 8 GiB) lies inside the reservation, so out-of-bounds
 * accesses fault and become traps without bounds checks in generated code.
 * memory.grow beyond each memory's max_pages (the instance sets it to its
 * memory limit) traps with NX_TRAP_MEMORY.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sandbox/memory.h"
#include "sandbox/thread.h"
#include "wasm-rt.h"

#define PAGE_BYTES 65536u

/* ---- lifecycle and traps -------------------------------------------------------- */

void wasm_rt_init(void) { nx_signals_install(); }
bool wasm_rt_is_initialized(void) { return true; }
void wasm_rt_free(void) {}

void wasm_rt_trap(wasm_rt_trap_t code) { nx_thread_trap((int)code); }

const char *wasm_rt_strerror(wasm_rt_trap_t trap)
{
    if ((int)trap == NX_TRAP_SEGUE)
        return "the GS base could not be set for guest code";
    switch (trap) {
    case WASM_RT_TRAP_NONE: return "no error";
    case WASM_RT_TRAP_OOB: return "out-of-bounds memory access";
    case WASM_RT_TRAP_INT_OVERFLOW: return "integer overflow";
    case WASM_RT_TRAP_DIV_BY_ZERO: return "integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case WASM_RT_TRAP_UNREACHABLE: return "unreachable executed";
    case WASM_RT_TRAP_CALL_INDIRECT: return "invalid indirect call";
    case WASM_RT_TRAP_UNCAUGHT_EXCEPTION: return "uncaught exception";
    case WASM_RT_TRAP_EXHAUSTION: return "call stack exhausted";
    }
    return "unknown trap";
}

/* ---- function types ------------------------------------------------------------- */

typedef struct func_type {
    uint32_t params, results;
    wasm_rt_type_t *types; /* params then results */
} func_type_t;

static pthread_mutex_t g_types_lock = PTHREAD_MUTEX_INITIALIZER;
static func_type_t *g_types;
static uint32_t g_type_count;

static bool same_type(const func_type_t *t, uint32_t params, uint32_t results,
                      const wasm_rt_type_t *types)
{
    return t->params == params && t->results == results &&
           memcmp(t->types, types, (params + results) * sizeof *types) == 0;
}

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...)
{
    uint32_t n = params + results;
    wasm_rt_type_t types[n ? n : 1];
    va_list ap;
    va_start(ap, results);
    for (uint32_t i = 0; i < n; i++)
        types[i] = (wasm_rt_type_t)va_arg(ap, int);
    va_end(ap);

    pthread_mutex_lock(&g_types_lock);
    uint32_t index = 0;
    for (uint32_t i = 0; i < g_type_count && !index; i++)
        if (same_type(&g_types[i], params, results, types))
            index = i + 1;
    if (!index) {
        func_type_t *grown = realloc(g_types, (g_type_count + 1) * sizeof *grown);
        wasm_rt_type_t *copy = malloc((n ? n : 1) * sizeof *copy);
        if (!grown || !copy)
            abort(); /* module initialisation cannot fail gracefully */
        memcpy(copy, types, n * sizeof *copy);
        g_types = grown;
        g_types[g_type_count] = (func_type_t){ params, results, copy };
        index = ++g_type_count;
    }
    pthread_mutex_unlock(&g_types_lock);
    return index;
}

/* ---- exceptions (unused by our module, kept per thread for completeness) -------- */

#define MAX_EXCEPTION_BYTES 256
static __thread uint32_t tls_exception_tag, tls_exception_size;
static __thread uint8_t tls_exception[MAX_EXCEPTION_BYTES];
static __thread WASM_RT_UNWIND_TARGET *tls_unwind_target;
static uint32_t g_tag_count;

uint32_t wasm_rt_register_tag(uint32_t size)
{
    if (size > MAX_EXCEPTION_BYTES)
        wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
    return __atomic_fetch_add(&g_tag_count, 1, __ATOMIC_RELAXED);
}

void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void *values)
{
    if (size > MAX_EXCEPTION_BYTES)
        wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
    tls_exception_tag = tag;
    tls_exception_size = size;
    if (size)
        memcpy(tls_exception, values, size);
}

void wasm_rt_throw(void)
{
    if (!tls_unwind_target)
        wasm_rt_trap(WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
    siglongjmp(*tls_unwind_target, WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
}

WASM_RT_UNWIND_TARGET *wasm_rt_get_unwind_target(void) { return tls_unwind_target; }
void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET *target) { tls_unwind_target = target; }
uint32_t wasm_rt_exception_tag(void) { return tls_exception_tag; }
uint32_t wasm_rt_exception_size(void) { return tls_exception_size; }
void *wasm_rt_exception(void) { return tls_exception; }

/* ---- memories --------------------------------------------------------------------- */

void wasm_rt_allocate_memory(wasm_rt_memory_t *mem, uint32_t initial, uint32_t max)
{
    memset(mem, 0, sizeof *mem);
    void *base = mmap(NULL, NX_MEMORY_RESERVATION, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        return; /* size 0: the first data segment traps, the instance fails */
    size_t bytes = (size_t)initial * PAGE_BYTES;
    if (bytes && mprotect(base, bytes, PROT_READ | PROT_WRITE) != 0) {
        munmap(base, NX_MEMORY_RESERVATION);
        return;
    }
    mem->data = base;
    mem->pages = initial;
    mem->max_pages = max;
    mem->size = (uint32_t)bytes;
}

/* Growing past the cap ends the execution at once (a trap), rather than
 * failing the grow: a handler that catches the engine's out-of-memory error
 * could otherwise keep running at the limit until its deadline. */
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *mem, uint32_t delta)
{
    nx_thread_t *t = nx_thread_current();
    if (t)
        nx_thread_enter_host(t);
    uint32_t old = mem->pages;
    uint64_t pages = (uint64_t)old + delta;
    bool ok = mem->data && pages <= mem->max_pages && pages <= 65536;
    if (ok && delta > 0) {
        ok = mprotect(mem->data + (size_t)old * PAGE_BYTES, (size_t)delta * PAGE_BYTES,
                      PROT_READ | PROT_WRITE) == 0;
        if (ok) {
            mem->pages = (uint32_t)pages;
            mem->size = (uint32_t)(pages * PAGE_BYTES);
        }
    }
    if (!t)
        return ok ? old : UINT32_MAX;
    if (!ok) {
        t->memory_cap_hit = true;
        nx_thread_trap(NX_TRAP_MEMORY);
    }
    nx_thread_leave_host(t);
    return old;
}

void wasm_rt_free_memory(wasm_rt_memory_t *mem)
{
    if (mem->data)
        munmap(mem->data, NX_MEMORY_RESERVATION);
    memset(mem, 0, sizeof *mem);
}

/* ---- tables ------------------------------------------------------------------------- */

#define DEFINE_TABLE(type)                                                                    \
    void wasm_rt_allocate_##type##_table(wasm_rt_##type##_table_t *table, uint32_t elements, \
                                         uint32_t max_elements)                               \
    {                                                                                         \
        table->data = calloc(elements ? elements : 1, sizeof *table->data);                   \
        table->size = table->data ? elements : 0;                                             \
        table->max_size = max_elements;                                                       \
    }                                                                                         \
    void wasm_rt_free_##type##_table(wasm_rt_##type##_table_t *table)                        \
    {                                                                                         \
        free(table->data);                                                                    \
        table->data = NULL;                                                                   \
        table->size = 0;                                                                      \
    }                                                                                         \
    uint32_t wasm_rt_grow_##type##_table(wasm_rt_##type##_table_t *table, uint32_t delta,    \
                                         wasm_rt_##type##_t init)                             \
    {                                                                                         \
        uint32_t old = table->size;                                                           \
        uint64_t n = (uint64_t)old + delta;                                                   \
        if (n > table->max_size)                                                              \
            return UINT32_MAX;                                                                \
        void *grown = realloc(table->data, (n ? n : 1) * sizeof *table->data);                \
        if (!grown)                                                                           \
            return UINT32_MAX;                                                                \
        table->data = grown;                                                                  \
        for (uint64_t i = old; i < n; i++)                                                    \
            table->data[i] = init;                                                            \
        table->size = (uint32_t)n;                                                            \
        return old;                                                                           \
    }

DEFINE_TABLE(funcref)
DEFINE_TABLE(externref)
