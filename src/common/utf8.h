/* utf8.h - strict UTF-8: no overlongs, no surrogates, nothing above
 * U+10FFFF. Every string the library hands out (results, error messages,
 * JSON) is valid UTF-8 by construction: text from a handler, a host, a
 * file or a store is checked here, and text that is cut is cut between
 * characters. */
#ifndef NEXUS_COMMON_UTF8_H
#define NEXUS_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..len) is valid UTF-8 (no surrogates, no overlongs). */
bool nx_utf8_valid(const char *s, size_t len);
/* The length of the longest valid UTF-8 prefix of s[0..len): the offset of
 * the first byte that does not start a well-formed character, or len. */
size_t nx_utf8_valid_prefix(const char *s, size_t len);

/* Copies s[0..len) into out as valid UTF-8 of at most max bytes (and at
 * most out_size - 1), NUL-terminated: each byte that does not start a
 * well-formed character becomes U+FFFD, and the text is cut before the
 * first character that would not fit. Returns the bytes written. */
size_t nx_utf8_clip(const char *s, size_t len, size_t max, char *out, size_t out_size);

/* The same into a new string (owner: caller, free()); NULL when out of
 * memory. *out_len (if not NULL) gets its length. */
char *nx_utf8_sanitize(const char *s, size_t len, size_t max, size_t *out_len);

#endif
