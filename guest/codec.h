/* codec.h - JSValue <-> MessagePack, the guest's half of the value
 * boundary. Mapping (docs/values.md has the full table):
 *   null/undefined -> nil (undefined object members are omitted)
 *   boolean -> bool; number -> int when integral and exact, else float64
 *   string -> str (lone surrogates become U+FFFD); BigInt -> int64/uint64
 *   Date -> timestamp ext (-1); ArrayBuffer / typed array / DataView -> bin
 *   array -> array; other objects -> map of own enumerable string keys
 *   functions, symbols, cycles, nesting deeper than NX_CODEC_MAX_DEPTH,
 *   BigInts outside 64 bits -> SERIALIZATION_ERROR
 * Decoding is the inverse; bin -> Uint8Array, integers beyond 2^53 -> BigInt.
 */
#ifndef NEXUS_GUEST_CODEC_H
#define NEXUS_GUEST_CODEC_H

#include "mpack.h"
#include "quickjs.h"

/* Containers nested deeper than this do not cross (the host's decoder
 * enforces the same bound). */
#define NX_CODEC_MAX_DEPTH 32

/* Captures the intrinsics the codec recognises values by. Call once, in the
 * handler context, before built-ins are frozen. */
int codec_init(JSContext *ctx);

/* Appends v to w, stopping as soon as v's encoding passes nx_value_limit
 * bytes (meter.h). On failure returns -1 with a pending JS exception whose
 * .code is SERIALIZATION_ERROR, RESOURCE_LIMIT (the limit: the message
 * names v as what, e.g. "a state value", as the host's own would), or
 * whatever a getter threw. */
int codec_encode(JSContext *ctx, JSValueConst v, mp_writer_t *w, const char *what);

/* Decodes one value from r. Returns JS_EXCEPTION on malformed input. */
JSValue codec_decode(JSContext *ctx, mp_reader_t *r);
/* The same, deep-frozen (typed arrays excepted: they cannot be frozen). */
JSValue codec_decode_frozen(JSContext *ctx, mp_reader_t *r);

/* QuickJS encodes a lone surrogate as the 3-byte sequence ED A0..BF xx,
 * which is not UTF-8. Replaces each, in place, with U+FFFD (also 3 bytes).
 * Safe on a JS_ToCStringLen buffer: only a string holding 16-bit characters
 * can contain one, and for those QuickJS returns a fresh copy. */
void codec_replace_lone_surrogates(uint8_t *p, size_t len);

/* Throws an Error with the given message and .code property. */
JSValue codec_throw_coded(JSContext *ctx, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
