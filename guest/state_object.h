/* state_object.h - $state as an exotic object implemented in C. */
#ifndef NEXUS_GUEST_STATE_OBJECT_H
#define NEXUS_GUEST_STATE_OBJECT_H

#include "quickjs.h"

/* Registers the class and returns the $state object (call once, before
 * the snapshot). */
JSValue state_object_create(JSContext *ctx);

#endif
