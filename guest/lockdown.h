/* lockdown.h - freezing everything a handler can reach (lockdown.c). */
#ifndef NEXUS_GUEST_LOCKDOWN_H
#define NEXUS_GUEST_LOCKDOWN_H

#include "quickjs.h"

/* nx.lockdown(roots, skip): freezes every object reachable from the
 * array roots through prototypes and property values, getters and
 * setters, except the global object itself (it keeps its bindings) and
 * the objects in the array skip (and what only they reach). */
JSValue lockdown_native(JSContext *ctx);

#endif
