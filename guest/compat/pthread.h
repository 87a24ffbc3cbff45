/* pthread.h - what QuickJS's Atomics code needs from pthreads, for a guest
 * that has exactly one thread. wasi-libc ships no pthreads. Atomics.wait
 * never blocks here: the runtime is created without JS_SetCanBlock, so
 * QuickJS throws before it would reach these. */
#ifndef NEXUS_GUEST_PTHREAD_STUB_H
#define NEXUS_GUEST_PTHREAD_STUB_H

typedef struct { int unused; } pthread_mutex_t;
typedef struct { int unused; } pthread_cond_t;
#define PTHREAD_MUTEX_INITIALIZER {0}

static inline int pthread_mutex_lock(pthread_mutex_t *m) { (void)m; return 0; }
static inline int pthread_mutex_unlock(pthread_mutex_t *m) { (void)m; return 0; }
static inline int pthread_cond_init(pthread_cond_t *c, const void *a) { (void)c; (void)a; return 0; }
static inline int pthread_cond_destroy(pthread_cond_t *c) { (void)c; return 0; }
static inline int pthread_cond_signal(pthread_cond_t *c) { (void)c; return 0; }
static inline int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { (void)c; (void)m; return 0; }
static inline int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const void *t)
{ (void)c; (void)m; (void)t; return 0; }

#endif
