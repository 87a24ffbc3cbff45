/* fuzz_guest_values.c - libFuzzer target for the guest-to-host boundary:
 * values, keys and names a handler builds from fuzz input and hands to
 * every host call ($state set/get/has/delete/keys, $emit, $view, $log,
 * $ext with an extension that answers at once with its own arguments, a
 * custom $host interface), the return value and thrown values.
 *
 * The input bytes reach a fixed handler as $args.bytes (a MessagePack bin,
 * so a Uint8Array). The handler turns them into strings (bytes as Latin-1,
 * byte pairs as UTF-16 code units - lone surrogates included - and the
 * bytes decoded leniently as UTF-8), and into values: every type the codec
 * knows (numbers from raw float64 bits, BigInts in and out of 64 bits,
 * Dates, typed-array views at fuzzed offsets, Maps, objects keyed by the
 * strings, symbols, functions, cycles, nesting up to 40 levels from one
 * byte), then calls the API with them, catching each error. It ends by
 * returning a fuzzed value or throwing one.
 *
 * Invariants (abort() when broken): nx_execute returns NX_OK; the result is
 * a success or an error whose code is one a handler can cause here (never
 * INTERNAL_ERROR or WASM_ERROR; TIMEOUT and MEMORY_LIMIT are legitimate:
 * console.log stringifying a value nested thousands of levels deep under a
 * 5,000-character key builds tens of MiB); it serialises to
 * JSON that jansson parses back (unless a key holds U+0000, which jansson
 * does not support), and to MessagePack; every string in it is
 * valid UTF-8 and every value passes the host's own validator; the runtime
 * is at rest afterwards.
 *
 * Thrown strings and error fields may hold lone surrogates, keys may hold
 * U+0000: the library handles both (the hostile corpus has the cases), so
 * the handler makes no effort to avoid them.
 *
 * Build: as fuzz_context.c (the whole library compiled by clang-14 with
 * -fsanitize=fuzzer-no-link,address,undefined, plus build/guest/guest_w2c.o),
 *   clang-14 -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined
 *     -D_GNU_SOURCE -Iinclude -Isrc tests/fuzz_guest_values.c ...
 *     -lmsgpackc -ljansson -lcrypto -lpthread -lm
 * Run with ASAN_OPTIONS=allow_user_segv_handler=1:use_sigaltstack=1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <msgpack.h>

#include "nexus.h"
#include "common/values.h"
#include "fuzz_runtime.h"


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                              \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz_guest_values: invariant failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                             \
        }                                                                                        \
    } while (0)


static const char handler[] =
    "const b = $args.bytes instanceof Uint8Array ? $args.bytes : new Uint8Array(0);\n"
    "let pos = 0, budget = 300;\n"
    "const next = () => (b.length ? b[pos++ % b.length] : 0);\n"
    "const codes = [];\n"
    "const attempt = (f) => { try { const v = f(); codes.push(0); return v; } catch (e) {\n"
    "  codes.push(e && typeof e === 'object' ? String(e.code || e.name) : typeof e); } };\n"
    /* strings from the bytes */
    "const latin1 = String.fromCharCode(...b.subarray(0, 200));\n"
    "const units = []; for (let i = 0; i + 1 < b.length && i < 400; i += 2) units.push(b[i] | (b[i + 1] << 8));\n"
    "const utf16 = String.fromCharCode(...units);\n"
    "const lenientUtf8 = (u) => { let s = ''; for (let i = 0; i < u.length && i < 300;) {\n"
    "  const c = u[i];\n"
    "  if (c < 0x80) { s += String.fromCharCode(c); i++; continue; }\n"
    "  const n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1; let cp = c & (0x3f >> n);\n"
    "  for (let k = 1; k <= n; k++) cp = (cp << 6) | ((u[i + k] || 0) & 0x3f);\n"
    "  s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\\ufffd'; i += n + 1; }\n"
    "  return s; };\n"
    "const utf8 = lenientUtf8(b);\n"
    "const specials = ['', '__proto__', 'constructor', 'then', 'get', 'keys', '\\u0000', 'a\\u0000b', '\\ud800', '\\udc00x',\n"
    "  '\\ud83d\\ude00', '*', 'toString', 'x'.repeat(5000)];\n"
    "const str = () => { const t = next() % 6, from = next(), len = next() % 40;\n"
    "  switch (t) { case 0: return latin1.slice(from % 64, from % 64 + len); case 1: return utf16.slice(from % 64, from % 64 + len);\n"
    "    case 2: return utf8.slice(from % 64, from % 64 + len); case 3: return specials[from % specials.length];\n"
    "    case 4: return String.fromCharCode(0xd800 + (from << 2) + (len & 3)); default: return utf16.slice(len) + latin1.slice(0, from % 16); } };\n"
    /* values from the bytes */
    "const f64 = () => { const dv = new DataView(new ArrayBuffer(8)); for (let i = 0; i < 8; i++) dv.setUint8(i, next()); return dv; };\n"
    "const views = [Uint8Array, Int8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];\n"
    "const build = (depth) => {\n"
    "  if (--budget < 0) return 0;\n"
    "  const t = next() % 20;\n"
    "  switch (t) {\n"
    "    case 0: return null;\n"
    "    case 1: return undefined;\n"
    "    case 2: return (next() & 1) === 1;\n"
    "    case 3: return (next() << 24) | (next() << 16) | (next() << 8) | next();\n"
    "    case 4: return f64().getFloat64(0);\n"
    "    case 5: return f64().getBigInt64(0);\n"
    "    case 6: return f64().getBigUint64(0) << BigInt(next() % 4);\n"
    "    case 7: return str();\n"
    "    case 8: return new Date(f64().getFloat64(0));\n"
    "    case 9: { const V = views[next() % views.length]; const buf = new ArrayBuffer(next() % 64);\n"
    "      try { return new V(buf, (next() % 8) * V.BYTES_PER_ELEMENT, next() % 8); } catch (e) { return buf; } }\n"
    "    case 10: { const n = next() % 5, a = []; for (let i = 0; i < n; i++) a.push(build(depth + 1));\n"
    "      if (next() % 4 === 0) a[next() % 12] = build(depth + 1); return a; }\n"
    "    case 11: { const n = next() % 5, o = {}; for (let i = 0; i < n; i++) o[str()] = build(depth + 1); return o; }\n"
    "    case 12: return next() & 1 ? new Map([[str(), build(depth + 1)]]) : new Set([build(depth + 1)]);\n"
    "    case 13: { let v = build(depth + 1); const d = next() % 40; for (let i = 0; i < d; i++) v = next() & 1 ? [v] : { [str()]: v }; return v; }\n"
    "    case 14: { const o = { v: build(depth + 1) }; if (next() & 1) o.self = next() & 1 ? o : [o]; return o; }\n"
    "    case 15: return next() & 1 ? Symbol(str()) : () => 1;\n"
    "    case 16: return { [Symbol('k')]: 1, get g() { return build(depth + 1); }, n: next() };\n"
    "    case 17: return new Proxy({ a: 1 }, { ownKeys: () => ['a', str()], getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }) });\n"
    "    case 18: return Object.assign(Object.create(null), { [str()]: build(depth + 1) });\n"
    "    default: return depth < 36 ? [build(depth + 1), build(depth + 1)] : 0;\n"
    "  }\n"
    "};\n"
    /* the API, with fuzzed keys, names and values */
    "const rounds = 2 + next() % 6;\n"
    "for (let r = 0; r < rounds; r++) {\n"
    "  const k = str(), v = build(0);\n"
    "  switch (next() % 12) {\n"
    "    case 0: attempt(() => { $state[k] = v; }); attempt(() => $state.get(k)); break;\n"
    "    case 1: attempt(() => $state.set(k, v)); attempt(() => k in $state); attempt(() => $state.keys()); break;\n"
    "    case 2: attempt(() => $state.delete(k)); attempt(() => $state.update(k, (old) => [old, v])); break;\n"
    "    case 3: attempt(() => $emit(k, v)); break;\n"
    "    case 4: attempt(() => $emit.toast(k, str())); break;\n"
    "    case 5: attempt(() => $view.command(k, str(), v)); attempt(() => $view.command(str(), v)); break;\n"
    "    case 6: attempt(() => console.log(k, v)); attempt(() => $log.error(v)); break;\n"
    "    case 7: attempt(() => $ext[k]); attempt(() => $ext.echo[k]); break;\n"
    "    default: break;\n"
    "  }\n"
    "  if (r % 3 === 0) { const back = await (async () => { try { return await $ext.echo.args(v, k); } catch (e) { codes.push(e.code); } })(); attempt(() => $state.set('echo', back)); }\n"
    "  if (r % 4 === 1) attempt(() => $host['fuzz:test/echo'].echo({ v, k }));\n"
    "}\n"
    "attempt(() => $emit('codes', codes));\n"
    "const end = next() % 8;\n"
    "if (end === 0) throw new Error(str());\n"
    "if (end === 1) { const e = build(0);\n"
    "  throw (next() & 1) || e === null || typeof e !== 'object' ? e\n"
    "    : Object.assign(Object.create(e), { name: 'Fuzzed', message: 'thrown object', stack: 'none', code: 'X' }); }\n"
    "if (end === 2) throw Object.assign(new Error('coded'), { code: str() });\n"
    "return end === 3 ? codes : build(0);\n";

static unsigned long runs, successes, failures_by_code[NX_CODE_COUNT];

static void serve_echo(void *user, const nx_ext_call_t *call, nx_ext_reply_t *reply)
{
    (void)user;
    CHECK(nx_value_check(call->args, call->args_len, NULL) == NX_OK);
    CHECK(nx_utf8_valid(call->extension, strlen(call->extension)));
    CHECK(nx_utf8_valid(call->method, strlen(call->method)));
    nx_ext_reply_value(reply, call->args, call->args_len);
}

static void host_echo(void *user, const char *interface, const char *function, const uint8_t *args,
                      size_t args_len, nx_ext_reply_t *reply)
{
    (void)user; (void)interface; (void)function;
    CHECK(nx_value_check(args, args_len, NULL) == NX_OK);
    nx_ext_reply_value(reply, args, args_len);
}

static void report(void)
{
    fprintf(stderr, "fuzz_guest_values: %lu executions, %lu successes; errors:", runs, successes);
    for (int c = 0; c < NX_CODE_COUNT; c++)
        if (failures_by_code[c])
            fprintf(stderr, " %s=%lu", nx_code_name((nx_code_t)c), failures_by_code[c]);
    fprintf(stderr, "\n");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_runtime_create(report);
    static const char *const methods[] = { "args" };
    CHECK(nx_runtime_register_extension(rt, "echo", methods, 1, serve_echo, NULL, NULL) == NX_OK);
    static const nx_host_function_t fns[] = { { "echo", host_echo, NULL, NULL } };
    CHECK(nx_runtime_register_interface(rt, "fuzz:test/echo", fns, 1, NULL, NULL, NULL) == NX_OK);
    return 0;
}

static void check_string(const char *s)
{
    if (s)
        CHECK(nx_utf8_valid(s, strlen(s)));
}

static void check_value(const uint8_t *v, size_t len)
{
    if (v)
        CHECK(nx_value_check(v, len, NULL) == NX_OK);
}

static void check_result(const nx_result_t *r)
{
    nx_status_t st = nx_result_status(r);
    const nx_error_info_t *e = nx_result_error(r);
    CHECK(st == NX_STATUS_SUCCESS || st == NX_STATUS_ERROR);
    if (st == NX_STATUS_ERROR) {
        CHECK(e != NULL);
        switch (e->code) {
        case NX_E_EXECUTION_ERROR: case NX_E_SERIALIZATION_ERROR: case NX_E_INVALID_ARGUMENT:
        case NX_E_RESOURCE_LIMIT: case NX_E_PERMISSION_DENIED: case NX_E_EXTENSION_NOT_FOUND:
        case NX_E_METHOD_NOT_FOUND: case NX_E_INVALID_HANDLER:
        case NX_E_MEMORY_LIMIT: case NX_E_TIMEOUT:
            break;
        default:
            fprintf(stderr, "fuzz_guest_values: unexpected %s: %s\n", nx_code_name(e->code), e->message);
            abort();
        }
        CHECK(nx_result_mutation_count(r) == 0 && nx_result_event_count(r) == 0 &&
              nx_result_view_command_count(r) == 0);
        check_string(e->message);
        check_string(e->stack);
        check_string(e->source_line);
        failures_by_code[e->code]++;
    } else {
        successes++;
    }
    size_t vlen;
    const uint8_t *v = nx_result_value(r, &vlen);
    check_value(v, vlen);
    for (size_t i = 0; i < nx_result_mutation_count(r); i++) {
        const nx_mutation_t *m = nx_result_mutation(r, i);
        check_string(m->key);
        check_value(m->value, m->value_len);
        for (size_t j = i + 1; j < nx_result_mutation_count(r); j++)
                CHECK(strcmp(m->key, nx_result_mutation(r, j)->key) != 0);
    }
    for (size_t i = 0; i < nx_result_event_count(r); i++) {
        check_string(nx_result_event(r, i)->name);
        check_value(nx_result_event(r, i)->payload, nx_result_event(r, i)->payload_len);
    }
    for (size_t i = 0; i < nx_result_view_command_count(r); i++) {
        const nx_view_command_t *c = nx_result_view_command(r, i);
        check_string(c->component_id);
        check_string(c->type);
        check_value(c->args, c->args_len);
    }
    for (size_t i = 0; i < nx_result_log_count(r); i++)
        check_string(nx_result_log(r, i)->message);
    char *json = NULL;
    CHECK(nx_result_to_json(r, &json) == NX_OK && json != NULL);
    json_error_t jerr;
    json_t *parsed = json_loads(json, JSON_ALLOW_NUL, &jerr);
    /* jansson cannot parse a key holding U+0000 (valid JSON, valid here) */
    if (!parsed && !strstr(jerr.text, "NUL byte in object key")) {
        fprintf(stderr, "fuzz_guest_values: result JSON does not parse: %s\n", jerr.text);
        abort();
    }
    json_decref(parsed);
    nx_free(json);
    uint8_t *mp = NULL;
    size_t mplen = 0;
    CHECK(nx_result_to_msgpack(r, &mp, &mplen) == NX_OK && mp != NULL && mplen > 0);
    nx_free(mp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* {"bytes": bin} */
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 1);
    msgpack_pack_str_with_body(&pk, "bytes", 5);
    msgpack_pack_bin_with_body(&pk, data, size);
    nx_context_t *ctx;
    CHECK(nx_context_create(&ctx) == NX_OK);
    CHECK(nx_context_set_args(ctx, sb.data, sb.size) == NX_OK);
    msgpack_sbuffer_destroy(&sb);
    static const char *const caps[] = { "state:read:*", "state:write:*", "events:emit:*", "view:update:*",
                                        "ext:echo", "host:fuzz:test/echo" };
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        CHECK(nx_context_add_capability(ctx, caps[i]) == NX_OK);
    nx_result_t *r = NULL;
    nx_code_t code = nx_execute(rt, handler, sizeof handler - 1, ctx, &r);
    runs++;
    nx_context_free(ctx);
    CHECK(r != NULL);
    if (code != NX_OK) {
        fprintf(stderr, "fuzz_guest_values: nx_execute: %s %s\n", nx_code_name(code),
                nx_result_error(r) ? nx_result_error(r)->message : "");
        abort();
    }
    check_result(r);
    nx_result_free(r);
    nx_stats_t st;
    nx_runtime_stats(rt, &st);
    CHECK(st.instances_busy == 0 && st.instances_suspended == 0 && st.pending_suspensions == 0);
    return 0;
}
