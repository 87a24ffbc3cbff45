/* test_cache.c - unit tests for src/cache.c: keys, blobs and their
 * refcounts, the memory tier (LRU by bytes, counters), the disk tier (the
 * exact file format, persistence across instances, every kind of bad file
 * being rejected and deleted), concurrent use, and argument checks. Each test
 * runs in its own mkdtemp directory under /tmp, removed afterwards. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "cache/cache.h"
#include "helpers.h"

/* Not in cache.h on purpose: the entry validator, exported for tests and
 * the fuzz target only. */
extern nx_code_t nx_cache_decode_entry(const char *engine_id, const uint8_t key[32],
                                       const uint8_t *file, size_t len,
                                       const uint8_t **payload, size_t *payload_len);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ENGINE "nexus-test/quickjs/abi-1/0123456789abcdef"
#define HEADER_LEN 116
#define MAX_FILE (64u * 1024u * 1024u)

/* ---- fixture: a private directory per test -------------------------------------------- */

typedef struct fixture {
    char root[64];          /* mkdtemp result */
    char dir[128];          /* the cache directory, root/cache (not created) */
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    strcpy(f->root, "/tmp/nx_cache_test.XXXXXX");
    assert_non_null(mkdtemp(f->root));
    snprintf(f->dir, sizeof f->dir, "%s/cache", f->root);
    *state = f;
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    int rc = nftw(f->root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return rc;
}

/* ---- helpers -------------------------------------------------------------------------- */

static nx_cache_t *open_cache(uint64_t max_bytes, const char *dir, const char *engine)
{
    nx_cache_t *cache = NULL;
    assert_int_equal(nx_cache_create(max_bytes, dir, engine, &cache), NX_OK);
    assert_non_null(cache);
    return cache;
}

static nx_cache_stats_t stats_of(nx_cache_t *cache)
{
    nx_cache_stats_t s;
    nx_cache_get_stats(cache, &s);
    return s;
}

static void key_of(nx_cache_t *cache, const char *source, uint8_t key[NX_CACHE_KEY_BYTES])
{
    nx_cache_key(cache, source, strlen(source), key);
}

/* Deterministic test content: len bytes that depend on seed. */
static uint8_t *make_data(unsigned seed, size_t len)
{
    uint8_t *data = malloc(len ? len : 1);
    assert_non_null(data);
    for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t)(seed * 131u + i * 7u + (i >> 8));
    return data;
}

static void put_ok(nx_cache_t *cache, const uint8_t *key, const uint8_t *data, size_t len)
{
    assert_int_equal(nx_cache_put(cache, key, data, len), NX_OK);
}

static void expect_blob(nx_cache_t *cache, const uint8_t *key, const uint8_t *data, size_t len)
{
    nx_blob_t *blob = nx_cache_get(cache, key);
    assert_non_null(blob);
    assert_int_equal(blob->len, len);
    if (len)
        assert_memory_equal(blob->data, data, len);
    nx_blob_release(blob);
}

static void expect_miss(nx_cache_t *cache, const uint8_t *key)
{
    nx_blob_t *blob = nx_cache_get(cache, key);
    assert_null(blob);
}

static void entry_file(const char *dir, const uint8_t *key, char path[PATH_MAX])
{
    char hex[2 * NX_CACHE_KEY_BYTES + 1];
    nx_cache_key_hex(key, hex);
    snprintf(path, PATH_MAX, "%s/%s.nxbc", dir, hex);
}

static bool file_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void spit(const char *path, const uint8_t *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Counts names in dir ending in suffix. */
static int count_suffix(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    size_t slen = strlen(suffix);
    for (struct dirent *de; (de = readdir(d));) {
        size_t len = strlen(de->d_name);
        if (len >= slen && strcmp(de->d_name + len - slen, suffix) == 0)
            n++;
    }
    closedir(d);
    return n;
}

/* The per-entry overhead cache.c charges, as observed through stats. */
static uint64_t entry_overhead(void)
{
    nx_cache_t *cache = open_cache(1u << 20, NULL, ENGINE);
    uint8_t key[NX_CACHE_KEY_BYTES];
    key_of(cache, "overhead probe", key);
    put_ok(cache, key, (const uint8_t *)"0123456789", 10);
    uint64_t overhead = stats_of(cache).bytes - 10;
    nx_cache_free(cache);
    assert_true(overhead > 0 && overhead < 4096);
    return overhead;
}

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

/* An entry image built from the documented format, independently of
 * cache.c's encoder. Owner: caller, free. */
static uint8_t *build_entry(const char *engine, const uint8_t *key, const uint8_t *payload,
                            size_t len, size_t *out_len)
{
    uint8_t *img = malloc(HEADER_LEN + len);
    assert_non_null(img);
    memcpy(img, "NXBCACHE", 8);
    le32(img + 8, 1);
    SHA256((const uint8_t *)engine, strlen(engine), img + 12);
    memcpy(img + 44, key, 32);
    le64(img + 76, len);
    SHA256(payload, len, img + 84);
    memcpy(img + HEADER_LEN, payload, len);
    *out_len = HEADER_LEN + len;
    return img;
}

/* ---- keys ----------------------------------------------------------------------------- */

static void expected_key(const char *engine, const void *src, size_t len, uint8_t out[32])
{
    size_t elen = strlen(engine);
    uint8_t *buf = malloc(elen + 1 + len);
    assert_non_null(buf);
    memcpy(buf, engine, elen);
    buf[elen] = 0x00;
    memcpy(buf + elen + 1, src, len);
    SHA256(buf, elen + 1 + len, out);
    free(buf);
}

static void test_key_is_sha256_of_engine_nul_source(void **state)
{
    (void)state;
    nx_cache_t *a = open_cache(1024, NULL, "engine-a");
    uint8_t key[32], want[32];
    const char src[] = "export default () => 1;\0tail"; /* a NUL inside the source */
    nx_cache_key(a, src, sizeof src - 1, key);
    expected_key("engine-a", src, sizeof src - 1, want);
    assert_memory_equal(key, want, 32);
    nx_cache_key(a, "", 0, key);
    expected_key("engine-a", "", 0, want);
    assert_memory_equal(key, want, 32);
    nx_cache_free(a);
}

static void test_key_depends_on_engine_and_source(void **state)
{
    (void)state;
    nx_cache_t *a = open_cache(1024, NULL, "engine-a");
    nx_cache_t *a2 = open_cache(0, NULL, "engine-a");
    nx_cache_t *b = open_cache(1024, NULL, "engine-b");
    nx_cache_t *ab = open_cache(1024, NULL, "ab");
    nx_cache_t *just_a = open_cache(1024, NULL, "a");
    uint8_t k1[32], k2[32], k3[32], k4[32];

    key_of(a, "return 1", k1);
    key_of(a2, "return 1", k2);
    assert_memory_equal(k1, k2, 32); /* same engine + source: same key */
    key_of(b, "return 1", k3);
    assert_memory_not_equal(k1, k3, 32);
    key_of(a, "return 2", k4);
    assert_memory_not_equal(k1, k4, 32);
    /* The 0x00 separator keeps ("ab","c") and ("a","bc") apart. */
    key_of(ab, "c", k1);
    key_of(just_a, "bc", k2);
    assert_memory_not_equal(k1, k2, 32);

    nx_cache_free(a);
    nx_cache_free(a2);
    nx_cache_free(b);
    nx_cache_free(ab);
    nx_cache_free(just_a);
}

static void test_key_hex_is_lowercase(void **state)
{
    (void)state;
    uint8_t key[32];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)(i * 8 + 7); /* 07 0f 17 ... ff */
    char hex[65];
    memset(hex, 'x', sizeof hex);
    nx_cache_key_hex(key, hex);
    assert_string_equal(hex, "070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff");
}

/* ---- memory tier ---------------------------------------------------------------------- */

static void test_put_get_round_trip(void **state)
{
    (void)state;
    nx_cache_t *cache = open_cache(1u << 20, NULL, ENGINE);
    uint8_t key[32], empty_key[32];
    key_of(cache, "handler source", key);
    uint8_t *data = make_data(1, 1000);
    put_ok(cache, key, data, 1000);
    data[0] ^= 0xff; /* the cache holds a copy, not our buffer */
    data[0] ^= 0xff;
    expect_blob(cache, key, data, 1000);
    expect_blob(cache, key, data, 1000);

    key_of(cache, "", empty_key);
    put_ok(cache, empty_key, NULL, 0); /* empty bytecode is still an entry */
    expect_blob(cache, empty_key, NULL, 0);

    nx_cache_stats_t s = stats_of(cache);
    assert_int_equal(s.entries, 2);
    assert_int_equal(s.insertions, 2);
    assert_int_equal(s.hits, 3);
    assert_int_equal(s.misses, 0);
    assert_int_equal(s.evictions, 0);
    assert_int_equal(s.bytes, 1000 + 2 * entry_overhead());
    assert_int_equal(s.disk_hits, 0);
    free(data);
    nx_cache_free(cache);
}

static void test_miss(void **state)
{
    fixture_t *f = *state;
    nx_cache_t *mem = open_cache(1u << 20, NULL, ENGINE);
    nx_cache_t *disk = open_cache(1u << 20, f->dir, ENGINE);
    uint8_t key[32];
    key_of(mem, "never stored", key);
    expect_miss(mem, key);
    expect_miss(disk, key);
    expect_miss(disk, key);
    nx_cache_stats_t s = stats_of(mem);
    assert_int_equal(s.misses, 1);
    assert_int_equal(s.hits, 0);
    s = stats_of(disk);
    assert_int_equal(s.misses, 2);
    assert_int_equal(s.disk_rejects, 0); /* absent is not bad */
    assert_int_equal(s.entries, 0);
    nx_cache_free(mem);
    nx_cache_free(disk);
}

static void test_lru_eviction_by_bytes(void **state)
{
    (void)state;
    uint64_t overhead = entry_overhead();
    uint64_t unit = 100 + overhead;
    nx_cache_t *cache = open_cache(3 * unit, NULL, ENGINE);
    uint8_t k[5][32];
    const char *names[5] = {"A", "B", "C", "D", "E"};
    uint8_t *small[4];
    for (int i = 0; i < 5; i++)
        key_of(cache, names[i], k[i]);
    for (int i = 0; i < 3; i++) {
        small[i] = make_data((unsigned)i, 100);
        put_ok(cache, k[i], small[i], 100);
    }
    assert_int_equal(stats_of(cache).bytes, 3 * unit); /* exactly full */
    assert_int_equal(stats_of(cache).evictions, 0);

    expect_blob(cache, k[0], small[0], 100); /* A is now the most recent */
    small[3] = make_data(3, 100);
    put_ok(cache, k[3], small[3], 100);      /* evicts B, the LRU */
    nx_cache_stats_t s = stats_of(cache);
    assert_int_equal(s.evictions, 1);
    assert_int_equal(s.entries, 3);
    assert_true(s.bytes <= 3 * unit);
    expect_miss(cache, k[1]); /* B went; a miss leaves the order alone */

    /* Order now, newest first: D A C. E costs two units: C then A go. */
    uint8_t *big = make_data(4, 200 + overhead);
    put_ok(cache, k[4], big, 200 + overhead);
    s = stats_of(cache);
    assert_int_equal(s.evictions, 3);
    assert_int_equal(s.entries, 2);
    assert_int_equal(s.bytes, 3 * unit);
    assert_int_equal(s.insertions, 5);

    expect_miss(cache, k[1]);
    expect_miss(cache, k[2]);
    expect_miss(cache, k[0]);
    expect_blob(cache, k[3], small[3], 100);
    expect_blob(cache, k[4], big, 200 + overhead);
    s = stats_of(cache);
    assert_int_equal(s.misses, 4);
    assert_int_equal(s.entries, s.insertions - s.evictions);

    for (int i = 0; i < 4; i++)
        free(small[i]);
    free(big);
    nx_cache_free(cache);
}

static void test_put_same_key_updates_in_place(void **state)
{
    (void)state;
    uint64_t overhead = entry_overhead();
    nx_cache_t *cache = open_cache(1000 + overhead, NULL, ENGINE);
    uint8_t key[32];
    key_of(cache, "same", key);
    uint8_t *v1 = make_data(1, 300), *v2 = make_data(2, 500), *huge = make_data(3, 2000);
    put_ok(cache, key, v1, 300);
    put_ok(cache, key, v2, 500);
    expect_blob(cache, key, v2, 500);
    nx_cache_stats_t s = stats_of(cache);
    assert_int_equal(s.entries, 1);
    assert_int_equal(s.insertions, 1);
    assert_int_equal(s.bytes, 500 + overhead);
    /* A version too big to keep must not leave the old bytes behind. */
    put_ok(cache, key, huge, 2000);
    expect_miss(cache, key);
    s = stats_of(cache);
    assert_int_equal(s.entries, 0);
    assert_int_equal(s.bytes, 0);
    assert_int_equal(s.entries, s.insertions - s.evictions);
    free(v1);
    free(v2);
    free(huge);
    nx_cache_free(cache);
}

static void test_blob_refcounts(void **state)
{
    (void)state;
    nx_blob_release(NULL);
    assert_null(nx_blob_retain(NULL));
    assert_null(nx_blob_create(NULL, 5));

    uint8_t src[4] = {1, 2, 3, 4};
    nx_blob_t *b = nx_blob_create(src, 4);
    assert_non_null(b);
    src[0] = 9; /* the blob copied */
    assert_int_equal(b->data[0], 1);
    assert_ptr_equal(nx_blob_retain(b), b);
    nx_blob_release(b);
    assert_int_equal(b->data[3], 4); /* one reference left: still valid */
    nx_blob_release(b);

    /* A blob handed out survives its entry's eviction. */
    uint64_t overhead = entry_overhead();
    nx_cache_t *cache = open_cache(600 + overhead, NULL, ENGINE);
    uint8_t ka[32], kb[32];
    key_of(cache, "a", ka);
    key_of(cache, "b", kb);
    uint8_t *da = make_data(10, 500), *db = make_data(11, 500);
    put_ok(cache, ka, da, 500);
    nx_blob_t *held = nx_cache_get(cache, ka);
    assert_non_null(held);
    put_ok(cache, kb, db, 500); /* only one fits: a is evicted */
    assert_int_equal(stats_of(cache).evictions, 1);
    expect_miss(cache, ka);
    nx_blob_t *second = nx_blob_retain(held);
    nx_blob_release(held);
    assert_int_equal(second->len, 500);
    assert_memory_equal(second->data, da, 500);
    nx_cache_free(cache); /* the blob outlives the cache, too */
    assert_memory_equal(second->data, da, 500);
    nx_blob_release(second);
    free(da);
    free(db);
}

/* ---- disk tier ------------------------------------------------------------------------ */

static void test_disk_file_format(void **state)
{
    fixture_t *f = *state;
    nx_cache_t *cache = open_cache(1u << 20, f->dir, ENGINE);
    uint8_t key[32];
    key_of(cache, "format", key);
    uint8_t *data = make_data(5, 777);
    put_ok(cache, key, data, 777);

    char path[PATH_MAX];
    entry_file(f->dir, key, path);
    size_t len, want_len;
    uint8_t *got = (uint8_t *)read_whole_file(path, &len);
    assert_non_null(got);
    uint8_t *want = build_entry(ENGINE, key, data, 777, &want_len);
    assert_int_equal(len, want_len);
    assert_memory_equal(got, want, len);
    assert_int_equal(count_suffix(f->dir, ".tmp"), 0);

    struct stat st;
    assert_int_equal(stat(f->dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    free(got);
    free(want);
    free(data);
    nx_cache_free(cache);
}

static void test_decode_entry_in_memory(void **state)
{
    (void)state;
    uint8_t key[32], other[32];
    memset(key, 0x42, 32);
    memset(other, 0x43, 32);
    uint8_t *data = make_data(6, 64);
    size_t len = 0;
    uint8_t *img = build_entry(ENGINE, key, data, 64, &len);
    const uint8_t *payload = NULL;
    size_t payload_len = 0;
    assert_int_equal(nx_cache_decode_entry(ENGINE, key, img, len, &payload, &payload_len), NX_OK);
    assert_ptr_equal(payload, img + HEADER_LEN);
    assert_int_equal(payload_len, 64);
    assert_int_not_equal(nx_cache_decode_entry(ENGINE, other, img, len, &payload, &payload_len), NX_OK);
    assert_int_not_equal(nx_cache_decode_entry("other", key, img, len, &payload, &payload_len), NX_OK);
    assert_int_not_equal(nx_cache_decode_entry(ENGINE, key, img, len - 1, &payload, &payload_len), NX_OK);
    assert_int_not_equal(nx_cache_decode_entry(ENGINE, key, img, 0, &payload, &payload_len), NX_OK);
    assert_int_equal(nx_cache_decode_entry(NULL, key, img, len, &payload, &payload_len),
                     NX_E_INVALID_ARGUMENT);
    /* Every single byte is covered by some check. */
    for (size_t i = 0; i < len; i++) {
        img[i] ^= 0x01;
        assert_int_not_equal(nx_cache_decode_entry(ENGINE, key, img, len, &payload, &payload_len), NX_OK);
        img[i] ^= 0x01;
    }
    free(img);
    free(data);
}

static void test_disk_persistence_across_instances(void **state)
{
    fixture_t *f = *state;
    uint8_t key[32];
    uint8_t *data = make_data(7, 4096);
    nx_cache_t *first = open_cache(1u << 20, f->dir, ENGINE);
    key_of(first, "persist me", key);
    put_ok(first, key, data, 4096);
    nx_cache_free(first);

    nx_cache_t *second = open_cache(1u << 20, f->dir, ENGINE);
    expect_blob(second, key, data, 4096); /* from disk, promoted */
    expect_blob(second, key, data, 4096); /* from memory */
    nx_cache_stats_t s = stats_of(second);
    assert_int_equal(s.disk_hits, 1);
    assert_int_equal(s.hits, 2);
    assert_int_equal(s.misses, 0);
    assert_int_equal(s.insertions, 1);
    assert_int_equal(s.entries, 1);
    assert_int_equal(s.disk_rejects, 0);
    nx_cache_free(second);
    free(data);
}

static void test_oversized_entry_only_on_disk(void **state)
{
    fixture_t *f = *state;
    uint8_t key[32];
    uint8_t *data = make_data(8, 5000);
    nx_cache_t *first = open_cache(1000, f->dir, ENGINE);
    key_of(first, "big handler", key);
    put_ok(first, key, data, 5000);
    nx_cache_stats_t s = stats_of(first);
    assert_int_equal(s.entries, 0);
    assert_int_equal(s.bytes, 0);
    assert_int_equal(s.insertions, 0);
    char path[PATH_MAX];
    entry_file(f->dir, key, path);
    assert_true(file_exists(path));

    /* A small entry already in memory must survive the big disk hit. */
    nx_cache_t *second = open_cache(1000, f->dir, ENGINE);
    uint8_t small_key[32];
    key_of(second, "small handler", small_key);
    put_ok(second, small_key, data, 10);
    expect_blob(second, key, data, 5000);
    s = stats_of(second);
    assert_int_equal(s.disk_hits, 1);
    assert_int_equal(s.entries, 1); /* the big one is still too big to keep */
    assert_int_equal(s.insertions, 1);
    assert_int_equal(s.evictions, 0);
    assert_int_equal(s.bytes, 10 + entry_overhead());
    expect_blob(second, small_key, data, 10);
    assert_int_equal(stats_of(second).disk_hits, 1); /* served from memory */
    nx_cache_free(second);
    nx_cache_free(first);
    free(data);
}

static void test_memory_tier_disabled(void **state)
{
    fixture_t *f = *state;
    uint8_t key[32];
    uint8_t *data = make_data(9, 300);
    nx_cache_t *disk = open_cache(0, f->dir, ENGINE);
    key_of(disk, "no memory", key);
    put_ok(disk, key, data, 300);
    expect_blob(disk, key, data, 300);
    expect_blob(disk, key, data, 300);
    nx_cache_stats_t s = stats_of(disk);
    assert_int_equal(s.entries, 0);
    assert_int_equal(s.disk_hits, 2);
    nx_cache_free(disk);

    nx_cache_t *none = open_cache(0, NULL, ENGINE);
    put_ok(none, key, data, 300);
    expect_miss(none, key);
    nx_cache_free(none);
    free(data);
}

static void test_foreign_engine_ignored(void **state)
{
    fixture_t *f = *state;
    uint8_t ka[32], kb[32];
    uint8_t *data = make_data(12, 200);
    nx_cache_t *a = open_cache(1u << 20, f->dir, "engine-a");
    key_of(a, "shared source", ka);
    put_ok(a, ka, data, 200);
    nx_cache_free(a);

    nx_cache_t *b = open_cache(1u << 20, f->dir, "engine-b");
    key_of(b, "shared source", kb);
    expect_miss(b, kb); /* different key: simply absent */
    assert_int_equal(stats_of(b).disk_rejects, 0);
    expect_miss(b, ka); /* the right name, but made by another engine */
    nx_cache_stats_t s = stats_of(b);
    assert_int_equal(s.disk_rejects, 1);
    assert_int_equal(s.misses, 2);
    assert_int_equal(s.hits, 0);
    char path[PATH_MAX];
    entry_file(f->dir, ka, path);
    assert_false(file_exists(path));
    nx_cache_free(b);
    free(data);
}

/* ---- bad entry files: each row damages the file one way ------------------------------- */

typedef void (*damage_fn)(fixture_t *f, const char *path);

static void patch_byte(const char *path, size_t offset, uint8_t xor_mask)
{
    size_t len = 0;
    uint8_t *img = (uint8_t *)read_whole_file(path, &len);
    assert_non_null(img);
    assert_true(offset < len);
    img[offset] ^= xor_mask;
    spit(path, img, len);
    free(img);
}

static void resize(const char *path, long delta)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size + delta), 0);
}

static void damage_payload(fixture_t *f, const char *p) { (void)f; patch_byte(p, HEADER_LEN + 5, 0x01); }
static void damage_payload_hash(fixture_t *f, const char *p) { (void)f; patch_byte(p, 84, 0x80); }
static void damage_magic(fixture_t *f, const char *p) { (void)f; patch_byte(p, 0, 'N' ^ 'X'); }
static void damage_version(fixture_t *f, const char *p) { (void)f; patch_byte(p, 8, 1 ^ 2); }
static void damage_version_high(fixture_t *f, const char *p) { (void)f; patch_byte(p, 11, 0x01); }
static void damage_engine_hash(fixture_t *f, const char *p) { (void)f; patch_byte(p, 12, 0x01); }
static void damage_key(fixture_t *f, const char *p) { (void)f; patch_byte(p, 44 + 31, 0x01); }
static void damage_length(fixture_t *f, const char *p) { (void)f; patch_byte(p, 76, 0x01); }
static void damage_length_high(fixture_t *f, const char *p) { (void)f; patch_byte(p, 83, 0x80); }
static void truncate_by_one(fixture_t *f, const char *p) { (void)f; resize(p, -1); }
static void append_one(fixture_t *f, const char *p) { (void)f; resize(p, 1); }

static void truncate_into_header(fixture_t *f, const char *p)
{
    (void)f;
    assert_int_equal(truncate(p, 50), 0);
}

static void make_empty(fixture_t *f, const char *p)
{
    (void)f;
    assert_int_equal(truncate(p, 0), 0);
}

/* Sparse files: cheap to make, however large. */
static void make_over_64_mib(fixture_t *f, const char *p)
{
    (void)f;
    assert_int_equal(truncate(p, (off_t)MAX_FILE + 1), 0);
}

/* Reading this one would mean allocating a terabyte: the size check has to
 * come before any read. */
static void make_one_tib(fixture_t *f, const char *p)
{
    (void)f;
    assert_int_equal(truncate(p, (off_t)1 << 40), 0);
}

/* A valid entry for another key, renamed over this key's name. */
static void rename_other_entry(fixture_t *f, const char *p)
{
    nx_cache_t *writer = open_cache(1u << 20, f->dir, ENGINE);
    uint8_t other[32];
    key_of(writer, "some other handler", other);
    uint8_t *data = make_data(13, 150);
    put_ok(writer, other, data, 150);
    char other_path[PATH_MAX];
    entry_file(f->dir, other, other_path);
    assert_int_equal(rename(other_path, p), 0);
    nx_cache_free(writer);
    free(data);
}

/* The valid entry moved aside and replaced by a symlink to it. */
static void replace_with_symlink(fixture_t *f, const char *p)
{
    char aside[PATH_MAX];
    snprintf(aside, sizeof aside, "%s/aside", f->root);
    assert_int_equal(rename(p, aside), 0);
    assert_int_equal(symlink(aside, p), 0);
}

static void replace_with_directory(fixture_t *f, const char *p)
{
    (void)f;
    assert_int_equal(unlink(p), 0);
    assert_int_equal(mkdir(p, 0700), 0);
}

static const struct {
    const char *name;
    damage_fn damage;
    bool removed; /* the bad name is gone afterwards */
} damage_rows[] = {
    {"payload byte", damage_payload, true},
    {"payload hash", damage_payload_hash, true},
    {"magic", damage_magic, true},
    {"version 2", damage_version, true},
    {"version high byte", damage_version_high, true},
    {"engine hash", damage_engine_hash, true},
    {"header key", damage_key, true},
    {"length low byte", damage_length, true},
    {"length high byte", damage_length_high, true},
    {"truncated by one", truncate_by_one, true},
    {"truncated into header", truncate_into_header, true},
    {"empty", make_empty, true},
    {"extra byte", append_one, true},
    {"over 64 MiB", make_over_64_mib, true},
    {"1 TiB", make_one_tib, true},
    {"renamed from another key", rename_other_entry, true},
    {"symlink", replace_with_symlink, true},
    {"directory", replace_with_directory, false}, /* unlink cannot remove it */
};

static void test_bad_entries_rejected(void **state)
{
    fixture_t *f = *state;
    uint8_t *data = make_data(14, 333);
    for (size_t i = 0; i < ARRAY_LEN(damage_rows); i++) {
        print_message("  damage: %s\n", damage_rows[i].name);
        uint8_t key[32];
        char source[64], path[PATH_MAX];
        snprintf(source, sizeof source, "victim %zu", i);

        nx_cache_t *writer = open_cache(1u << 20, f->dir, ENGINE);
        key_of(writer, source, key);
        put_ok(writer, key, data, 333);
        nx_cache_free(writer);
        entry_file(f->dir, key, path);

        /* Control: the undamaged file is accepted by a fresh instance. */
        nx_cache_t *control = open_cache(1u << 20, f->dir, ENGINE);
        expect_blob(control, key, data, 333);
        assert_int_equal(stats_of(control).disk_hits, 1);
        nx_cache_free(control);

        damage_rows[i].damage(f, path);

        nx_cache_t *reader = open_cache(1u << 20, f->dir, ENGINE);
        expect_miss(reader, key);
        nx_cache_stats_t s = stats_of(reader);
        assert_int_equal(s.disk_rejects, 1);
        assert_int_equal(s.misses, 1);
        assert_int_equal(s.hits, 0);
        assert_int_equal(s.disk_hits, 0);
        assert_int_equal(s.entries, 0);
        assert_int_equal(file_exists(path), !damage_rows[i].removed);
        nx_cache_free(reader);
    }
    free(data);
}

/* A well-formed entry one byte over 64 MiB is refused even though every
 * field checks out: the limit is part of the format. */
static void test_entry_over_64_mib_refused(void **state)
{
    fixture_t *f = *state;
    nx_cache_t *cache = open_cache(1u << 20, f->dir, ENGINE);
    uint8_t key[32];
    key_of(cache, "enormous", key);
    size_t payload_len = MAX_FILE - HEADER_LEN + 1, len;
    uint8_t *payload = calloc(1, payload_len);
    assert_non_null(payload);
    uint8_t *img = build_entry(ENGINE, key, payload, payload_len, &len);
    const uint8_t *out;
    size_t out_len;
    assert_int_not_equal(nx_cache_decode_entry(ENGINE, key, img, len, &out, &out_len), NX_OK);
    /* One byte less is fine: the limit is on the whole file. */
    uint8_t *img_ok = build_entry(ENGINE, key, payload, payload_len - 1, &len);
    assert_int_equal(nx_cache_decode_entry(ENGINE, key, img_ok, len, &out, &out_len), NX_OK);
    free(img_ok);

    char path[PATH_MAX];
    entry_file(f->dir, key, path);
    spit(path, img, HEADER_LEN + payload_len);
    expect_miss(cache, key);
    assert_int_equal(stats_of(cache).disk_rejects, 1);
    assert_false(file_exists(path));
    /* And put does not write what a reader would refuse. */
    assert_int_equal(nx_cache_put(cache, key, payload, payload_len), NX_E_RESOURCE_LIMIT);
    assert_false(file_exists(path));
    assert_int_equal(count_suffix(f->dir, ".tmp"), 0);
    nx_cache_free(cache);
    free(img);
    free(payload);
}

/* ---- concurrency ---------------------------------------------------------------------- */

#define THREADS 4
#define OPS_PER_THREAD 2000
#define KEYS 50

typedef struct shared {
    nx_cache_t *cache;
    uint8_t keys[KEYS][32];
    uint8_t *values[KEYS];
    size_t lens[KEYS];
    uint64_t max_bytes;
} shared_t;

typedef struct worker {
    shared_t *shared;
    unsigned seed;
    uint64_t gets, hits, bad_data, over_budget, failed_puts;
} worker_t;

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    shared_t *sh = w->shared;
    for (int op = 0; op < OPS_PER_THREAD; op++) {
        int k = rand_r(&w->seed) % KEYS;
        if (rand_r(&w->seed) % 3 == 0) {
            if (nx_cache_put(sh->cache, sh->keys[k], sh->values[k], sh->lens[k]) != NX_OK)
                w->failed_puts++;
        } else {
            w->gets++;
            nx_blob_t *b = nx_cache_get(sh->cache, sh->keys[k]);
            if (b) {
                w->hits++;
                if (b->len != sh->lens[k] || memcmp(b->data, sh->values[k], b->len) != 0)
                    w->bad_data++;
                nx_blob_release(b);
            }
        }
        if (op % 100 == 0) {
            nx_cache_stats_t s;
            nx_cache_get_stats(sh->cache, &s);
            if (s.bytes > sh->max_bytes)
                w->over_budget++;
        }
    }
    return NULL;
}

static void run_concurrent(const char *dir)
{
    shared_t sh;
    uint64_t overhead = entry_overhead();
    sh.max_bytes = 8 * (200 + overhead); /* a handful of the 50 keys fit */
    sh.cache = open_cache(sh.max_bytes, dir, ENGINE);
    for (int k = 0; k < KEYS; k++) {
        char source[32];
        snprintf(source, sizeof source, "handler %d", k);
        key_of(sh.cache, source, sh.keys[k]);
        sh.lens[k] = 20 + (size_t)(k * 37 % 400);
        sh.values[k] = make_data((unsigned)k, sh.lens[k]);
    }
    worker_t workers[THREADS] = {0};
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        workers[t].shared = &sh;
        workers[t].seed = 1234u + (unsigned)t;
        assert_int_equal(pthread_create(&threads[t], NULL, worker_main, &workers[t]), 0);
    }
    uint64_t gets = 0, hits = 0;
    for (int t = 0; t < THREADS; t++) {
        assert_int_equal(pthread_join(threads[t], NULL), 0);
        assert_int_equal(workers[t].bad_data, 0);
        assert_int_equal(workers[t].over_budget, 0);
        assert_int_equal(workers[t].failed_puts, 0);
        gets += workers[t].gets;
        hits += workers[t].hits;
    }
    nx_cache_stats_t s = stats_of(sh.cache);
    assert_int_equal(s.hits + s.misses, gets);
    assert_int_equal(s.hits, hits);
    assert_true(s.hits > 0);
    assert_true(s.evictions > 0); /* the budget really was under pressure */
    assert_true(s.bytes <= sh.max_bytes);
    assert_true(s.entries <= KEYS);
    assert_int_equal(s.entries, s.insertions - s.evictions);
    assert_int_equal(s.disk_rejects, 0); /* atomic writes: no torn files */
    assert_true(s.disk_hits <= s.hits);
    if (dir) {
        assert_true(s.disk_hits > 0);
        assert_int_equal(count_suffix(dir, ".tmp"), 0);
    } else {
        assert_int_equal(s.disk_hits, 0);
    }
    for (int k = 0; k < KEYS; k++)
        free(sh.values[k]);
    nx_cache_free(sh.cache);
}

static void test_concurrent_memory_only(void **state)
{
    (void)state;
    run_concurrent(NULL);
}

static void test_concurrent_with_disk(void **state)
{
    fixture_t *f = *state;
    run_concurrent(f->dir);
}

/* ---- arguments and directories -------------------------------------------------------- */

static void test_dir_is_regular_file(void **state)
{
    fixture_t *f = *state;
    char file[PATH_MAX], below[PATH_MAX + 8];
    snprintf(file, sizeof file, "%s/plain", f->root);
    spit(file, (const uint8_t *)"x", 1);
    snprintf(below, sizeof below, "%s/sub", file);
    nx_cache_t *cache = (nx_cache_t *)(uintptr_t)1;
    assert_int_equal(nx_cache_create(1024, file, ENGINE, &cache), NX_E_INVALID_ARGUMENT);
    assert_null(cache);
    assert_int_equal(nx_cache_create(1024, below, ENGINE, &cache), NX_E_INVALID_ARGUMENT);
    assert_null(cache);
}

static void test_creates_nested_dir(void **state)
{
    fixture_t *f = *state;
    char nested[PATH_MAX + 16];
    snprintf(nested, sizeof nested, "%s/a/b/c/", f->dir);
    nx_cache_t *cache = open_cache(1024, nested, ENGINE);
    struct stat st;
    assert_int_equal(stat(nested, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    nx_cache_free(cache);
    cache = open_cache(1024, nested, ENGINE); /* existing is fine */
    nx_cache_free(cache);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    nx_cache_t *cache = NULL;
    assert_int_equal(nx_cache_create(1024, NULL, NULL, &cache), NX_E_INVALID_ARGUMENT);
    assert_null(cache);
    assert_int_equal(nx_cache_create(1024, NULL, ENGINE, NULL), NX_E_INVALID_ARGUMENT);
    assert_int_equal(nx_cache_create(1024, "", ENGINE, &cache), NX_E_INVALID_ARGUMENT);
    cache = open_cache(1024, NULL, ENGINE);
    uint8_t key[32] = {0};
    assert_int_equal(nx_cache_put(cache, key, NULL, 3), NX_E_INVALID_ARGUMENT);
    assert_int_equal(nx_cache_put(NULL, key, key, 3), NX_E_INVALID_ARGUMENT);
    assert_null(nx_cache_get(NULL, key));
    nx_cache_stats_t s;
    memset(&s, 0xff, sizeof s);
    nx_cache_get_stats(NULL, &s);
    assert_int_equal(s.entries, 0);
    nx_cache_free(cache);
    nx_cache_free(NULL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_key_is_sha256_of_engine_nul_source),
        T(test_key_depends_on_engine_and_source),
        T(test_key_hex_is_lowercase),
        T(test_put_get_round_trip),
        T(test_miss),
        T(test_lru_eviction_by_bytes),
        T(test_put_same_key_updates_in_place),
        T(test_blob_refcounts),
        T(test_disk_file_format),
        T(test_decode_entry_in_memory),
        T(test_disk_persistence_across_instances),
        T(test_oversized_entry_only_on_disk),
        T(test_memory_tier_disabled),
        T(test_foreign_engine_ignored),
        T(test_bad_entries_rejected),
        T(test_entry_over_64_mib_refused),
        T(test_concurrent_memory_only),
        T(test_concurrent_with_disk),
        T(test_dir_is_regular_file),
        T(test_creates_nested_dir),
        T(test_bad_arguments),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
