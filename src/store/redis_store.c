/* redis_store.c - exports kept in Redis (nx_store_redis_create), with
 * hiredis: SET key bytes PX ttl, GETDEL key (the atomic take that makes a
 * resume happen exactly once across processes), DEL key.
 *
 * A hiredis connection serves one thread at a time, so the store keeps a
 * few and lends one per command; a connection that failed is dropped and
 * the next command dials again, so a Redis that comes back is used again
 * without anything from the host. Every command is bounded by the store's
 * timeout: an unreachable Redis is NX_E_STORE_UNAVAILABLE after it, never
 * a hang. */
#include <errno.h>
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "store/store.h"

#define MAX_IDLE 8

typedef struct redis_store {
    char host[256];
    int port;
    int db;
    char password[256];
    char prefix[128];
    struct timeval timeout;
    pthread_mutex_t lock;
    redisContext *idle[MAX_IDLE];
    int idle_count;
} redis_store_t;

/* ---- the URL --------------------------------------------------------------------------------- */

/* redis://[:PASSWORD@]HOST[:PORT][/DB] */
static bool parse_url(redis_store_t *r, const char *url, char *err, size_t err_size)
{
    const char *p = url;
    if (strncmp(p, "redis://", 8) != 0) {
        char shown[128];
        nx_utf8_clip(url, strlen(url), 100, shown, sizeof shown);
        snprintf(err, err_size, "a Redis URL starts with redis:// (got \"%s\")", shown);
        return false;
    }
    p += 8;
    const char *at = strchr(p, '@');
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        const char *pw = colon ? colon + 1 : p;
        size_t n = (size_t)(at - pw);
        if (n >= sizeof r->password) {
            snprintf(err, err_size, "the Redis password is too long");
            return false;
        }
        memcpy(r->password, pw, n);
        r->password[n] = '\0';
        p = at + 1;
    }
    size_t host_len = strcspn(p, ":/");
    if (host_len == 0 || host_len >= sizeof r->host) {
        snprintf(err, err_size, "the Redis URL names no host");
        return false;
    }
    memcpy(r->host, p, host_len);
    r->host[host_len] = '\0';
    p += host_len;
    r->port = 6379;
    if (*p == ':') {
        char *end;
        errno = 0;
        long port = strtol(p + 1, &end, 10);
        if (errno || end == p + 1 || port < 1 || port > 65535 || (*end && *end != '/')) {
            snprintf(err, err_size, "the Redis URL's port is not a port number");
            return false;
        }
        r->port = (int)port;
        p = end;
    }
    if (*p == '/' && p[1]) {
        char *end;
        long db = strtol(p + 1, &end, 10);
        if (*end || db < 0 || db > 1000) {
            snprintf(err, err_size, "the Redis URL's database is not a number");
            return false;
        }
        r->db = (int)db;
    } else if (*p && strcmp(p, "/") != 0) {
        snprintf(err, err_size, "the Redis URL has something after the host it cannot read");
        return false;
    }
    return true;
}

/* ---- connections ------------------------------------------------------------------------------ */

static redisContext *dial(redis_store_t *r, char *err, size_t err_size)
{
    redisContext *c = redisConnectWithTimeout(r->host, r->port, r->timeout);
    if (!c || c->err) {
        snprintf(err, err_size, "cannot reach Redis at %s:%d: %s", r->host, r->port,
                 c ? c->errstr : "out of memory");
        redisFree(c);
        return NULL;
    }
    redisSetTimeout(c, r->timeout);
    redisReply *reply = NULL;
    if (r->password[0])
        reply = redisCommand(c, "AUTH %s", r->password);
    bool ok = !r->password[0] || (reply && reply->type != REDIS_REPLY_ERROR);
    freeReplyObject(reply);
    reply = NULL;
    if (ok && r->db) {
        reply = redisCommand(c, "SELECT %d", r->db);
        ok = reply && reply->type != REDIS_REPLY_ERROR;
        freeReplyObject(reply);
    }
    if (!ok) {
        snprintf(err, err_size, "Redis at %s:%d refused the password or database", r->host, r->port);
        redisFree(c);
        return NULL;
    }
    return c;
}

static redisContext *borrow(redis_store_t *r, char *err, size_t err_size)
{
    pthread_mutex_lock(&r->lock);
    redisContext *c = r->idle_count ? r->idle[--r->idle_count] : NULL;
    pthread_mutex_unlock(&r->lock);
    return c ? c : dial(r, err, err_size);
}

/* Gives c back, or drops it when it failed (the next command dials). */
static void give_back(redis_store_t *r, redisContext *c)
{
    if (c->err) {
        redisFree(c);
        return;
    }
    pthread_mutex_lock(&r->lock);
    if (r->idle_count < MAX_IDLE) {
        r->idle[r->idle_count++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&r->lock);
    redisFree(c);
}

/* One command; NULL with err set when Redis did not answer. */
static redisReply *command(redis_store_t *r, char *err, size_t err_size, int argc, const char **argv,
                           const size_t *lens)
{
    redisContext *c = borrow(r, err, err_size);
    if (!c)
        return NULL;
    redisReply *reply = redisCommandArgv(c, argc, argv, lens);
    if (!reply)
        snprintf(err, err_size, "Redis at %s:%d did not answer: %s", r->host, r->port,
                 c->errstr[0] ? c->errstr : "no reply");
    give_back(r, c);
    return reply;
}

static void key_of(const redis_store_t *r, const char *key, char *out, size_t size)
{
    snprintf(out, size, "%s%s", r->prefix, key);
}

/* ---- the store's functions -------------------------------------------------------------------- */

static nx_code_t put(void *self, const char *key, const uint8_t *bytes, size_t len, uint32_t ttl_ms,
                     char *err, size_t err_size)
{
    redis_store_t *r = self;
    char k[256], ttl[16];
    key_of(r, key, k, sizeof k);
    snprintf(ttl, sizeof ttl, "%u", ttl_ms ? ttl_ms : 1);
    const char *argv[] = { "SET", k, (const char *)bytes, "PX", ttl };
    const size_t lens[] = { 3, strlen(k), len, 2, strlen(ttl) };
    redisReply *reply = command(r, err, err_size, 5, argv, lens);
    if (!reply)
        return NX_E_STORE_UNAVAILABLE;
    nx_code_t code = reply->type == REDIS_REPLY_STATUS ? NX_OK : NX_E_STORE_UNAVAILABLE;
    if (code != NX_OK)
        snprintf(err, err_size, "Redis refused the export: %s",
                 reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply");
    freeReplyObject(reply);
    return code;
}

static nx_code_t take(void *self, const char *key, uint8_t **bytes, size_t *len, char *err, size_t err_size)
{
    redis_store_t *r = self;
    char k[256];
    key_of(r, key, k, sizeof k);
    const char *argv[] = { "GETDEL", k };
    const size_t lens[] = { 6, strlen(k) };
    redisReply *reply = command(r, err, err_size, 2, argv, lens);
    if (!reply)
        return NX_E_STORE_UNAVAILABLE;
    nx_code_t code;
    if (reply->type == REDIS_REPLY_NIL) {
        code = NX_E_INVALID_ARGUMENT;
    } else if (reply->type == REDIS_REPLY_STRING) {
        *bytes = malloc(reply->len ? reply->len : 1);
        if (*bytes) {
            memcpy(*bytes, reply->str, reply->len);
            *len = reply->len;
            code = NX_OK;
        } else {
            snprintf(err, err_size, "out of memory");
            code = NX_E_STORE_UNAVAILABLE;
        }
    } else {
        snprintf(err, err_size, "Redis could not take the export: %s",
                 reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply");
        code = NX_E_STORE_UNAVAILABLE;
    }
    freeReplyObject(reply);
    return code;
}

static nx_code_t remove_key(void *self, const char *key, char *err, size_t err_size)
{
    redis_store_t *r = self;
    char k[256];
    key_of(r, key, k, sizeof k);
    const char *argv[] = { "DEL", k };
    const size_t lens[] = { 3, strlen(k) };
    redisReply *reply = command(r, err, err_size, 2, argv, lens);
    if (!reply)
        return NX_E_STORE_UNAVAILABLE;
    nx_code_t code = reply->type == REDIS_REPLY_INTEGER ? (reply->integer ? NX_OK : NX_E_INVALID_ARGUMENT)
                                                        : NX_E_STORE_UNAVAILABLE;
    freeReplyObject(reply);
    return code;
}

static void destroy(void *self)
{
    redis_store_t *r = self;
    for (int i = 0; i < r->idle_count; i++)
        redisFree(r->idle[i]);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

nx_code_t nx_store_redis_create(const char *url, const char *key_prefix, uint32_t timeout_ms,
                                nx_store_t **out, char **error)
{
    if (error)
        *error = NULL;
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    char err[256] = "";
    redis_store_t *r = calloc(1, sizeof *r);
    if (!r)
        return NX_E_INTERNAL_ERROR;
    const char *prefix = key_prefix ? key_prefix : "nexus:";
    bool ok = url && parse_url(r, url, err, sizeof err);
    if (ok && strlen(prefix) >= sizeof r->prefix) {
        snprintf(err, sizeof err, "the key prefix is longer than %zu bytes", sizeof r->prefix - 1);
        ok = false;
    }
    if (!ok) {
        if (!url)
            snprintf(err, sizeof err, "a Redis URL is required");
        if (error)
            *error = strdup(err);
        free(r);
        return NX_E_INVALID_ARGUMENT;
    }
    strcpy(r->prefix, prefix);
    uint32_t ms = timeout_ms ? timeout_ms : 1000;
    r->timeout = (struct timeval){ .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
    pthread_mutex_init(&r->lock, NULL);
    static const nx_store_ops_t ops = { put, take, remove_key, destroy };
    nx_code_t code = nx_store_create(&ops, r, out);
    if (code != NX_OK)
        destroy(r);
    return code;
}
