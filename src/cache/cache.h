/* cache.h - the bytecode cache: compiled handlers keyed by a SHA-256 of
 * the engine identity and the source, kept in memory (LRU, bounded in
 * bytes) and optionally in a directory on disk (atomic writes; corrupted,
 * truncated or foreign entries are detected and ignored). Thread-safe. */
#ifndef NEXUS_CACHE_H
#define NEXUS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "nexus.h"

#define NX_CACHE_KEY_BYTES 32

typedef struct nx_cache nx_cache_t;

/* Immutable, reference-counted bytes handed out by the cache. */
typedef struct nx_blob {
    const uint8_t *data;
    size_t len;
} nx_blob_t;

typedef struct nx_cache_stats {
    uint64_t entries, bytes, hits, misses, insertions, evictions;
    uint64_t disk_hits, disk_rejects;  /* entries read back / refused as bad */
} nx_cache_stats_t;

/* engine_id names the engine build (QuickJS version, guest ABI, build hash);
 * entries made under another id are never returned. dir may be NULL (memory
 * only); it is created if missing. Owner: caller, nx_cache_free. */
nx_code_t nx_cache_create(uint64_t max_bytes, const char *dir, const char *engine_id,
                          nx_cache_t **out);
void nx_cache_free(nx_cache_t *cache);

/* key = SHA-256(engine_id || 0x00 || source). */
void nx_cache_key(const nx_cache_t *cache, const char *source, size_t len,
                  uint8_t key[NX_CACHE_KEY_BYTES]);

/* Looks in memory, then on disk (promoting a disk hit into memory). Returns
 * a new reference or NULL. Owner: caller, nx_blob_release. */
nx_blob_t *nx_cache_get(nx_cache_t *cache, const uint8_t key[NX_CACHE_KEY_BYTES]);

/* Stores a copy of data in memory and, if configured, on disk. */
nx_code_t nx_cache_put(nx_cache_t *cache, const uint8_t key[NX_CACHE_KEY_BYTES],
                       const uint8_t *data, size_t len);

/* A new blob holding a copy of data (refcount 1), outside any cache. */
nx_blob_t *nx_blob_create(const uint8_t *data, size_t len);
nx_blob_t *nx_blob_retain(nx_blob_t *blob);
void nx_blob_release(nx_blob_t *blob);

void nx_cache_get_stats(nx_cache_t *cache, nx_cache_stats_t *out);

/* Lowercase hex of a key (65 bytes with the NUL). */
void nx_cache_key_hex(const uint8_t key[NX_CACHE_KEY_BYTES], char out[2 * NX_CACHE_KEY_BYTES + 1]);

#endif
