/* export.c - a suspended execution as bytes, and back (nx_export,
 * nx_import; docs/durable-suspensions.md). An export holds the guest's
 * memory where it differs from the snapshot, its stack pointer, the
 * host-side record of the execution, the effects of the results it has
 * returned, and its recording if one is being made.
 *
 * Layout (little-endian):
 *   0   "NXSX"            magic
 *   4   1                 format
 *   5   0 0 0             reserved
 *   8   32 bytes          the snapshot's digest: the guest build and state
 *   40  u32               NX_VERSION_HEX of the library that wrote it
 *   44  u64               size of the payload once decompressed
 *   52  ...               the payload, one zstd frame (fast level) of MessagePack:
 *                         [[pages, stack pointer, [[offset, bytes]...]],
 *                          execution record, effects so far, recording | nil]
 *   end-32                HMAC-SHA256 of everything before it
 *
 * Opening checks the length, the magic and the HMAC (in constant time)
 * before it reads anything else: capabilities and limits live inside, so
 * an export that was altered, cut short, forged or sealed under another
 * key is refused whole. Then the build, the version, the sizes, and every
 * field as the unpackers check them. */
#include <msgpack.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "common/msgpack_io.h"
#include "common/clock.h"
#include "common/values.h"
#include "execution/execution.h"
#include "execution/export.h"
#include "record/recorder.h"
#include "result/result.h"
#include "sandbox/instance_state.h"
#include "sandbox/memory.h"

#define MAGIC "NXSX"
#define FORMAT 1
#define HEADER_BYTES 52
#define TAG_BYTES 32
/* An export decompresses to at most the largest memory plus its record. */
#define MAX_PAYLOAD ((uint64_t)4096 << 20)
/* zstd's fast mode: the counter handler suspended on one call (a 20 KB
 * payload) measured export + import 116 us p50 at level 1 (8.2 KiB), 91 us
 * at -1 (9.4 KiB), 68 us at -10 (13.0 KiB), 57 us at -50 (17.3 KiB):
 * compressing was half the time. -10 keeps both under their goals
 * (100 us, 32 KiB) with room. */
#define COMPRESSION_LEVEL (-10)

nx_code_t nx_runtime_set_suspension_key(nx_runtime_t *rt, const void *key, size_t len)
{
    if (!rt || !key || len < NX_SUSPENSION_KEY_MIN || len > sizeof rt->suspension_key)
        return NX_E_INVALID_ARGUMENT;
    memcpy(rt->suspension_key, key, len);
    rt->suspension_key_len = len;
    return NX_OK;
}

/* ---- per-thread compression contexts --------------------------------------------------- */

static pthread_key_t g_zstd_key;
static pthread_once_t g_zstd_once = PTHREAD_ONCE_INIT;

typedef struct zstd_pair {
    ZSTD_CCtx *c;
    ZSTD_DCtx *d;
} zstd_pair_t;

static void zstd_pair_free(void *p)
{
    zstd_pair_t *z = p;
    ZSTD_freeCCtx(z->c);
    ZSTD_freeDCtx(z->d);
    free(z);
}

static void zstd_key_make(void) { pthread_key_create(&g_zstd_key, zstd_pair_free); }

/* This thread's contexts (reused: making them costs more than a small
 * export). NULL when out of memory. */
static zstd_pair_t *zstd_contexts(void)
{
    pthread_once(&g_zstd_once, zstd_key_make);
    zstd_pair_t *z = pthread_getspecific(g_zstd_key);
    if (z)
        return z;
    z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->c = ZSTD_createCCtx();
    z->d = ZSTD_createDCtx();
    if (!z->c || !z->d || pthread_setspecific(g_zstd_key, z) != 0) {
        zstd_pair_free(z);
        return NULL;
    }
    return z;
}

/* ---- sealing ------------------------------------------------------------------------------- */

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static bool tag_of(const nx_runtime_t *rt, const uint8_t *bytes, size_t len, uint8_t tag[TAG_BYTES])
{
    unsigned tag_len = 0;
    return HMAC(EVP_sha256(), rt->suspension_key, (int)rt->suspension_key_len, bytes, len, tag,
                &tag_len) && tag_len == TAG_BYTES;
}

nx_code_t nx_export_seal(const nx_runtime_t *rt, const uint8_t *payload, size_t len,
                         uint8_t **out, size_t *out_len)
{
    zstd_pair_t *z = zstd_contexts();
    size_t bound = ZSTD_compressBound(len);
    uint8_t *blob = malloc(HEADER_BYTES + bound + TAG_BYTES);
    if (!z || !blob) {
        free(blob);
        return NX_E_INTERNAL_ERROR;
    }
    memcpy(blob, MAGIC, 4);
    blob[4] = FORMAT;
    blob[5] = blob[6] = blob[7] = 0;
    memcpy(blob + 8, nx_snapshot_digest(rt->snapshot), 32);
    put_u32(blob + 40, NX_VERSION_HEX);
    put_u64(blob + 44, len);
    size_t packed = ZSTD_compressCCtx(z->c, blob + HEADER_BYTES, bound, payload, len, COMPRESSION_LEVEL);
    if (ZSTD_isError(packed)) {
        free(blob);
        return NX_E_INTERNAL_ERROR;
    }
    size_t total = HEADER_BYTES + packed;
    if (!tag_of(rt, blob, total, blob + total)) {
        free(blob);
        return NX_E_INTERNAL_ERROR;
    }
    *out = blob;
    *out_len = total + TAG_BYTES;
    return NX_OK;
}

nx_code_t nx_export_open(const nx_runtime_t *rt, const uint8_t *blob, size_t len,
                         uint8_t **payload, size_t *payload_len, char *err, size_t err_size)
{
    *payload = NULL;
    uint8_t tag[TAG_BYTES];
    if (!rt->suspension_key_len) {
        snprintf(err, err_size, "no suspension key is configured (nx_runtime_set_suspension_key)");
        return NX_E_INVALID_ARGUMENT;
    }
    if (len < HEADER_BYTES + TAG_BYTES || memcmp(blob, MAGIC, 4) != 0) {
        snprintf(err, err_size, "not an exported execution");
        return NX_E_INVALID_ARGUMENT;
    }
    if (!tag_of(rt, blob, len - TAG_BYTES, tag) ||
        CRYPTO_memcmp(tag, blob + len - TAG_BYTES, TAG_BYTES) != 0) {
        snprintf(err, err_size, "the exported execution does not authenticate: altered, cut short, "
                                "forged, or sealed under another key");
        return NX_E_INVALID_ARGUMENT;
    }
    if (blob[4] != FORMAT || blob[5] || blob[6] || blob[7]) {
        snprintf(err, err_size, "the exported execution has format %u; this library reads %u", blob[4], FORMAT);
        return NX_E_INVALID_ARGUMENT;
    }
    if (memcmp(blob + 8, nx_snapshot_digest(rt->snapshot), 32) != 0 ||
        (get_u32(blob + 40) >> 16) != NX_VERSION_MAJOR) {
        snprintf(err, err_size, "the execution was exported by another build of Nexus (library %u.%u.%u, "
                                "another guest); only the same build can resume it",
                 get_u32(blob + 40) >> 16, (get_u32(blob + 40) >> 8) & 0xff, get_u32(blob + 40) & 0xff);
        return NX_E_INVALID_ARGUMENT;
    }
    uint64_t raw = get_u64(blob + 44);
    const uint8_t *frame = blob + HEADER_BYTES;
    size_t frame_len = len - HEADER_BYTES - TAG_BYTES;
    unsigned long long stated = ZSTD_getFrameContentSize(frame, frame_len);
    zstd_pair_t *z = zstd_contexts();
    if (raw > MAX_PAYLOAD || stated != raw) {
        snprintf(err, err_size, "the exported execution's sizes are inconsistent");
        return NX_E_INVALID_ARGUMENT;
    }
    uint8_t *out = malloc(raw ? raw : 1);
    if (!z || !out) {
        free(out);
        snprintf(err, err_size, "out of memory");
        return NX_E_INTERNAL_ERROR;
    }
    size_t got = ZSTD_decompressDCtx(z->d, out, raw, frame, frame_len);
    if (ZSTD_isError(got) || got != raw) {
        free(out);
        snprintf(err, err_size, "the exported execution does not decompress");
        return NX_E_INVALID_ARGUMENT;
    }
    *payload = out;
    *payload_len = raw;
    return NX_OK;
}

/* ---- packing an execution ------------------------------------------------------------------- */

typedef struct run_writer {
    msgpack_packer *pk;
    uint32_t count;
} run_writer_t;

static int pack_run(void *user, uint32_t offset, const uint8_t *bytes, uint32_t len)
{
    run_writer_t *w = user;
    msgpack_pack_array(w->pk, 2);
    msgpack_pack_uint32(w->pk, offset);
    msgpack_pack_bin_with_body(w->pk, bytes, len);
    w->count++;
    return 0;
}

nx_code_t nx_export_execution(const nx_runtime_t *rt, nx_exec_t *e, uint8_t **out, size_t *out_len)
{
    if (!rt->suspension_key_len)
        return NX_E_INVALID_ARGUMENT;
    if (nx_recorder_replaying(e->recorder))
        return NX_E_INVALID_ARGUMENT;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 4);
    /* the guest: its runs first into a buffer of their own, to know how
     * many there are */
    msgpack_sbuffer runs;
    msgpack_packer rp;
    msgpack_sbuffer_init(&runs);
    msgpack_packer_init(&rp, &runs, msgpack_sbuffer_write);
    run_writer_t w = { .pk = &rp };
    nx_instance_diff(e->inst, pack_run, &w);
    msgpack_pack_array(&pk, 3);
    msgpack_pack_uint32(&pk, nx_instance_pages(e->inst));
    msgpack_pack_uint32(&pk, nx_instance_stack_pointer(e->inst));
    msgpack_pack_array(&pk, w.count);
    if (runs.size)
        msgpack_sbuffer_write(&sb, runs.data, runs.size);
    msgpack_sbuffer_destroy(&runs);
    nx_code_t code = nx_exec_pack(e, &pk);
    if (code == NX_OK) {
        if (e->whole)
            nx_result_pack_effects(e->whole, &pk);
        else
            msgpack_pack_nil(&pk);
        nx_recording_t *rec = nx_recorder_recording(e->recorder);
        uint8_t *saved = NULL;
        size_t saved_len = 0;
        if (rec && nx_recording_save(rec, &saved, &saved_len) != NX_OK)
            code = NX_E_INTERNAL_ERROR;
        else if (saved)
            msgpack_pack_bin_with_body(&pk, saved, saved_len);
        else
            msgpack_pack_nil(&pk);
        nx_free(saved);
    }
    if (code == NX_OK && !sb.data)
        code = NX_E_INTERNAL_ERROR;
    if (code == NX_OK)
        code = nx_export_seal(rt, (const uint8_t *)sb.data, sb.size, out, out_len);
    msgpack_sbuffer_destroy(&sb);
    return code;
}

/* ---- unpacking an execution ----------------------------------------------------------------- */

/* Puts the guest part into a restored instance. */
static bool adopt_guest(nx_instance_t *inst, const msgpack_object *g)
{
    if (g->type != MSGPACK_OBJECT_ARRAY || g->via.array.size != 3)
        return false;
    const msgpack_object *f = g->via.array.ptr;
    if (f[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER || f[0].via.u64 > 65536 ||
        f[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER || f[1].via.u64 > UINT32_MAX ||
        f[2].type != MSGPACK_OBJECT_ARRAY)
        return false;
    if (nx_instance_adopt(inst, (uint32_t)f[0].via.u64, (uint32_t)f[1].via.u64) != NX_OK)
        return false;
    for (uint32_t i = 0; i < f[2].via.array.size; i++) {
        const msgpack_object *run = &f[2].via.array.ptr[i];
        if (run->type != MSGPACK_OBJECT_ARRAY || run->via.array.size != 2 ||
            run->via.array.ptr[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
            run->via.array.ptr[0].via.u64 > UINT32_MAX || run->via.array.ptr[1].type != MSGPACK_OBJECT_BIN)
            return false;
        const msgpack_object *b = &run->via.array.ptr[1];
        if (nx_instance_patch(inst, (uint32_t)run->via.array.ptr[0].via.u64, (const uint8_t *)b->via.bin.ptr,
                              b->via.bin.size) != NX_OK)
            return false;
    }
    return true;
}

nx_code_t nx_import_execution(nx_runtime_t *rt, const uint8_t *blob, size_t len, nx_exec_t **out,
                              char *err, size_t err_size)
{
    *out = NULL;
    uint8_t *payload;
    size_t payload_len;
    nx_code_t code = nx_export_open(rt, blob, len, &payload, &payload_len, err, err_size);
    if (code != NX_OK)
        return code;
    msgpack_zone zone;
    msgpack_zone_init(&zone, 4096);
    msgpack_object root;
    nx_exec_t *e = NULL;
    nx_instance_t *inst = NULL;
    code = NX_E_INVALID_ARGUMENT;
    /* walked once before msgpack-c reads it: every count it states is
     * backed by bytes (msgpack-c allocates what a count claims) */
    if (!nx_unpack_checked(payload, payload_len, &zone, &root) || root.type != MSGPACK_OBJECT_ARRAY ||
        root.via.array.size != 4) {
        snprintf(err, err_size, "the exported execution is malformed");
        goto out;
    }
    const msgpack_object *f = root.via.array.ptr;
    nx_exec_services_t services = { .registry = rt->registry, .interceptors = &rt->interceptors,
                                    .ids = &rt->ids };
    code = nx_exec_unpack(&f[1], &services, &e, err, err_size);
    if (code != NX_OK)
        goto out;
    if (f[2].type != MSGPACK_OBJECT_NIL && nx_result_unpack_effects(&f[2], &e->whole) != NX_OK) {
        code = NX_E_INVALID_ARGUMENT;
        snprintf(err, err_size, "the exported execution's results are malformed");
        goto out;
    }
    if (f[3].type == MSGPACK_OBJECT_BIN) {
        nx_recording_t *rec;
        if (nx_recording_load(f[3].via.bin.ptr, f[3].via.bin.size, &rec) != NX_OK ||
            !(e->recorder = nx_recorder_continue(rec))) {
            if (rec)
                nx_recording_free(rec);
            code = NX_E_INVALID_ARGUMENT;
            snprintf(err, err_size, "the exported execution's recording is malformed");
            goto out;
        }
        nx_recording_free(rec); /* the recorder holds it */
    } else if (f[3].type != MSGPACK_OBJECT_NIL) {
        code = NX_E_INVALID_ARGUMENT;
        snprintf(err, err_size, "the exported execution is malformed");
        goto out;
    }
    code = nx_pool_acquire(&rt->pool, rt->config.acquire_timeout_ms, &inst);
    if (code != NX_OK) {
        snprintf(err, err_size, code == NX_E_RESOURCE_LIMIT ? "no sandbox instance came free in time"
                                                            : "the runtime is shut down");
        goto out;
    }
    if (!adopt_guest(inst, &f[0])) {
        code = NX_E_INVALID_ARGUMENT;
        snprintf(err, err_size, "the exported execution's guest memory is malformed");
        goto out;
    }
    e->inst = inst;
    inst = NULL;
    *out = e;
    e = NULL;
    code = NX_OK;
out:
    if (inst)
        nx_pool_release(&rt->pool, inst);
    nx_exec_free(e);
    msgpack_zone_destroy(&zone);
    free(payload);
    return code;
}
