/* web_crypto.c - crypto.getRandomValues and crypto.randomUUID (Web
 * Crypto), without crypto.subtle.
 *
 * The bytes come from the per-execution seed the host gives Math.random,
 * so a replayed execution draws the same ones, and no import is needed.
 * They are the ChaCha20 keystream (RFC 8439's block function) under a key
 * spread from that seed: seeing some output does not reveal the rest, but
 * an execution holds no more than the seed's 64 bits of entropy. */
#include "web.h"

#include <string.h>

static uint32_t g_key[8];
static uint32_t g_counter;
static uint8_t g_block[64];
static unsigned g_used = sizeof g_block; /* bytes of g_block already given out */

/* SplitMix64: spreads the seed over the key. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void web_crypto_reseed(int64_t seed)
{
    uint64_t state = (uint64_t)seed ^ 0x6e65787573637279ull; /* apart from Math.random's */
    for (int i = 0; i < 8; i += 2) {
        uint64_t z = splitmix64(&state);
        g_key[i] = (uint32_t)z;
        g_key[i + 1] = (uint32_t)(z >> 32);
    }
    g_counter = 0;
    g_used = sizeof g_block;
}

static uint32_t rotl(uint32_t v, int n)
{
    return (v << n) | (v >> (32 - n));
}

#define QUARTER(a, b, c, d)                                                                    \
    (a += b, d = rotl(d ^ a, 16), c += d, b = rotl(b ^ c, 12), a += b, d = rotl(d ^ a, 8),    \
     c += d, b = rotl(b ^ c, 7))

static void next_block(void)
{
    static const uint32_t sigma[4] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
    uint32_t in[16], x[16];
    memcpy(in, sigma, sizeof sigma);
    memcpy(in + 4, g_key, sizeof g_key);
    in[12] = g_counter++;
    in[13] = in[14] = in[15] = 0; /* nonce: the key is new each execution */
    memcpy(x, in, sizeof x);
    for (int round = 0; round < 10; round++) {
        QUARTER(x[0], x[4], x[8], x[12]);
        QUARTER(x[1], x[5], x[9], x[13]);
        QUARTER(x[2], x[6], x[10], x[14]);
        QUARTER(x[3], x[7], x[11], x[15]);
        QUARTER(x[0], x[5], x[10], x[15]);
        QUARTER(x[1], x[6], x[11], x[12]);
        QUARTER(x[2], x[7], x[8], x[13]);
        QUARTER(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++) {
        uint32_t v = x[i] + in[i];
        g_block[4 * i] = (uint8_t)v;
        g_block[4 * i + 1] = (uint8_t)(v >> 8);
        g_block[4 * i + 2] = (uint8_t)(v >> 16);
        g_block[4 * i + 3] = (uint8_t)(v >> 24);
    }
    g_used = 0;
}

static void random_bytes(uint8_t *out, size_t len)
{
    while (len > 0) {
        if (g_used == sizeof g_block)
            next_block();
        size_t n = sizeof g_block - g_used;
        if (n > len)
            n = len;
        memcpy(out, g_block + g_used, n);
        g_used += (unsigned)n;
        out += n;
        len -= n;
    }
}

/* getRandomValues(ArrayBufferView array): integer typed arrays only, at
 * most 65536 bytes, filled in place and returned. */
static JSClassID crypto_class;

/* WebIDL's brand check: the methods work on the Crypto object only. */
static int require_crypto(JSContext *ctx, JSValueConst this_val)
{
    if (JS_GetObjectClassID(this_val) == crypto_class)
        return 0;
    JS_ThrowTypeError(ctx, "Illegal invocation: not a Crypto object");
    return -1;
}

static JSValue crypto_get_random_values(JSContext *ctx, JSValueConst this_val, int argc,
                                        JSValueConst *argv)
{
    if (require_crypto(ctx, this_val) || web_require_args(ctx, argc, 1, "getRandomValues"))
        return JS_EXCEPTION;
    int kind = bi_typed_kind(argv[0]);
    if (kind < 0 && JS_GetObjectClassID(argv[0]) != bi.class_dataview)
        return JS_ThrowTypeError(ctx, "getRandomValues: the argument is not an ArrayBufferView");
    if (kind < 0 || kind == TA_FLOAT32 || kind == TA_FLOAT64)
        return web_throw_dom(ctx, "TypeMismatchError",
                             "getRandomValues: the array is not an integer array");
    uint8_t *bytes;
    size_t len;
    if (web_buffer_source(ctx, argv[0], &bytes, &len))
        return JS_EXCEPTION;
    if (len > 65536)
        return web_throw_dom(ctx, "QuotaExceededError",
                             "getRandomValues: more than 65536 bytes asked for");
    random_bytes(bytes, len);
    return JS_DupValue(ctx, argv[0]);
}

/* randomUUID(): a version 4 UUID (RFC 9562), lowercase. */
static JSValue crypto_random_uuid(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    (void)argc; (void)argv;
    static const char hex[] = "0123456789abcdef";
    if (require_crypto(ctx, this_val))
        return JS_EXCEPTION;
    uint8_t b[16];
    char s[36];
    random_bytes(b, sizeof b);
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    for (int i = 0, o = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s[o++] = '-';
        s[o++] = hex[b[i] >> 4];
        s[o++] = hex[b[i] & 15];
    }
    return JS_NewStringLen(ctx, s, sizeof s);
}

static const JSClassDef crypto_def = { .class_name = "Crypto" };

static JSValue crypto_construct(JSContext *ctx, JSValueConst new_target, int argc,
                                JSValueConst *argv)
{
    (void)new_target; (void)argc; (void)argv;
    return JS_ThrowTypeError(ctx, "Illegal constructor");
}

static const JSCFunctionListEntry crypto_proto[] = {
    WEB_FUNC("getRandomValues", 1, crypto_get_random_values),
    WEB_FUNC("randomUUID", 0, crypto_random_uuid),
    WEB_TAG("Crypto"),
};

int web_crypto_install(JSContext *ctx)
{
    web_interface_t iface = {
        .name = "Crypto", .class_id = &crypto_class, .class_def = &crypto_def,
        .constructor = crypto_construct, .length = 0,
        .proto_funcs = crypto_proto, .proto_count = WEB_COUNT(crypto_proto),
    };
    if (web_define_interface(ctx, &iface, JS_UNDEFINED, NULL))
        return -1;
    JSValue crypto = JS_NewObjectClass(ctx, (int)crypto_class);
    JSValue g = JS_GetGlobalObject(ctx);
    int r = JS_DefinePropertyValueStr(ctx, g, "crypto", crypto, JS_PROP_C_W_E);
    JS_FreeValue(ctx, g);
    return r < 0 ? -1 : 0;
}
