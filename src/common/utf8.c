/* utf8.c - strict UTF-8 (utf8.h): checking, and making text that may not
 * be UTF-8, or may be too long, into text that is, cut only between
 * characters. Every string the library hands out passes one of these. */
#include "common/utf8.h"

#include <stdlib.h>
#include <string.h>

/* Length of the multi-byte sequence starting at p (lead byte >= 0x80), or 0
 * when it is not well formed. Follows Unicode table 3-7: the allowed range of
 * the second byte depends on the lead byte, which is what excludes overlongs
 * (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points
 * above U+10FFFF (F4 90.., F5..FF). */
static size_t utf8_sequence_length(const uint8_t *p, size_t left)
{
    uint8_t lead = p[0];
    size_t length;
    uint8_t second_min = 0x80, second_max = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        if (lead == 0xe0)
            second_min = 0xa0;
        else if (lead == 0xed)
            second_max = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        if (lead == 0xf0)
            second_min = 0x90;
        else if (lead == 0xf4)
            second_max = 0x8f;
    } else {
        return 0; /* continuation byte, C0, C1 or F5..FF as a lead */
    }
    if (left < length || p[1] < second_min || p[1] > second_max)
        return 0;
    for (size_t i = 2; i < length; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return length;
}

size_t nx_utf8_valid_prefix(const char *s, size_t len)
{
    if (!s)
        return 0;
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t length = utf8_sequence_length(p + i, len - i);
        if (!length)
            return i;
        i += length;
    }
    return len;
}

bool nx_utf8_valid(const char *s, size_t len)
{
    return s ? nx_utf8_valid_prefix(s, len) == len : len == 0;
}

/* U+FFFD REPLACEMENT CHARACTER */
static const char REPLACEMENT[] = "\xef\xbf\xbd";

size_t nx_utf8_clip(const char *s, size_t len, size_t max, char *out, size_t out_size)
{
    if (!out_size)
        return 0;
    if (max > out_size - 1)
        max = out_size - 1;
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0, n = 0;
    while (s && i < len) {
        size_t step = p[i] < 0x80 ? 1 : utf8_sequence_length(p + i, len - i);
        const char *from = step ? s + i : REPLACEMENT;
        size_t bytes = step ? step : 3;
        if (n + bytes > max)
            break;
        memcpy(out + n, from, bytes);
        n += bytes;
        i += step ? step : 1;
    }
    out[n] = '\0';
    return n;
}

char *nx_utf8_sanitize(const char *s, size_t len, size_t max, size_t *out_len)
{
    /* each invalid byte may become three */
    size_t cap = (len < max ? len : max) * 3 + 1;
    if (cap > max + 1)
        cap = max + 1;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t n = nx_utf8_clip(s, len, max, out, cap);
    if (out_len)
        *out_len = n;
    return out;
}
