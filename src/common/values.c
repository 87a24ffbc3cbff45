/* values.c - the host side of values.h: the validating MessagePack walker
 * every byte string from the sandbox passes through (nx_value_check) and
 * the MessagePack <-> JSON conversions used at the edges (UTF-8 is utf8.c's).
 *
 * One primitive reads MessagePack here: read_item() decodes a single item's
 * header (plus the payload of a str, bin or timestamp) and bounds-checks
 * every read against the bytes left. The validator drives it iteratively
 * with a fixed stack of NX_VALUE_MAX_DEPTH frames and allocates nothing. The
 * converter to JSON drives it recursively, but only over bytes the validator
 * has accepted, so its recursion is bounded by the same depth limit.
 *
 * JSON is parsed and emitted by jansson; MessagePack is packed by msgpack-c.
 * Nothing here keeps state between calls, so every function is thread-safe.
 */
#include "common/values.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <msgpack.h>

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define TOO_DEEP_REASON "nesting deeper than " STRINGIFY(NX_VALUE_MAX_DEPTH) " levels"

/* The MessagePack timestamp extension (spec: "Timestamp extension type"). */
#define TIMESTAMP_EXT_TYPE (-1)
#define MAX_NANOSECONDS 999999999u

/* ---- reading one item ------------------------------------------------------ */

typedef struct byte_reader {
    const uint8_t *p;
    size_t left;
} byte_reader_t;

typedef enum item_kind {
    ITEM_NIL,
    ITEM_BOOL,
    ITEM_UINT,      /* positive fixint, uint8..uint64 */
    ITEM_INT,       /* negative fixint, int8..int64 (may hold a positive value) */
    ITEM_FLOAT,     /* float32 (widened) or float64 */
    ITEM_STR,
    ITEM_BIN,
    ITEM_ARRAY,
    ITEM_MAP,
    ITEM_TIMESTAMP
} item_kind_t;

/* One decoded item. Only the fields of its kind are set. */
typedef struct item {
    item_kind_t kind;
    bool boolean;
    uint64_t uint;
    int64_t sint;
    double real;
    const uint8_t *bytes;   /* str / bin payload, inside the input buffer */
    size_t len;
    uint64_t count;         /* array elements or map pairs (not yet read) */
    int64_t seconds;        /* timestamp */
    uint32_t nanoseconds;
} item_t;

/* Moves n bytes out of r, or fails without moving if fewer are left. */
static bool take(byte_reader_t *r, size_t n, const uint8_t **out)
{
    if (r->left < n)
        return false;
    *out = r->p;
    r->p += n;
    r->left -= n;
    return true;
}

/* Reads an n-byte big-endian unsigned integer (n <= 8). */
static bool take_uint(byte_reader_t *r, size_t n, uint64_t *value)
{
    const uint8_t *p;
    if (!take(r, n, &p))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    *value = v;
    return true;
}

/* Two's-complement value of the low 8*bytes bits of v, computed without
 * relying on implementation-defined conversions or shifts. */
static int64_t sign_extend(uint64_t v, unsigned bytes)
{
    uint64_t sign_bit = (uint64_t)1 << (8 * bytes - 1);
    if (!(v & sign_bit))
        return (int64_t)v;
    uint64_t width_mask = sign_bit * 2 - 1; /* wraps to all ones for 8 bytes */
    return -(int64_t)(~v & width_mask) - 1;
}

static const char *read_float(byte_reader_t *r, bool is_float64, item_t *it)
{
    uint64_t bits;
    if (!take_uint(r, is_float64 ? 8 : 4, &bits))
        return "truncated value";
    it->kind = ITEM_FLOAT;
    if (is_float64) {
        memcpy(&it->real, &bits, sizeof it->real);
    } else {
        uint32_t bits32 = (uint32_t)bits;
        float f;
        memcpy(&f, &bits32, sizeof f);
        it->real = f;
    }
    return NULL;
}

/* str or bin whose length field is length_bytes wide (0: fixstr, length
 * already known from the type byte). */
static const char *read_bytes(byte_reader_t *r, item_kind_t kind, size_t length_bytes,
                              uint64_t length, item_t *it)
{
    if (length_bytes && !take_uint(r, length_bytes, &length))
        return "truncated value";
    if (length > r->left || !take(r, (size_t)length, &it->bytes))
        return "truncated value";
    it->kind = kind;
    it->len = (size_t)length;
    if (kind == ITEM_STR && !nx_utf8_valid((const char *)it->bytes, it->len))
        return "invalid UTF-8 in string";
    return NULL;
}

static const char *read_container(byte_reader_t *r, item_kind_t kind, size_t count_bytes,
                                  uint64_t count, item_t *it)
{
    if (count_bytes && !take_uint(r, count_bytes, &count))
        return "truncated value";
    it->kind = kind;
    it->count = count;
    return NULL;
}

/* Decodes the timestamp payload: 32-bit seconds; 30-bit nanoseconds over
 * 34-bit seconds; or 32-bit nanoseconds then signed 64-bit seconds. */
static const char *decode_timestamp(const uint8_t *data, size_t len, item_t *it)
{
    byte_reader_t r = { data, len };
    uint64_t word = 0, seconds = 0;
    it->kind = ITEM_TIMESTAMP;
    if (len == 4) {
        take_uint(&r, 4, &seconds);
        it->seconds = (int64_t)seconds;
        it->nanoseconds = 0;
    } else if (len == 8) {
        take_uint(&r, 8, &word);
        it->nanoseconds = (uint32_t)(word >> 34);
        it->seconds = (int64_t)(word & (((uint64_t)1 << 34) - 1));
    } else {
        take_uint(&r, 4, &word);
        take_uint(&r, 8, &seconds);
        it->nanoseconds = (uint32_t)word;
        it->seconds = sign_extend(seconds, 8);
    }
    if (it->nanoseconds > MAX_NANOSECONDS)
        return "timestamp nanoseconds out of range";
    return NULL;
}

/* An extension: only the timestamp, and only in its three canonical forms
 * (fixext4, fixext8, ext8 of length 12), is accepted. length_bytes is the
 * width of the ext8/16/32 length field, or 0 for fixext, whose data length
 * the type byte already gave. */
static const char *read_ext(byte_reader_t *r, size_t length_bytes, uint64_t length, item_t *it)
{
    bool is_ext8 = length_bytes == 1;
    uint64_t type_byte;
    if (length_bytes && !take_uint(r, length_bytes, &length))
        return "truncated value";
    if (!take_uint(r, 1, &type_byte))
        return "truncated value";
    if (sign_extend(type_byte, 1) != TIMESTAMP_EXT_TYPE)
        return "unsupported extension type";
    bool canonical = length_bytes == 0 ? (length == 4 || length == 8) : (is_ext8 && length == 12);
    if (!canonical)
        return "invalid timestamp length";
    const uint8_t *data;
    if (!take(r, (size_t)length, &data))
        return "truncated value";
    return decode_timestamp(data, (size_t)length, it);
}

/* Integers: uint8..uint64 are 0xcc..0xcf, int8..int64 0xd0..0xd3. */
static const char *read_int(byte_reader_t *r, uint8_t type, item_t *it)
{
    bool is_signed = type >= 0xd0;
    unsigned bytes = 1u << (type - (is_signed ? 0xd0 : 0xcc));
    uint64_t v;
    if (!take_uint(r, bytes, &v))
        return "truncated value";
    it->kind = is_signed ? ITEM_INT : ITEM_UINT;
    if (is_signed)
        it->sint = sign_extend(v, bytes);
    else
        it->uint = v;
    return NULL;
}

/* Decodes the item at r (its header, and the payload of a str, bin or
 * timestamp; an array's or map's elements are left to the caller). Returns
 * NULL, or the reason the bytes are not an accepted item. */
static const char *read_item(byte_reader_t *r, item_t *it)
{
    uint64_t type;
    if (!take_uint(r, 1, &type))
        return "truncated value";
    uint8_t t = (uint8_t)type;
    if (t <= 0x7f) {
        it->kind = ITEM_UINT;
        it->uint = t;
        return NULL;
    }
    if (t >= 0xe0) {
        it->kind = ITEM_INT;
        it->sint = sign_extend(t, 1);
        return NULL;
    }
    if (t <= 0x8f)
        return read_container(r, ITEM_MAP, 0, t & 0x0f, it);
    if (t <= 0x9f)
        return read_container(r, ITEM_ARRAY, 0, t & 0x0f, it);
    if (t <= 0xbf)
        return read_bytes(r, ITEM_STR, 0, t & 0x1f, it);
    switch (t) {
    case 0xc0: it->kind = ITEM_NIL; return NULL;
    case 0xc1: return "reserved type byte 0xc1";
    case 0xc2: case 0xc3: it->kind = ITEM_BOOL; it->boolean = t == 0xc3; return NULL;
    case 0xc4: return read_bytes(r, ITEM_BIN, 1, 0, it);
    case 0xc5: return read_bytes(r, ITEM_BIN, 2, 0, it);
    case 0xc6: return read_bytes(r, ITEM_BIN, 4, 0, it);
    case 0xc7: return read_ext(r, 1, 0, it);
    case 0xc8: return read_ext(r, 2, 0, it);
    case 0xc9: return read_ext(r, 4, 0, it);
    case 0xca: return read_float(r, false, it);
    case 0xcb: return read_float(r, true, it);
    case 0xd4: return read_ext(r, 0, 1, it);
    case 0xd5: return read_ext(r, 0, 2, it);
    case 0xd6: return read_ext(r, 0, 4, it);
    case 0xd7: return read_ext(r, 0, 8, it);
    case 0xd8: return read_ext(r, 0, 16, it);
    case 0xd9: return read_bytes(r, ITEM_STR, 1, 0, it);
    case 0xda: return read_bytes(r, ITEM_STR, 2, 0, it);
    case 0xdb: return read_bytes(r, ITEM_STR, 4, 0, it);
    case 0xdc: return read_container(r, ITEM_ARRAY, 2, 0, it);
    case 0xdd: return read_container(r, ITEM_ARRAY, 4, 0, it);
    case 0xde: return read_container(r, ITEM_MAP, 2, 0, it);
    case 0xdf: return read_container(r, ITEM_MAP, 4, 0, it);
    default: return read_int(r, t, it); /* 0xcc..0xd3 */
    }
}

/* ---- validation ------------------------------------------------------------ */

/* An open array or map: items still to read (a map counts keys and values
 * separately, so an even count means a key comes next). */
typedef struct frame {
    uint64_t items_left;
    bool is_map;
} frame_t;

/* Walks exactly one value and checks nothing follows it. Each iteration
 * reads at least one byte, and containers that promise more items than bytes
 * remain are refused at once, so the walk is linear in the input. */
static const char *check_one_value(byte_reader_t *r, size_t max_depth)
{
    frame_t stack[NX_RESULT_MAX_DEPTH + 1];
    size_t depth = 0;
    do {
        frame_t *parent = depth ? &stack[depth - 1] : NULL;
        bool want_key = parent && parent->is_map && parent->items_left % 2 == 0;
        item_t it;
        const char *reason = read_item(r, &it);
        if (reason)
            return reason;
        if (want_key && it.kind != ITEM_STR)
            return "map key is not a string";
        if (parent)
            parent->items_left--;
        if (it.kind == ITEM_ARRAY || it.kind == ITEM_MAP) {
            if (depth == max_depth)
                return TOO_DEEP_REASON;
            uint64_t items = it.kind == ITEM_MAP ? it.count * 2 : it.count; /* count < 2^32 */
            if (items > r->left)
                return "truncated value"; /* every item takes at least one byte */
            stack[depth++] = (frame_t){ items, it.kind == ITEM_MAP };
        }
        while (depth && stack[depth - 1].items_left == 0)
            depth--;
    } while (depth);
    return r->left ? "trailing bytes" : NULL;
}

static nx_code_t check_failed(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return NX_E_SERIALIZATION_ERROR;
}

static nx_code_t check_value(const uint8_t *buf, size_t len, size_t max_depth, const char **why)
{
    if (!buf && len)
        return check_failed(why, "no buffer");
    byte_reader_t r = { buf, len };
    const char *reason = check_one_value(&r, max_depth);
    return reason ? check_failed(why, reason) : NX_OK;
}

nx_code_t nx_value_check(const uint8_t *buf, size_t len, const char **why)
{
    return check_value(buf, len, NX_VALUE_MAX_DEPTH, why);
}

nx_code_t nx_result_document_check(const uint8_t *buf, size_t len, const char **why)
{
    return check_value(buf, len, NX_RESULT_MAX_DEPTH, why);
}

/* A map (or nil) nested at most max_depth deep, itself included. */
static nx_code_t check_map(const uint8_t *buf, size_t len, size_t max_depth, bool allow_nil,
                           const char **why)
{
    nx_code_t code = check_value(buf, len, max_depth, why);
    if (code != NX_OK)
        return code;
    uint8_t type = buf[0]; /* a checked value has at least one byte */
    bool is_map = (type >= 0x80 && type <= 0x8f) || type == 0xde || type == 0xdf;
    if (is_map || (allow_nil && type == 0xc0))
        return NX_OK;
    return check_failed(why, allow_nil ? "not a map or nil" : "not a map");
}

nx_code_t nx_value_check_map(const uint8_t *buf, size_t len, bool allow_nil, const char **why)
{
    return check_map(buf, len, NX_VALUE_MAX_DEPTH, allow_nil, why);
}

nx_code_t nx_value_check_state(const uint8_t *buf, size_t len, const char **why)
{
    return check_map(buf, len, NX_VALUE_MAX_DEPTH + 1, true, why);
}

/* ---- MessagePack -> JSON ---------------------------------------------------- */

static const char BASE64_ALPHABET[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 with '=' padding, as a JSON string. */
static json_t *base64_string(const uint8_t *data, size_t len)
{
    if (len / 3 >= SIZE_MAX / 4 - 1)
        return NULL;
    size_t text_len = (len / 3 + (len % 3 != 0)) * 4;
    char *text = malloc(text_len + 1);
    if (!text)
        return NULL;
    char *o = text;
    for (size_t i = 0; i < len; i += 3) {
        size_t n = len - i < 3 ? len - i : 3;
        uint32_t group = (uint32_t)data[i] << 16;
        if (n > 1)
            group |= (uint32_t)data[i + 1] << 8;
        if (n > 2)
            group |= data[i + 2];
        *o++ = BASE64_ALPHABET[(group >> 18) & 63];
        *o++ = BASE64_ALPHABET[(group >> 12) & 63];
        *o++ = n > 1 ? BASE64_ALPHABET[(group >> 6) & 63] : '=';
        *o++ = n > 2 ? BASE64_ALPHABET[group & 63] : '=';
    }
    json_t *s = json_stringn_nocheck(text, text_len);
    free(text);
    return s;
}

/* "2024-01-02T03:04:05.678Z" (nanoseconds truncated to milliseconds). Years
 * outside 0000..9999 use the expanded form JavaScript's toISOString uses
 * ("+010000", "-000001"). A timestamp whose year gmtime_r cannot represent
 * (beyond about +-2^31 years) has no ISO form and becomes null, as NaN does. */
static json_t *timestamp_string(int64_t seconds, uint32_t nanoseconds)
{
    time_t t = (time_t)seconds;
    struct tm tm;
    if ((int64_t)t != seconds || !gmtime_r(&t, &tm))
        return json_null();
    long long year = (long long)tm.tm_year + 1900;
    char text[128];
    int n = year >= 0 && year <= 9999 ? snprintf(text, sizeof text, "%04lld", year)
                                      : snprintf(text, sizeof text, "%+07lld", year);
    if (n < 0 || (size_t)n >= sizeof text)
        return NULL;
    int m = snprintf(text + n, sizeof text - (size_t)n, "-%02d-%02dT%02d:%02d:%02d.%03uZ",
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (unsigned)(nanoseconds / 1000000));
    if (m < 0 || (size_t)m >= sizeof text - (size_t)n)
        return NULL;
    return json_string(text);
}

static json_t *scalar_to_json(const item_t *it)
{
    switch (it->kind) {
    case ITEM_NIL: return json_null();
    case ITEM_BOOL: return json_boolean(it->boolean);
    case ITEM_INT: return json_integer(it->sint);
    case ITEM_UINT:
        /* json_int_t is signed 64-bit: larger values only fit as reals. */
        return it->uint <= INT64_MAX ? json_integer((json_int_t)it->uint)
                                     : json_real((double)it->uint);
    case ITEM_FLOAT:
        /* JSON has no NaN or Infinity (and json_real refuses them). */
        return isfinite(it->real) ? json_real(it->real) : json_null();
    case ITEM_STR: return json_stringn((const char *)it->bytes, it->len);
    case ITEM_BIN: return base64_string(it->bytes, it->len);
    case ITEM_TIMESTAMP: return timestamp_string(it->seconds, it->nanoseconds);
    default: return NULL;
    }
}

static json_t *value_to_json(byte_reader_t *r, unsigned depth);

static json_t *array_to_json(byte_reader_t *r, uint64_t count, unsigned depth)
{
    json_t *array = json_array();
    for (uint64_t i = 0; array && i < count; i++) {
        json_t *element = value_to_json(r, depth);
        if (!element || json_array_append_new(array, element) != 0) {
            json_decref(array);
            return NULL;
        }
    }
    return array;
}

/* Later duplicates of a key replace earlier ones ("last wins"), as in
 * JavaScript object literals. */
static json_t *map_to_json(byte_reader_t *r, uint64_t count, unsigned depth)
{
    json_t *object = json_object();
    for (uint64_t i = 0; object && i < count; i++) {
        item_t key;
        json_t *value = NULL;
        if (read_item(r, &key) || key.kind != ITEM_STR || !(value = value_to_json(r, depth)) ||
            json_object_setn_new(object, (const char *)key.bytes, key.len, value) != 0) {
            json_decref(object);
            return NULL;
        }
    }
    return object;
}

/* The value at r as a new jansson value. The bytes must have passed
 * check_one_value; the checks repeated here are only defensive. depth is the
 * number of containers around the value. */
static json_t *value_to_json(byte_reader_t *r, unsigned depth)
{
    item_t it;
    if (read_item(r, &it))
        return NULL;
    if (it.kind != ITEM_ARRAY && it.kind != ITEM_MAP)
        return scalar_to_json(&it);
    if (depth >= NX_VALUE_MAX_DEPTH)
        return NULL;
    return it.kind == ITEM_ARRAY ? array_to_json(r, it.count, depth + 1)
                                 : map_to_json(r, it.count, depth + 1);
}

void *nx_msgpack_to_jansson(const uint8_t *buf, size_t len)
{
    if (nx_value_check(buf, len, NULL) != NX_OK)
        return NULL;
    byte_reader_t r = { buf, len };
    return value_to_json(&r, 0);
}

nx_code_t nx_msgpack_to_json(const uint8_t *buf, size_t len, char **out)
{
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    if (nx_value_check(buf, len, NULL) != NX_OK)
        return NX_E_SERIALIZATION_ERROR;
    byte_reader_t r = { buf, len };
    json_t *value = value_to_json(&r, 0);
    if (!value)
        return NX_E_INTERNAL_ERROR; /* the bytes were valid: out of memory */
    /* 17 significant digits make every double read back bit-identical. */
    *out = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    json_decref(value);
    return *out ? NX_OK : NX_E_INTERNAL_ERROR;
}

/* ---- JSON -> MessagePack ------------------------------------------------------ */

typedef enum pack_status { PACK_OK, PACK_TOO_DEEP, PACK_TOO_LARGE, PACK_NO_MEMORY } pack_status_t;

static pack_status_t pack_json(msgpack_packer *pk, json_t *v, unsigned depth);

/* msgpack-c silently truncates lengths to 32 bits; refuse them instead. */
static bool fits_msgpack_length(size_t n) { return n <= UINT32_MAX; }

static pack_status_t pack_string(msgpack_packer *pk, const char *s, size_t len)
{
    if (!fits_msgpack_length(len))
        return PACK_TOO_LARGE;
    if (msgpack_pack_str(pk, len) || msgpack_pack_str_body(pk, s, len))
        return PACK_NO_MEMORY;
    return PACK_OK;
}

static pack_status_t pack_array(msgpack_packer *pk, json_t *array, unsigned depth)
{
    size_t size = json_array_size(array);
    if (!fits_msgpack_length(size))
        return PACK_TOO_LARGE;
    if (msgpack_pack_array(pk, size))
        return PACK_NO_MEMORY;
    for (size_t i = 0; i < size; i++) {
        pack_status_t status = pack_json(pk, json_array_get(array, i), depth);
        if (status != PACK_OK)
            return status;
    }
    return PACK_OK;
}

/* Keys go out in jansson's iteration order, which is insertion order. */
static pack_status_t pack_object(msgpack_packer *pk, json_t *object, unsigned depth)
{
    size_t size = json_object_size(object);
    if (!fits_msgpack_length(size))
        return PACK_TOO_LARGE;
    if (msgpack_pack_map(pk, size))
        return PACK_NO_MEMORY;
    const char *key;
    size_t key_len;
    json_t *value;
    json_object_keylen_foreach(object, key, key_len, value) {
        pack_status_t status = pack_string(pk, key, key_len);
        if (status == PACK_OK)
            status = pack_json(pk, value, depth);
        if (status != PACK_OK)
            return status;
    }
    return PACK_OK;
}

/* depth is the number of containers around v. */
static pack_status_t pack_json(msgpack_packer *pk, json_t *v, unsigned depth)
{
    int failed = 0;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
    case JSON_ARRAY:
        if (depth >= NX_VALUE_MAX_DEPTH)
            return PACK_TOO_DEEP;
        return json_is_object(v) ? pack_object(pk, v, depth + 1) : pack_array(pk, v, depth + 1);
    case JSON_STRING: return pack_string(pk, json_string_value(v), json_string_length(v));
    case JSON_INTEGER: failed = msgpack_pack_int64(pk, json_integer_value(v)); break;
    case JSON_REAL: failed = msgpack_pack_double(pk, json_real_value(v)); break;
    case JSON_TRUE: failed = msgpack_pack_true(pk); break;
    case JSON_FALSE: failed = msgpack_pack_false(pk); break;
    case JSON_NULL: failed = msgpack_pack_nil(pk); break;
    }
    return failed ? PACK_NO_MEMORY : PACK_OK;
}

static nx_code_t json_failed(char *err, size_t err_size, nx_code_t code, const char *message)
{
    if (err && err_size)
        snprintf(err, err_size, "%s", message);
    return code;
}

/* Packs a parsed document into a malloc'd buffer. msgpack_sbuffer grows with
 * realloc, so its data pointer is handed to the caller as is. */
static nx_code_t pack_document(json_t *doc, uint8_t **out, size_t *out_len, char *err,
                               size_t err_size)
{
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sbuf);
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    pack_status_t status = pack_json(&pk, doc, 0);
    if (status != PACK_OK) {
        msgpack_sbuffer_destroy(&sbuf);
        if (status == PACK_TOO_DEEP)
            return json_failed(err, err_size, NX_E_INVALID_ARGUMENT,
                               "JSON nested deeper than " STRINGIFY(NX_VALUE_MAX_DEPTH) " levels");
        if (status == PACK_TOO_LARGE)
            return json_failed(err, err_size, NX_E_INVALID_ARGUMENT,
                               "JSON string, array or object too large");
        return json_failed(err, err_size, NX_E_INTERNAL_ERROR, "out of memory");
    }
    *out = (uint8_t *)sbuf.data;
    *out_len = sbuf.size;
    return NX_OK;
}

nx_code_t nx_json_to_msgpack(const char *json, size_t len, uint8_t **out, size_t *out_len,
                             char *err, size_t err_size)
{
    if (!out || !out_len || (!json && len))
        return json_failed(err, err_size, NX_E_INVALID_ARGUMENT, "missing argument");
    *out = NULL;
    *out_len = 0;
    json_error_t error;
    /* Any top-level value; U+0000 in strings is valid JSON and valid
     * MessagePack, so it is kept (jansson still refuses it in keys). */
    json_t *doc = json_loadb(json ? json : "", len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
    if (!doc) {
        if (err && err_size) {
            /* jansson quotes the input near the error: it may be anything */
            char text[JSON_ERROR_TEXT_LENGTH];
            nx_utf8_clip(error.text, strnlen(error.text, sizeof error.text), sizeof text - 1, text,
                         sizeof text);
            snprintf(err, err_size, "invalid JSON at line %d column %d: %s", error.line,
                     error.column, text);
        }
        return NX_E_INVALID_ARGUMENT;
    }
    nx_code_t code = pack_document(doc, out, out_len, err, err_size);
    json_decref(doc);
    return code;
}

/* ---- public conversions (nexus.h) ------------------------------------------------------- */

nx_code_t nx_value_from_json(const char *json, size_t len, uint8_t **msgpack, size_t *msgpack_len,
                             char **error)
{
    if (error)
        *error = NULL;
    if (!json || !msgpack || !msgpack_len)
        return NX_E_INVALID_ARGUMENT;
    char err[256] = "";
    nx_code_t code = nx_json_to_msgpack(json, len, msgpack, msgpack_len, err, sizeof err);
    if (code != NX_OK && error)
        *error = strdup(err);
    return code;
}

nx_code_t nx_value_to_json(const uint8_t *msgpack, size_t len, char **json)
{
    if (!json || (!msgpack && len))
        return NX_E_INVALID_ARGUMENT;
    *json = NULL;
    if (nx_value_check(msgpack, len, NULL) != NX_OK)
        return NX_E_SERIALIZATION_ERROR;
    return nx_msgpack_to_json(msgpack, len, json);
}
