/* ids.c - execution keys and call ids (ids.h). */
#include "common/ids.h"

#include <string.h>
#include <sys/random.h>

#include "common/random.h"

void nx_ids_init(nx_ids_t *ids)
{
    if (getrandom(&ids->nonce, sizeof ids->nonce, 0) != sizeof ids->nonce)
        ids->nonce = (uint64_t)(uintptr_t)ids;
}

/* 16 lowercase hex digits of v at out, no NUL: by hand because every
 * execution makes a key, and snprintf took ~700 instructions of a
 * ~70,000-instruction counter execution. */
static void put_hex16(char *out, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, v >>= 4)
        out[i] = digits[v & 15];
}

void nx_ids_new_execution(nx_ids_t *ids, char key[NX_EXEC_KEY_BYTES])
{
    put_hex16(key, nx_random_u64() ^ ids->nonce);
    key[16] = '\0';
}

void nx_ids_new_call(nx_ids_t *ids, const char *key, char id[NX_ID_BYTES])
{
    memcpy(id, "sx-", 3);
    memcpy(id + 3, key, 16);
    id[19] = '-';
    put_hex16(id + 20, nx_random_u64() ^ ids->nonce);
    id[36] = '\0';
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
