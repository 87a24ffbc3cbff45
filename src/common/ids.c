/* ids.c - execution keys and call ids (ids.h). */
#include "common/ids.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "common/random.h"

void nx_ids_init(nx_ids_t *ids)
{
    if (getrandom(&ids->nonce, sizeof ids->nonce, 0) != sizeof ids->nonce)
        ids->nonce = (uint64_t)(uintptr_t)ids;
}

void nx_ids_new_execution(nx_ids_t *ids, char key[NX_EXEC_KEY_BYTES])
{
    snprintf(key, NX_EXEC_KEY_BYTES, "%016llx", (unsigned long long)(nx_random_u64() ^ ids->nonce));
}

void nx_ids_new_call(nx_ids_t *ids, const char *key, char id[NX_ID_BYTES])
{
    snprintf(id, NX_ID_BYTES, "sx-%.16s-%016llx", key, (unsigned long long)(nx_random_u64() ^ ids->nonce));
}

static bool hex16(const char *p)
{
    for (int i = 0; i < 16; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return false;
    return true;
}

bool nx_ids_execution_of(const char *id, char key[NX_EXEC_KEY_BYTES])
{
    if (strlen(id) != 36 || strncmp(id, "sx-", 3) != 0 || id[19] != '-' || !hex16(id + 3) ||
        !hex16(id + 20))
        return false;
    memcpy(key, id + 3, 16);
    key[16] = '\0';
    return true;
}
