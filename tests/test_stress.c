/* test_stress.c - owns the multi-threaded stress test: THREADS threads run
 * ROUNDS x PER_ROUND executions each on ONE runtime, mixing successes,
 * handler errors, timeouts (short timeout_ms, some needing the hard stop),
 * memory-limit hits, permission denials, resource limits, compilation errors
 * and suspensions on an extension registered without a callback (resumed on
 * the same thread or by another one, some with an error outcome, some twice,
 * some cancelled, some left to expire under a short suspension_ttl_ms).
 *
 * Checked: every result has the status, code and value its handler implies;
 * afterwards the runtime's counters add up to exactly what the threads saw
 * (executions, successes, errors, suspensions, errors_by_code), nothing is
 * left pending, busy or suspended once the queue is drained and the leftovers
 * have expired; and memory stops growing: RSS after the warm-up round and
 * after the last round (both at rest) may differ by at most RSS_GROWTH_MB.
 * Every instance is prewarmed, so instance creation does not count as
 * growth. The heap is trimmed (malloc_trim; under ASan, whose quarantine
 * holds freed memory, __sanitizer_purge_allocator) after every round and
 * before each figure; the untrimmed figures are printed too. */
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#define THREADS 4
#ifndef ROUNDS
#define ROUNDS 4              /* the first one is the warm-up */
#endif
#ifndef PER_ROUND
#define PER_ROUND 500         /* executions started per thread per round */
#endif
#define TTL_MS 250            /* suspension_ttl_ms */
#define MAX_HELD 4            /* suspended executions a thread holds at once */
#define MAX_ABANDONED 3       /* left to expire, per thread, not yet expired */
#define RSS_GROWTH_MB 16.0
#define QUEUE_CAP 16          /* suspended executions waiting for any thread */

/* ---- handlers ------------------------------------------------------------------------- */

typedef enum kind {
    K_SUCCESS, K_THROW, K_TIMEOUT, K_HARD_STOP, K_MEMORY, K_DENIED, K_RESOURCE, K_COMPILE,
    K_IMMEDIATE_EXT,
    K_SUSPEND_ONE, K_SUSPEND_TWO, K_SUSPEND_CATCH, K_SUSPEND_THROW,
    K_COUNT
} kind_t;

static const char *const sources[K_COUNT] = {
    [K_SUCCESS] = "$state.count = ($state.count || 0) + $args.n; $emit('done', { n: $args.n });\n"
                  "console.log('n', $args.n); return $args.n * 2;",
    [K_THROW] = "if ($args.n >= 0) throw new Error('handler failed ' + $args.n); return 0;",
    [K_TIMEOUT] = "let i = 0; while (true) i++;",
    [K_HARD_STOP] = "return /(a+)+$/.test('a'.repeat(40) + 'b');",
    [K_MEMORY] = "const keep = []; for (;;) keep.push(new Float64Array(1 << 15));",
    [K_DENIED] = "$state.secret = $args.n;",
    [K_RESOURCE] = "for (let i = 0; i < 50; i++) $log.info('line', i);",
    [K_COMPILE] = "return ($args.n +;",
    [K_IMMEDIATE_EXT] = "return await $ext.sync.twice($args.n);",
    [K_SUSPEND_ONE] = "const v = await $ext.db.get($args.n); return v + 1;",
    [K_SUSPEND_TWO] = "const a = await $ext.db.get(1); $emit('mid', a); const b = await $ext.db.get(2);\n"
                      "return a + b;",
    [K_SUSPEND_CATCH] = "try { await $ext.db.get(0); return 'no'; } catch (e) { return 'caught ' + e.message; }",
    [K_SUSPEND_THROW] = "await $ext.db.get(0); throw new Error('after resume');",
};

/* ---- accounting ------------------------------------------------------------------------- */

typedef struct tally {
    uint64_t calls;               /* execute/resume calls that returned NX_OK */
    uint64_t by_status[3];
    uint64_t by_code[NX_CODE_COUNT];
    uint64_t refused_resumes;     /* resumes of ids that had expired meanwhile */
    uint64_t cancelled, abandoned, cross_thread;
    uint64_t failures;            /* results that were not what the handler implies */
    char first_failure[512];
} tally_t;

static void note_failure(tally_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_failure(tally_t *t, const char *fmt, ...)
{
    if (t->failures++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(t->first_failure, sizeof t->first_failure, fmt, ap);
        va_end(ap);
    }
}

static void count(tally_t *t, const nx_result_t *r)
{
    t->calls++;
    t->by_status[nx_result_status(r)]++;
    const nx_error_info_t *e = nx_result_error(r);
    if (e)
        t->by_code[e->code]++;
}

static void add_tally(tally_t *into, const tally_t *t)
{
    into->calls += t->calls;
    for (int i = 0; i < 3; i++)
        into->by_status[i] += t->by_status[i];
    for (int i = 0; i < NX_CODE_COUNT; i++)
        into->by_code[i] += t->by_code[i];
    into->refused_resumes += t->refused_resumes;
    into->cancelled += t->cancelled;
    into->abandoned += t->abandoned;
    into->cross_thread += t->cross_thread;
    if (t->failures && !into->failures)
        snprintf(into->first_failure, sizeof into->first_failure, "%s", t->first_failure);
    into->failures += t->failures;
}

/* ---- the shared runtime and the cross-thread queue -------------------------------------- */

static nx_runtime_t *rt;

typedef struct item {
    char id[64];
    kind_t kind;
    int stage;          /* awaits already answered */
    int n;
    double since;       /* when it suspended */
} item_t;

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static item_t queue[QUEUE_CAP];
static size_t q_head, q_len;

static bool q_push(const item_t *it)
{
    pthread_mutex_lock(&q_lock);
    bool ok = q_len < QUEUE_CAP;
    if (ok) {
        queue[(q_head + q_len) % QUEUE_CAP] = *it;
        q_len++;
    }
    pthread_mutex_unlock(&q_lock);
    return ok;
}

static bool q_pop(item_t *it)
{
    pthread_mutex_lock(&q_lock);
    bool ok = q_len > 0;
    if (ok) {
        *it = queue[q_head];
        q_head = (q_head + 1) % QUEUE_CAP;
        q_len--;
    }
    pthread_mutex_unlock(&q_lock);
    return ok;
}

static void serve_sync(void *user, const nx_ext_call_t *call, nx_ext_reply_t *reply)
{
    (void)user;
    /* args is [n] with 0 <= n < 128: a one-element fixarray of a fixint */
    uint8_t out = call->args_len == 2 && call->args[0] == 0x91 && call->args[1] < 64
                      ? (uint8_t)(call->args[1] * 2) : 0;
    nx_ext_reply_value(reply, &out, 1);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- one thread's work ----------------------------------------------------------------- */

typedef struct worker {
    int index;
    unsigned seed;
    tally_t tally;
    item_t held[MAX_HELD];
    int nheld;
    double abandoned_at[MAX_ABANDONED];
} worker_t;

static kind_t pick_kind(unsigned *seed)
{
    unsigned r = (unsigned)rand_r(seed) % 1000;
    if (r < 280) return K_SUCCESS;
    if (r < 360) return K_THROW;
    if (r < 400) return K_TIMEOUT;
    if (r < 405) return K_HARD_STOP;
    if (r < 440) return K_MEMORY;
    if (r < 490) return K_DENIED;
    if (r < 530) return K_RESOURCE;
    if (r < 550) return K_COMPILE;
    if (r < 620) return K_IMMEDIATE_EXT;
    if (r < 800) return K_SUSPEND_ONE;
    if (r < 880) return K_SUSPEND_TWO;
    if (r < 940) return K_SUSPEND_CATCH;
    return K_SUSPEND_THROW;
}

static nx_context_t *context_for(kind_t k, int n)
{
    nx_context_t *ctx;
    if (nx_context_create(&ctx) != NX_OK)
        return NULL;
    char args[64];
    snprintf(args, sizeof args, "{\"n\":%d}", n);
    nx_context_set_args_json(ctx, args);
    nx_limits_t l = { 0 };
    switch (k) {
    case K_SUCCESS:
        nx_context_set_state_json(ctx, "{\"count\":1}");
        nx_context_add_capability(ctx, "state:read:count");
        nx_context_add_capability(ctx, "state:write:count");
        nx_context_add_capability(ctx, "events:emit:done");
        break;
    case K_TIMEOUT: l.timeout_ms = 15; break;
    case K_HARD_STOP: l.timeout_ms = 15; break;
    /* only the memory cap can end it: the deadline is far beyond any load */
    case K_MEMORY: l.memory_mb = 8; l.timeout_ms = 600000; break;
    case K_RESOURCE: l.max_logs = 10; break;
    case K_IMMEDIATE_EXT: nx_context_add_capability(ctx, "ext:sync"); break;
    case K_SUSPEND_ONE: case K_SUSPEND_TWO: case K_SUSPEND_CATCH: case K_SUSPEND_THROW:
        nx_context_add_capability(ctx, "ext:db");
        nx_context_add_capability(ctx, "events:emit:mid");
        break;
    default:
        break;
    }
    nx_context_set_limits(ctx, &l);
    return ctx;
}

static char *value_text(const nx_result_t *r)
{
    size_t len;
    const uint8_t *v = nx_result_value(r, &len);
    char *json = NULL;
    if (!v || nx_msgpack_to_json(v, len, &json) != NX_OK)
        return strdup("undefined");
    return json;
}

static void want_value(tally_t *t, const nx_result_t *r, const char *want, const char *what)
{
    if (nx_result_status(r) != NX_STATUS_SUCCESS) {
        const nx_error_info_t *e = nx_result_error(r);
        note_failure(t, "%s: want success %s, got %s %s %s", what, want, nx_status_name(nx_result_status(r)),
                     e ? nx_code_name(e->code) : "", e ? e->message : "");
        return;
    }
    char *got = value_text(r);
    if (strcmp(got, want) != 0)
        note_failure(t, "%s: want %s, got %s", what, want, got);
    free(got);
}

static void want_error(tally_t *t, const nx_result_t *r, nx_code_t code, const char *what)
{
    const nx_error_info_t *e = nx_result_error(r);
    if (nx_result_status(r) != NX_STATUS_ERROR || !e || e->code != code)
        note_failure(t, "%s: want %s, got %s %s %s", what, nx_code_name(code), nx_status_name(nx_result_status(r)),
                     e ? nx_code_name(e->code) : "", e ? e->message : "");
    if (nx_result_status(r) == NX_STATUS_ERROR &&
        (nx_result_mutation_count(r) || nx_result_event_count(r) || nx_result_view_command_count(r)))
        note_failure(t, "%s: a failed result carries effects", what);
}

/* Checks a settled or suspended result of an execution of kind k whose
 * item (for suspensions) is *it; a suspended one is stored back in *it. */
static bool check_outcome(tally_t *t, kind_t k, const nx_result_t *r, item_t *it)
{
    char want[64];
    switch (k) {
    case K_SUCCESS:
        snprintf(want, sizeof want, "%d", it->n * 2);
        want_value(t, r, want, "success");
        if (nx_result_event_count(r) != 1 || nx_result_mutation_count(r) != 1 || nx_result_log_count(r) != 1)
            note_failure(t, "success: effects %zu/%zu/%zu", nx_result_mutation_count(r),
                         nx_result_event_count(r), nx_result_log_count(r));
        return false;
    case K_THROW: want_error(t, r, NX_E_EXECUTION_ERROR, "throw"); return false;
    case K_TIMEOUT: want_error(t, r, NX_E_TIMEOUT, "timeout"); return false;
    case K_HARD_STOP: want_error(t, r, NX_E_TIMEOUT, "hard stop"); return false;
    case K_MEMORY: want_error(t, r, NX_E_MEMORY_LIMIT, "memory"); return false;
    case K_DENIED: want_error(t, r, NX_E_PERMISSION_DENIED, "denied"); return false;
    case K_RESOURCE: want_error(t, r, NX_E_RESOURCE_LIMIT, "resource"); return false;
    case K_COMPILE: want_error(t, r, NX_E_COMPILATION_ERROR, "compile"); return false;
    case K_IMMEDIATE_EXT:
        snprintf(want, sizeof want, "%d", it->n * 2);
        want_value(t, r, want, "immediate extension");
        return false;
    default:
        break;
    }
    /* suspensions: stage = awaits answered so far */
    int awaits = k == K_SUSPEND_TWO ? 2 : 1;
    if (it->stage < awaits) {
        if (nx_result_status(r) != NX_STATUS_SUSPENDED || nx_result_suspension_count(r) != 1) {
            const nx_error_info_t *e = nx_result_error(r);
            note_failure(t, "suspension kind %d stage %d: want suspended, got %s %s", k, it->stage,
                         nx_status_name(nx_result_status(r)), e ? e->message : "");
            return false;
        }
        snprintf(it->id, sizeof it->id, "%s", nx_result_suspension(r, 0)->id);
        it->since = now_ms();
        return true;
    }
    switch (k) {
    case K_SUSPEND_ONE: snprintf(want, sizeof want, "%d", 5 + 1); want_value(t, r, want, "suspend one"); break;
    case K_SUSPEND_TWO: want_value(t, r, "10", "suspend two"); break;
    case K_SUSPEND_CATCH: want_value(t, r, "\"caught refused by the stress test\"", "suspend catch"); break;
    default: want_error(t, r, NX_E_EXECUTION_ERROR, "suspend throw"); break;
    }
    return false;
}

/* Resumes it once; returns true when it is still suspended (it updated). */
static bool resume_item(tally_t *t, item_t *it)
{
    nx_outcome_t ok = { .value = (const uint8_t *)"\x05", .value_len = 1 };
    nx_outcome_t fail = { .is_error = true, .error_message = "refused by the stress test" };
    bool as_error = it->kind == K_SUSPEND_CATCH;
    nx_result_t *r = NULL;
    nx_code_t code = nx_resume(rt, it->id, as_error ? &fail : &ok, &r);
    if (code == NX_E_INVALID_ARGUMENT) {
        /* only an id that waited about as long as the TTL may be gone (the
         * runtime starts the TTL a little before we take the time) */
        if (now_ms() - it->since < TTL_MS - 20)
            note_failure(t, "nx_resume refused %s after %.0f ms (TTL %d ms)", it->id,
                         now_ms() - it->since, TTL_MS);
        t->refused_resumes++;
        nx_result_free(r);
        return false;
    }
    if (code != NX_OK || !r) {
        note_failure(t, "nx_resume: %s", nx_code_name(code));
        nx_result_free(r);
        return false;
    }
    count(t, r);
    it->stage++;
    bool again = check_outcome(t, it->kind, r, it);
    nx_result_free(r);
    return again;
}

static void settle_item(tally_t *t, item_t it)
{
    while (resume_item(t, &it)) {
    }
}

/* Decides what becomes of a suspended execution. */
static void handle_suspended(worker_t *w, item_t *it)
{
    unsigned r = (unsigned)rand_r(&w->seed) % 100;
    if (r < 35) {
        if (resume_item(&w->tally, it))
            handle_suspended(w, it);
        return;
    }
    if (r < 70 && q_push(it))
        return;
    if (r < 85) {
        if (nx_cancel(rt, it->id) != NX_OK)
            note_failure(&w->tally, "nx_cancel(%s) refused", it->id);
        w->tally.cancelled++;
        return;
    }
    /* leave it to expire, if few enough are waiting to */
    double now = now_ms();
    for (int i = 0; i < MAX_ABANDONED; i++) {
        if (now - w->abandoned_at[i] > TTL_MS + 300) {
            w->abandoned_at[i] = now;
            w->tally.abandoned++;
            return;
        }
    }
    if (w->nheld < MAX_HELD) {
        w->held[w->nheld++] = *it;
        return;
    }
    settle_item(&w->tally, *it);
}

static void run_one(worker_t *w, int i)
{
    kind_t k = pick_kind(&w->seed);
    item_t it = { .kind = k, .stage = 0, .n = (w->index * 100000 + i) % 1000 };
    if (k == K_IMMEDIATE_EXT)
        it.n %= 64; /* the extension answers fixints */
    nx_context_t *ctx = context_for(k, it.n);
    if (!ctx) {
        note_failure(&w->tally, "context");
        return;
    }
    nx_result_t *r = NULL;
    nx_code_t code = nx_execute(rt, sources[k], strlen(sources[k]), ctx, &r);
    nx_context_free(ctx);
    if (code != NX_OK || !r) {
        note_failure(&w->tally, "nx_execute kind %d: %s %s", k, nx_code_name(code),
                     r && nx_result_error(r) ? nx_result_error(r)->message : "");
        nx_result_free(r);
        return;
    }
    count(&w->tally, r);
    bool suspended = check_outcome(&w->tally, k, r, &it);
    nx_result_free(r);
    if (suspended)
        handle_suspended(w, &it);
}

static void *work(void *p)
{
    worker_t *w = p;
    for (int i = 0; i < PER_ROUND; i++) {
        run_one(w, i);
        /* help with another thread's suspensions now and then */
        item_t it;
        if (rand_r(&w->seed) % 3 == 0 && q_pop(&it)) {
            w->tally.cross_thread++;
            if (resume_item(&w->tally, &it))
                handle_suspended(w, &it);
        }
        /* resume a held one now and then */
        if (w->nheld && rand_r(&w->seed) % 4 == 0) {
            item_t h = w->held[--w->nheld];
            if (resume_item(&w->tally, &h))
                handle_suspended(w, &h);
        }
    }
    return NULL;
}

/* ---- rounds, rest and measurements ----------------------------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
void __sanitizer_purge_allocator(void);
#endif

static double rss_mb(bool purge)
{
    if (purge) {
#if defined(__SANITIZE_ADDRESS__)
        __sanitizer_purge_allocator();
#else
        malloc_trim(0);
#endif
    }
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (double)resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static worker_t workers[THREADS];
static tally_t leftovers; /* the main thread's drains */

/* Settles every held and queued execution, then lets the abandoned ones
 * expire and sweeps them. */
static void come_to_rest(void)
{
    for (int w = 0; w < THREADS; w++) {
        while (workers[w].nheld)
            settle_item(&leftovers, workers[w].held[--workers[w].nheld]);
        for (int i = 0; i < MAX_ABANDONED; i++)
            workers[w].abandoned_at[i] = 0;
    }
    item_t it;
    while (q_pop(&it))
        settle_item(&leftovers, it);
    usleep((TTL_MS + 250) * 1000);
    /* any call sweeps expired suspensions; a resume of an unknown id is not
     * counted as an execution */
    nx_outcome_t o = { 0 };
    nx_result_t *r = NULL;
    assert_int_equal(nx_resume(rt, "sx-sweep", &o, &r), NX_E_INVALID_ARGUMENT);
    nx_result_free(r);
    nx_stats_t st;
    nx_runtime_stats(rt, &st);
    assert_int_equal(st.pending_suspensions, 0);
    assert_int_equal(st.instances_suspended, 0);
    assert_int_equal(st.instances_busy, 0);
}

static void run_round(void)
{
    pthread_t threads[THREADS];
    for (int w = 0; w < THREADS; w++)
        assert_int_equal(pthread_create(&threads[w], NULL, work, &workers[w]), 0);
    for (int w = 0; w < THREADS; w++)
        assert_int_equal(pthread_join(threads[w], NULL), 0);
    come_to_rest();
}

static void test_stress(void **state)
{
    (void)state;
    crash_report_install();
    crash_report_watchdog(600);
    nx_config_t cfg;
    nx_config_init(&cfg);
    /* every instance exists from the start, so RSS after the warm-up is not
     * compared with fewer instances than at the end: at most 1 running +
     * MAX_HELD + MAX_ABANDONED per thread, plus the queue */
    cfg.max_instances = THREADS * (1 + MAX_HELD + MAX_ABANDONED) + QUEUE_CAP;
    cfg.prewarm_instances = cfg.max_instances;
    cfg.acquire_timeout_ms = 20000;
    cfg.suspension_ttl_ms = TTL_MS;
    assert_int_equal(nx_runtime_create(&cfg, &rt), NX_OK);
    static const char *const db[] = { "get" };
    static const char *const sync[] = { "twice" };
    assert_int_equal(nx_runtime_register_extension(rt, "db", db, 1, NULL, NULL, NULL), NX_OK);
    assert_int_equal(nx_runtime_register_extension(rt, "sync", sync, 1, serve_sync, NULL, NULL), NX_OK);
    for (int w = 0; w < THREADS; w++)
        workers[w] = (worker_t){ .index = w, .seed = 0x5eed + (unsigned)w * 7919 };

    double t0 = now_ms();
    run_round(); /* warm-up */
    double warm_raw = rss_mb(false), warm = rss_mb(true);
    double t_warm = now_ms() - t0;
    double end_raw = warm_raw;
    for (int round = 1; round < ROUNDS; round++) {
        run_round();
        end_raw = rss_mb(false);
        /* also keeps ASan's quarantine from piling up across rounds, which
         * its purge does not fully give back */
        double rss = rss_mb(true);
        if (getenv("NEXUS_STRESS_VERBOSE"))
            printf("stress: round %d: RSS %.1f MiB\n", round, rss);
    }
    double end = rss_mb(true);
    double elapsed = now_ms() - t0;

    tally_t total = { 0 };
    for (int w = 0; w < THREADS; w++)
        add_tally(&total, &workers[w].tally);
    add_tally(&total, &leftovers);
    nx_stats_t st;
    nx_runtime_stats(rt, &st);

    printf("stress: %d threads x %d executions started; %llu execute/resume calls in %.1f s "
           "(%.0f calls/s; warm-up round %.1f s)\n",
           THREADS, ROUNDS * PER_ROUND, (unsigned long long)total.calls, elapsed / 1e3,
           (double)total.calls / (elapsed / 1e3), t_warm / 1e3);
    printf("stress: %llu ok, %llu errors, %llu suspended; %llu resumed from another thread, %llu cancelled, "
           "%llu left to expire (%llu of them resumed too late and refused)\n",
           (unsigned long long)total.by_status[NX_STATUS_SUCCESS],
           (unsigned long long)total.by_status[NX_STATUS_ERROR],
           (unsigned long long)total.by_status[NX_STATUS_SUSPENDED], (unsigned long long)total.cross_thread,
           (unsigned long long)total.cancelled, (unsigned long long)total.abandoned,
           (unsigned long long)total.refused_resumes);
    printf("stress: errors by code:");
    for (int c = 1; c < NX_CODE_COUNT; c++)
        if (total.by_code[c])
            printf(" %s=%llu", nx_code_name((nx_code_t)c), (unsigned long long)total.by_code[c]);
    printf("\nstress: RSS after warm-up %.1f MiB, after %d more rounds %.1f MiB (growth %+.1f MiB); "
           "without trimming the heap %.1f -> %.1f MiB; %llu instances created, peak guest memory %.1f MiB\n",
           warm, ROUNDS - 1, end, end - warm, warm_raw, end_raw, (unsigned long long)st.instances_created,
           (double)st.peak_memory_bytes / (1024.0 * 1024.0));

    if (total.failures)
        fail_msg("%llu wrong results; first: %s", (unsigned long long)total.failures, total.first_failure);
    /* the counters add up to what the threads saw */
    assert_int_equal(st.executions, total.calls);
    assert_int_equal(st.executions, st.successes + st.errors + st.suspensions);
    assert_int_equal(st.successes, total.by_status[NX_STATUS_SUCCESS]);
    assert_int_equal(st.errors, total.by_status[NX_STATUS_ERROR]);
    assert_int_equal(st.suspensions, total.by_status[NX_STATUS_SUSPENDED]);
    for (int c = 0; c < NX_CODE_COUNT; c++) {
        if (st.errors_by_code[c] != total.by_code[c])
            fail_msg("errors_by_code[%s] = %llu, the threads saw %llu", nx_code_name((nx_code_t)c),
                     (unsigned long long)st.errors_by_code[c], (unsigned long long)total.by_code[c]);
    }
    /* every kind of outcome really happened */
    static const nx_code_t caused[] = { NX_E_TIMEOUT, NX_E_MEMORY_LIMIT, NX_E_PERMISSION_DENIED,
                                        NX_E_EXECUTION_ERROR, NX_E_COMPILATION_ERROR, NX_E_RESOURCE_LIMIT };
    for (size_t i = 0; i < sizeof caused / sizeof caused[0]; i++)
        assert_true(total.by_code[caused[i]] > 0);
    assert_int_equal(total.by_code[NX_E_INTERNAL_ERROR] + total.by_code[NX_E_WASM_ERROR], 0);
    assert_true(total.cancelled > 0 && total.abandoned > 0 && total.cross_thread > 0);
    assert_int_equal(st.instances_created, cfg.max_instances);
    assert_int_equal(st.pending_suspensions, 0);
    assert_int_equal(st.instances_busy, 0);
    assert_int_equal(st.instances_suspended, 0);
    if (end - warm > RSS_GROWTH_MB)
        fail_msg("RSS grew %.1f MiB after the warm-up (bound %.0f MiB)", end - warm, RSS_GROWTH_MB);
    nx_runtime_free(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
