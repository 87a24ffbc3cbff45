/* cache.c - the bytecode cache behind cache.h: reference-counted blobs, the
 * in-memory tier (uthash table + LRU list, bounded in bytes) and the disk
 * tier (one self-validating file per entry, written atomically).
 *
 * Memory accounting: every entry costs its blob length plus
 * NX_CACHE_ENTRY_OVERHEAD (128) bytes, a fixed stand-in for the entry, its
 * hash handle and the blob header (and for the 116-byte file header that a
 * blob read from disk keeps in front of its payload), so many tiny entries
 * cannot slip past max_bytes.
 * stats.bytes is that sum and never exceeds max_bytes.
 *
 * Counters: hits = gets that returned a blob (memory or disk), misses = gets
 * that found nothing anywhere, so hits + misses = gets; disk_hits is the
 * subset of hits served from disk. insertions counts entries added to the
 * memory tier (by a put or by promoting a disk hit); evictions counts entries
 * dropped from it (LRU pressure, or an entry whose new version is too large
 * to keep). A put of a key already in memory updates it in place, so
 * entries = insertions - evictions always holds.
 *
 * Disk entry file, "<hex key>.nxbc", all integers little-endian:
 *   0  magic "NXBCACHE"          8 bytes
 *   8  format version (1)        u32
 *   12 SHA-256(engine_id)        32 bytes
 *   44 key                       32 bytes
 *   76 payload length            u64
 *   84 SHA-256(payload)          32 bytes
 *   116 payload
 * A reader trusts nothing: every field is checked (nx_cache_decode_entry)
 * and a bad file is counted in disk_rejects, deleted, and treated as a miss.
 *
 * nx_cache_decode_entry is deliberately non-static but kept out of cache.h:
 * it is the validator the disk reader uses, exported only so that the fuzz
 * target and the unit tests can drive it with in-memory images (they declare
 * it with extern themselves).
 *
 * Locking: one mutex guards the memory tier and the counters. Disk reads and
 * writes happen outside it; rename() makes each write atomic, so a reader
 * sees either a whole old file or a whole new one.
 */
#include "cache/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/evp.h>

/* uthash must report allocation failures instead of calling exit(). */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#define NX_CACHE_ENTRY_OVERHEAD 128u

#define NX_ENTRY_MAGIC "NXBCACHE"
#define NX_ENTRY_MAGIC_LEN 8
#define NX_ENTRY_VERSION 1u
#define NX_SHA256_LEN 32
#define NX_OFF_VERSION 8
#define NX_OFF_ENGINE 12
#define NX_OFF_KEY 44
#define NX_OFF_LENGTH 76
#define NX_OFF_PAYLOAD_HASH 84
#define NX_ENTRY_HEADER_LEN 116
/* Files above this size are refused unread: no compiled handler is that big,
 * and a planted huge file must not make us allocate its size. */
#define NX_ENTRY_MAX_FILE (64u * 1024u * 1024u)

#define NX_ENTRY_SUFFIX ".nxbc"
#define NX_TEMP_SUFFIX ".tmp"
#define NX_TEMP_PATTERN NX_ENTRY_SUFFIX ".XXXXXX" NX_TEMP_SUFFIX
#define NX_HEX_KEY_LEN (2 * NX_CACHE_KEY_BYTES)

_Static_assert(NX_OFF_PAYLOAD_HASH + NX_SHA256_LEN == NX_ENTRY_HEADER_LEN,
               "header fields must tile the header exactly");

/* ---- blobs --------------------------------------------------------------------------- */

/* The public nx_blob_t comes first so a blob pointer converts to its header.
 * The bytes live in the same allocation; data usually points at bytes[0], but
 * a blob read from disk points past the file header it was read with. */
typedef struct nx_blob_impl {
    nx_blob_t pub;
    atomic_size_t refs;
    uint8_t bytes[];
} nx_blob_impl_t;

/* An uninitialised blob with room for capacity bytes (refcount 1). */
static nx_blob_impl_t *blob_alloc(size_t capacity)
{
    if (capacity > SIZE_MAX - sizeof(nx_blob_impl_t))
        return NULL;
    nx_blob_impl_t *impl = malloc(sizeof(nx_blob_impl_t) + capacity);
    if (!impl)
        return NULL;
    impl->pub.data = impl->bytes;
    impl->pub.len = capacity;
    atomic_init(&impl->refs, 1);
    return impl;
}

nx_blob_t *nx_blob_create(const uint8_t *data, size_t len)
{
    if (!data && len)
        return NULL;
    nx_blob_impl_t *impl = blob_alloc(len);
    if (!impl)
        return NULL;
    if (len)
        memcpy(impl->bytes, data, len);
    return &impl->pub;
}

nx_blob_t *nx_blob_retain(nx_blob_t *blob)
{
    if (blob) {
        /* Relaxed is enough: the caller already holds a reference, so the
         * blob cannot be freed concurrently with this increment. */
        atomic_fetch_add_explicit(&((nx_blob_impl_t *)blob)->refs, 1, memory_order_relaxed);
    }
    return blob;
}

void nx_blob_release(nx_blob_t *blob)
{
    if (!blob)
        return;
    nx_blob_impl_t *impl = (nx_blob_impl_t *)blob;
    /* acq_rel: the last releaser must see every other thread's reads done
     * before it frees the bytes. */
    if (atomic_fetch_sub_explicit(&impl->refs, 1, memory_order_acq_rel) == 1)
        free(impl);
}

/* ---- the cache object ---------------------------------------------------------------- */

typedef struct nx_cache_entry {
    uint8_t key[NX_CACHE_KEY_BYTES];
    nx_blob_t *blob;                 /* the cache's own reference */
    struct nx_cache_entry *newer;    /* LRU neighbours; NULL at the ends */
    struct nx_cache_entry *older;
    UT_hash_handle hh;
} nx_cache_entry_t;

struct nx_cache {
    pthread_mutex_t lock;
    uint64_t max_bytes;              /* 0: memory tier disabled */
    char *dir;                       /* NULL: no disk tier */
    char *engine_id;
    uint8_t engine_hash[NX_SHA256_LEN];
    /* guarded by lock */
    nx_cache_entry_t *table;
    nx_cache_entry_t *newest;        /* LRU front: most recently used */
    nx_cache_entry_t *oldest;        /* LRU back: evicted first */
    nx_cache_stats_t stats;
};

/* ---- hashing and encoding helpers --------------------------------------------------- */

static bool sha256(const void *data, size_t len, uint8_t out[NX_SHA256_LEN])
{
    return EVP_Digest(data, len, out, NULL, EVP_sha256(), NULL) == 1;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t get_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

void nx_cache_key_hex(const uint8_t key[NX_CACHE_KEY_BYTES], char out[2 * NX_CACHE_KEY_BYTES + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < NX_CACHE_KEY_BYTES; i++) {
        out[2 * i] = digits[key[i] >> 4];
        out[2 * i + 1] = digits[key[i] & 0x0f];
    }
    out[2 * NX_CACHE_KEY_BYTES] = '\0';
}

static bool key_digest(const char *engine_id, const char *source, size_t len,
                       uint8_t key[NX_CACHE_KEY_BYTES])
{
    static const uint8_t separator = 0x00;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
              EVP_DigestUpdate(md, engine_id, strlen(engine_id)) == 1 &&
              EVP_DigestUpdate(md, &separator, 1) == 1 &&
              (len == 0 || EVP_DigestUpdate(md, source, len) == 1) &&
              EVP_DigestFinal_ex(md, key, NULL) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

/* A key no source hashes to. Used when hashing itself fails: the caller then
 * misses, compiles, and caches under a key nobody will ask for again, which
 * is wasteful but never hands out another handler's bytecode. */
static void unique_key(uint8_t key[NX_CACHE_KEY_BYTES])
{
    static atomic_uint_fast64_t counter;
    if (getrandom(key, NX_CACHE_KEY_BYTES, 0) == NX_CACHE_KEY_BYTES)
        return;
    memset(key, 0xff, NX_CACHE_KEY_BYTES);
    put_le64(key, atomic_fetch_add(&counter, 1));
    put_le64(key + 8, (uint64_t)getpid());
}

void nx_cache_key(const nx_cache_t *cache, const char *source, size_t len,
                  uint8_t key[NX_CACHE_KEY_BYTES])
{
    const char *engine_id = cache ? cache->engine_id : "";
    if (!source)
        len = 0;
    if (!key_digest(engine_id, source, len, key))
        unique_key(key);
}

/* ---- entry file format --------------------------------------------------------------- */

static void encode_header(const uint8_t engine_hash[NX_SHA256_LEN],
                          const uint8_t key[NX_CACHE_KEY_BYTES], uint64_t payload_len,
                          const uint8_t payload_hash[NX_SHA256_LEN],
                          uint8_t header[NX_ENTRY_HEADER_LEN])
{
    memcpy(header, NX_ENTRY_MAGIC, NX_ENTRY_MAGIC_LEN);
    put_le32(header + NX_OFF_VERSION, NX_ENTRY_VERSION);
    memcpy(header + NX_OFF_ENGINE, engine_hash, NX_SHA256_LEN);
    memcpy(header + NX_OFF_KEY, key, NX_CACHE_KEY_BYTES);
    put_le64(header + NX_OFF_LENGTH, payload_len);
    memcpy(header + NX_OFF_PAYLOAD_HASH, payload_hash, NX_SHA256_LEN);
}

/* The shared validator: NX_OK with payload pointing into file, or
 * NX_E_INVALID_HANDLER for any malformed, foreign or mismatched image, or
 * NX_E_INTERNAL_ERROR if hashing itself failed (the file may be fine). */
static nx_code_t decode_entry(const uint8_t engine_hash[NX_SHA256_LEN],
                              const uint8_t key[NX_CACHE_KEY_BYTES], const uint8_t *file,
                              size_t len, const uint8_t **payload, size_t *payload_len)
{
    if (len < NX_ENTRY_HEADER_LEN || len > NX_ENTRY_MAX_FILE)
        return NX_E_INVALID_HANDLER;
    if (memcmp(file, NX_ENTRY_MAGIC, NX_ENTRY_MAGIC_LEN) != 0 ||
        get_le32(file + NX_OFF_VERSION) != NX_ENTRY_VERSION ||
        memcmp(file + NX_OFF_ENGINE, engine_hash, NX_SHA256_LEN) != 0 ||
        memcmp(file + NX_OFF_KEY, key, NX_CACHE_KEY_BYTES) != 0 ||
        get_le64(file + NX_OFF_LENGTH) != (uint64_t)(len - NX_ENTRY_HEADER_LEN))
        return NX_E_INVALID_HANDLER;
    const uint8_t *body = file + NX_ENTRY_HEADER_LEN;
    size_t body_len = len - NX_ENTRY_HEADER_LEN;
    uint8_t actual[NX_SHA256_LEN];
    if (!sha256(body, body_len, actual))
        return NX_E_INTERNAL_ERROR;
    if (memcmp(actual, file + NX_OFF_PAYLOAD_HASH, NX_SHA256_LEN) != 0)
        return NX_E_INVALID_HANDLER;
    *payload = body;
    *payload_len = body_len;
    return NX_OK;
}

/* Exported for the fuzz target and tests; see the top of this file. */
nx_code_t nx_cache_decode_entry(const char *engine_id, const uint8_t key[32], const uint8_t *file,
                                size_t len, const uint8_t **payload, size_t *payload_len);

nx_code_t nx_cache_decode_entry(const char *engine_id, const uint8_t key[32], const uint8_t *file,
                                size_t len, const uint8_t **payload, size_t *payload_len)
{
    if (!engine_id || !key || (!file && len) || !payload || !payload_len)
        return NX_E_INVALID_ARGUMENT;
    uint8_t engine_hash[NX_SHA256_LEN];
    if (!sha256(engine_id, strlen(engine_id), engine_hash))
        return NX_E_INTERNAL_ERROR;
    return decode_entry(engine_hash, key, file, len, payload, payload_len);
}

/* ---- memory tier (lock held) --------------------------------------------------------- */

static uint64_t entry_cost(size_t len)
{
    return (uint64_t)len > UINT64_MAX - NX_CACHE_ENTRY_OVERHEAD
               ? UINT64_MAX
               : (uint64_t)len + NX_CACHE_ENTRY_OVERHEAD;
}

static void lru_unlink(nx_cache_t *cache, nx_cache_entry_t *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        cache->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        cache->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_push_front(nx_cache_t *cache, nx_cache_entry_t *e)
{
    e->newer = NULL;
    e->older = cache->newest;
    if (cache->newest)
        cache->newest->newer = e;
    else
        cache->oldest = e;
    cache->newest = e;
}

static void lru_touch(nx_cache_t *cache, nx_cache_entry_t *e)
{
    if (cache->newest == e)
        return;
    lru_unlink(cache, e);
    lru_push_front(cache, e);
}

static nx_cache_entry_t *memory_find(nx_cache_t *cache, const uint8_t key[NX_CACHE_KEY_BYTES])
{
    nx_cache_entry_t *e = NULL;
    HASH_FIND(hh, cache->table, key, NX_CACHE_KEY_BYTES, e);
    return e;
}

/* Removes e, dropping the cache's reference: readers holding the blob keep
 * it alive until they release it. */
static void memory_drop(nx_cache_t *cache, nx_cache_entry_t *e)
{
    HASH_DELETE(hh, cache->table, e);
    lru_unlink(cache, e);
    cache->stats.bytes -= entry_cost(e->blob->len);
    cache->stats.evictions++;
    nx_blob_release(e->blob);
    free(e);
}

static void evict_until_within(nx_cache_t *cache, uint64_t limit)
{
    while (cache->stats.bytes > limit && cache->oldest)
        memory_drop(cache, cache->oldest);
}

static bool memory_add(nx_cache_t *cache, const uint8_t key[NX_CACHE_KEY_BYTES], nx_blob_t *blob)
{
    nx_cache_entry_t *e = calloc(1, sizeof *e);
    if (!e)
        return false;
    memcpy(e->key, key, NX_CACHE_KEY_BYTES);
    HASH_ADD(hh, cache->table, key, NX_CACHE_KEY_BYTES, e);
    if (!e->hh.tbl) { /* uthash ran out of memory and rolled the add back */
        free(e);
        return false;
    }
    e->blob = nx_blob_retain(blob);
    lru_push_front(cache, e);
    cache->stats.bytes += entry_cost(blob->len);
    cache->stats.insertions++;
    return true;
}

/* Makes blob the memory entry for key, evicting the least recently used
 * entries until the tier fits. Returns whether the blob is now held. An
 * older version of a key whose new blob cannot be kept (too large, or NULL
 * because copying it failed) is dropped, so a put never leaves stale bytes
 * behind. */
static bool memory_store(nx_cache_t *cache, const uint8_t key[NX_CACHE_KEY_BYTES], nx_blob_t *blob)
{
    nx_cache_entry_t *e = memory_find(cache, key);
    uint64_t cost = blob ? entry_cost(blob->len) : UINT64_MAX;
    if (cost > cache->max_bytes) {
        if (e)
            memory_drop(cache, e);
        return false;
    }
    if (e) {
        cache->stats.bytes = cache->stats.bytes - entry_cost(e->blob->len) + cost;
        nx_blob_release(e->blob);
        e->blob = nx_blob_retain(blob);
        lru_touch(cache, e);
    } else if (!memory_add(cache, key, blob)) {
        return false;
    }
    /* The new entry is at the front and fits on its own, so eviction stops
     * before reaching it. */
    evict_until_within(cache, cache->max_bytes);
    return true;
}

/* ---- disk tier ----------------------------------------------------------------------- */

/* "<dir>/<hex key><suffix>"; nx_cache_create checked that it fits. */
static void key_path(const nx_cache_t *cache, const uint8_t key[NX_CACHE_KEY_BYTES],
                     const char *suffix, char path[PATH_MAX])
{
    char hex[NX_HEX_KEY_LEN + 1];
    nx_cache_key_hex(key, hex);
    snprintf(path, PATH_MAX, "%s/%s%s", cache->dir, hex, suffix);
}

static bool read_all(int fd, uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = read(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) /* an error, or the file shrank under us */
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

static bool write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* Deletes a rejected file, but only if the name still refers to the file we
 * judged: a writer may have renamed a good entry over it meanwhile. */
static void remove_rejected(const char *path, int fd)
{
    struct stat opened, named;
    if (fd >= 0 && (fstat(fd, &opened) != 0 || lstat(path, &named) != 0 ||
                    opened.st_dev != named.st_dev || opened.st_ino != named.st_ino))
        return;
    (void)unlink(path);
}

typedef enum disk_outcome { DISK_ABSENT, DISK_LOADED, DISK_REJECTED } disk_outcome_t;

/* Reads and validates the open entry file fd. The whole file goes into one
 * blob whose data is then narrowed to the payload, saving a copy. */
static disk_outcome_t load_open_entry(const nx_cache_t *cache, const uint8_t key[NX_CACHE_KEY_BYTES],
                                      int fd, nx_blob_t **out)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return DISK_ABSENT;
    if (!S_ISREG(st.st_mode) || st.st_size < NX_ENTRY_HEADER_LEN ||
        (uint64_t)st.st_size > NX_ENTRY_MAX_FILE)
        return DISK_REJECTED;
    size_t size = (size_t)st.st_size;
    nx_blob_impl_t *impl = blob_alloc(size);
    if (!impl)
        return DISK_ABSENT;
    if (!read_all(fd, impl->bytes, size)) {
        free(impl);
        return DISK_REJECTED;
    }
    const uint8_t *payload;
    size_t payload_len;
    nx_code_t code = decode_entry(cache->engine_hash, key, impl->bytes, size, &payload, &payload_len);
    if (code != NX_OK) {
        free(impl);
        return code == NX_E_INVALID_HANDLER ? DISK_REJECTED : DISK_ABSENT;
    }
    impl->pub.data = payload;
    impl->pub.len = payload_len;
    *out = &impl->pub;
    return DISK_LOADED;
}

/* ABSENT covers "no file" and transient failures (out of memory, EMFILE):
 * those are misses, but the file is not blamed or deleted. */
static disk_outcome_t disk_load(const nx_cache_t *cache, const uint8_t key[NX_CACHE_KEY_BYTES],
                                nx_blob_t **out)
{
    char path[PATH_MAX];
    key_path(cache, key, NX_ENTRY_SUFFIX, path);
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        /* ELOOP: a symlink planted under an entry name. Never follow it. */
        if (errno != ELOOP)
            return DISK_ABSENT;
        remove_rejected(path, -1);
        return DISK_REJECTED;
    }
    disk_outcome_t outcome = load_open_entry(cache, key, fd, out);
    if (outcome == DISK_REJECTED)
        remove_rejected(path, fd);
    close(fd);
    return outcome;
}

static nx_code_t write_temp(int fd, const uint8_t *header, const uint8_t *data, size_t len)
{
    if (!write_all(fd, header, NX_ENTRY_HEADER_LEN) || !write_all(fd, data, len))
        return NX_E_INTERNAL_ERROR;
    return NX_OK;
}

/* Writes the entry to a private temp file in the cache directory, then
 * renames it over the final name, so readers never see a partial file. On
 * any failure the temp file is removed. */
static nx_code_t disk_store(const nx_cache_t *cache, const uint8_t key[NX_CACHE_KEY_BYTES],
                            const uint8_t *data, size_t len)
{
    if (len > NX_ENTRY_MAX_FILE - NX_ENTRY_HEADER_LEN)
        return NX_E_RESOURCE_LIMIT; /* a reader would refuse it anyway */
    uint8_t payload_hash[NX_SHA256_LEN], header[NX_ENTRY_HEADER_LEN];
    if (!sha256(data, len, payload_hash))
        return NX_E_INTERNAL_ERROR;
    encode_header(cache->engine_hash, key, len, payload_hash, header);

    char path[PATH_MAX], temp[PATH_MAX];
    key_path(cache, key, NX_ENTRY_SUFFIX, path);
    key_path(cache, key, NX_TEMP_PATTERN, temp); /* mkostemps fills in the Xs */
    int fd = mkostemps(temp, (int)strlen(NX_TEMP_SUFFIX), O_CLOEXEC);
    if (fd < 0)
        return NX_E_INTERNAL_ERROR;
    nx_code_t code = write_temp(fd, header, data, len);
    if (close(fd) != 0 && code == NX_OK)
        code = NX_E_INTERNAL_ERROR;
    if (code == NX_OK && rename(temp, path) != 0)
        code = NX_E_INTERNAL_ERROR;
    if (code != NX_OK)
        (void)unlink(temp);
    return code;
}

/* mkdir -p with mode 0700 for the components we create. Existing
 * directories are left as they are; the result must be a directory. */
static bool make_dirs(const char *dir)
{
    char path[PATH_MAX];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof path)
        return false;
    memcpy(path, dir, len + 1);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return false;
        *p = '/';
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return false;
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Room for "/<64 hex>.nxbc.XXXXXX.tmp" after the directory name. */
static bool dir_name_fits(const char *dir)
{
    size_t tail = 1 + NX_HEX_KEY_LEN + strlen(NX_TEMP_PATTERN);
    return strlen(dir) < PATH_MAX - tail;
}

/* ---- public API ---------------------------------------------------------------------- */

nx_code_t nx_cache_create(uint64_t max_bytes, const char *dir, const char *engine_id,
                          nx_cache_t **out)
{
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    if (!engine_id || (dir && (!dir_name_fits(dir) || !make_dirs(dir))))
        return NX_E_INVALID_ARGUMENT;
    nx_cache_t *cache = calloc(1, sizeof *cache);
    if (!cache)
        return NX_E_INTERNAL_ERROR;
    cache->max_bytes = max_bytes;
    cache->engine_id = strdup(engine_id);
    cache->dir = dir ? strdup(dir) : NULL;
    bool ok = cache->engine_id && (!dir || cache->dir) &&
              sha256(engine_id, strlen(engine_id), cache->engine_hash) &&
              pthread_mutex_init(&cache->lock, NULL) == 0;
    if (!ok) {
        free(cache->engine_id);
        free(cache->dir);
        free(cache);
        return NX_E_INTERNAL_ERROR;
    }
    *out = cache;
    return NX_OK;
}

void nx_cache_free(nx_cache_t *cache)
{
    if (!cache)
        return;
    nx_cache_entry_t *e, *tmp;
    HASH_ITER(hh, cache->table, e, tmp) {
        HASH_DELETE(hh, cache->table, e);
        nx_blob_release(e->blob);
        free(e);
    }
    pthread_mutex_destroy(&cache->lock);
    free(cache->engine_id);
    free(cache->dir);
    free(cache);
}

/* The memory half of a get: a new reference, or NULL (no counters touched
 * on a miss, since the disk may still have it). */
static nx_blob_t *get_from_memory(nx_cache_t *cache, const uint8_t key[NX_CACHE_KEY_BYTES])
{
    nx_blob_t *blob = NULL;
    pthread_mutex_lock(&cache->lock);
    nx_cache_entry_t *e = memory_find(cache, key);
    if (e) {
        lru_touch(cache, e);
        cache->stats.hits++;
        blob = nx_blob_retain(e->blob);
    }
    pthread_mutex_unlock(&cache->lock);
    return blob;
}

nx_blob_t *nx_cache_get(nx_cache_t *cache, const uint8_t key[NX_CACHE_KEY_BYTES])
{
    if (!cache || !key)
        return NULL;
    nx_blob_t *blob = get_from_memory(cache, key);
    if (blob)
        return blob;
    disk_outcome_t outcome = cache->dir ? disk_load(cache, key, &blob) : DISK_ABSENT;

    pthread_mutex_lock(&cache->lock);
    if (outcome == DISK_LOADED) {
        cache->stats.hits++;
        cache->stats.disk_hits++;
        if (cache->max_bytes)
            memory_store(cache, key, blob);
    } else {
        cache->stats.misses++;
        if (outcome == DISK_REJECTED)
            cache->stats.disk_rejects++;
    }
    pthread_mutex_unlock(&cache->lock);
    return blob;
}

/* Returns NX_OK when the memory tier kept the data, whatever the disk write
 * did: the disk tier is best effort and a failed write only means the entry
 * will not outlive this process. When memory did not keep it (tier disabled
 * or entry larger than max_bytes), the disk result is returned, so an error
 * means the data was stored nowhere. Without a disk tier such a put is a
 * deliberate "not cached" and also returns NX_OK. */
nx_code_t nx_cache_put(nx_cache_t *cache, const uint8_t key[NX_CACHE_KEY_BYTES],
                       const uint8_t *data, size_t len)
{
    if (!cache || !key || (!data && len))
        return NX_E_INVALID_ARGUMENT;
    static const uint8_t empty[1];
    if (!data)
        data = empty;
    /* Copy only when the memory tier could keep it. */
    nx_blob_t *blob = entry_cost(len) <= cache->max_bytes ? nx_blob_create(data, len) : NULL;

    pthread_mutex_lock(&cache->lock);
    bool in_memory = memory_store(cache, key, blob);
    pthread_mutex_unlock(&cache->lock);
    nx_blob_release(blob);

    nx_code_t disk = cache->dir ? disk_store(cache, key, data, len) : NX_OK;
    return in_memory ? NX_OK : disk;
}

void nx_cache_get_stats(nx_cache_t *cache, nx_cache_stats_t *out)
{
    if (!out)
        return;
    if (!cache) {
        memset(out, 0, sizeof *out);
        return;
    }
    pthread_mutex_lock(&cache->lock);
    *out = cache->stats;
    out->entries = HASH_COUNT(cache->table);
    pthread_mutex_unlock(&cache->lock);
}
