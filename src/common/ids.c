/* ids.c - suspension ids (ids.h). */
#include "common/ids.h"

#include <stdio.h>
#include <sys/random.h>

#include "common/random.h"

void nx_ids_init(nx_ids_t *ids)
{
    atomic_init(&ids->counter, 0);
    if (getrandom(&ids->nonce, sizeof ids->nonce, 0) != sizeof ids->nonce)
        ids->nonce = (uint64_t)(uintptr_t)ids;
}

void nx_ids_next(nx_ids_t *ids, char buf[NX_ID_BYTES])
{
    uint64_t n = atomic_fetch_add(&ids->counter, 1);
    uint64_t secret = nx_random_u64() ^ ids->nonce;
    snprintf(buf, NX_ID_BYTES, "sx-%016llx-%llu", (unsigned long long)secret, (unsigned long long)n);
}
