/* ids.h - the ids of an execution and of its extension calls. An
 * execution has a random 64-bit key; each call it defers gets the id
 * "sx-KEY-SECRET", with 64 more random bits: unguessable (one id gives
 * nothing away about another execution's), and naming its execution, so
 * that a store can find an exported execution from any of its calls. */
#ifndef NEXUS_COMMON_IDS_H
#define NEXUS_COMMON_IDS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest id, with its NUL. */
#define NX_ID_BYTES 40
/* An execution key: 16 lowercase hex digits and the NUL. */
#define NX_EXEC_KEY_BYTES 17

typedef struct nx_ids {
    uint64_t nonce;             /* per generator, from the kernel */
} nx_ids_t;

void nx_ids_init(nx_ids_t *ids);
/* A new execution key. */
void nx_ids_new_execution(nx_ids_t *ids, char key[NX_EXEC_KEY_BYTES]);
/* A new call id of the execution with key. */
void nx_ids_new_call(nx_ids_t *ids, const char *key, char id[NX_ID_BYTES]);
/* The execution key inside a call id; false when id is not one. */
bool nx_ids_execution_of(const char *id, char key[NX_EXEC_KEY_BYTES]);

#endif
