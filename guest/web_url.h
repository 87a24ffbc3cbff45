/* web_url.h - the WHATWG URL Standard's URL records: the basic URL parser
 * (with its state overrides, which the URL setters use), host parsing
 * (domains, IPv4, IPv6, opaque hosts), serialisation and percent-encoding.
 * web_url_api.c builds URL and URLSearchParams on it. */
#ifndef NEXUS_GUEST_WEB_URL_H
#define NEXUS_GUEST_WEB_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quickjs.h"

/* A growable string, NUL-terminated when not empty. */
typedef struct url_str {
    char *p;
    size_t len, cap;
} url_str_t;

typedef struct url_record {
    url_str_t scheme, username, password;
    url_str_t host;        /* serialised; has_host false: the host is null */
    url_str_t path;        /* opaque: the path itself; else "/" before each segment */
    url_str_t query, fragment;
    bool has_host, opaque_path, has_query, has_fragment;
    int32_t port;          /* -1: null */
    uint32_t segments;     /* the path's segment count when not opaque */
} url_record_t;

typedef enum url_state {
    URL_NO_OVERRIDE,
    URL_SCHEME_START, URL_SCHEME, URL_NO_SCHEME, URL_SPECIAL_RELATIVE_OR_AUTHORITY,
    URL_PATH_OR_AUTHORITY, URL_RELATIVE, URL_RELATIVE_SLASH, URL_SPECIAL_AUTHORITY_SLASHES,
    URL_SPECIAL_AUTHORITY_IGNORE_SLASHES, URL_AUTHORITY, URL_HOST, URL_HOSTNAME, URL_PORT,
    URL_FILE, URL_FILE_SLASH, URL_FILE_HOST, URL_PATH_START, URL_PATH, URL_OPAQUE_PATH,
    URL_QUERY, URL_FRAGMENT,
} url_state_t;

enum {
    URL_OK = 0,
    URL_FAILURE = -1, /* the input is no valid URL (or component) */
    URL_ERROR = -2,   /* out of memory, or a JavaScript exception is pending */
};

/* The percent-encode sets, each (but fragment's) including the previous. */
enum { PE_C0, PE_FRAGMENT, PE_QUERY, PE_SPECIAL_QUERY, PE_PATH, PE_USERINFO, PE_COMPONENT, PE_FORM };

void url_init(url_record_t *u);
void url_free(url_record_t *u);
int url_copy(url_record_t *dst, const url_record_t *src);

/* The basic URL parser. input is UTF-8 without lone surrogates (a
 * USVString); base may be NULL. With a state override, url is an existing
 * record the parse modifies (a setter); URL_OK also stands for the
 * specification's plain "return". */
int url_parse(JSContext *ctx, const char *input, size_t len, const url_record_t *base,
              url_record_t *url, url_state_t override);

bool url_is_special(const url_record_t *u);
/* The port a special scheme implies, -1 for none. */
int url_default_port(const char *scheme, size_t len);
/* "cannot have a username/password/port": null or empty host, or file. */
bool url_cannot_have_credentials(const url_record_t *u);
/* "potentially strip trailing spaces from an opaque path" */
void url_strip_trailing_spaces(url_record_t *u);
void url_clear_path(url_record_t *u);

/* The host parser (web_url_host.c): a domain (to ASCII), an IPv4 or IPv6
 * address, or for non-special schemes an opaque host, serialised. */
int url_host_parse(JSContext *ctx, const char *in, size_t len, bool is_opaque, url_str_t *out);
/* Captures what the host parser checks labels with; once, at start-up. */
int url_host_init(JSContext *ctx);

/* The serialisations (0, or URL_ERROR when out of memory). */
int url_href(const url_record_t *u, url_str_t *out, bool exclude_fragment);
int url_origin(JSContext *ctx, const url_record_t *u, url_str_t *out);

int url_str_append(url_str_t *s, const char *p, size_t n);
int url_str_set(url_str_t *s, const char *p, size_t n);
void url_str_free(url_str_t *s);
/* UTF-8 percent-encodes bytes in set; space_as_plus for form encoding. */
int url_percent_encode(url_str_t *out, const char *utf8, size_t len, int set, bool space_as_plus);
/* Percent-decodes in place ("%zz" stays); returns the new length. */
size_t url_percent_decode(char *s, size_t len);

#endif
