/* fuzz_cache.c - libFuzzer target for the disk-cache entry reader in
 * src/cache.c. The first input byte picks a mode, the rest is the material:
 *   raw     - the bytes are an entry file image for nx_cache_decode_entry;
 *   valid   - the bytes are a payload, wrapped here in a well-formed entry
 *             (built from the documented format, independently of cache.c),
 *             which must decode to exactly that payload, and which must be
 *             refused after any one-byte change, truncation, or with the
 *             wrong key or engine;
 *   disk    - the image (raw or wrapped) is written as a real entry file and
 *             read through nx_cache_get, which must agree with the decoder
 *             and delete what it refuses.
 * Any broken invariant calls abort(). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "cache/cache.h"

/* Not in cache.h on purpose: the entry validator, exported for tests and
 * this fuzz target only. */
extern nx_code_t nx_cache_decode_entry(const char *engine_id, const uint8_t key[32],
                                       const uint8_t *file, size_t len,
                                       const uint8_t **payload, size_t *payload_len);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENGINE "fuzz-engine/quickjs/abi-1"
#define HEADER_LEN 116

enum mode { MODE_RAW, MODE_VALID, MODE_DISK_RAW, MODE_DISK_VALID, MODE_COUNT };

static const uint8_t fuzz_key[32] = {
    0x6e, 0x65, 0x78, 0x75, 0x73, 0x2d, 0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x6b, 0x65, 0x79, 0x00, 0x01,
    0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11,
};

static char fuzz_dir[64];
static char fuzz_entry_path[PATH_MAX];
static nx_cache_t *fuzz_cache;

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "fuzz_cache: invariant failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                     \
        }                                                                                \
    } while (0)

/* ---- setup: one cache on a private directory, memory tier off --------------------- */

static void cleanup(void)
{
    nx_cache_free(fuzz_cache);
    fuzz_cache = NULL;
    unlink(fuzz_entry_path);
    rmdir(fuzz_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    strcpy(fuzz_dir, "/tmp/nx_fuzz_cache.XXXXXX");
    CHECK(mkdtemp(fuzz_dir) != NULL);
    /* max_bytes 0: every get goes to the disk reader. */
    CHECK(nx_cache_create(0, fuzz_dir, ENGINE, &fuzz_cache) == NX_OK);
    char hex[65];
    nx_cache_key_hex(fuzz_key, hex);
    snprintf(fuzz_entry_path, sizeof fuzz_entry_path, "%s/%s.nxbc", fuzz_dir, hex);
    atexit(cleanup);
    return 0;
}

/* ---- an independent encoder of the documented format ------------------------------ */

static void le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Owner: caller, free. */
static uint8_t *build_entry(const uint8_t *payload, size_t len, size_t *out_len)
{
    uint8_t *img = malloc(HEADER_LEN + len);
    CHECK(img != NULL);
    memcpy(img, "NXBCACHE", 8);
    le32(img + 8, 1);
    SHA256((const uint8_t *)ENGINE, strlen(ENGINE), img + 12);
    memcpy(img + 44, fuzz_key, 32);
    le64(img + 76, len);
    SHA256(payload, len, img + 84);
    if (len)
        memcpy(img + HEADER_LEN, payload, len);
    *out_len = HEADER_LEN + len;
    return img;
}

/* ---- modes -------------------------------------------------------------------------- */

static bool decodes(const char *engine, const uint8_t *key, const uint8_t *img, size_t len)
{
    const uint8_t *payload = NULL;
    size_t payload_len = 0;
    return nx_cache_decode_entry(engine, key, img, len, &payload, &payload_len) == NX_OK;
}

/* Whatever decode accepts must describe a payload inside the image. */
static void fuzz_raw(const uint8_t *img, size_t len)
{
    const uint8_t *payload = NULL;
    size_t payload_len = 0;
    if (nx_cache_decode_entry(ENGINE, fuzz_key, img, len, &payload, &payload_len) != NX_OK)
        return;
    CHECK(len >= HEADER_LEN);
    CHECK(payload == img + HEADER_LEN);
    CHECK(payload_len == len - HEADER_LEN);
}

static void fuzz_valid(const uint8_t *material, size_t n)
{
    /* The first two bytes, when present, choose the byte to damage. */
    size_t where = n >= 2 ? ((size_t)material[0] << 8 | material[1]) : 0;
    uint8_t mask = n >= 3 && material[2] ? material[2] : 0x01;
    size_t len;
    uint8_t *img = build_entry(material, n, &len);

    const uint8_t *payload = NULL;
    size_t payload_len = 0;
    CHECK(nx_cache_decode_entry(ENGINE, fuzz_key, img, len, &payload, &payload_len) == NX_OK);
    CHECK(payload == img + HEADER_LEN && payload_len == n);
    CHECK(n == 0 || memcmp(payload, material, n) == 0);

    uint8_t other_key[32];
    memcpy(other_key, fuzz_key, 32);
    other_key[where % 32] ^= mask;
    CHECK(!decodes(ENGINE, other_key, img, len));
    CHECK(!decodes(ENGINE "-other", fuzz_key, img, len));
    CHECK(!decodes(ENGINE, fuzz_key, img, len - 1 - where % len)); /* any truncation */

    /* Every byte of the file is covered by some check. */
    img[where % len] ^= mask;
    CHECK(!decodes(ENGINE, fuzz_key, img, len));
    free(img);
}

/* The real reader must agree with the decoder, and delete what it refuses. */
static void fuzz_disk(const uint8_t *img, size_t len)
{
    int fd = open(fuzz_entry_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    CHECK(fd >= 0);
    CHECK(len == 0 || write(fd, img, len) == (ssize_t)len);
    CHECK(close(fd) == 0);

    nx_cache_stats_t before, after;
    nx_cache_get_stats(fuzz_cache, &before);
    nx_blob_t *blob = nx_cache_get(fuzz_cache, fuzz_key);
    nx_cache_get_stats(fuzz_cache, &after);

    const uint8_t *payload = NULL;
    size_t payload_len = 0;
    bool valid = nx_cache_decode_entry(ENGINE, fuzz_key, img, len, &payload, &payload_len) == NX_OK;
    if (valid) {
        CHECK(blob != NULL);
        CHECK(blob->len == payload_len);
        CHECK(payload_len == 0 || memcmp(blob->data, payload, payload_len) == 0);
        CHECK(after.disk_hits == before.disk_hits + 1);
        CHECK(after.entries == 0); /* memory tier is off */
        nx_blob_release(blob);
        CHECK(unlink(fuzz_entry_path) == 0);
    } else {
        CHECK(blob == NULL);
        CHECK(after.disk_rejects == before.disk_rejects + 1);
        CHECK(access(fuzz_entry_path, F_OK) != 0 && errno == ENOENT);
    }
    CHECK(after.hits + after.misses == before.hits + before.misses + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const uint8_t *material = data + 1;
    size_t n = size - 1;
    size_t len;
    uint8_t *img;
    switch (data[0] % MODE_COUNT) {
    case MODE_RAW:
        fuzz_raw(material, n);
        break;
    case MODE_VALID:
        fuzz_valid(material, n);
        break;
    case MODE_DISK_RAW:
        fuzz_disk(material, n);
        break;
    case MODE_DISK_VALID:
        img = build_entry(material, n, &len);
        /* Bit 7 of the mode byte: damage one byte, chosen by the material. */
        if ((data[0] & 0x80) && n)
            img[material[0] % len] ^= (uint8_t)(material[n - 1] | 1);
        fuzz_disk(img, len);
        free(img);
        break;
    }
    return 0;
}
