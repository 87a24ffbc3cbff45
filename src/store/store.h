/* store.h - where exported executions wait (nx_store_t in nexus.h): the
 * host's own functions behind one small interface, with two built in, in
 * this process's memory (memory_store.c) and in Redis (redis_store.c). The
 * execution layer puts an execution into the store when it suspends and
 * takes it out, exactly once, to resume it. */
#ifndef NEXUS_STORE_H
#define NEXUS_STORE_H

#include "nexus.h"

struct nx_store {
    nx_store_ops_t ops;
    void *self;
};

#endif
