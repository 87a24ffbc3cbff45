/* web_text.c - TextEncoder and TextDecoder (WHATWG Encoding), UTF-8 only:
 * the sandbox has no other encodings, and asking for one is a RangeError.
 * Encoding replaces lone surrogates with U+FFFD (the string is a
 * USVString); decoding follows the Encoding standard's UTF-8 decoder, one
 * U+FFFD per maximal invalid subsequence (or a TypeError when fatal),
 * keeping an incomplete sequence across calls made with {stream: true}. */
#include "web.h"

#include <string.h>

/* ---- TextEncoder -------------------------------------------------------------------- */

static JSClassID encoder_class;

static const JSClassDef encoder_def = { .class_name = "TextEncoder" };

static JSValue encoder_construct(JSContext *ctx, JSValueConst new_target, int argc,
                                 JSValueConst *argv)
{
    (void)argc; (void)argv;
    return web_new_instance(ctx, new_target, encoder_class);
}

static bool is_encoder(JSContext *ctx, JSValueConst v)
{
    if (JS_GetObjectClassID(v) == encoder_class)
        return true;
    JS_ThrowTypeError(ctx, "not a TextEncoder");
    return false;
}

static JSValue encoder_encoding(JSContext *ctx, JSValueConst this_val)
{
    return is_encoder(ctx, this_val) ? JS_NewString(ctx, "utf-8") : JS_EXCEPTION;
}

/* encode(optional USVString input = "") */
static JSValue encoder_encode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!is_encoder(ctx, this_val))
        return JS_EXCEPTION;
    if (argc == 0 || JS_IsUndefined(argv[0]))
        return web_new_uint8_array(ctx, NULL, 0);
    size_t len;
    const char *s = bi_to_usv_string(ctx, argv[0], &len);
    if (!s)
        return JS_EXCEPTION;
    JSValue a = web_new_uint8_array(ctx, (const uint8_t *)s, len);
    JS_FreeCString(ctx, s);
    return a;
}

/* The length of the UTF-8 sequence starting with byte b. */
static size_t sequence_length(uint8_t b)
{
    return b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
}

/* encodeInto(USVString source, [AllowShared] Uint8Array destination):
 * whole characters only, {read: UTF-16 code units, written: bytes}. */
static JSValue encoder_encode_into(JSContext *ctx, JSValueConst this_val, int argc,
                                   JSValueConst *argv)
{
    if (!is_encoder(ctx, this_val) || web_require_args(ctx, argc, 2, "encodeInto"))
        return JS_EXCEPTION;
    size_t len;
    const char *s = bi_to_usv_string(ctx, argv[0], &len);
    if (!s)
        return JS_EXCEPTION;
    uint8_t *dest;
    size_t room;
    if (bi_typed_kind(argv[1]) != TA_UINT8 || web_buffer_source(ctx, argv[1], &dest, &room)) {
        JS_FreeCString(ctx, s);
        if (bi_typed_kind(argv[1]) != TA_UINT8)
            JS_ThrowTypeError(ctx, "encodeInto: the destination is not a Uint8Array");
        return JS_EXCEPTION;
    }
    size_t read = 0, written = 0;
    while (written < len) {
        size_t n = sequence_length((uint8_t)s[written]);
        if (written + n > room)
            break;
        memcpy(dest + written, s + written, n);
        written += n;
        read += n == 4 ? 2 : 1; /* a 4-byte sequence was a surrogate pair */
    }
    JS_FreeCString(ctx, s);
    JSValue result = JS_NewObject(ctx);
    if (JS_IsException(result) ||
        bi_define_str(ctx, result, "read", JS_NewInt64(ctx, (int64_t)read)) ||
        bi_define_str(ctx, result, "written", JS_NewInt64(ctx, (int64_t)written))) {
        JS_FreeValue(ctx, result);
        return JS_EXCEPTION;
    }
    return result;
}

static const JSCFunctionListEntry encoder_proto[] = {
    WEB_GETSET("encoding", encoder_encoding, NULL),
    WEB_FUNC("encode", 0, encoder_encode),
    WEB_FUNC("encodeInto", 2, encoder_encode_into),
    WEB_TAG("TextEncoder"),
};

/* ---- TextDecoder -------------------------------------------------------------------- */

static JSClassID decoder_class;

typedef struct decoder {
    bool fatal, ignore_bom, bom_seen, do_not_flush;
    /* the UTF-8 decoder's state between bytes */
    uint32_t code_point;
    uint8_t needed, seen, lower, upper;
} decoder_t;

static void decoder_finalizer(JSRuntime *rt, JSValue val)
{
    js_free_rt(rt, JS_GetOpaque(val, decoder_class));
}

static const JSClassDef decoder_def = { .class_name = "TextDecoder", .finalizer = decoder_finalizer };

static void decoder_reset(decoder_t *d)
{
    d->code_point = 0;
    d->needed = d->seen = 0;
    d->lower = 0x80;
    d->upper = 0xbf;
}

/* The labels of UTF-8 (Encoding, "Encodings"), matched after trimming
 * ASCII whitespace and lowering ASCII case. */
static bool is_utf8_label(const char *s, size_t len)
{
    static const char *const labels[] = {
        "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8",
    };
    while (len > 0 && strchr("\t\n\f\r ", s[0]) && s[0]) {
        s++;
        len--;
    }
    while (len > 0 && strchr("\t\n\f\r ", s[len - 1]) && s[len - 1])
        len--;
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        if (strlen(labels[i]) != len)
            continue;
        size_t k = 0;
        while (k < len && (s[k] >= 'A' && s[k] <= 'Z' ? s[k] + 32 : s[k]) == labels[i][k])
            k++;
        if (k == len)
            return true;
    }
    return false;
}

/* constructor(optional DOMString label = "utf-8", optional TextDecoderOptions options = {}) */
static JSValue decoder_construct(JSContext *ctx, JSValueConst new_target, int argc,
                                 JSValueConst *argv)
{
    if (argc > 0 && !JS_IsUndefined(argv[0])) {
        size_t len;
        const char *label = JS_ToCStringLen(ctx, &len, argv[0]);
        if (!label)
            return JS_EXCEPTION;
        bool ok = is_utf8_label(label, len);
        JS_FreeCString(ctx, label);
        if (!ok)
            return JS_ThrowRangeError(ctx, "TextDecoder: only the utf-8 encoding is available");
    }
    JSValueConst options = argc > 1 ? argv[1] : JS_UNDEFINED;
    bool fatal, ignore_bom;
    if (web_dictionary(ctx, options, "TextDecoder") ||
        web_dict_bool(ctx, options, "fatal", &fatal) ||
        web_dict_bool(ctx, options, "ignoreBOM", &ignore_bom))
        return JS_EXCEPTION;
    JSValue obj = web_new_instance(ctx, new_target, decoder_class);
    decoder_t *d = JS_IsException(obj) ? NULL : js_mallocz(ctx, sizeof *d);
    if (!d) {
        JS_FreeValue(ctx, obj);
        return JS_EXCEPTION;
    }
    d->fatal = fatal;
    d->ignore_bom = ignore_bom;
    decoder_reset(d);
    JS_SetOpaque(obj, d);
    return obj;
}

/* magic 0: encoding, 1: fatal, 2: ignoreBOM */
static JSValue decoder_get(JSContext *ctx, JSValueConst this_val, int magic)
{
    decoder_t *d = JS_GetOpaque2(ctx, this_val, decoder_class);
    if (!d)
        return JS_EXCEPTION;
    return magic == 0 ? JS_NewString(ctx, "utf-8") : JS_NewBool(ctx, magic == 1 ? d->fatal : d->ignore_bom);
}

typedef struct output {
    uint8_t *p;
    size_t len;
    bool error; /* fatal mode met an error */
} output_t;

/* Appends a decoded code point, dropping a first BOM unless asked not to. */
static void emit(decoder_t *d, output_t *out, uint32_t c)
{
    if (!d->ignore_bom && !d->bom_seen) {
        d->bom_seen = true;
        if (c == 0xfeff)
            return;
    }
    out->len += web_put_utf8(out->p + out->len, c);
}

static void emit_error(decoder_t *d, output_t *out)
{
    if (d->fatal)
        out->error = true;
    else
        emit(d, out, 0xfffd);
}

/* The Encoding standard's UTF-8 decoder over bytes (end: the end of the
 * stream, which turns a pending sequence into an error). */
static void decode_utf8(decoder_t *d, const uint8_t *bytes, size_t len, bool end, output_t *out)
{
    for (size_t i = 0; i < len && !out->error; i++) {
        uint8_t b = bytes[i];
        if (d->needed == 0) {
            if (b < 0x80) {
                emit(d, out, b);
            } else if (b >= 0xc2 && b <= 0xdf) {
                d->needed = 1;
                d->code_point = b & 0x1f;
            } else if (b >= 0xe0 && b <= 0xef) {
                if (b == 0xe0)
                    d->lower = 0xa0;
                if (b == 0xed)
                    d->upper = 0x9f;
                d->needed = 2;
                d->code_point = b & 0x0f;
            } else if (b >= 0xf0 && b <= 0xf4) {
                if (b == 0xf0)
                    d->lower = 0x90;
                if (b == 0xf4)
                    d->upper = 0x8f;
                d->needed = 3;
                d->code_point = b & 0x07;
            } else {
                emit_error(d, out);
            }
            continue;
        }
        if (b < d->lower || b > d->upper) {
            decoder_reset(d);
            emit_error(d, out);
            i--; /* the byte is decoded again, as the start of a sequence */
            continue;
        }
        d->lower = 0x80;
        d->upper = 0xbf;
        d->code_point = (d->code_point << 6) | (b & 0x3f);
        if (++d->seen == d->needed) {
            uint32_t c = d->code_point;
            decoder_reset(d);
            emit(d, out, c);
        }
    }
    if (end && d->needed != 0 && !out->error) {
        decoder_reset(d);
        emit_error(d, out);
    }
}

size_t web_utf8_replace(const uint8_t *bytes, size_t len, uint8_t *out)
{
    decoder_t d = { .ignore_bom = true };
    decoder_reset(&d);
    output_t o = { out, 0, false };
    decode_utf8(&d, bytes, len, true, &o);
    return o.len;
}

/* decode(optional AllowSharedBufferSource input, optional TextDecodeOptions options = {}) */
static JSValue decoder_decode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    decoder_t *d = JS_GetOpaque2(ctx, this_val, decoder_class);
    if (!d)
        return JS_EXCEPTION;
    JSValueConst input = argc > 0 ? argv[0] : JS_UNDEFINED;
    JSValueConst options = argc > 1 ? argv[1] : JS_UNDEFINED;
    uint8_t *bytes = NULL;
    size_t len = 0;
    bool stream;
    /* the type is checked first; the bytes are read after the options,
       whose getter may have detached the buffer */
    if (!JS_IsUndefined(input) && web_buffer_source(ctx, input, &bytes, &len))
        return JS_EXCEPTION;
    if (web_dictionary(ctx, options, "decode") || web_dict_bool(ctx, options, "stream", &stream))
        return JS_EXCEPTION;
    if (!JS_IsUndefined(input) && web_buffer_source(ctx, input, &bytes, &len))
        return JS_EXCEPTION;
    if (!d->do_not_flush) {
        decoder_reset(d);
        d->bom_seen = false;
    }
    d->do_not_flush = stream;
    /* at most 3 output bytes per input byte, 3 more for a pending sequence */
    output_t out = { js_malloc(ctx, len * 3 + 4), 0, false };
    if (!out.p)
        return JS_EXCEPTION;
    decode_utf8(d, bytes, len, !stream, &out);
    JSValue r = out.error ? JS_ThrowTypeError(ctx, "decode: the data is not valid UTF-8")
                          : JS_NewStringLen(ctx, (const char *)out.p, out.len);
    if (out.error)
        decoder_reset(d);
    js_free(ctx, out.p);
    return r;
}

static const JSCFunctionListEntry decoder_proto[] = {
    WEB_GETSET_MAGIC("encoding", decoder_get, NULL, 0),
    WEB_GETSET_MAGIC("fatal", decoder_get, NULL, 1),
    WEB_GETSET_MAGIC("ignoreBOM", decoder_get, NULL, 2),
    WEB_FUNC("decode", 0, decoder_decode),
    WEB_TAG("TextDecoder"),
};

int web_text_install(JSContext *ctx)
{
    web_interface_t encoder = {
        .name = "TextEncoder", .class_id = &encoder_class, .class_def = &encoder_def,
        .constructor = encoder_construct, .length = 0,
        .proto_funcs = encoder_proto, .proto_count = WEB_COUNT(encoder_proto),
    };
    web_interface_t decoder = {
        .name = "TextDecoder", .class_id = &decoder_class, .class_def = &decoder_def,
        .constructor = decoder_construct, .length = 0,
        .proto_funcs = decoder_proto, .proto_count = WEB_COUNT(decoder_proto),
    };
    return web_define_interface(ctx, &encoder, JS_UNDEFINED, NULL) ||
           web_define_interface(ctx, &decoder, JS_UNDEFINED, NULL) ? -1 : 0;
}
