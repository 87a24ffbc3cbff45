/* mpack.c - the guest's MessagePack writer and reader (see mpack.h). */
#include "mpack.h"

#include <stdlib.h>
#include <string.h>

void mp_writer_init(mp_writer_t *w)
{
    w->data = NULL;
    w->len = w->cap = w->limit = 0;
    w->oom = w->over_limit = false;
}

void mp_writer_free(mp_writer_t *w)
{
    free(w->data);
    mp_writer_init(w);
}

static uint8_t *reserve(mp_writer_t *w, size_t n)
{
    if (mp_writer_failed(w))
        return NULL;
    if (w->limit && n > w->limit - w->len) {
        w->over_limit = true;
        return NULL;
    }
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n)
            cap *= 2;
        uint8_t *p = realloc(w->data, cap);
        if (!p) {
            w->oom = true;
            return NULL;
        }
        w->data = p;
        w->cap = cap;
    }
    uint8_t *at = w->data + w->len;
    w->len += n;
    return at;
}

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static void write_tagged(mp_writer_t *w, uint8_t tag, uint64_t v, int bytes)
{
    uint8_t *p = reserve(w, 1 + (size_t)bytes);
    if (!p)
        return;
    p[0] = tag;
    put_be(p + 1, v, bytes);
}

void mp_write_nil(mp_writer_t *w) { write_tagged(w, 0xc0, 0, 0); }
void mp_write_bool(mp_writer_t *w, bool v) { write_tagged(w, v ? 0xc3 : 0xc2, 0, 0); }

void mp_write_uint(mp_writer_t *w, uint64_t v)
{
    if (v < 128)
        write_tagged(w, (uint8_t)v, 0, 0);
    else if (v <= 0xff)
        write_tagged(w, 0xcc, v, 1);
    else if (v <= 0xffff)
        write_tagged(w, 0xcd, v, 2);
    else if (v <= 0xffffffffu)
        write_tagged(w, 0xce, v, 4);
    else
        write_tagged(w, 0xcf, v, 8);
}

void mp_write_int(mp_writer_t *w, int64_t v)
{
    if (v >= 0)
        mp_write_uint(w, (uint64_t)v);
    else if (v >= -32)
        write_tagged(w, (uint8_t)(0xe0 | (v + 32)), 0, 0);
    else if (v >= INT8_MIN)
        write_tagged(w, 0xd0, (uint64_t)v, 1);
    else if (v >= INT16_MIN)
        write_tagged(w, 0xd1, (uint64_t)v, 2);
    else if (v >= INT32_MIN)
        write_tagged(w, 0xd2, (uint64_t)v, 4);
    else
        write_tagged(w, 0xd3, (uint64_t)v, 8);
}

void mp_write_double(mp_writer_t *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, 8);
    write_tagged(w, 0xcb, bits, 8);
}

static void write_raw(mp_writer_t *w, const void *p, size_t len)
{
    uint8_t *at = reserve(w, len);
    if (at && len)
        memcpy(at, p, len);
}

void mp_write_str(mp_writer_t *w, const char *s, size_t len)
{
    if (len < 32)
        write_tagged(w, (uint8_t)(0xa0 | len), 0, 0);
    else if (len <= 0xff)
        write_tagged(w, 0xd9, len, 1);
    else if (len <= 0xffff)
        write_tagged(w, 0xda, len, 2);
    else
        write_tagged(w, 0xdb, len, 4);
    write_raw(w, s, len);
}

void mp_write_cstr(mp_writer_t *w, const char *s) { mp_write_str(w, s, strlen(s)); }

void mp_write_bin(mp_writer_t *w, const uint8_t *p, size_t len)
{
    if (len <= 0xff)
        write_tagged(w, 0xc4, len, 1);
    else if (len <= 0xffff)
        write_tagged(w, 0xc5, len, 2);
    else
        write_tagged(w, 0xc6, len, 4);
    write_raw(w, p, len);
}

void mp_write_array(mp_writer_t *w, uint32_t n)
{
    if (n < 16)
        write_tagged(w, (uint8_t)(0x90 | n), 0, 0);
    else if (n <= 0xffff)
        write_tagged(w, 0xdc, n, 2);
    else
        write_tagged(w, 0xdd, n, 4);
}

void mp_write_map(mp_writer_t *w, uint32_t n)
{
    if (n < 16)
        write_tagged(w, (uint8_t)(0x80 | n), 0, 0);
    else if (n <= 0xffff)
        write_tagged(w, 0xde, n, 2);
    else
        write_tagged(w, 0xdf, n, 4);
}

size_t mp_write_map_placeholder(mp_writer_t *w)
{
    size_t at = w->len;
    write_tagged(w, 0xdf, 0, 4);
    return at;
}

void mp_patch_map(mp_writer_t *w, size_t at, uint32_t n)
{
    if (!w->oom)
        put_be(w->data + at + 1, n, 4);
}

void mp_write_timestamp(mp_writer_t *w, int64_t sec, uint32_t nsec)
{
    /* timestamp 96: ext8, length 12, type -1, nsec (u32), sec (i64) */
    uint8_t *p = reserve(w, 15);
    if (!p)
        return;
    p[0] = 0xc7;
    p[1] = 12;
    p[2] = 0xff;
    put_be(p + 3, nsec, 4);
    put_be(p + 7, (uint64_t)sec, 8);
}

static bool take(mp_reader_t *r, size_t n, const uint8_t **out)
{
    if ((size_t)(r->end - r->p) < n)
        return false;
    *out = r->p;
    r->p += n;
    return true;
}

static bool take_be(mp_reader_t *r, int bytes, uint64_t *v)
{
    const uint8_t *p;
    if (!take(r, (size_t)bytes, &p))
        return false;
    uint64_t x = 0;
    for (int i = 0; i < bytes; i++)
        x = (x << 8) | p[i];
    *v = x;
    return true;
}

static bool read_bytes(mp_reader_t *r, mp_item_t *it, mp_type_t type, int len_bytes)
{
    uint64_t n;
    if (!take_be(r, len_bytes, &n) || !take(r, (size_t)n, &it->p))
        return false;
    it->type = type;
    it->len = (uint32_t)n;
    return true;
}

static bool read_ext(mp_reader_t *r, mp_item_t *it, uint32_t len)
{
    const uint8_t *p;
    if (!take(r, 1, &p))
        return false;
    int8_t type = (int8_t)p[0];
    if (type != -1 || !take(r, len, &p))
        return false;
    uint64_t v;
    mp_reader_t sub = { p, p + len };
    it->type = MP_TIMESTAMP;
    if (len == 4) {
        take_be(&sub, 4, &v);
        it->sec = (int64_t)v;
        it->nsec = 0;
    } else if (len == 8) {
        take_be(&sub, 8, &v);
        it->nsec = (uint32_t)(v >> 34);
        it->sec = (int64_t)(v & 0x3ffffffffull);
    } else if (len == 12) {
        take_be(&sub, 4, &v);
        it->nsec = (uint32_t)v;
        take_be(&sub, 8, &v);
        it->sec = (int64_t)v;
    } else {
        return false;
    }
    return true;
}

bool mp_read(mp_reader_t *r, mp_item_t *it)
{
    const uint8_t *p;
    uint64_t v;
    if (!take(r, 1, &p))
        return false;
    uint8_t tag = p[0];
    if (tag < 0x80) {
        it->type = MP_UINT;
        it->u = tag;
        return true;
    }
    if (tag >= 0xe0) {
        it->type = MP_INT;
        it->i = (int8_t)tag;
        return true;
    }
    if ((tag & 0xe0) == 0xa0) {
        it->type = MP_STR;
        it->len = tag & 0x1f;
        return take(r, it->len, &it->p);
    }
    if ((tag & 0xf0) == 0x90) {
        it->type = MP_ARRAY;
        it->len = tag & 0x0f;
        return true;
    }
    if ((tag & 0xf0) == 0x80) {
        it->type = MP_MAP;
        it->len = tag & 0x0f;
        return true;
    }
    switch (tag) {
    case 0xc0: it->type = MP_NIL; return true;
    case 0xc2: it->type = MP_BOOL; it->b = false; return true;
    case 0xc3: it->type = MP_BOOL; it->b = true; return true;
    case 0xc4: return read_bytes(r, it, MP_BIN, 1);
    case 0xc5: return read_bytes(r, it, MP_BIN, 2);
    case 0xc6: return read_bytes(r, it, MP_BIN, 4);
    case 0xc7: if (!take_be(r, 1, &v)) return false; return read_ext(r, it, (uint32_t)v);
    case 0xd6: return read_ext(r, it, 4);
    case 0xd7: return read_ext(r, it, 8);
    case 0xca: {
        float f;
        uint32_t bits;
        if (!take_be(r, 4, &v)) return false;
        bits = (uint32_t)v;
        memcpy(&f, &bits, 4);
        it->type = MP_DOUBLE;
        it->d = f;
        return true;
    }
    case 0xcb:
        if (!take_be(r, 8, &v)) return false;
        it->type = MP_DOUBLE;
        memcpy(&it->d, &v, 8);
        return true;
    case 0xcc: case 0xcd: case 0xce: case 0xcf:
        if (!take_be(r, 1 << (tag - 0xcc), &v)) return false;
        it->type = MP_UINT;
        it->u = v;
        return true;
    case 0xd0: if (!take_be(r, 1, &v)) return false; it->type = MP_INT; it->i = (int8_t)v; return true;
    case 0xd1: if (!take_be(r, 2, &v)) return false; it->type = MP_INT; it->i = (int16_t)v; return true;
    case 0xd2: if (!take_be(r, 4, &v)) return false; it->type = MP_INT; it->i = (int32_t)v; return true;
    case 0xd3: if (!take_be(r, 8, &v)) return false; it->type = MP_INT; it->i = (int64_t)v; return true;
    case 0xd9: return read_bytes(r, it, MP_STR, 1);
    case 0xda: return read_bytes(r, it, MP_STR, 2);
    case 0xdb: return read_bytes(r, it, MP_STR, 4);
    case 0xdc: if (!take_be(r, 2, &v)) return false; it->type = MP_ARRAY; it->len = (uint32_t)v; return true;
    case 0xdd: if (!take_be(r, 4, &v)) return false; it->type = MP_ARRAY; it->len = (uint32_t)v; return true;
    case 0xde: if (!take_be(r, 2, &v)) return false; it->type = MP_MAP; it->len = (uint32_t)v; return true;
    case 0xdf: if (!take_be(r, 4, &v)) return false; it->type = MP_MAP; it->len = (uint32_t)v; return true;
    default:
        it->type = MP_INVALID;
        return false;
    }
}

bool mp_skip(mp_reader_t *r)
{
    /* Iterative: a count of values still to skip, so depth costs nothing. */
    uint64_t pending = 1;
    while (pending > 0) {
        mp_item_t it;
        if (!mp_read(r, &it))
            return false;
        pending--;
        if (it.type == MP_ARRAY)
            pending += it.len;
        else if (it.type == MP_MAP)
            pending += 2ull * it.len;
    }
    return true;
}
