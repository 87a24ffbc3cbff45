/* api.h - the native functions behind the handler API. prelude.js builds
 * $state, $emit, $view, $log, $time and $ext on top of these; they are
 * handed to the prelude as an argument and never become globals. */
#ifndef NEXUS_GUEST_API_H
#define NEXUS_GUEST_API_H

#include <stddef.h>
#include <stdint.h>

#include "mpack.h"
#include "quickjs.h"

/* Returns a new object holding the native functions. */
JSValue api_natives(JSContext *ctx);

/* Math.random backed by a generator the host reseeds every execution. */
JSValue api_random_function(JSContext *ctx);
void api_reseed_random(int64_t seed);

/* Extension calls awaiting the host's answer. */
size_t api_pending_count(void);
/* Settles the pending call with this id. Returns 0, -1 when none matches,
 * -2 when settling threw (the exception is pending). */
int api_settle(JSContext *ctx, const uint8_t *id, uint32_t id_len, int ok, mp_reader_t *outcome);
/* Forgets every pending call (their promises stay unsettled). */
void api_drop_pending(JSContext *ctx);

#endif
