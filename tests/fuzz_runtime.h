/* fuzz_runtime.h - the runtime shared by the fuzz targets that execute
 * handlers: small (one prewarmed instance, two at most, so every input
 * runs on a restored one), freed at exit once the target has printed its
 * figures. */
#ifndef NEXUS_FUZZ_RUNTIME_H
#define NEXUS_FUZZ_RUNTIME_H

#include <stdio.h>
#include <stdlib.h>

#include "nexus.h"

static nx_runtime_t *rt;
static void (*fuzz_report)(void);

static void fuzz_runtime_free(void)
{
    if (fuzz_report)
        fuzz_report();
    nx_runtime_free(rt);
    rt = NULL;
}

/* Creates rt; report (may be NULL) prints the target's figures at exit.
 * Aborts when the runtime cannot be made. */
static inline void fuzz_runtime_create(void (*report)(void))
{
    nx_config_t cfg;
    nx_config_init(&cfg);
    cfg.prewarm_instances = 1;
    cfg.max_instances = 2;
    if (nx_runtime_create(&cfg, &rt) != NX_OK) {
        fprintf(stderr, "fuzz: cannot create the runtime\n");
        abort();
    }
    fuzz_report = report;
    atexit(fuzz_runtime_free);
}

#endif
