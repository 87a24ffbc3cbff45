/* error.c - error code names (the reference's list) and nx_free. */
#include <stdlib.h>
#include <string.h>

#include "nexus.h"

static const char *const g_names[] = {
    [NX_OK] = "OK",
    [NX_E_TIMEOUT] = "TIMEOUT",
    [NX_E_MEMORY_LIMIT] = "MEMORY_LIMIT",
    [NX_E_PERMISSION_DENIED] = "PERMISSION_DENIED",
    [NX_E_EXECUTION_ERROR] = "EXECUTION_ERROR",
    [NX_E_COMPILATION_ERROR] = "COMPILATION_ERROR",
    [NX_E_INVALID_HANDLER] = "INVALID_HANDLER",
    [NX_E_INTERNAL_ERROR] = "INTERNAL_ERROR",
    [NX_E_RESOURCE_LIMIT] = "RESOURCE_LIMIT",
    [NX_E_WASM_ERROR] = "WASM_ERROR",
    [NX_E_SERIALIZATION_ERROR] = "SERIALIZATION_ERROR",
    [NX_E_INVALID_ARGUMENT] = "INVALID_ARGUMENT",
    [NX_E_EXTENSION_NOT_FOUND] = "EXTENSION_NOT_FOUND",
    [NX_E_METHOD_NOT_FOUND] = "METHOD_NOT_FOUND",
    [NX_E_STORE_UNAVAILABLE] = "STORE_UNAVAILABLE",
};

#define CODE_COUNT (sizeof g_names / sizeof g_names[0])
_Static_assert(CODE_COUNT == NX_CODE_COUNT, "every code has a name");

const char *nx_code_name(nx_code_t code)
{
    return (unsigned)code < CODE_COUNT ? g_names[code] : "UNKNOWN";
}

nx_code_t nx_code_from_name(const char *name)
{
    for (unsigned i = 0; name && i < CODE_COUNT; i++)
        if (strcmp(g_names[i], name) == 0)
            return (nx_code_t)i;
    return NX_E_INTERNAL_ERROR;
}

void nx_free(void *ptr) { free(ptr); }
