/* ids.h - suspension ids: unique within a process (a counter) and
 * unguessable (64 random bits each), so one id gives nothing away about
 * another and an id cannot be forged from the outside. */
#ifndef NEXUS_COMMON_IDS_H
#define NEXUS_COMMON_IDS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Longest id, with its NUL. */
#define NX_ID_BYTES 40

typedef struct nx_ids {
    atomic_uint_fast64_t counter;
    uint64_t nonce;             /* per generator, from the kernel */
} nx_ids_t;

void nx_ids_init(nx_ids_t *ids);
/* Writes a new id ("sx-<16 hex>-<n>") into buf (NX_ID_BYTES). */
void nx_ids_next(nx_ids_t *ids, char buf[NX_ID_BYTES]);

#endif
