/* web_url_host.c - the URL Standard's host parser: IPv6 and IPv4
 * addresses (with its legacy hex, octal and short forms), opaque hosts,
 * and domains through "domain to ASCII".
 *
 * Domain to ASCII is UTS #46 processing, approximated: there is no IDNA
 * mapping table in the sandbox, so the mapping is NFKC then lowercase
 * (then NFC), with the characters UTS #46 ignores dropped; what it
 * disallows, its validity criteria (a leading combining mark, misplaced
 * joiners) and the Bidi rule are approximated with general categories and
 * scripts from QuickJS's Unicode tables. ASCII domains, by far the common
 * case, get exactly the standard's answer. */
#include "web_url.h"

#include <string.h>

#include "builtins.h"
#include "web.h"

/* ---- code points --------------------------------------------------------------------- */

/* Decodes the UTF-8 sequence at s[*i] (valid UTF-8 assumed). */
static uint32_t next_cp(const char *s, size_t len, size_t *i)
{
    const uint8_t *p = (const uint8_t *)s + *i;
    uint32_t c = p[0];
    size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (*i + n > len)
        n = len - *i;
    if (n == 2)
        c = ((c & 0x1f) << 6) | (p[1] & 0x3f);
    else if (n == 3)
        c = ((c & 0x0f) << 12) | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f);
    else if (n == 4)
        c = ((c & 0x07) << 18) | ((p[1] & 0x3f) << 12) | ((p[2] & 0x3f) << 6) | (p[3] & 0x3f);
    *i += n;
    return c;
}

static bool is_valid_utf8(const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s;
    for (size_t i = 0; i < len;) {
        uint8_t b = p[i];
        size_t n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3
                 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
        if (n == 0 || i + n > len)
            return false;
        for (size_t k = 1; k < n; k++) {
            uint8_t lo = 0x80, hi = 0xbf;
            if (k == 1 && b == 0xe0) lo = 0xa0;
            if (k == 1 && b == 0xed) hi = 0x9f;
            if (k == 1 && b == 0xf0) lo = 0x90;
            if (k == 1 && b == 0xf4) hi = 0x8f;
            if (p[i + k] < lo || p[i + k] > hi)
                return false;
        }
        i += n;
    }
    return true;
}

static bool is_forbidden_host(uint32_t c)
{
    return c == 0 || c == '\t' || c == '\n' || c == '\r' || c == ' ' || c == '#' || c == '/' ||
           c == ':' || c == '<' || c == '>' || c == '?' || c == '@' || c == '[' || c == '\\' ||
           c == ']' || c == '^' || c == '|';
}

static bool is_forbidden_domain(uint32_t c)
{
    return is_forbidden_host(c) || c <= 0x1f || c == '%' || c == 0x7f;
}

static int hex_value(uint32_t c)
{
    return c >= '0' && c <= '9' ? (int)(c - '0') : c >= 'a' && c <= 'f' ? (int)(c - 'a' + 10)
         : c >= 'A' && c <= 'F' ? (int)(c - 'A' + 10) : -1;
}

/* ---- IPv6 ---------------------------------------------------------------------------- */

static int ipv6_parse(const char *s, size_t len, uint16_t address[8])
{
    memset(address, 0, 8 * sizeof address[0]);
    size_t p = 0;
    int piece = 0, compress = -1;
#define C (p < len ? (uint8_t)s[p] : 0)
    if (C == ':') {
        if (p + 1 >= len || s[p + 1] != ':')
            return URL_FAILURE;
        p += 2;
        compress = ++piece;
    }
    while (p < len) {
        if (piece == 8)
            return URL_FAILURE;
        if (C == ':') {
            if (compress >= 0)
                return URL_FAILURE;
            p++;
            compress = ++piece;
            continue;
        }
        unsigned value = 0, length = 0;
        while (length < 4 && p < len && hex_value(C) >= 0) {
            value = value * 16 + (unsigned)hex_value(C);
            p++;
            length++;
        }
        if (C == '.') {
            if (length == 0)
                return URL_FAILURE;
            p -= length;
            if (piece > 6)
                return URL_FAILURE;
            int numbers_seen = 0;
            while (p < len) {
                int ipv4_piece = -1;
                if (numbers_seen > 0) {
                    if (C == '.' && numbers_seen < 4)
                        p++;
                    else
                        return URL_FAILURE;
                }
                if (C < '0' || C > '9')
                    return URL_FAILURE;
                while (C >= '0' && C <= '9') {
                    int number = C - '0';
                    if (ipv4_piece < 0)
                        ipv4_piece = number;
                    else if (ipv4_piece == 0)
                        return URL_FAILURE;
                    else
                        ipv4_piece = ipv4_piece * 10 + number;
                    if (ipv4_piece > 255)
                        return URL_FAILURE;
                    p++;
                }
                address[piece] = (uint16_t)(address[piece] * 0x100 + ipv4_piece);
                numbers_seen++;
                if (numbers_seen == 2 || numbers_seen == 4)
                    piece++;
            }
            if (numbers_seen != 4)
                return URL_FAILURE;
            break;
        } else if (C == ':') {
            p++;
            if (p >= len)
                return URL_FAILURE;
        } else if (p < len) {
            return URL_FAILURE;
        }
        address[piece++] = (uint16_t)value;
    }
#undef C
    if (compress >= 0) {
        int swaps = piece - compress;
        piece = 7;
        while (piece != 0 && swaps > 0) {
            uint16_t t = address[piece];
            address[piece] = address[compress + swaps - 1];
            address[compress + swaps - 1] = t;
            piece--;
            swaps--;
        }
    } else if (piece != 8) {
        return URL_FAILURE;
    }
    return URL_OK;
}

static int ipv6_serialize(const uint16_t a[8], url_str_t *out)
{
    /* the first longest run of two or more zero pieces is compressed */
    int compress = -1, best = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && a[j] == 0)
            j++;
        if (j - i > best) {
            best = j - i;
            compress = i;
        }
        i = j > i ? j : i + 1;
    }
    char buf[48];
    size_t n = 0;
    buf[n++] = '[';
    bool ignore0 = false;
    for (int i = 0; i < 8; i++) {
        if (ignore0 && a[i] == 0)
            continue;
        ignore0 = false;
        if (compress == i) {
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", i == 0 ? "::" : ":");
            ignore0 = true;
            continue;
        }
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%x%s", a[i], i != 7 ? ":" : "");
    }
    buf[n++] = ']';
    return url_str_set(out, buf, n);
}

/* ---- IPv4 ----------------------------------------------------------------------------- */

/* The IPv4 number parser: -1 on failure, else the value (saturated far
 * beyond 2^32, which fails later anyway). */
static int64_t ipv4_number(const char *s, size_t len)
{
    if (len == 0)
        return -1;
    int radix = 10;
    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        len -= 2;
        radix = 16;
    } else if (len >= 2 && s[0] == '0') {
        s++;
        len--;
        radix = 8;
    }
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        int d = hex_value((uint8_t)s[i]);
        if (d < 0 || d >= radix)
            return -1;
        v = v * radix + d;
        if (v > ((int64_t)1 << 40))
            v = (int64_t)1 << 40;
    }
    return v;
}

/* "ends in a number": the last label (a trailing empty one aside) is all
 * digits, or parses as an IPv4 number. */
static bool ends_in_number(const char *s, size_t len)
{
    if (len > 0 && s[len - 1] == '.')
        len--;
    size_t start = len;
    while (start > 0 && s[start - 1] != '.')
        start--;
    const char *last = s + start;
    size_t n = len - start;
    if (n == 0)
        return false;
    bool digits = true;
    for (size_t i = 0; i < n; i++)
        digits = digits && last[i] >= '0' && last[i] <= '9';
    return digits || ipv4_number(last, n) >= 0;
}

static int ipv4_parse(const char *s, size_t len, url_str_t *out)
{
    int64_t numbers[4];
    int count = 0;
    if (len > 0 && s[len - 1] == '.')
        len--; /* a trailing empty part is dropped (there is another) */
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.')
            continue;
        if (count == 4)
            return URL_FAILURE;
        numbers[count] = ipv4_number(s + start, i - start);
        if (numbers[count] < 0)
            return URL_FAILURE;
        count++;
        start = i + 1;
    }
    for (int i = 0; i < count - 1; i++)
        if (numbers[i] > 255)
            return URL_FAILURE;
    if (numbers[count - 1] >= ((int64_t)1 << (8 * (5 - count))))
        return URL_FAILURE;
    uint32_t ipv4 = (uint32_t)numbers[count - 1];
    for (int i = 0; i < count - 1; i++)
        ipv4 += (uint32_t)numbers[i] << (8 * (3 - i));
    char buf[16];
    int n = snprintf(buf, sizeof buf, "%u.%u.%u.%u", ipv4 >> 24, (ipv4 >> 16) & 255,
                     (ipv4 >> 8) & 255, ipv4 & 255);
    return url_str_set(out, buf, (size_t)n);
}

/* ---- Punycode (RFC 3492) ----------------------------------------------------------------- */

enum { PC_BASE = 36, PC_TMIN = 1, PC_TMAX = 26, PC_SKEW = 38, PC_DAMP = 700 };

static uint32_t adapt(uint32_t delta, uint32_t points, bool first)
{
    delta = first ? delta / PC_DAMP : delta / 2;
    delta += delta / points;
    uint32_t k = 0;
    while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2) {
        delta /= PC_BASE - PC_TMIN;
        k += PC_BASE;
    }
    return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

static uint32_t threshold(uint32_t k, uint32_t bias)
{
    return k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;
}

static char digit_char(uint32_t d)
{
    return (char)(d < 26 ? 'a' + d : '0' + d - 26);
}

/* Encodes code points cps[0, n) after "xn--" into out. */
static int punycode_encode(const uint32_t *cps, size_t n, url_str_t *out)
{
    uint32_t code = 128, delta = 0, bias = 72, h, b = 0;
    int r = url_str_append(out, "xn--", 4);
    for (size_t i = 0; i < n; i++)
        if (cps[i] < 0x80) {
            char c = (char)cps[i];
            r |= url_str_append(out, &c, 1);
            b++;
        }
    if (b > 0)
        r |= url_str_append(out, "-", 1);
    for (h = b; h < n && r == 0;) {
        uint32_t m = UINT32_MAX;
        for (size_t i = 0; i < n; i++)
            if (cps[i] >= code && cps[i] < m)
                m = cps[i];
        if ((uint64_t)(m - code) * (h + 1) > UINT32_MAX - delta)
            return URL_FAILURE;
        delta += (m - code) * (h + 1);
        code = m;
        for (size_t i = 0; i < n; i++) {
            if (cps[i] < code && ++delta == 0)
                return URL_FAILURE;
            if (cps[i] != code)
                continue;
            uint32_t q = delta;
            for (uint32_t k = PC_BASE;; k += PC_BASE) {
                uint32_t t = threshold(k, bias);
                if (q < t)
                    break;
                char c = digit_char(t + (q - t) % (PC_BASE - t));
                r |= url_str_append(out, &c, 1);
                q = (q - t) / (PC_BASE - t);
            }
            char c = digit_char(q);
            r |= url_str_append(out, &c, 1);
            bias = adapt(delta, h + 1, h == b);
            delta = 0;
            h++;
        }
        delta++;
        code++;
    }
    return r ? URL_ERROR : URL_OK;
}

/* Decodes an ASCII label without its "xn--" into cps (room for len);
 * returns the count, or -1 when it is no valid Punycode. */
static long punycode_decode(const char *s, size_t len, uint32_t *cps)
{
    size_t b = 0, out = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '-')
            b = i;
    for (size_t i = 0; i < b; i++) {
        if ((uint8_t)s[i] >= 0x80)
            return -1;
        cps[out++] = (uint8_t)s[i];
    }
    uint32_t code = 128, bias = 72;
    uint64_t i = 0;
    for (size_t in = b > 0 ? b + 1 : 0; in < len;) {
        uint64_t old_i = i, w = 1;
        for (uint32_t k = PC_BASE;; k += PC_BASE) {
            if (in >= len)
                return -1;
            char c = s[in++];
            uint32_t d = c >= 'a' && c <= 'z' ? (uint32_t)(c - 'a') : c >= 'A' && c <= 'Z' ? (uint32_t)(c - 'A')
                       : c >= '0' && c <= '9' ? (uint32_t)(c - '0' + 26) : PC_BASE;
            if (d >= PC_BASE)
                return -1;
            i += d * w;
            uint32_t t = threshold(k, bias);
            if (i > 0x7fffffff)
                return -1;
            if (d < t)
                break;
            w *= PC_BASE - t;
        }
        bias = adapt((uint32_t)(i - old_i), (uint32_t)out + 1, old_i == 0);
        code += (uint32_t)(i / (out + 1));
        i %= out + 1;
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || out >= len)
            return -1;
        memmove(cps + i + 1, cps + i, (out - i) * sizeof cps[0]);
        cps[i++] = code;
        out++;
    }
    return (long)out;
}

/* ---- domain to ASCII -------------------------------------------------------------------- */

/* UTS #46 "ignored": default ignorables a domain may carry invisibly. */
static bool is_ignored(uint32_t c)
{
    return c == 0xad || c == 0x34f || (c >= 0x180b && c <= 0x180f) || c == 0x200b ||
           c == 0x2060 || c == 0x2064 || (c >= 0x206a && c <= 0x206f) ||
           (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff || (c >= 0x1bca0 && c <= 0x1bca3) ||
           (c >= 0xe0100 && c <= 0xe01ef);
}

/* What a label may not hold, told by QuickJS's own Unicode tables through
 * regular expressions compiled once (url_host_init): UTS #46's table is
 * approximated by general categories and scripts. */
enum {
    RE_DISALLOWED, /* unassigned, private use, controls, separators, format
                      characters but the joiners, and a few symbols */
    RE_MARK_FIRST, /* a combining mark opening a label */
    RE_BAD_JOINER, /* ZWJ not after a virama; ZWNJ neither after one nor
                      between Arabic or Syriac letters (CONTEXTJ) */
    RE_RTL,        /* a right-to-left letter */
    RE_LTR,        /* any other letter */
    RE_COUNT
};

#define VIRAMAS "\\u094D\\u09CD\\u0A4D\\u0ACD\\u0B4D\\u0BCD\\u0C4D\\u0CCD\\u0D3B\\u0D3C\\u0D4D" \
    "\\u0DCA\\u0E3A\\u0EBA\\u0F84\\u1039\\u103A\\u1714\\u1734\\u17D2\\u1A60\\u1B44\\u1BAA\\u1BAB" \
    "\\u1BF2\\u1BF3\\u2D7F\\uA806\\uA8C4\\uA953\\uA9C0\\uAAF6\\uABED"
#define JOINING "\\p{Script=Arabic}\\p{Script=Syriac}\\p{Script=Nko}\\p{Script=Mongolian}"
#define RTL "\\p{Script=Hebrew}\\p{Script=Arabic}\\p{Script=Syriac}\\p{Script=Thaana}" \
    "\\p{Script=Nko}\\p{Script=Samaritan}\\p{Script=Mandaic}\\p{Script=Adlam}"

static const char *const label_patterns[RE_COUNT] = {
    "(?![\\u200C\\u200D])[\\p{Cn}\\p{Co}\\p{Cs}\\p{Cc}\\p{Zs}\\p{Zl}\\p{Zp}\\p{Cf}"
    "\\u2FF0-\\u2FFF\\uFFFC\\uFFFD]",
    "^\\p{M}",
    "(?<![" VIRAMAS "])\\u200D|(?<![" VIRAMAS "])(?:(?<![" JOINING "]\\p{Mn}*)\\u200C|"
    "\\u200C(?!\\p{Mn}*[" JOINING "]))",
    "[" RTL "]",
    "(?![" RTL "])\\p{L}",
};

static JSValue g_label_re[RE_COUNT], g_regexp_exec;

int url_host_init(JSContext *ctx)
{
    JSValue proto = JS_GetPropertyStr(ctx, bi.regexp_ctor, "prototype");
    g_regexp_exec = JS_GetPropertyStr(ctx, proto, "exec");
    JS_FreeValue(ctx, proto);
    for (int i = 0; i < RE_COUNT; i++)
        g_label_re[i] = JS_UNDEFINED;
    return JS_IsFunction(ctx, g_regexp_exec) ? 0 : -1;
}

/* 1 when the label (UTF-8) matches the expression, 0 when not, or
 * URL_ERROR. The expressions are compiled on first use, within the
 * execution that parses a non-ASCII domain: compiled at start-up, their
 * Unicode tables made the snapshot 24 KiB larger for a rare case. */
static int label_has(JSContext *ctx, int which, const char *label, size_t len)
{
    if (JS_IsUndefined(g_label_re[which])) {
        JSValue args[2] = { JS_NewString(ctx, label_patterns[which]), JS_NewString(ctx, "u") };
        JSValue re = JS_CallConstructor(ctx, bi.regexp_ctor, 2, (JSValueConst *)args);
        JS_FreeValue(ctx, args[0]);
        JS_FreeValue(ctx, args[1]);
        if (JS_IsException(re))
            return URL_ERROR;
        g_label_re[which] = re;
    }
    JSValue s = JS_NewStringLen(ctx, label, len);
    if (JS_IsException(s))
        return URL_ERROR;
    JSValue m = JS_Call(ctx, g_regexp_exec, g_label_re[which], 1, (JSValueConst *)&s);
    JS_FreeValue(ctx, s);
    if (JS_IsException(m))
        return URL_ERROR;
    int found = !JS_IsNull(m);
    JS_FreeValue(ctx, m);
    return found;
}

/* Calls a captured String.prototype method (normalize or toLowerCase). */
static JSValue string_call(JSContext *ctx, JSValue s, JSValueConst fn, const char *arg)
{
    if (JS_IsException(s))
        return s;
    JSValue a = arg ? JS_NewString(ctx, arg) : JS_UNDEFINED;
    JSValue r = JS_Call(ctx, fn, s, arg ? 1 : 0, (JSValueConst *)&a);
    JS_FreeValue(ctx, a);
    JS_FreeValue(ctx, s);
    return r;
}

static size_t count_dots(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '.';
    return n;
}

/* UTS #46's mapping, approximated (see the top of the file), into out:
 * ignored characters dropped, disallowed ones refused, the ideographic
 * full stops made dots, then NFKC, lowercase and NFC. A character whose
 * compatibility form brings a dot (U+2025, U+2488...) is disallowed. */
static int map_domain(JSContext *ctx, const char *in, size_t len, url_str_t *out)
{
    url_str_t kept = { 0 };
    int r = 0;
    for (size_t i = 0; i < len && r == 0;) {
        uint32_t c = next_cp(in, len, &i);
        uint8_t buf[4];
        if (is_ignored(c))
            continue;
        if (c == 0x3002 || c == 0xff0e || c == 0xff61)
            r = url_str_append(&kept, ".", 1);
        else
            r = url_str_append(&kept, (const char *)buf, web_put_utf8(buf, c));
    }
    if (r == 0 && label_has(ctx, RE_DISALLOWED, kept.p ? kept.p : "", kept.len) != 0)
        r = URL_FAILURE;
    size_t dots = count_dots(kept.p ? kept.p : "", kept.len);
    JSValue s = r ? JS_EXCEPTION : JS_NewStringLen(ctx, kept.p ? kept.p : "", kept.len);
    url_str_free(&kept);
    if (r)
        return r;
    s = string_call(ctx, s, bi.normalize, "NFKC");
    s = string_call(ctx, s, bi.to_lower_case, NULL);
    s = string_call(ctx, s, bi.normalize, "NFC");
    if (JS_IsException(s))
        return URL_ERROR;
    size_t n;
    const char *mapped = JS_ToCStringLen(ctx, &n, s);
    JS_FreeValue(ctx, s);
    if (!mapped)
        return URL_ERROR;
    r = count_dots(mapped, n) != dots ? URL_FAILURE : url_str_set(out, mapped, n);
    JS_FreeCString(ctx, mapped);
    return r;
}

/* The validity criteria UTS #46 checks on a Unicode label. */
static int check_label(JSContext *ctx, const char *label, size_t len, bool *rtl, bool *ltr)
{
    int bad = label_has(ctx, RE_MARK_FIRST, label, len);
    if (bad == 0)
        bad = label_has(ctx, RE_BAD_JOINER, label, len);
    if (bad == 0)
        bad = label_has(ctx, RE_DISALLOWED, label, len);
    int has_rtl = bad == 0 ? label_has(ctx, RE_RTL, label, len) : 0;
    int has_ltr = bad == 0 ? label_has(ctx, RE_LTR, label, len) : 0;
    if (bad || has_rtl < 0 || has_ltr < 0)
        return bad < 0 || has_rtl < 0 || has_ltr < 0 ? URL_ERROR : URL_FAILURE;
    /* the Bidi rule, approximated: no label mixes directions */
    if (has_rtl && has_ltr)
        return URL_FAILURE;
    *rtl = *rtl || has_rtl;
    *ltr = *ltr || has_ltr;
    return URL_OK;
}

/* One label of a mapped, non-ASCII domain to ASCII: Punycode labels are
 * decoded and checked, Unicode ones checked and encoded. */
static int label_to_ascii(JSContext *ctx, const char *label, size_t len, url_str_t *out,
                          bool *rtl, bool *ltr)
{
    uint32_t points[256];
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        ascii = ascii && (uint8_t)label[i] < 0x80;
    if (ascii && !(len >= 4 && memcmp(label, "xn--", 4) == 0))
        return url_str_append(out, label, len);
    if (ascii) {
        long n = len - 4 <= 256 ? punycode_decode(label + 4, len - 4, points) : -1;
        bool all_ascii = true;
        for (long i = 0; i < n; i++)
            all_ascii = all_ascii && points[i] < 0x80;
        if (n < 0 || (n > 0 && all_ascii))
            return URL_FAILURE;
        url_str_t decoded = { 0 };
        int r = 0;
        for (long i = 0; i < n && r == 0; i++) {
            uint8_t b[4];
            r = url_str_append(&decoded, (const char *)b, web_put_utf8(b, points[i]));
        }
        if (r == 0 && n > 0)
            r = check_label(ctx, decoded.p, decoded.len, rtl, ltr);
        url_str_free(&decoded);
        return r ? r : url_str_append(out, label, len);
    }
    if (len >= 4 && memcmp(label, "xn--", 4) == 0)
        return URL_FAILURE; /* not Punycode: it is not ASCII */
    int r = check_label(ctx, label, len, rtl, ltr);
    size_t n = 0;
    for (size_t i = 0; r == 0 && i < len;) {
        if (n == 256)
            return URL_FAILURE; /* far beyond any DNS label */
        points[n++] = next_cp(label, len, &i);
    }
    return r ? r : punycode_encode(points, n, out);
}

/* "domain to ASCII" (beStrict false). An ASCII domain is only lowercased,
 * as the URL Standard's tests expect, Punycode labels included. */
static int domain_to_ascii(JSContext *ctx, const char *domain, size_t len, url_str_t *out)
{
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        ascii = ascii && (uint8_t)domain[i] < 0x80;
    int r;
    out->len = 0;
    if (ascii) {
        r = url_str_set(out, domain, len);
        for (size_t i = 0; r == 0 && i < out->len; i++)
            if (out->p[i] >= 'A' && out->p[i] <= 'Z')
                out->p[i] += 'a' - 'A';
    } else {
        url_str_t mapped = { 0 };
        bool rtl = false, ltr = false;
        r = map_domain(ctx, domain, len, &mapped);
        size_t start = 0;
        for (size_t i = 0; r == 0 && i <= mapped.len; i++) {
            if (i < mapped.len && mapped.p[i] != '.')
                continue;
            if (start > 0)
                r = url_str_append(out, ".", 1);
            if (r == 0)
                r = label_to_ascii(ctx, mapped.p + start, i - start, out, &rtl, &ltr);
            start = i + 1;
        }
        url_str_free(&mapped);
    }
    if (r)
        return r;
    if (out->len == 0)
        return URL_FAILURE;
    for (size_t i = 0; i < out->len;) {
        if (is_forbidden_domain(next_cp(out->p, out->len, &i)))
            return URL_FAILURE;
    }
    return URL_OK;
}

/* ---- the host parser ----------------------------------------------------------------------- */

static int opaque_host_parse(const char *in, size_t len, url_str_t *out)
{
    for (size_t i = 0; i < len;)
        if (is_forbidden_host(next_cp(in, len, &i)))
            return URL_FAILURE;
    out->len = 0;
    return url_percent_encode(out, in, len, PE_C0, false);
}

int url_host_parse(JSContext *ctx, const char *in, size_t len, bool is_opaque, url_str_t *out)
{
    if (len > 0 && in[0] == '[') {
        uint16_t address[8];
        if (len < 2 || in[len - 1] != ']' || ipv6_parse(in + 1, len - 2, address))
            return URL_FAILURE;
        return ipv6_serialize(address, out);
    }
    if (is_opaque)
        return opaque_host_parse(in, len, out);
    char *decoded = js_malloc(ctx, len + 1);
    if (!decoded)
        return URL_ERROR;
    memcpy(decoded, in, len);
    size_t n = url_percent_decode(decoded, len);
    url_str_t ascii = { 0 };
    /* invalid UTF-8 would decode to U+FFFD, which no domain may hold */
    int r = is_valid_utf8(decoded, n) ? domain_to_ascii(ctx, decoded, n, &ascii) : URL_FAILURE;
    js_free(ctx, decoded);
    if (r == 0)
        r = ends_in_number(ascii.p, ascii.len) ? ipv4_parse(ascii.p, ascii.len, out)
                                               : url_str_set(out, ascii.p, ascii.len);
    url_str_free(&ascii);
    return r;
}
