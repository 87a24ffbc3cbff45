/* fuzz_recording.c - libFuzzer target for the recording loader and the
 * replay driver (src/record/recording.c, src/replay/replay.c): a recording
 * is a file a user hands to `nexus replay`, so every byte of it is
 * untrusted.
 *
 * Input: byte 0 picks the mode. Mode 0: the rest is a recording as is.
 * Otherwise the rest edits one of the recordings made at start-up (byte 1
 * picks it; a handler with state writes, logs, Math.random, Date.now, two
 * awaits and a Promise.all, one with a host function and an immediate
 * extension answer, one that throws): each following 3-byte group
 * (offset low, offset high, value) writes value at offset, and mode 2 also
 * cuts the recording at the first group's offset. Random edits of real
 * recordings reach the loader's deeper checks that random bytes do not.
 *
 * Invariants (abort() when broken):
 *   - loading never crashes nor reads out of bounds (ASan), and returns
 *     NX_OK or NX_E_INVALID_ARGUMENT;
 *   - what loads saves, and the saved bytes load again;
 *   - what loads replays without crashing on the shared runtime: nx_replay
 *     returns a result (never NULL), which serialises to JSON and to
 *     MessagePack, is never INTERNAL_ERROR, and leaves no instance busy or
 *     suspended. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "fuzz_runtime.h"
#include "nexus.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                              \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz_recording: invariant failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

static const char *const handlers[] = {
    "$state.count = ($state.count || 0) + 1; $log.info('r', Math.random(), Date.now());\n"
    "const a = await $ext.db.get(1); $emit('mid', { a });\n"
    "const [b, c] = await Promise.all([$ext.db.get(2), $ext.db.get(3)]);\n"
    "$state.last = [a, b, c]; return { a, b, c, t: $time.now() > 0 };",
    "const q = $host['fuzz:test/echo'].echo({ x: 1 }); const d = await $ext.sync.twice(21);\n"
    "$view.command('list', 'refresh', { q, d }); return [q, d];",
    "$log.warn('about to throw'); await $ext.db.get(0); throw new Error('planned ' + Math.random());",
};
#define BASES (sizeof handlers / sizeof handlers[0])

static uint8_t *g_base[BASES];
static size_t g_base_len[BASES];
static unsigned long g_inputs, g_loaded, g_replayed;

static void serve_twice(void *user, const nx_ext_call_t *call, nx_ext_reply_t *reply)
{
    (void)user, (void)call;
    nx_ext_reply_value(reply, "\x2a", 1); /* 42 */
}

static void host_echo(void *user, const char *iface, const char *fn, const uint8_t *args,
                      size_t len, nx_ext_reply_t *reply)
{
    (void)user, (void)iface, (void)fn;
    nx_ext_reply_value(reply, args, len);
}

static void report(void)
{
    fprintf(stderr, "fuzz_recording: %lu inputs, %lu loaded, %lu replayed\n", g_inputs, g_loaded,
            g_replayed);
}

/* Records handler i, answering every deferred call with its turn number. */
static void make_base(size_t i)
{
    nx_context_t *ctx;
    CHECK(nx_context_create(&ctx) == NX_OK);
    static const char *const caps[] = { "state:read:*", "state:write:*", "events:emit:*",
                                        "view:update:*", "ext:*", "host:*" };
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++)
        CHECK(nx_context_add_capability(ctx, caps[c]) == NX_OK);
    CHECK(nx_context_set_state_json(ctx, "{\"count\":1}") == NX_OK);
    nx_recording_t *rec;
    nx_result_t *r;
    CHECK(nx_execute_recorded(rt, handlers[i], strlen(handlers[i]), ctx, &rec, &r) == NX_OK);
    for (uint8_t turn = 1; nx_result_status(r) == NX_STATUS_SUSPENDED; turn++) {
        nx_outcome_t o = { .value = &turn, .value_len = 1 };
        nx_result_t *next;
        CHECK(nx_resume(rt, nx_result_suspension(r, 0)->id, &o, &next) == NX_OK);
        nx_result_free(r);
        r = next;
    }
    nx_result_free(r);
    CHECK(nx_recording_save(rec, &g_base[i], &g_base_len[i]) == NX_OK);
    nx_recording_free(rec);
    nx_context_free(ctx);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_runtime_create(report);
    static const char *const db[] = { "get" };
    static const char *const sync[] = { "twice" };
    CHECK(nx_runtime_register_extension(rt, "db", db, 1, NULL, NULL, NULL) == NX_OK);
    CHECK(nx_runtime_register_extension(rt, "sync", sync, 1, serve_twice, NULL, NULL) == NX_OK);
    static const nx_host_function_t fns[] = { { "echo", host_echo, NULL, NULL } };
    CHECK(nx_runtime_register_interface(rt, "fuzz:test/echo", fns, 1, NULL, NULL, NULL) == NX_OK);
    for (size_t i = 0; i < BASES; i++)
        make_base(i);
    return 0;
}

/* The bytes to load for this input (owner: caller, free()). */
static uint8_t *input_recording(const uint8_t *data, size_t size, size_t *len)
{
    if (size == 0)
        return NULL;
    if (data[0] == 0 || size < 2) {
        uint8_t *copy = malloc(size - 1 ? size - 1 : 1);
        CHECK(copy != NULL);
        memcpy(copy, data + 1, size - 1);
        *len = size - 1;
        return copy;
    }
    size_t base = data[1] % BASES;
    uint8_t *copy = malloc(g_base_len[base]);
    CHECK(copy != NULL);
    memcpy(copy, g_base[base], g_base_len[base]);
    *len = g_base_len[base];
    size_t cut = *len;
    for (size_t i = 2; i + 3 <= size; i += 3) {
        size_t at = ((size_t)data[i] | (size_t)data[i + 1] << 8) % *len;
        copy[at] = data[i + 2];
        if (data[0] == 2 && i == 2)
            cut = at;
    }
    *len = cut;
    return copy;
}

static void check_result(const nx_result_t *r)
{
    const nx_error_info_t *e = nx_result_error(r);
    CHECK(!e || e->code != NX_E_INTERNAL_ERROR);
    char *json = NULL;
    CHECK(nx_result_to_json(r, &json) == NX_OK);
    CHECK(nx_utf8_valid(json, strlen(json)));
    json_error_t err;
    json_t *doc = json_loads(json, JSON_ALLOW_NUL, &err);
    CHECK(doc != NULL);
    json_decref(doc);
    nx_free(json);
    uint8_t *mp = NULL;
    size_t mp_len = 0;
    CHECK(nx_result_to_msgpack(r, &mp, &mp_len) == NX_OK);
    nx_free(mp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_inputs++;
    size_t len = 0;
    uint8_t *bytes = input_recording(data, size, &len);
    if (!bytes)
        return 0;
    nx_recording_t *rec = NULL;
    nx_code_t code = nx_recording_load(bytes, len, &rec);
    free(bytes);
    CHECK(code == NX_OK || code == NX_E_INVALID_ARGUMENT);
    if (code != NX_OK) {
        CHECK(rec == NULL);
        return 0;
    }
    g_loaded++;
    uint8_t *saved;
    size_t saved_len;
    CHECK(nx_recording_save(rec, &saved, &saved_len) == NX_OK);
    nx_recording_t *again = NULL;
    CHECK(nx_recording_load(saved, saved_len, &again) == NX_OK);
    nx_recording_free(again);
    nx_free(saved);

    nx_result_t *r = NULL;
    code = nx_replay(rt, rec, &r);
    CHECK(r != NULL);
    check_result(r);
    if (code == NX_OK)
        g_replayed++;
    nx_result_free(r);
    nx_recording_free(rec);
    nx_stats_t st;
    nx_runtime_stats(rt, &st);
    CHECK(st.instances_busy == 0);
    CHECK(st.instances_suspended == 0);
    return 0;
}
