/* crash_report.h - makes a test program that dies say why.
 *
 * cmocka answers a fatal signal with its own handler, which, on any thread
 * but the test's, ends the process with exit status 255 and prints nothing
 * (a segmentation fault in a worker thread of the stress test looked like
 * that). Nexus chains faults that are not guest traps to the handler that
 * was installed before its own, so a test installs this reporter before it
 * creates its first runtime: a fault outside the sandbox then prints the
 * signal, the address, the thread and a stack trace, and the process dies
 * of the signal itself.
 *
 * crash_report_watchdog(seconds) does the same for a test that never ends:
 * it prints that it fired and aborts. */
#ifndef NEXUS_TEST_CRASH_REPORT_H
#define NEXUS_TEST_CRASH_REPORT_H

#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
void __sanitizer_print_stack_trace(void);
#endif

static void crash_report_write(const char *s) { (void)!write(2, s, strlen(s)); }

static void crash_report_number(unsigned long long v, int base)
{
    char buf[32];
    int i = (int)sizeof buf;
    buf[--i] = '\0';
    do {
        buf[--i] = "0123456789abcdef"[v % (unsigned)base];
        v /= (unsigned)base;
    } while (v && i > 0);
    crash_report_write(buf + i);
}

static void crash_report_handler(int sig, siginfo_t *info, void *uctx)
{
    (void)uctx;
    crash_report_write("\nFATAL: signal ");
    crash_report_number((unsigned)sig, 10);
    crash_report_write(" (");
    crash_report_write(strsignal(sig));
    crash_report_write(") at address 0x");
    crash_report_number((unsigned long long)(uintptr_t)info->si_addr, 16);
    crash_report_write(", code ");
    crash_report_number((unsigned)info->si_code, 10);
    crash_report_write(", thread ");
    crash_report_number((unsigned long long)gettid(), 10);
    crash_report_write(" (not a guest trap: Nexus passed it on)\n");
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_print_stack_trace();
#else
    void *frames[64];
    int n = backtrace(frames, 64);
    backtrace_symbols_fd(frames, n, 2);
#endif
    signal(sig, SIG_DFL);
    raise(sig);
}

static inline void crash_report_install(void)
{
    static int installed;
    if (installed++)
        return;
    static const int signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = crash_report_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        sigaction(signals[i], &sa, NULL);
}

static void *crash_report_watchdog_main(void *arg)
{
    unsigned seconds = (unsigned)(uintptr_t)arg;
    sleep(seconds);
    crash_report_write("\nFATAL: the test's watchdog fired: no end after ");
    crash_report_number(seconds, 10);
    crash_report_write(" s\n");
    signal(SIGABRT, SIG_DFL);
    abort();
    return NULL;
}

/* A thread that aborts the process, saying so, after seconds. */
static inline void crash_report_watchdog(unsigned seconds)
{
    pthread_t t;
    if (pthread_create(&t, NULL, crash_report_watchdog_main, (void *)(uintptr_t)seconds) == 0)
        pthread_detach(t);
}

#endif
