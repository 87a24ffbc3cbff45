/* fuzz_context.c - libFuzzer target for the context setters (src/context.c,
 * src/values.c): arbitrary bytes as state, args and scope, as MessagePack
 * through nx_context_set_state/args/scope and as JSON text through the
 * _json setters, then one execution that decodes every input in the guest.
 *
 * Input: byte 0 holds a format bit per input (bit 0 state, 1 args, 2 scope:
 * set = JSON) and bit 3 (set = also add the inputs to a context a second
 * time, replacing the first); bytes 1..2 and 3..4 are little-endian lengths
 * cutting the rest into the state, args and scope parts (the scope takes
 * what is left).
 *
 * Invariants (abort() when broken):
 *   - no setter crashes or reads outside its input (ASan), whatever it gets;
 *     each returns NX_OK or NX_E_INVALID_ARGUMENT;
 *   - a refused input leaves the context as it was (the next execution
 *     still sees the previous, accepted value);
 *   - once every setter has accepted its input, the context runs a handler
 *     on the shared runtime (created once in LLVMFuzzerInitialize) that reads
 *     every state key, and walks $args, $scope and every state value: the
 *     execution succeeds (what the host accepted, the guest decodes) and
 *     never ends in INTERNAL_ERROR or WASM_ERROR; its result serialises.
 *
 * Build: this file, every .c file of src/, src/hostcalls/ and src/sandbox/
 * compiled by clang-14 with -fsanitize=fuzzer-no-link,address,undefined,
 * and build/guest/guest_w2c.o (as built by make), linked with
 *   clang-14 -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined
 *     -D_GNU_SOURCE -Iinclude -Isrc ... -lmsgpackc -ljansson -lcrypto
 *     -lpthread -lm
 * Run with ASAN_OPTIONS=allow_user_segv_handler=1:use_sigaltstack=1 (as make
 * test does), so the sandbox's fault handler stays installed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nexus.h"
#include "fuzz_runtime.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "fuzz_context: invariant failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

static unsigned long inputs, executions;

/* Reads every input in full: a state key's value is decoded when read. */
static const char handler[] =
    "const walk = (v, d) => {\n"
    "  if (d > 40) throw new Error('deeper than the host allows');\n"
    "  if (v === null || typeof v !== 'object') return 1;\n"
    "  let n = 1;\n"
    "  for (const k of Object.keys(v)) n += walk(v[k], d + 1);\n"
    "  return n;\n"
    "};\n"
    "let n = walk($args, 0) + walk($scope, 0);\n"
    "for (const k of $state.keys()) { n += walk($state.get(k), 1); if (!(k in $state)) throw new Error('lost ' + k); }\n"
    "if (!Object.isFrozen($args) || !Object.isFrozen($scope)) throw new Error('inputs not frozen');\n"
    "return n;\n";

static void report(void)
{
    fprintf(stderr, "fuzz_context: %lu inputs, %lu executions of accepted contexts\n", inputs, executions);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_runtime_create(report);
    return 0;
}

typedef nx_code_t (*set_mp_fn)(nx_context_t *, const void *, size_t);
typedef nx_code_t (*set_json_fn)(nx_context_t *, const char *);

static nx_code_t set_part(nx_context_t *ctx, int which, bool json, const uint8_t *p, size_t len)
{
    static const set_mp_fn mp[] = { nx_context_set_state, nx_context_set_args, nx_context_set_scope };
    static const set_json_fn js[] = { nx_context_set_state_json, nx_context_set_args_json,
                                      nx_context_set_scope_json };
    nx_code_t code;
    if (json) {
        char *text = malloc(len + 1);
        CHECK(text != NULL);
        memcpy(text, p, len);
        text[len] = '\0';
        code = js[which](ctx, text);
        free(text);
    } else {
        /* an exact-size copy, so reading one byte too far is an ASan report */
        uint8_t *copy = malloc(len ? len : 1);
        CHECK(copy != NULL);
        if (len)
            memcpy(copy, p, len);
        code = mp[which](ctx, len ? copy : NULL, len);
        free(copy);
    }
    CHECK(code == NX_OK || code == NX_E_INVALID_ARGUMENT);
    return code;
}

static void run_checked(const nx_context_t *ctx)
{
    nx_result_t *r = NULL;
    executions++;
    nx_code_t code = nx_execute(rt, handler, sizeof handler - 1, ctx, &r);
    CHECK(r != NULL);
    const nx_error_info_t *e = nx_result_error(r);
    if (code != NX_OK || nx_result_status(r) != NX_STATUS_SUCCESS) {
        fprintf(stderr, "fuzz_context: accepted inputs did not run: %s / %s %s\n", nx_code_name(code),
                e ? nx_code_name(e->code) : nx_status_name(nx_result_status(r)), e ? e->message : "");
        abort();
    }
    char *json = NULL;
    CHECK(nx_result_to_json(r, &json) == NX_OK && json != NULL);
    nx_free(json);
    nx_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    inputs++;
    if (size < 5)
        return 0;
    uint8_t flags = data[0];
    size_t l0 = (size_t)data[1] | (size_t)data[2] << 8, l1 = (size_t)data[3] | (size_t)data[4] << 8;
    const uint8_t *rest = data + 5;
    size_t left = size - 5;
    if (l0 > left)
        l0 = left;
    if (l1 > left - l0)
        l1 = left - l0;
    const uint8_t *part[3] = { rest, rest + l0, rest + l0 + l1 };
    size_t len[3] = { l0, l1, left - l0 - l1 };

    nx_context_t *ctx;
    CHECK(nx_context_create(&ctx) == NX_OK);
    CHECK(nx_context_add_capability(ctx, "state:read:*") == NX_OK);
    bool accepted = true;
    for (int i = 0; i < 3; i++)
        if (set_part(ctx, i, flags >> i & 1, part[i], len[i]) != NX_OK)
            accepted = false;
    if (accepted) {
        run_checked(ctx);
    } else if (flags & 8) {
        /* a refused input changes nothing: known-good inputs, then the fuzzed
         * ones again (some refused), must still run */
        nx_context_t *fresh;
        CHECK(nx_context_create(&fresh) == NX_OK);
        CHECK(nx_context_add_capability(fresh, "state:read:*") == NX_OK);
        CHECK(nx_context_set_state_json(fresh, "{\"k\":[1,{\"x\":null}]}") == NX_OK);
        CHECK(nx_context_set_args_json(fresh, "{\"a\":1}") == NX_OK);
        CHECK(nx_context_set_scope(fresh, "\x80", 1) == NX_OK);
        for (int i = 0; i < 3; i++)
            set_part(fresh, i, flags >> i & 1, part[i], len[i]);
        run_checked(fresh);
        nx_context_free(fresh);
    }
    nx_context_free(ctx);
    return 0;
}
