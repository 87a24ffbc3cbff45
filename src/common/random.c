/* random.c - a per-thread pool of the kernel's random bytes. getrandom(2)
 * per execution cost a system call (and OpenSSL's RAND_bytes, which checks
 * for fork with getpid, another); one call now serves 16 numbers. The pool
 * is small because it lives in static TLS: the library uses initial-exec
 * TLS (signal handlers read it), and a module loaded with dlopen, such as
 * the Node addon, gets only a small surplus of static TLS (4 KiB failed). */
#include "common/random.h"

#include <pthread.h>
#include <stdbool.h>
#include <sys/random.h>
#include <time.h>

#define POOL_WORDS 16

static __thread uint64_t t_pool[POOL_WORDS];
static __thread unsigned t_left;
static pthread_once_t g_atfork_once = PTHREAD_ONCE_INIT;

/* A forked child must not hand out what its parent will hand out too. */
static void drop_pool(void) { t_left = 0; }
static void install_atfork(void) { pthread_atfork(NULL, NULL, drop_pool); }

static bool refill(void)
{
    size_t got = 0;
    while (got < sizeof t_pool) {
        ssize_t n = getrandom((char *)t_pool + got, sizeof t_pool - got, 0);
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    t_left = POOL_WORDS;
    return true;
}

uint64_t nx_random_u64(void)
{
    pthread_once(&g_atfork_once, install_atfork);
    if (t_left == 0 && !refill()) {
        /* no kernel generator: distinct, not secret */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        static _Atomic uint64_t counter;
        return ((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ++counter) * 0x9e3779b97f4a7c15ull;
    }
    uint64_t v = t_pool[--t_left];
    t_pool[t_left] = 0; /* a value handed out is not kept */
    return v;
}
