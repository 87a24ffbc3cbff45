/* reply.c - answers from embedder callbacks (reply.h), validated like
 * everything that crosses into the sandbox. */
#include "hostcalls/reply.h"

#include <stdlib.h>
#include <string.h>

#include "common/values.h"

nx_code_t nx_ext_reply_value(nx_ext_reply_t *reply, const void *msgpack, size_t len)
{
    if (!reply || reply->answered || (len && !msgpack))
        return NX_E_INVALID_ARGUMENT;
    if (len && nx_value_check(msgpack, len, NULL) != NX_OK)
        return NX_E_SERIALIZATION_ERROR;
    if (len) {
        reply->value = malloc(len);
        if (!reply->value)
            return NX_E_INTERNAL_ERROR;
        memcpy(reply->value, msgpack, len);
    }
    reply->value_len = len;
    reply->answered = true;
    return NX_OK;
}

nx_code_t nx_ext_reply_error(nx_ext_reply_t *reply, const char *message)
{
    if (!reply || reply->answered)
        return NX_E_INVALID_ARGUMENT;
    const char *m = message ? message : "extension call failed";
    if (!nx_utf8_valid(m, strlen(m)))
        return NX_E_INVALID_ARGUMENT;
    reply->message = strdup(m);
    if (!reply->message)
        return NX_E_INTERNAL_ERROR;
    reply->answered = true;
    reply->is_error = true;
    return NX_OK;
}

void nx_ext_reply_clear(nx_ext_reply_t *reply)
{
    free(reply->value);
    free(reply->message);
    memset(reply, 0, sizeof *reply);
}
