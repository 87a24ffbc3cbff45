/* reply.h - nx_ext_reply_t, the answer an embedder's extension or host
 * function gives during its callback (nx_ext_reply_value / _error). */
#ifndef NEXUS_HOSTCALLS_REPLY_H
#define NEXUS_HOSTCALLS_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nexus.h"

struct nx_ext_reply {
    bool answered, is_error;
    uint8_t *value;       /* MessagePack, owned */
    size_t value_len;
    char *message;        /* owned */
};

void nx_ext_reply_clear(nx_ext_reply_t *reply);

#endif
