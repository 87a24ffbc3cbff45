/* web_url_params.h - URLSearchParams (web_url_params.c) as URL objects
 * (web_url_api.c) hold one: each URL owns its list, and the list writes
 * the URL's query back whenever it changes. */
#ifndef NEXUS_GUEST_WEB_URL_PARAMS_H
#define NEXUS_GUEST_WEB_URL_PARAMS_H

#include "quickjs.h"
#include "web_url.h"

/* A URL object's state. */
typedef struct url_object {
    url_record_t record;
    JSValue params; /* its URLSearchParams */
} url_object_t;

typedef struct params params_t;

/* The list of a URLSearchParams object, NULL for any other value. */
params_t *params_of(JSValueConst obj);
/* A new, empty URLSearchParams for the constructor new_target (the
 * intrinsic one when undefined). */
JSValue params_new(JSContext *ctx, JSValueConst new_target, params_t **out);
/* Ties the list to the URL it is the query of (NULL: the URL is gone). */
void params_set_owner(params_t *q, url_object_t *owner);
void params_clear(params_t *q);
/* The list again from u's query (after the URL changed); -1 out of memory. */
int params_reset(params_t *q, const url_record_t *u);

/* Defines URLSearchParams and its iterators (from web_url_install). */
int web_url_params_install(JSContext *ctx);

#endif
