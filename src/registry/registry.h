/* registry.h - what the embedder registers with a runtime: extensions
 * ($ext.NAME.METHOD, async) and custom host interfaces
 * ($host["ns:pkg/name"].fn, sync). Lookups copy what they need out under a
 * read lock, so callbacks run with no lock held. */
#ifndef NEXUS_REGISTRY_H
#define NEXUS_REGISTRY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nexus.h"

typedef struct nx_registry nx_registry_t;

/* A registered user_data pointer and its finalizer, reference-counted:
 * lookups hand out a reference that the caller releases after the call. */
typedef struct nx_user_data nx_user_data_t;
void *nx_user_data_pointer(const nx_user_data_t *u);
/* Drops a reference; the last one runs the finalizer. NULL is fine. */
void nx_user_data_release(nx_user_data_t *u);

nx_code_t nx_registry_create(nx_registry_t **out);
void nx_registry_free(nx_registry_t *reg);

nx_code_t nx_registry_add_extension(nx_registry_t *reg, const char *name,
                                    const char *const *methods, size_t count,
                                    nx_ext_fn fn, void *user_data, nx_finalize_fn finalize);
nx_code_t nx_registry_add_interface(nx_registry_t *reg, const char *name,
                                    const nx_host_function_t *functions, size_t count,
                                    nx_host_error_fn on_error, void *error_user_data,
                                    nx_finalize_fn error_finalize);

typedef enum nx_lookup {
    NX_LOOKUP_FOUND, NX_LOOKUP_NO_OWNER, NX_LOOKUP_NO_MEMBER
} nx_lookup_t;

/* Finds extension.method; on success copies its callback out, with a
 * reference to its user data (release it after the call). */
nx_lookup_t nx_registry_find_method(nx_registry_t *reg, const char *ext, size_t ext_len,
                                    const char *method, size_t method_len,
                                    nx_ext_fn *fn, nx_user_data_t **user);
/* A host function as found: its callback and the interface's error hook,
 * each with a reference to its user data. */
typedef struct nx_host_binding {
    nx_host_fn fn;
    nx_user_data_t *user;
    nx_host_error_fn on_error;
    nx_user_data_t *error_user;
} nx_host_binding_t;

/* Finds interface.function; on success fills *out (release it with
 * nx_host_binding_release after the call). */
nx_lookup_t nx_registry_find_function(nx_registry_t *reg, const char *iface, size_t iface_len,
                                      const char *function, size_t function_len,
                                      nx_host_binding_t *out);
void nx_host_binding_release(nx_host_binding_t *b);

/* MessagePack maps {name: [member, ...]} of extensions / interfaces.
 * Owner of *out: caller, free(). */
nx_code_t nx_registry_list_extensions(nx_registry_t *reg, uint8_t **out, size_t *len);
nx_code_t nx_registry_list_interfaces(nx_registry_t *reg, uint8_t **out, size_t *len);

/* True when interface names have the form namespace:package/name. */
bool nx_interface_name_valid(const char *name);

#endif
