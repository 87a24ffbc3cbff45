/* mpack.h - the guest's MessagePack primitives: a growable writer and a
 * bounds-checked reader. The host uses msgpack-c; inside WebAssembly this
 * small subset is all the glue needs to talk to it. */
#ifndef NEXUS_GUEST_MPACK_H
#define NEXUS_GUEST_MPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mp_writer {
    uint8_t *data;
    size_t len, cap;
    size_t limit;       /* 0: none; otherwise the most bytes it may hold */
    bool oom;           /* a write failed to allocate; the buffer is unusable */
    bool over_limit;    /* a write would have passed limit; likewise */
} mp_writer_t;

void mp_writer_init(mp_writer_t *w);
/* True once a write failed (oom or over_limit): writing further is wasted. */
static inline bool mp_writer_failed(const mp_writer_t *w) { return w->oom || w->over_limit; }
void mp_writer_free(mp_writer_t *w);
void mp_write_nil(mp_writer_t *w);
void mp_write_bool(mp_writer_t *w, bool v);
void mp_write_int(mp_writer_t *w, int64_t v);
void mp_write_uint(mp_writer_t *w, uint64_t v);
void mp_write_double(mp_writer_t *w, double v);
void mp_write_str(mp_writer_t *w, const char *s, size_t len);
void mp_write_cstr(mp_writer_t *w, const char *s);
void mp_write_bin(mp_writer_t *w, const uint8_t *p, size_t len);
void mp_write_array(mp_writer_t *w, uint32_t n);
void mp_write_map(mp_writer_t *w, uint32_t n);
void mp_write_timestamp(mp_writer_t *w, int64_t sec, uint32_t nsec);
/* Reserves a map header whose count is filled in later (always map32). */
size_t mp_write_map_placeholder(mp_writer_t *w);
void mp_patch_map(mp_writer_t *w, size_t at, uint32_t n);

typedef enum mp_type {
    MP_NIL, MP_BOOL, MP_INT, MP_UINT, MP_DOUBLE, MP_STR, MP_BIN,
    MP_ARRAY, MP_MAP, MP_TIMESTAMP, MP_INVALID
} mp_type_t;

typedef struct mp_item {
    mp_type_t type;
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    const uint8_t *p;   /* str/bin bytes */
    uint32_t len;       /* str/bin length, array/map count */
    int64_t sec;        /* timestamp */
    uint32_t nsec;
} mp_item_t;

typedef struct mp_reader {
    const uint8_t *p, *end;
} mp_reader_t;

/* Reads one item header (containers: only the count). Returns false on
 * truncated or unsupported input. */
bool mp_read(mp_reader_t *r, mp_item_t *it);
/* Skips one complete value, containers included. */
bool mp_skip(mp_reader_t *r);

#endif
