/* test_segue.c - the GS segment base around guest code (Segue,
 * src/sandbox/segue.h): the caller's GS base is the same after a guest call
 * as before it, however the call ended (return, trap, deadline stop), on
 * every thread; inside host calls GS holds the running instance's memory
 * base; a host call that moves GS does not move the guest's accesses; a
 * guest call nested in a host call gives the outer guest its base back;
 * a fault on a guard page reached through GS is a trap like any other.
 *
 * Runs on both builds: in the plain one GS must simply never change. GS is
 * read and set here with arch_prctl, which works whatever the mode. `make
 * test` also runs this with NEXUS_SEGUE=syscall (GS written by arch_prctl
 * inside Nexus too). */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>

#include "helpers.h"
#include "sandbox/segue.h"
#include "sandbox/thread.h"
#include "wasm-rt.h"

#if defined(__x86_64__) && defined(__linux__)
#include <asm/prctl.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>
#define HAVE_GS 1
#else
#define HAVE_GS 0
#endif

#define SENTINEL_A ((uintptr_t)0x5e90e000)
#define SENTINEL_B ((uintptr_t)0x7ea0000ull)
#define MAX_SEEN 64

static nx_runtime_t *rt;
/* Nexus's SIGSEGV handler: cmocka puts its own in place for every test */
static struct sigaction nexus_segv;

#if HAVE_GS
static uintptr_t gs_get(void)
{
    unsigned long v = 0;
    if (syscall(SYS_arch_prctl, ARCH_GET_GS, &v) != 0)
        abort();
    return (uintptr_t)v;
}
static void gs_set(uintptr_t v)
{
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)v) != 0)
        abort();
}
#endif

static bool segue_build(void) { return NX_SEGUE != 0; }

/* ---- what host calls see -------------------------------------------------------------- */

typedef struct seen {
    uintptr_t gs[MAX_SEEN];
    int count;
    uintptr_t move_to; /* when set, a host call moves GS there */
} seen_t;

static __thread seen_t *tls_seen;

static void observe(void *user, const nx_host_call_t *call)
{
    (void)user;
    (void)call;
#if HAVE_GS
    seen_t *s = tls_seen;
    if (!s)
        return;
    if (s->count < MAX_SEEN)
        s->gs[s->count++] = gs_get();
    if (s->move_to)
        gs_set(s->move_to);
#endif
}

/* Is p the start of a readable and writable mapping (a guest memory)? */
static bool starts_rw_mapping(uintptr_t p)
{
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[512];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && lo == p)
            found = perms[0] == 'r' && perms[1] == 'w';
    }
    fclose(f);
    return found;
}

/* ---- fixtures --------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    rt = make_runtime();
    assert_int_equal(sigaction(SIGSEGV, NULL, &nexus_segv), 0);
    int id;
    assert_int_equal(nx_runtime_add_interceptor(rt, observe, NULL, NULL, NULL, &id), NX_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nx_runtime_free(rt);
    return 0;
}

static const run_opts_t counter_opts = {
    .state = "{\"count\":41}",
    .args = "{\"step\":1}",
    .caps = { "state:read:count", "state:write:count", "events:emit:*" },
};
static const char *counter_src =
    "const n = $state.count + $args.step; $state.count = n; $emit('changed', {n}); return n;";

/* ---- tests --------------------------------------------------------------------------------- */

static void test_mode(void **state)
{
    (void)state;
    expect_run(rt, "return 1", NULL, "1");
    nx_segue_mode_t mode = nx_segue_mode();
    if (!segue_build()) {
        assert_int_equal(mode, NX_SEGUE_OFF);
        return;
    }
#if HAVE_GS
    const char *forced = getenv("NEXUS_SEGUE");
    if (forced && strcmp(forced, "syscall") == 0)
        assert_int_equal(mode, NX_SEGUE_SYSCALL);
    else if (getauxval(AT_HWCAP2) & 2)
        assert_int_equal(mode, NX_SEGUE_WRGSBASE);
    else
        assert_int_equal(mode, NX_SEGUE_SYSCALL);
    printf("GS written with %s\n", nx_segue_mode_name(mode));
#endif
}

static void test_caller_gs_after_a_call(void **state)
{
    (void)state;
#if HAVE_GS
    uintptr_t before = gs_get();
    for (uintptr_t sentinel = 0; sentinel <= SENTINEL_A; sentinel += SENTINEL_A) {
        gs_set(sentinel);
        for (int i = 0; i < 5; i++) {
            expect_run(rt, counter_src, &counter_opts, "42");
            assert_int_equal(gs_get(), sentinel);
        }
    }
    gs_set(before);
#else
    skip();
#endif
}

static void test_gs_inside_host_calls(void **state)
{
    (void)state;
#if HAVE_GS
    uintptr_t before = gs_get();
    gs_set(SENTINEL_A);
    seen_t seen = { .count = 0 };
    tls_seen = &seen;
    expect_run(rt, counter_src, &counter_opts, "42");
    tls_seen = NULL;
    assert_int_equal(gs_get(), SENTINEL_A);
    assert_true(seen.count >= 3); /* get, set, emit (and finish) */
    for (int i = 0; i < seen.count; i++) {
        if (!segue_build()) {
            assert_int_equal(seen.gs[i], SENTINEL_A);
            continue;
        }
        /* one base for the whole execution: its instance's memory */
        assert_int_equal(seen.gs[i], seen.gs[0]);
        assert_int_not_equal(seen.gs[i], SENTINEL_A);
    }
    if (segue_build())
        assert_true(starts_rw_mapping(seen.gs[0]));
    gs_set(before);
#else
    skip();
#endif
}

static void test_caller_gs_after_traps(void **state)
{
    (void)state;
#if HAVE_GS
    uintptr_t before = gs_get();
    gs_set(SENTINEL_A);
    /* memory.grow refused: a trap raised from host code */
    run_opts_t mem = { .limits = { .memory_mb = 16 } };
    expect_run_error(rt, "const a = []; for (;;) a.push(new Array(100000).fill(1.5));", &mem,
                     NX_E_MEMORY_LIMIT);
    assert_int_equal(gs_get(), SENTINEL_A);
    /* QuickJS's own stack check: an error, no trap */
    expect_run_error(rt, "function f(n) { return f(n + 1) + 1; } return f(0);", NULL,
                     NX_E_RESOURCE_LIMIT);
    assert_int_equal(gs_get(), SENTINEL_A);
    expect_run(rt, counter_src, &counter_opts, "42");
    assert_int_equal(gs_get(), SENTINEL_A);
    gs_set(before);
#else
    skip();
#endif
}

/* ---- the trap boundary itself, with code that faults or spins ------------------------- */

#define FAKE_RESERVATION (1u << 20)
#define FAKE_WORD 0x5e6e0e01u

/* Reads guest address arg as guest code does: %gs:arg in the Segue build,
 * base + arg in the plain one (guest is then the base). */
static uint32_t read_guest_word(void *guest, uint32_t arg)
{
#if NX_SEGUE
    (void)guest;
    return *(volatile __seg_gs uint32_t *)(uintptr_t)arg;
#else
    return *(volatile uint32_t *)((uint8_t *)guest + arg);
#endif
}

static uint32_t spin(void *guest, uint32_t arg)
{
    (void)guest;
    for (volatile uint32_t i = arg;; i++)
        ;
    return 0;
}

static void test_caller_gs_after_a_fault_trap(void **state)
{
    (void)state;
#if HAVE_GS
    /* a fake instance memory: one readable page, the rest a guard */
    uint8_t *base = mmap(NULL, FAKE_RESERVATION, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(base != MAP_FAILED);
    assert_int_equal(mprotect(base, 4096, PROT_READ | PROT_WRITE), 0);
    memcpy(base + 64, &(uint32_t){ FAKE_WORD }, 4);
    nx_thread_t *t = nx_thread_get();
    assert_non_null(t);
    uintptr_t before = gs_get();
    gs_set(SENTINEL_B);
    struct sigaction cmocka_segv;
    assert_int_equal(sigaction(SIGSEGV, &nexus_segv, &cmocka_segv), 0);
    uint32_t ret = 0;
    /* guest address 64 is the word written through the host's pointer */
    assert_int_equal(nx_thread_call(t, read_guest_word, base, 64, base, base + FAKE_RESERVATION, &ret), 0);
    assert_int_equal(ret, FAKE_WORD);
    assert_int_equal(gs_get(), SENTINEL_B);
    /* a guard page: the SIGSEGV handler sees base + address and traps */
    assert_int_equal(nx_thread_call(t, read_guest_word, base, 8192, base, base + FAKE_RESERVATION, &ret),
                     WASM_RT_TRAP_OOB);
    assert_int_equal(gs_get(), SENTINEL_B);
    /* a deadline stop of code that never returns: siglongjmp from the
     * watchdog signal's handler */
    volatile uint32_t flag = 0;
    assert_int_equal(nx_deadline_arm(t, 20, 20, &flag), 0);
    assert_int_equal(nx_thread_call(t, spin, base, 0, base, base + FAKE_RESERVATION, &ret),
                     NX_TRAP_DEADLINE);
    assert_true(nx_deadline_disarm(t));
    assert_int_equal(flag, 1);
    assert_int_equal(gs_get(), SENTINEL_B);
    sigaction(SIGSEGV, &cmocka_segv, NULL);
    gs_set(before);
    munmap(base, FAKE_RESERVATION);
#else
    skip();
#endif
}

static void test_caller_gs_after_a_deadline_stop(void **state)
{
    (void)state;
#if HAVE_GS
    uintptr_t before = gs_get();
    gs_set(SENTINEL_B);
    /* the regular-expression engine never polls: the watchdog's signal
     * traps out of guest code */
    run_opts_t o = { .limits = { .timeout_ms = 100 } };
    expect_run_error(rt, "return /(a+)+$/.test('a'.repeat(40) + 'b')", &o, NX_E_TIMEOUT);
    assert_int_equal(gs_get(), SENTINEL_B);
    expect_run(rt, counter_src, &counter_opts, "42");
    assert_int_equal(gs_get(), SENTINEL_B);
    gs_set(before);
#else
    skip();
#endif
}

static void test_host_call_that_moves_gs(void **state)
{
    (void)state;
#if HAVE_GS
    if (segue_build() && nx_segue_mode() == NX_SEGUE_SYSCALL)
        skip(); /* that mode trusts host code with GS (segue.h) */
    uintptr_t before = gs_get();
    gs_set(SENTINEL_A);
    /* an address where nothing is mapped: a guest access through it would
     * crash the test rather than pass unnoticed */
    seen_t seen = { .count = 0, .move_to = (uintptr_t)1 << 45 };
    tls_seen = &seen;
    run_opts_t o = { .state = "{\"k\":\"v\"}", .caps = { "state:read:k" } };
    expect_run(rt,
               "let s = ''; for (let i = 0; i < 20; i++) s += $state.k + i;"
               "const a = []; for (let i = 0; i < 1000; i++) a.push({ i, t: s.slice(0, i % 7) });"
               "return [s.length, a[999].t, a.length]",
               &o, "[50,\"v0v1v\",1000]");
    tls_seen = NULL;
    assert_true(seen.count >= 20);
    /* Segue: the caller's base is put back; plain: GS is nobody's business */
    assert_int_equal(gs_get(), segue_build() ? SENTINEL_A : seen.move_to);
    gs_set(before);
#else
    skip();
#endif
}

/* An extension whose callback creates (and frees) a whole runtime: guest
 * calls of another instance nested inside the outer guest's host call. */
static void make_runtime_inside(void *user, const nx_ext_call_t *call, nx_ext_reply_t *reply)
{
    (void)call;
    uintptr_t *outer = user;
#if HAVE_GS
    outer[0] = gs_get();
#endif
    /* no prewarmed instance: the last inner guest call is then one that
     * initialises the inner snapshot, with its own memory base */
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 0;
    nx_runtime_t *inner = NULL;
    if (nx_runtime_create(&cfg, &inner) == NX_OK)
        nx_runtime_free(inner);
    else
        return; /* no answer: the outer handler fails */
#if HAVE_GS
    outer[1] = gs_get();
#endif
    static const uint8_t seven = 0x07;
    nx_ext_reply_value(reply, &seven, 1);
}

static void test_guest_call_nested_in_a_host_call(void **state)
{
    (void)state;
#if HAVE_GS
    uintptr_t before = gs_get();
    gs_set(SENTINEL_A);
#endif
    uintptr_t outer[2] = { 0, 0 };
    const char *methods[] = { "make" };
    assert_int_equal(nx_runtime_register_extension(rt, "nest", methods, 1, make_runtime_inside, outer, NULL),
                     NX_OK);
    run_opts_t o = { .caps = { "ext:nest" } };
    expect_run(rt,
               "const v = await $ext.nest.make();"
               "const a = []; for (let i = 0; i < 2000; i++) a.push({ i, s: 'x' + i });"
               "return [v, a.length, a[1999].s, JSON.stringify(a).length]",
               &o, "[7,2000,\"x1999\",43781]");
#if HAVE_GS
    /* the outer guest's base, before and after the inner runtime's calls */
    assert_int_equal(outer[1], outer[0]);
    if (segue_build())
        assert_int_not_equal(outer[0], SENTINEL_A);
    assert_int_equal(gs_get(), SENTINEL_A);
    gs_set(before);
#endif
}

/* ---- threads -------------------------------------------------------------------------------- */

#define THREADS 4
#define RUNS_PER_THREAD 40

typedef struct worker {
    pthread_t id;
    uintptr_t sentinel;
    int wrong_gs;       /* GS not the thread's own after a call */
    int wrong_results;
    uintptr_t inside;   /* a base seen inside a host call */
} worker_t;

static bool result_is(nx_result_t *r, const char *json)
{
    bool ok = nx_result_status(r) == NX_STATUS_SUCCESS;
    if (ok) {
        size_t len;
        const uint8_t *v = nx_result_value(r, &len);
        char *got = NULL;
        ok = nx_msgpack_to_json(v, len, &got) == NX_OK && strcmp(got, json) == 0;
        nx_free(got);
    }
    nx_result_free(r);
    return ok;
}

static bool error_is(nx_result_t *r, nx_code_t code)
{
    const nx_error_info_t *e = nx_result_error(r);
    bool ok = nx_result_status(r) == NX_STATUS_ERROR && e && e->code == code;
    nx_result_free(r);
    return ok;
}

static nx_result_t *run_quietly(const char *src, const run_opts_t *o)
{
    nx_context_t *ctx = NULL;
    nx_context_create(&ctx);
    if (o && o->state)
        nx_context_set_state_json(ctx, o->state);
    if (o && o->args)
        nx_context_set_args_json(ctx, o->args);
    for (int i = 0; o && i < MAX_CAPS && o->caps[i]; i++)
        nx_context_add_capability(ctx, o->caps[i]);
    if (o)
        nx_context_set_limits(ctx, &o->limits);
    nx_result_t *r = NULL;
    nx_execute(rt, src, strlen(src), ctx, &r);
    nx_context_free(ctx);
    return r;
}

static void *work(void *arg)
{
    worker_t *w = arg;
#if HAVE_GS
    gs_set(w->sentinel);
    seen_t seen = { .count = 0 };
    tls_seen = &seen;
    for (int i = 0; i < RUNS_PER_THREAD; i++) {
        run_opts_t small = { .limits = { .memory_mb = 16 } };
        if (i % 10 == 5) /* a trap */
            w->wrong_results += !error_is(run_quietly("const a = []; for (;;) a.push(new Array(1e5).fill(1.5));",
                                                      &small), NX_E_MEMORY_LIMIT);
        else
            w->wrong_results += !result_is(run_quietly(counter_src, &counter_opts), "42");
        w->wrong_gs += gs_get() != w->sentinel;
        if (seen.count)
            w->inside = seen.gs[0];
        seen.count = 0;
    }
    tls_seen = NULL;
#endif
    return NULL;
}

static void test_gs_per_thread(void **state)
{
    (void)state;
#if HAVE_GS
    worker_t w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker_t){ .sentinel = SENTINEL_A + (uintptr_t)i * 0x10000 };
        assert_int_equal(pthread_create(&w[i].id, NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(w[i].id, NULL), 0);
        assert_int_equal(w[i].wrong_results, 0);
        assert_int_equal(w[i].wrong_gs, 0);
        if (segue_build())
            assert_int_not_equal(w[i].inside, w[i].sentinel);
        else
            assert_int_equal(w[i].inside, w[i].sentinel);
    }
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode),
        cmocka_unit_test(test_caller_gs_after_a_call),
        cmocka_unit_test(test_gs_inside_host_calls),
        cmocka_unit_test(test_caller_gs_after_traps),
        cmocka_unit_test(test_caller_gs_after_a_fault_trap),
        cmocka_unit_test(test_caller_gs_after_a_deadline_stop),
        cmocka_unit_test(test_host_call_that_moves_gs),
        cmocka_unit_test(test_guest_call_nested_in_a_host_call),
        cmocka_unit_test(test_gs_per_thread),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
