/* deadline.c - execution deadlines (thread.h): one watchdog thread per
 * process signals the threads whose execution has run past its deadline.
 *
 * Arming and disarming are stores into the executing thread's own state,
 * with no system call (a timer per execution cost two, ~8% of a short
 * handler's time). The watchdog sleeps until the earliest deadline it knows
 * of and is woken only for an earlier one: after an idle spell, or a
 * shorter time limit than those already running. At a deadline it sends
 * the thread the deadline signal, then again every grace period while the
 * same execution runs; thread.c's handler raises the guest's interrupt
 * flag, then traps out. Each signal carries the deadline it is for, so one
 * that lands after its execution ended, or during the next, is ignored.
 *
 * Lost wake-ups: an arming thread stores its deadline, then reads when the
 * watchdog will next look (g_next_look, UINT64_MAX while it scans or idles)
 * and wakes it if that is later. A scan that missed the new deadline
 * published its next look after the store, so the reader sees that look
 * (and wakes the watchdog if it is too late) or MAX (and wakes it). */
#include "sandbox/thread.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_wake;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static nx_thread_t *g_threads;       /* registered threads, under g_lock */
static bool g_running;               /* the watchdog thread exists */
static _Atomic uint64_t g_next_look = UINT64_MAX;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sends every overdue execution its signal; returns the next time to look. */
static uint64_t scan(void)
{
    uint64_t now = now_ns(), next = UINT64_MAX;
    for (nx_thread_t *t = g_threads; t; t = t->wd_next) {
        uint64_t deadline = atomic_load(&t->deadline_ns);
        if (!deadline)
            continue;
        if (t->wd_deadline != deadline) { /* an execution not seen before */
            t->wd_deadline = deadline;
            t->wd_signal_at = deadline;
        }
        if (now >= t->wd_signal_at) {
            union sigval id = { .sival_ptr = (void *)(uintptr_t)deadline };
            pthread_sigqueue(t->self, nx_deadline_signal(), id);
            t->wd_signal_at = now + atomic_load(&t->grace_ns);
        }
        if (t->wd_signal_at < next)
            next = t->wd_signal_at;
    }
    return next;
}

static void *watch(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&g_lock);
    for (;;) {
        atomic_store(&g_next_look, UINT64_MAX);
        uint64_t next = scan();
        atomic_store(&g_next_look, next);
        if (next == UINT64_MAX) {
            pthread_cond_wait(&g_wake, &g_lock);
        } else {
            struct timespec at = { .tv_sec = (time_t)(next / 1000000000u),
                                   .tv_nsec = (long)(next % 1000000000u) };
            pthread_cond_timedwait(&g_wake, &g_lock, &at);
        }
    }
    return NULL;
}

/* This thread's state once registered, for the child of a fork. */
static __thread nx_thread_t *t_registered;

/* After fork only the forking thread exists: the child starts a watchdog
 * of its own when it first arms a deadline. */
static void before_fork(void) { pthread_mutex_lock(&g_lock); }
static void after_fork_parent(void) { pthread_mutex_unlock(&g_lock); }
static void init_wake(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&g_wake, &attr);
    pthread_condattr_destroy(&attr);
}

static void after_fork_child(void)
{
    pthread_mutex_init(&g_lock, NULL);
    /* the parent's watchdog was waiting on the condition: in the child that
     * waiter does not exist, and signalling its copy would block forever */
    init_wake();
    g_running = false;
    g_threads = t_registered;
    if (g_threads)
        g_threads->wd_next = g_threads->wd_prev = NULL;
    atomic_store(&g_next_look, UINT64_MAX);
}

static void init_once(void)
{
    init_wake();
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

/* Starts the watchdog if it is not running; under g_lock. It takes no
 * signal meant for the process. */
static int start_locked(void)
{
    if (g_running)
        return 0;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t id;
    int rc = pthread_create(&id, &attr, watch, NULL);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    g_running = rc == 0;
    return rc == 0 ? 0 : -1;
}

int nx_deadline_register(nx_thread_t *t)
{
    if (t->wd_registered)
        return 0;
    pthread_once(&g_once, init_once);
    t->self = pthread_self();
    pthread_mutex_lock(&g_lock);
    int rc = start_locked();
    if (rc == 0) {
        t->wd_prev = NULL;
        t->wd_next = g_threads;
        if (g_threads)
            g_threads->wd_prev = t;
        g_threads = t;
        t->wd_registered = true;
        /* thread.c calls it when the thread ends (it knows nothing of the
         * watchdog: the two files do not call each other) */
        t->on_destroy = nx_deadline_unregister;
        t_registered = t;
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

void nx_deadline_unregister(nx_thread_t *t)
{
    if (!t->wd_registered)
        return;
    pthread_mutex_lock(&g_lock);
    if (t->wd_prev)
        t->wd_prev->wd_next = t->wd_next;
    else if (g_threads == t)
        g_threads = t->wd_next;
    if (t->wd_next)
        t->wd_next->wd_prev = t->wd_prev;
    t->wd_registered = false;
    if (t_registered == t)
        t_registered = NULL;
    pthread_mutex_unlock(&g_lock);
}

int nx_deadline_arm(nx_thread_t *t, uint32_t timeout_ms, uint32_t grace_ms,
                    volatile uint32_t *interrupt_flag)
{
    if (nx_deadline_register(t) != 0)
        return -1;
    t->interrupt_flag = interrupt_flag;
    t->expirations = 0;
    t->stop_pending = 0;
    atomic_store(&t->grace_ns, (uint64_t)(grace_ms ? grace_ms : 1) * 1000000u);
    uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000u;
    if (deadline == t->last_deadline) /* each execution's deadline names it */
        deadline++;
    t->last_deadline = deadline;
    atomic_store(&t->deadline_ns, deadline);
    if (deadline < atomic_load(&g_next_look)) {
        pthread_mutex_lock(&g_lock);
        int rc = start_locked();
        pthread_cond_signal(&g_wake);
        pthread_mutex_unlock(&g_lock);
        if (rc != 0) {
            atomic_store(&t->deadline_ns, 0);
            return -1;
        }
    }
    return 0;
}

bool nx_deadline_disarm(nx_thread_t *t)
{
    atomic_store(&t->deadline_ns, 0);
    t->interrupt_flag = NULL;
    t->stop_pending = 0;
    return t->expirations > 0;
}
