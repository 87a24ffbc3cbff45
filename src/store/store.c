/* store.c - stores made of the host's functions (store.h). */
#include "store/store.h"

#include <stdlib.h>

nx_code_t nx_store_create(const nx_store_ops_t *ops, void *self, nx_store_t **out)
{
    if (!out)
        return NX_E_INVALID_ARGUMENT;
    *out = NULL;
    if (!ops || !ops->put || !ops->take || !ops->remove)
        return NX_E_INVALID_ARGUMENT;
    nx_store_t *s = malloc(sizeof *s);
    if (!s)
        return NX_E_INTERNAL_ERROR;
    s->ops = *ops;
    s->self = self;
    *out = s;
    return NX_OK;
}

void nx_store_free(nx_store_t *store)
{
    if (!store)
        return;
    if (store->ops.destroy)
        store->ops.destroy(store->self);
    free(store);
}
