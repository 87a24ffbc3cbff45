/* web_base64.c - atob and btoa (HTML): base64 over "binary strings",
 * strings whose code units are all below 256, one byte each. btoa refuses
 * a wider character and atob anything forgiving-base64 rejects, with an
 * InvalidCharacterError DOMException. */
#include "web.h"

#include <stdlib.h>
#include <string.h>

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The string's code units as bytes; -1 when one is 256 or more. QuickJS
 * gives UTF-8, where those are the 1- and 2-byte sequences up to C3 BF. */
static int latin1_of(const uint8_t *s, size_t len, uint8_t *out, size_t *out_len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < 0x80) {
            out[n++] = s[i];
        } else if ((s[i] == 0xc2 || s[i] == 0xc3) && i + 1 < len) {
            out[n++] = (uint8_t)(((s[i] & 0x03) << 6) | (s[i + 1] & 0x3f));
            i++;
        } else {
            return -1;
        }
    }
    *out_len = n;
    return 0;
}

static JSValue btoa(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val;
    if (web_require_args(ctx, argc, 1, "btoa"))
        return JS_EXCEPTION;
    size_t len, n;
    const char *s = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!s)
        return JS_EXCEPTION;
    uint8_t *bytes = js_malloc(ctx, len + 1);
    char *out = bytes ? js_malloc(ctx, (len + 2) / 3 * 4 + 1) : NULL;
    JSValue r;
    if (!out) {
        r = JS_EXCEPTION;
    } else if (latin1_of((const uint8_t *)s, len, bytes, &n)) {
        r = web_throw_dom(ctx, "InvalidCharacterError",
                          "btoa: the string has a character outside Latin-1");
    } else {
        size_t o = 0;
        for (size_t i = 0; i < n; i += 3) {
            uint32_t v = (uint32_t)bytes[i] << 16;
            if (i + 1 < n)
                v |= (uint32_t)bytes[i + 1] << 8;
            if (i + 2 < n)
                v |= bytes[i + 2];
            out[o++] = alphabet[v >> 18];
            out[o++] = alphabet[(v >> 12) & 63];
            out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
            out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
        }
        r = JS_NewStringLen(ctx, out, o);
    }
    js_free(ctx, out);
    js_free(ctx, bytes);
    JS_FreeCString(ctx, s);
    return r;
}

static int sextet(uint8_t c)
{
    const char *p = c ? memchr(alphabet, c, 64) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

static bool is_ascii_whitespace(uint8_t c)
{
    return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

/* Forgiving-base64 decode into out (at least len * 3 / 4 bytes): -1 on
 * failure. */
static int forgiving_decode(const uint8_t *s, size_t len, uint8_t *out, size_t *out_len)
{
    uint8_t *data = (uint8_t *)out; /* the stripped input, decoded in place */
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (!is_ascii_whitespace(s[i]))
            data[n++] = s[i];
    if (n % 4 == 0 && n > 0 && data[n - 1] == '=') {
        n--;
        if (data[n - 1] == '=')
            n--;
    }
    if (n % 4 == 1)
        return -1;
    uint32_t buffer = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int v = sextet(data[i]);
        if (v < 0)
            return -1;
        buffer = (buffer << 6) | (uint32_t)v;
        bits += 6;
        if (bits == 24) {
            out[o++] = (uint8_t)(buffer >> 16);
            out[o++] = (uint8_t)(buffer >> 8);
            out[o++] = (uint8_t)buffer;
            buffer = 0;
            bits = 0;
        }
    }
    if (bits == 12) {
        out[o++] = (uint8_t)(buffer >> 4);
    } else if (bits == 18) {
        out[o++] = (uint8_t)(buffer >> 10);
        out[o++] = (uint8_t)(buffer >> 2);
    }
    *out_len = o;
    return 0;
}

static JSValue atob(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val;
    if (web_require_args(ctx, argc, 1, "atob"))
        return JS_EXCEPTION;
    size_t len, n;
    const char *s = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!s)
        return JS_EXCEPTION;
    uint8_t *bytes = js_malloc(ctx, len + 1);
    uint8_t *utf8 = NULL;
    JSValue r;
    if (!bytes) {
        r = JS_EXCEPTION;
    } else if (forgiving_decode((const uint8_t *)s, len, bytes, &n)) {
        r = web_throw_dom(ctx, "InvalidCharacterError", "atob: the string is not valid base64");
    } else if (!(utf8 = js_malloc(ctx, n * 2 + 1))) {
        r = JS_EXCEPTION;
    } else {
        size_t o = 0;
        for (size_t i = 0; i < n; i++)
            o += web_put_utf8(utf8 + o, bytes[i]);
        r = JS_NewStringLen(ctx, (const char *)utf8, o);
    }
    js_free(ctx, utf8);
    js_free(ctx, bytes);
    JS_FreeCString(ctx, s);
    return r;
}

static const JSCFunctionListEntry base64_globals[] = {
    WEB_FUNC("atob", 1, atob),
    WEB_FUNC("btoa", 1, btoa),
};

int web_base64_install(JSContext *ctx)
{
    return web_define_globals(ctx, base64_globals, WEB_COUNT(base64_globals));
}
