/* fuzz_import.c - libFuzzer target for the import path of exported
 * executions (src/execution/export.c, src/hostcalls/execution_state_pack.c,
 * src/result/result_pack.c, src/sandbox/instance_state.c).
 *
 * Input: byte 0 picks the mode.
 *   0: the rest as an export, as it is: nothing may authenticate by chance.
 *   1: one-byte edits (offset low, offset high, value) of a real export,
 *      left unsealed: every one must be refused.
 *   2: the same edits of a real export's payload (decompressed), sealed
 *      again under the right key: what a key holder could send, which the
 *      importer must still check field by field.
 *   3: the rest as a payload, sealed under the right key.
 * The real exports are made at start-up from handlers that suspend with
 * state written, events, logs, a Promise.all and a recording.
 *
 * Invariants (abort() when broken): no crash, no read out of bounds
 * (ASan); nx_import returns NX_OK or NX_E_INVALID_ARGUMENT (mode 1: only
 * the latter, mode 0 too), always with a result; an imported execution
 * exports again, that export imports, and cancelling it leaves no instance
 * busy or suspended. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "execution/export.h"
#include "fuzz_runtime.h"
#include "nexus.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "fuzz_import: invariant failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

static const char KEY[] = "fuzzing key, sixteen bytes or more";

static const char *const handlers[] = {
    "$state.k = 'v'; $emit('e', { n: 1 }); console.log('x');\n"
    "const [a, b] = await Promise.all([$ext.db.get(1), $ext.db.get(2)]); return a + b;",
    "const big = Array.from({ length: 2000 }, (_, i) => ({ i, s: 'x' + i }));\n"
    "$state.big = big.length; return (await $ext.db.get(big.length)) + big[5].i;",
};
#define BASES (sizeof handlers / sizeof handlers[0])

static uint8_t *g_export[BASES], *g_payload[BASES];
static size_t g_export_len[BASES], g_payload_len[BASES];
static unsigned long g_inputs, g_imported;

static void report(void)
{
    fprintf(stderr, "fuzz_import: %lu inputs, %lu imported\n", g_inputs, g_imported);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_runtime_create(report);
    CHECK(nx_runtime_set_suspension_key(rt, KEY, sizeof KEY - 1) == NX_OK);
    static const char *const db[] = { "get" };
    CHECK(nx_runtime_register_extension(rt, "db", db, 1, NULL, NULL, NULL) == NX_OK);
    for (size_t i = 0; i < BASES; i++) {
        nx_context_t *ctx;
        CHECK(nx_context_create(&ctx) == NX_OK);
        CHECK(nx_context_add_capability(ctx, "state:write:*") == NX_OK);
        CHECK(nx_context_add_capability(ctx, "events:emit:*") == NX_OK);
        CHECK(nx_context_add_capability(ctx, "ext:db") == NX_OK);
        /* the longest overall deadline: the bases must stay importable for
         * a run of hours, not turn into TIMEOUTs after a minute */
        nx_limits_t limits = { .deadline_ms = 30u * 24u * 3600u * 1000u };
        CHECK(nx_context_set_limits(ctx, &limits) == NX_OK);
        nx_recording_t *rec;
        nx_result_t *r;
        CHECK(nx_execute_recorded(rt, handlers[i], strlen(handlers[i]), ctx, &rec, &r) == NX_OK);
        CHECK(nx_result_status(r) == NX_STATUS_SUSPENDED);
        CHECK(nx_export(rt, nx_result_suspension(r, 0)->id, &g_export[i], &g_export_len[i]) == NX_OK);
        char err[256];
        CHECK(nx_export_open(rt, g_export[i], g_export_len[i], &g_payload[i], &g_payload_len[i], err,
                             sizeof err) == NX_OK);
        nx_result_free(r);
        nx_recording_free(rec);
        nx_context_free(ctx);
    }
    return 0;
}

/* A copy of base with the 3-byte edits of data applied. */
static uint8_t *edited(const uint8_t *base, size_t len, const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(len);
    CHECK(copy != NULL);
    memcpy(copy, base, len);
    for (size_t i = 0; i + 3 <= size; i += 3)
        copy[((size_t)data[i] | (size_t)data[i + 1] << 8) % len] = data[i + 2];
    return copy;
}

static void try_import(const uint8_t *blob, size_t len, bool may_succeed)
{
    nx_result_t *r = NULL;
    nx_code_t code = nx_import(rt, blob, len, NULL, &r);
    CHECK(r != NULL);
    CHECK(code == NX_OK || code == NX_E_INVALID_ARGUMENT);
    CHECK(may_succeed || code != NX_OK);
    char *json = NULL;
    CHECK(nx_result_to_json(r, &json) == NX_OK);
    nx_free(json);
    if (code == NX_OK && nx_result_status(r) == NX_STATUS_SUSPENDED) {
        g_imported++;
        CHECK(nx_result_suspension_count(r) > 0);
        /* what imports exports again, and that imports too */
        uint8_t *again;
        size_t again_len;
        CHECK(nx_export(rt, nx_result_suspension(r, 0)->id, &again, &again_len) == NX_OK);
        nx_result_t *r2 = NULL;
        CHECK(nx_import(rt, again, again_len, NULL, &r2) == NX_OK);
        if (nx_result_status(r2) == NX_STATUS_SUSPENDED) {
            CHECK(nx_cancel(rt, nx_result_suspension(r2, 0)->id) == NX_OK);
        } else {
            /* the overall deadline (a fuzzed start time) passed in between */
            CHECK(nx_result_error(r2) && nx_result_error(r2)->code == NX_E_TIMEOUT);
        }
        nx_result_free(r2);
        nx_free(again);
    }
    nx_result_free(r);
    nx_stats_t st;
    nx_runtime_stats(rt, &st);
    CHECK(st.instances_busy == 0);
    CHECK(st.instances_suspended == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_inputs++;
    if (size < 2)
        return 0;
    uint8_t mode = data[0] % 4;
    size_t base = data[1] % BASES;
    const uint8_t *rest = data + 2;
    size_t rest_len = size - 2;
    if (mode == 0) {
        uint8_t *copy = malloc(size - 1);
        CHECK(copy != NULL);
        memcpy(copy, data + 1, size - 1);
        try_import(copy, size - 1, false);
        free(copy);
    } else if (mode == 1) {
        if (rest_len < 3)
            return 0;
        uint8_t *copy = edited(g_export[base], g_export_len[base], rest, rest_len);
        bool same = memcmp(copy, g_export[base], g_export_len[base]) == 0;
        try_import(copy, g_export_len[base], same);
        free(copy);
    } else {
        uint8_t *payload = mode == 2 ? edited(g_payload[base], g_payload_len[base], rest, rest_len) : NULL;
        const uint8_t *p = mode == 2 ? payload : rest;
        size_t n = mode == 2 ? g_payload_len[base] : rest_len;
        uint8_t *blob;
        size_t blob_len;
        CHECK(nx_export_seal(rt, p, n, &blob, &blob_len) == NX_OK);
        try_import(blob, blob_len, true);
        free(blob);
        free(payload);
    }
    return 0;
}
