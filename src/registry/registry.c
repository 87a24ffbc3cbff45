/* registry.c - extensions and custom host interfaces (registry.h). Both
 * are "an owner with named members and callbacks", stored alike. Each
 * user_data pointer travels in a reference-counted holder: a lookup takes
 * a reference for the call it serves, so replacing a registration while a
 * callback runs on another thread finalizes the old user_data only once
 * that call has returned. */
#include "registry/registry.h"

#include <msgpack.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/values.h"

#define MAX_NAME_BYTES 1024

struct nx_user_data {
    atomic_int refs;
    void *pointer;
    nx_finalize_fn finalize;
};

typedef struct member {
    char *name;
    void *fn;              /* nx_ext_fn (shared) or nx_host_fn (per member) */
    nx_user_data_t *user;
} member_t;

typedef struct owner {
    char *name;
    member_t *members;
    size_t count;
    void *fn;                         /* extension callback */
    nx_user_data_t *user;
    nx_host_error_fn on_error;        /* interface error hook */
    nx_user_data_t *error_user;
} owner_t;

typedef struct table {
    owner_t *items;
    size_t count;
} table_t;

struct nx_registry {
    pthread_rwlock_t lock;
    table_t extensions, interfaces;
};

/* ---- user data holders --------------------------------------------------------- */

/* A holder for pointer (NULL when there is nothing to finalize or point to). */
static nx_user_data_t *user_data_new(void *pointer, nx_finalize_fn finalize, bool *ok)
{
    if (!pointer && !finalize)
        return NULL;
    nx_user_data_t *u = malloc(sizeof *u);
    if (!u) {
        *ok = false;
        return NULL;
    }
    atomic_init(&u->refs, 1);
    u->pointer = pointer;
    u->finalize = finalize;
    return u;
}

void *nx_user_data_pointer(const nx_user_data_t *u) { return u ? u->pointer : NULL; }

static nx_user_data_t *user_data_retain(nx_user_data_t *u)
{
    if (u)
        atomic_fetch_add(&u->refs, 1);
    return u;
}

void nx_user_data_release(nx_user_data_t *u)
{
    if (!u || atomic_fetch_sub(&u->refs, 1) != 1)
        return;
    if (u->finalize)
        u->finalize(u->pointer);
    free(u);
}

/* ---- tables ----------------------------------------------------------------------- */

static void owner_clear(owner_t *o)
{
    for (size_t i = 0; i < o->count; i++) {
        free(o->members[i].name);
        nx_user_data_release(o->members[i].user);
    }
    nx_user_data_release(o->user);
    nx_user_data_release(o->error_user);
    free(o->members);
    free(o->name);
    memset(o, 0, sizeof *o);
}

static void table_clear(table_t *t)
{
    for (size_t i = 0; i < t->count; i++)
        owner_clear(&t->items[i]);
    free(t->items);
    memset(t, 0, sizeof *t);
}

nx_code_t nx_registry_create(nx_registry_t **out)
{
    nx_registry_t *reg = calloc(1, sizeof *reg);
    if (!reg || pthread_rwlock_init(&reg->lock, NULL) != 0) {
        free(reg);
        return NX_E_INTERNAL_ERROR;
    }
    *out = reg;
    return NX_OK;
}

void nx_registry_free(nx_registry_t *reg)
{
    if (!reg)
        return;
    table_clear(&reg->extensions);
    table_clear(&reg->interfaces);
    pthread_rwlock_destroy(&reg->lock);
    free(reg);
}

static bool name_ok(const char *name)
{
    if (!name)
        return false;
    size_t len = strlen(name);
    return len > 0 && len <= MAX_NAME_BYTES && nx_utf8_valid(name, len);
}

/* Adds or replaces owner o (taking its allocations) in t; a replaced
 * owner lands in *old, for the caller to clear outside the lock (clearing
 * may run finalizers, which may call back into the registry). */
static nx_code_t table_put(table_t *t, owner_t *o, owner_t *old)
{
    for (size_t i = 0; i < t->count; i++) {
        if (strcmp(t->items[i].name, o->name) == 0) {
            *old = t->items[i];
            t->items[i] = *o;
            return NX_OK;
        }
    }
    owner_t *grown = realloc(t->items, (t->count + 1) * sizeof *grown);
    if (!grown)
        return NX_E_INTERNAL_ERROR;
    t->items = grown;
    t->items[t->count++] = *o;
    return NX_OK;
}

static nx_code_t build_owner(owner_t *o, const char *name, size_t count)
{
    memset(o, 0, sizeof *o);
    o->name = strdup(name);
    o->members = calloc(count ? count : 1, sizeof *o->members);
    if (!o->name || !o->members) {
        owner_clear(o);
        return NX_E_INTERNAL_ERROR;
    }
    return NX_OK;
}

static nx_code_t add_member(owner_t *o, const char *name, void *fn, void *user_data,
                            nx_finalize_fn finalize)
{
    for (size_t i = 0; i < o->count; i++)
        if (strcmp(o->members[i].name, name) == 0)
            return NX_E_INVALID_ARGUMENT; /* duplicate member */
    member_t *m = &o->members[o->count];
    bool ok = true;
    m->name = strdup(name);
    m->user = user_data_new(user_data, finalize, &ok);
    m->fn = fn;
    o->count++;
    return m->name && ok ? NX_OK : NX_E_INTERNAL_ERROR;
}

static nx_code_t insert(nx_registry_t *reg, table_t *t, owner_t *o)
{
    owner_t old;
    memset(&old, 0, sizeof old);
    pthread_rwlock_wrlock(&reg->lock);
    nx_code_t code = table_put(t, o, &old);
    pthread_rwlock_unlock(&reg->lock);
    if (code != NX_OK)
        owner_clear(o);
    owner_clear(&old);
    return code;
}

nx_code_t nx_registry_add_extension(nx_registry_t *reg, const char *name,
                                    const char *const *methods, size_t count,
                                    nx_ext_fn fn, void *user_data, nx_finalize_fn finalize)
{
    if (!reg || !name_ok(name) || (count && !methods))
        return NX_E_INVALID_ARGUMENT;
    owner_t o;
    nx_code_t code = build_owner(&o, name, count);
    for (size_t i = 0; code == NX_OK && i < count; i++)
        code = name_ok(methods[i]) ? add_member(&o, methods[i], NULL, NULL, NULL)
                                   : NX_E_INVALID_ARGUMENT;
    bool ok = true;
    if (code == NX_OK) {
        o.user = user_data_new(user_data, finalize, &ok);
        o.fn = (void *)fn;
    }
    if (code != NX_OK || !ok) {
        owner_clear(&o);
        return ok ? code : NX_E_INTERNAL_ERROR;
    }
    return insert(reg, &reg->extensions, &o);
}

bool nx_interface_name_valid(const char *name)
{
    /* namespace:package/name, each part [a-z0-9-_.]+ */
    if (!name_ok(name))
        return false;
    const char *colon = strchr(name, ':');
    const char *slash = colon ? strchr(colon, '/') : NULL;
    if (!colon || !slash || colon == name || slash == colon + 1 || slash[1] == '\0')
        return false;
    for (const char *p = name; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                  ch == '_' || ch == '.' || p == colon || p == slash;
        if (!ok)
            return false;
    }
    return strchr(colon + 1, ':') == NULL && strchr(slash + 1, '/') == NULL;
}

nx_code_t nx_registry_add_interface(nx_registry_t *reg, const char *name,
                                    const nx_host_function_t *functions, size_t count,
                                    nx_host_error_fn on_error, void *error_user_data,
                                    nx_finalize_fn error_finalize)
{
    if (!reg || !nx_interface_name_valid(name) || !count || !functions)
        return NX_E_INVALID_ARGUMENT;
    owner_t o;
    nx_code_t code = build_owner(&o, name, count);
    for (size_t i = 0; code == NX_OK && i < count; i++) {
        const nx_host_function_t *f = &functions[i];
        code = name_ok(f->name) && f->fn
                   ? add_member(&o, f->name, (void *)f->fn, f->user_data, f->finalize)
                   : NX_E_INVALID_ARGUMENT;
    }
    bool ok = true;
    if (code == NX_OK) {
        o.on_error = on_error;
        o.error_user = user_data_new(error_user_data, error_finalize, &ok);
    }
    if (code != NX_OK || !ok) {
        owner_clear(&o);
        return ok ? code : NX_E_INTERNAL_ERROR;
    }
    return insert(reg, &reg->interfaces, &o);
}

static const owner_t *find_owner(const table_t *t, const char *name, size_t len)
{
    for (size_t i = 0; i < t->count; i++)
        if (strlen(t->items[i].name) == len && memcmp(t->items[i].name, name, len) == 0)
            return &t->items[i];
    return NULL;
}

static const member_t *find_member(const owner_t *o, const char *name, size_t len)
{
    for (size_t i = 0; i < o->count; i++)
        if (strlen(o->members[i].name) == len && memcmp(o->members[i].name, name, len) == 0)
            return &o->members[i];
    return NULL;
}

nx_lookup_t nx_registry_find_method(nx_registry_t *reg, const char *ext, size_t ext_len,
                                    const char *method, size_t method_len,
                                    nx_ext_fn *fn, nx_user_data_t **user)
{
    pthread_rwlock_rdlock(&reg->lock);
    const owner_t *o = find_owner(&reg->extensions, ext, ext_len);
    const member_t *m = o ? find_member(o, method, method_len) : NULL;
    if (m) {
        *fn = (nx_ext_fn)o->fn;
        *user = user_data_retain(o->user);
    }
    pthread_rwlock_unlock(&reg->lock);
    return m ? NX_LOOKUP_FOUND : o ? NX_LOOKUP_NO_MEMBER : NX_LOOKUP_NO_OWNER;
}

nx_lookup_t nx_registry_find_function(nx_registry_t *reg, const char *iface, size_t iface_len,
                                      const char *function, size_t function_len,
                                      nx_host_binding_t *out)
{
    memset(out, 0, sizeof *out);
    pthread_rwlock_rdlock(&reg->lock);
    const owner_t *o = find_owner(&reg->interfaces, iface, iface_len);
    const member_t *m = o ? find_member(o, function, function_len) : NULL;
    if (m) {
        out->fn = (nx_host_fn)m->fn;
        out->user = user_data_retain(m->user);
        out->on_error = o->on_error;
        out->error_user = user_data_retain(o->error_user);
    }
    pthread_rwlock_unlock(&reg->lock);
    return m ? NX_LOOKUP_FOUND : o ? NX_LOOKUP_NO_MEMBER : NX_LOOKUP_NO_OWNER;
}

void nx_host_binding_release(nx_host_binding_t *b)
{
    nx_user_data_release(b->user);
    nx_user_data_release(b->error_user);
    memset(b, 0, sizeof *b);
}

static nx_code_t list(nx_registry_t *reg, const table_t *t, uint8_t **out, size_t *len)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    pthread_rwlock_rdlock(&reg->lock);
    msgpack_pack_map(&pk, (uint32_t)t->count);
    for (size_t i = 0; i < t->count; i++) {
        const owner_t *o = &t->items[i];
        msgpack_pack_str_with_body(&pk, o->name, strlen(o->name));
        msgpack_pack_array(&pk, (uint32_t)o->count);
        for (size_t j = 0; j < o->count; j++)
            msgpack_pack_str_with_body(&pk, o->members[j].name, strlen(o->members[j].name));
    }
    pthread_rwlock_unlock(&reg->lock);
    if (!sb.data) {
        msgpack_sbuffer_destroy(&sb);
        return NX_E_INTERNAL_ERROR;
    }
    *out = (uint8_t *)sb.data;
    *len = sb.size;
    return NX_OK;
}

nx_code_t nx_registry_list_extensions(nx_registry_t *reg, uint8_t **out, size_t *len)
{
    return list(reg, &reg->extensions, out, len);
}

nx_code_t nx_registry_list_interfaces(nx_registry_t *reg, uint8_t **out, size_t *len)
{
    return list(reg, &reg->interfaces, out, len);
}
