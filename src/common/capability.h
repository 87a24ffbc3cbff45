/* capability.h - capability tokens: parsing, and the checker the host
 * consults at the import boundary for every host call.
 *
 * Grammar (docs/capabilities.md):
 *   state:read:KEY   state:write:KEY   events:emit:NAME   view:update:ID
 *   ext:NAME         host:INTERFACE
 * where KEY/NAME/ID/INTERFACE is either "*" (any) or an exact name. Names
 * may contain ':' (everything after the prefix is the name). A token is
 * 1..1024 bytes of valid UTF-8 without whitespace or control characters.
 */
#ifndef NEXUS_CAPABILITY_H
#define NEXUS_CAPABILITY_H

#include <stdbool.h>
#include <stddef.h>

#include "nexus.h"

typedef enum nx_cap_kind {
    NX_CAP_STATE_READ,
    NX_CAP_STATE_WRITE,
    NX_CAP_EVENTS_EMIT,
    NX_CAP_VIEW_UPDATE,
    NX_CAP_EXT,
    NX_CAP_HOST,
    NX_CAP_KIND_COUNT
} nx_cap_kind_t;

/* A parsed set of tokens. Owner: whoever called nx_caps_parse. */
typedef struct nx_caps nx_caps_t;

/* Parses tokens[0..count). On a malformed or unknown token returns
 * NX_E_INVALID_ARGUMENT, sets *bad (if not NULL) to its index and *out to
 * NULL. Duplicates are fine. */
nx_code_t nx_caps_parse(const char *const *tokens, size_t count, nx_caps_t **out, size_t *bad);
void nx_caps_free(nx_caps_t *caps);

/* True when a granted token of this kind matches name (exactly or by "*").
 * name need not be NUL-terminated. */
bool nx_caps_allows(const nx_caps_t *caps, nx_cap_kind_t kind, const char *name, size_t len);
/* True when the kind is granted with the "*" scope. */
bool nx_caps_allows_any(const nx_caps_t *caps, nx_cap_kind_t kind);

/* The reference's questions, for readability at call sites. */
static inline bool nx_caps_can_read_state(const nx_caps_t *c, const char *k, size_t n)
{ return nx_caps_allows(c, NX_CAP_STATE_READ, k, n); }
static inline bool nx_caps_can_write_state(const nx_caps_t *c, const char *k, size_t n)
{ return nx_caps_allows(c, NX_CAP_STATE_WRITE, k, n); }
static inline bool nx_caps_can_emit_event(const nx_caps_t *c, const char *e, size_t n)
{ return nx_caps_allows(c, NX_CAP_EVENTS_EMIT, e, n); }
static inline bool nx_caps_can_update_view(const nx_caps_t *c, const char *v, size_t n)
{ return nx_caps_allows(c, NX_CAP_VIEW_UPDATE, v, n); }
static inline bool nx_caps_can_access_extension(const nx_caps_t *c, const char *x, size_t n)
{ return nx_caps_allows(c, NX_CAP_EXT, x, n); }
static inline bool nx_caps_can_call_host(const nx_caps_t *c, const char *i, size_t n)
{ return nx_caps_allows(c, NX_CAP_HOST, i, n); }

/* True when PREFIX + name is a valid token granting exactly name (not "*":
 * non-empty, no '*', valid UTF-8 without whitespace or controls, short
 * enough). Capability inference uses it to decide exact or wildcard. */
bool nx_caps_name_fits(nx_cap_kind_t kind, const char *name, size_t len);
/* PREFIX + name as a new string (no validation). Owner: caller, free(). */
char *nx_caps_token_dup(nx_cap_kind_t kind, const char *name, size_t len);

/* The token that would grant (kind, name), e.g. "state:write:count", written
 * to buf (always NUL-terminated, truncated to size). For error messages. */
void nx_caps_required(nx_cap_kind_t kind, const char *name, size_t len, char *buf, size_t size);

#endif
