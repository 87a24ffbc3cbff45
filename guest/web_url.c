/* web_url.c - the URL Standard's basic URL parser, a state machine over
 * code points, with the state overrides the URL setters use; URL records,
 * their serialisation and origin; percent-encoding. Validation errors
 * that do not fail a parse are not reported (the standard's parser only
 * logs them). Hosts are parsed in web_url_host.c. */
#include "web_url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

#define END UINT32_MAX /* the EOF code point */

/* ---- strings ------------------------------------------------------------------------ */

int url_str_append(url_str_t *s, const char *p, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 16;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *q = realloc(s->p, cap);
        if (!q)
            return URL_ERROR;
        s->p = q;
        s->cap = cap;
    }
    if (n)
        memcpy(s->p + s->len, p, n);
    s->len += n;
    s->p[s->len] = '\0';
    return URL_OK;
}

int url_str_set(url_str_t *s, const char *p, size_t n)
{
    s->len = 0;
    return url_str_append(s, p, n);
}

void url_str_free(url_str_t *s)
{
    free(s->p);
    *s = (url_str_t){ 0 };
}

static bool str_is(const url_str_t *s, const char *lit)
{
    size_t n = strlen(lit);
    return s->len == n && (n == 0 || memcmp(s->p, lit, n) == 0);
}

/* ---- percent-encoding ------------------------------------------------------------------- */

static bool in_set(uint8_t b, int set)
{
    if (b < 0x20 || b > 0x7e)
        return true; /* the C0 control percent-encode set */
    if (set == PE_C0)
        return false;
    if (set == PE_FRAGMENT)
        return strchr(" \"<>`", b) != NULL;
    if (strchr(" \"#<>", b))
        return true;
    if (set == PE_QUERY)
        return false;
    if (set == PE_SPECIAL_QUERY)
        return b == '\'';
    if (strchr("?^`{}", b))
        return true;
    if (set == PE_PATH)
        return false;
    if (strchr("/:;=@[\\]|", b))
        return true;
    if (set == PE_USERINFO)
        return false;
    if (strchr("$%&+,", b))
        return true;
    if (set == PE_COMPONENT)
        return false;
    return strchr("!'()~", b) != NULL;
}

int url_percent_encode(url_str_t *out, const char *utf8, size_t len, int set, bool space_as_plus)
{
    static const char hex[] = "0123456789ABCDEF";
    int r = 0;
    for (size_t i = 0; i < len && r == 0; i++) {
        uint8_t b = (uint8_t)utf8[i];
        if (space_as_plus && b == ' ') {
            r = url_str_append(out, "+", 1);
        } else if (in_set(b, set)) {
            char e[3] = { '%', hex[b >> 4], hex[b & 15] };
            r = url_str_append(out, e, 3);
        } else {
            r = url_str_append(out, (const char *)&b, 1);
        }
    }
    return r;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

size_t url_percent_decode(char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
            s[o++] = (char)(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
            i += 2;
        } else {
            s[o++] = s[i];
        }
    }
    return o;
}

/* ---- records ------------------------------------------------------------------------ */

void url_init(url_record_t *u)
{
    memset(u, 0, sizeof *u);
    u->port = -1;
}

void url_free(url_record_t *u)
{
    url_str_free(&u->scheme);
    url_str_free(&u->username);
    url_str_free(&u->password);
    url_str_free(&u->host);
    url_str_free(&u->path);
    url_str_free(&u->query);
    url_str_free(&u->fragment);
    url_init(u);
}

static int copy_str(url_str_t *dst, const url_str_t *src)
{
    return url_str_set(dst, src->p ? src->p : "", src->len);
}

int url_copy(url_record_t *dst, const url_record_t *src)
{
    url_init(dst);
    int r = copy_str(&dst->scheme, &src->scheme) | copy_str(&dst->username, &src->username) |
            copy_str(&dst->password, &src->password) | copy_str(&dst->host, &src->host) |
            copy_str(&dst->path, &src->path) | copy_str(&dst->query, &src->query) |
            copy_str(&dst->fragment, &src->fragment);
    dst->has_host = src->has_host;
    dst->opaque_path = src->opaque_path;
    dst->has_query = src->has_query;
    dst->has_fragment = src->has_fragment;
    dst->port = src->port;
    dst->segments = src->segments;
    return r ? URL_ERROR : URL_OK;
}

static const struct { const char *scheme; int port; } special_schemes[] = {
    { "ftp", 21 }, { "file", -1 }, { "http", 80 }, { "https", 443 }, { "ws", 80 }, { "wss", 443 },
};

static int special_index(const char *s, size_t len)
{
    for (int i = 0; i < 6; i++)
        if (strlen(special_schemes[i].scheme) == len && memcmp(s, special_schemes[i].scheme, len) == 0)
            return i;
    return -1;
}

bool url_is_special(const url_record_t *u)
{
    return special_index(u->scheme.p, u->scheme.len) >= 0;
}

int url_default_port(const char *scheme, size_t len)
{
    int i = special_index(scheme, len);
    return i < 0 ? -1 : special_schemes[i].port;
}

static bool includes_credentials(const url_record_t *u)
{
    return u->username.len > 0 || u->password.len > 0;
}

bool url_cannot_have_credentials(const url_record_t *u)
{
    return !u->has_host || u->host.len == 0 || str_is(&u->scheme, "file");
}

void url_strip_trailing_spaces(url_record_t *u)
{
    if (!u->opaque_path || u->has_fragment || u->has_query)
        return;
    while (u->path.len > 0 && u->path.p[u->path.len - 1] == ' ')
        u->path.p[--u->path.len] = '\0';
}

void url_clear_path(url_record_t *u)
{
    u->path.len = 0;
    if (u->path.p)
        u->path.p[0] = '\0';
    u->segments = 0;
    u->opaque_path = false;
}

/* ---- paths -------------------------------------------------------------------------- */

static bool is_alpha(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_windows_drive_letter(const char *s, size_t len, bool normalized)
{
    return len == 2 && is_alpha((uint8_t)s[0]) && (s[1] == ':' || (!normalized && s[1] == '|'));
}

static int path_append(url_record_t *u, const char *seg, size_t len)
{
    u->segments++;
    return url_str_append(&u->path, "/", 1) | url_str_append(&u->path, seg, len);
}

static const char *first_segment(const url_record_t *u, size_t *len)
{
    if (u->opaque_path || u->segments == 0) {
        *len = 0;
        return NULL;
    }
    const char *start = u->path.p + 1, *end = memchr(start, '/', u->path.len - 1);
    *len = end ? (size_t)(end - start) : u->path.len - 1;
    return start;
}

static void path_shorten(url_record_t *u)
{
    size_t len;
    const char *first = first_segment(u, &len);
    if (str_is(&u->scheme, "file") && u->segments == 1 && is_windows_drive_letter(first, len, true))
        return;
    if (u->segments == 0)
        return;
    while (u->path.len > 0 && u->path.p[u->path.len - 1] != '/')
        u->path.len--;
    u->path.len--; /* the slash */
    u->path.p[u->path.len] = '\0';
    u->segments--;
}

static bool is_single_dot(const url_str_t *b)
{
    return str_is(b, ".") || (b->len == 3 && b->p[0] == '%' && b->p[1] == '2' && (b->p[2] | 0x20) == 'e');
}

static bool is_double_dot(const url_str_t *b)
{
    if (str_is(b, ".."))
        return true;
    const char *p = b->p;
    if (b->len == 4)
        return (p[0] == '.' && p[1] == '%' && p[2] == '2' && (p[3] | 0x20) == 'e') ||
               (p[0] == '%' && p[1] == '2' && (p[2] | 0x20) == 'e' && p[3] == '.');
    return b->len == 6 && p[0] == '%' && p[1] == '2' && (p[2] | 0x20) == 'e' && p[3] == '%' &&
           p[4] == '2' && (p[5] | 0x20) == 'e';
}

/* ---- the parser ----------------------------------------------------------------------- */

typedef struct parser {
    JSContext *ctx;
    const uint32_t *cp;
    long n, p;
    url_record_t *url;
    const url_record_t *base;
    url_state_t state, override;
    url_str_t buffer;
    long buffer_cps; /* code points in buffer */
    bool at_sign_seen, inside_brackets, password_token_seen;
    int err;
} parser_t;

static void push(parser_t *ps, uint32_t c)
{
    uint8_t b[4];
    ps->err |= url_str_append(&ps->buffer, (const char *)b, web_put_utf8(b, c));
    ps->buffer_cps++;
}

static void clear(parser_t *ps)
{
    ps->buffer.len = 0;
    ps->buffer_cps = 0;
}

/* UTF-8 percent-encodes code point c in set onto out. */
static void encode_cp(parser_t *ps, url_str_t *out, uint32_t c, int set)
{
    uint8_t b[4];
    ps->err |= url_percent_encode(out, (const char *)b, web_put_utf8(b, c), set, false);
}

static bool remaining_starts_with(const parser_t *ps, uint32_t c)
{
    return ps->p + 1 < ps->n && ps->cp[ps->p + 1] == c;
}

static bool starts_with_drive_letter(const parser_t *ps, long from)
{
    long left = ps->n - from;
    if (from < 0 || left < 2 || !is_alpha(ps->cp[from]) || (ps->cp[from + 1] != ':' && ps->cp[from + 1] != '|'))
        return false;
    uint32_t third = left > 2 ? ps->cp[from + 2] : END;
    return left == 2 || third == '/' || third == '\\' || third == '?' || third == '#';
}

static void set_str(parser_t *ps, url_str_t *dst, const url_str_t *src)
{
    ps->err |= copy_str(dst, src);
}

static void start_query(parser_t *ps)
{
    ps->url->has_query = true;
    ps->url->query.len = 0;
    ps->state = URL_QUERY;
}

static void start_fragment(parser_t *ps)
{
    ps->url->has_fragment = true;
    ps->url->fragment.len = 0;
    ps->state = URL_FRAGMENT;
}

static void take_authority_from_base(parser_t *ps)
{
    url_record_t *u = ps->url;
    const url_record_t *b = ps->base;
    set_str(ps, &u->username, &b->username);
    set_str(ps, &u->password, &b->password);
    set_str(ps, &u->host, &b->host);
    u->has_host = b->has_host;
    u->port = b->port;
}

static void take_path_from_base(parser_t *ps)
{
    set_str(ps, &ps->url->path, &ps->base->path);
    ps->url->segments = ps->base->segments;
    ps->url->opaque_path = ps->base->opaque_path;
}

static void take_query_from_base(parser_t *ps)
{
    set_str(ps, &ps->url->query, &ps->base->query);
    ps->url->has_query = ps->base->has_query;
}

/* Parses the buffer as the url's host: URL_OK, URL_FAILURE or URL_ERROR. */
static int parse_host(parser_t *ps)
{
    url_str_t host = { 0 };
    int r = url_host_parse(ps->ctx, ps->buffer.p ? ps->buffer.p : "", ps->buffer.len,
                           !url_is_special(ps->url), &host);
    if (r == URL_OK) {
        if (str_is(&ps->url->scheme, "file") && str_is(&host, "localhost"))
            host.len = 0;
        r = url_str_set(&ps->url->host, host.p ? host.p : "", host.len);
        ps->url->has_host = true;
    }
    url_str_free(&host);
    return r;
}

/* One run of the state machine on code point c. Returns 1 to go on, else
 * the parse's result. */
static int step(parser_t *ps, uint32_t c)
{
    url_record_t *url = ps->url;
    const url_record_t *base = ps->base;
    bool special = url_is_special(url);
    bool slash = c == '/' || (special && c == '\\');
    switch (ps->state) {
    case URL_SCHEME_START:
        if (is_alpha(c)) {
            push(ps, c | 0x20);
            ps->state = URL_SCHEME;
        } else if (!ps->override) {
            ps->state = URL_NO_SCHEME;
            ps->p--;
        } else {
            return URL_FAILURE;
        }
        break;
    case URL_SCHEME:
        if (is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
            push(ps, is_alpha(c) ? c | 0x20 : c);
        } else if (c == ':') {
            bool buffer_special = special_index(ps->buffer.p, ps->buffer.len) >= 0;
            if (ps->override) {
                if (special != buffer_special)
                    return URL_OK;
                if ((includes_credentials(url) || url->port >= 0) && str_is(&ps->buffer, "file"))
                    return URL_OK;
                if (str_is(&url->scheme, "file") && url->has_host && url->host.len == 0)
                    return URL_OK;
            }
            set_str(ps, &url->scheme, &ps->buffer);
            if (ps->override) {
                if (url->port == url_default_port(url->scheme.p, url->scheme.len))
                    url->port = -1;
                return URL_OK;
            }
            clear(ps);
            if (str_is(&url->scheme, "file")) {
                ps->state = URL_FILE;
            } else if (buffer_special && base && base->scheme.len == url->scheme.len &&
                       memcmp(base->scheme.p, url->scheme.p, url->scheme.len) == 0) {
                ps->state = URL_SPECIAL_RELATIVE_OR_AUTHORITY;
            } else if (buffer_special) {
                ps->state = URL_SPECIAL_AUTHORITY_SLASHES;
            } else if (remaining_starts_with(ps, '/')) {
                ps->state = URL_PATH_OR_AUTHORITY;
                ps->p++;
            } else {
                url_clear_path(url);
                url->opaque_path = true;
                ps->err |= url_str_set(&url->path, "", 0);
                ps->state = URL_OPAQUE_PATH;
            }
        } else if (!ps->override) {
            clear(ps);
            ps->state = URL_NO_SCHEME;
            ps->p = -1;
        } else {
            return URL_FAILURE;
        }
        break;
    case URL_NO_SCHEME:
        if (!base || (base->opaque_path && c != '#'))
            return URL_FAILURE;
        if (base->opaque_path) {
            set_str(ps, &url->scheme, &base->scheme);
            take_path_from_base(ps);
            take_query_from_base(ps);
            start_fragment(ps);
        } else {
            ps->state = str_is(&base->scheme, "file") ? URL_FILE : URL_RELATIVE;
            ps->p--;
        }
        break;
    case URL_SPECIAL_RELATIVE_OR_AUTHORITY:
        if (c == '/' && remaining_starts_with(ps, '/')) {
            ps->state = URL_SPECIAL_AUTHORITY_IGNORE_SLASHES;
            ps->p++;
        } else {
            ps->state = URL_RELATIVE;
            ps->p--;
        }
        break;
    case URL_PATH_OR_AUTHORITY:
        if (c == '/') {
            ps->state = URL_AUTHORITY;
        } else {
            ps->state = URL_PATH;
            ps->p--;
        }
        break;
    case URL_RELATIVE:
        set_str(ps, &url->scheme, &base->scheme);
        special = url_is_special(url);
        if (c == '/' || (special && c == '\\')) {
            ps->state = URL_RELATIVE_SLASH;
        } else {
            take_authority_from_base(ps);
            take_path_from_base(ps);
            take_query_from_base(ps);
            if (c == '?') {
                start_query(ps);
            } else if (c == '#') {
                start_fragment(ps);
            } else if (c != END) {
                url->has_query = false;
                url->query.len = 0;
                path_shorten(url);
                ps->state = URL_PATH;
                ps->p--;
            }
        }
        break;
    case URL_RELATIVE_SLASH:
        if (special && (c == '/' || c == '\\')) {
            ps->state = URL_SPECIAL_AUTHORITY_IGNORE_SLASHES;
        } else if (c == '/') {
            ps->state = URL_AUTHORITY;
        } else {
            take_authority_from_base(ps);
            ps->state = URL_PATH;
            ps->p--;
        }
        break;
    case URL_SPECIAL_AUTHORITY_SLASHES:
        ps->state = URL_SPECIAL_AUTHORITY_IGNORE_SLASHES;
        if (c == '/' && remaining_starts_with(ps, '/'))
            ps->p++;
        else
            ps->p--;
        break;
    case URL_SPECIAL_AUTHORITY_IGNORE_SLASHES:
        if (c != '/' && c != '\\') {
            ps->state = URL_AUTHORITY;
            ps->p--;
        }
        break;
    case URL_AUTHORITY:
        if (c == '@') {
            if (ps->at_sign_seen) {
                url_str_t tmp = { 0 };
                ps->err |= url_str_append(&tmp, "%40", 3) |
                           url_str_append(&tmp, ps->buffer.p ? ps->buffer.p : "", ps->buffer.len);
                url_str_free(&ps->buffer);
                ps->buffer = tmp;
            }
            ps->at_sign_seen = true;
            for (size_t i = 0; i < ps->buffer.len; i++) {
                char b = ps->buffer.p[i];
                if (b == ':' && !ps->password_token_seen) {
                    ps->password_token_seen = true;
                    continue;
                }
                ps->err |= url_percent_encode(ps->password_token_seen ? &url->password : &url->username,
                                              &b, 1, PE_USERINFO, false);
            }
            clear(ps);
        } else if (c == END || slash || c == '?' || c == '#') {
            if (ps->at_sign_seen && ps->buffer.len == 0)
                return URL_FAILURE;
            ps->p -= ps->buffer_cps + 1;
            clear(ps);
            ps->state = URL_HOST;
        } else {
            push(ps, c);
        }
        break;
    case URL_HOST:
    case URL_HOSTNAME:
        if (ps->override && str_is(&url->scheme, "file")) {
            ps->p--;
            ps->state = URL_FILE_HOST;
        } else if (c == ':' && !ps->inside_brackets) {
            if (ps->buffer.len == 0 || ps->override == URL_HOSTNAME)
                return URL_FAILURE;
            int r = parse_host(ps);
            if (r)
                return r;
            clear(ps);
            ps->state = URL_PORT;
        } else if (c == END || slash || c == '?' || c == '#') {
            ps->p--;
            if (special && ps->buffer.len == 0)
                return URL_FAILURE;
            if (ps->override && ps->buffer.len == 0 && (includes_credentials(url) || url->port >= 0))
                return URL_FAILURE;
            int r = parse_host(ps);
            if (r)
                return r;
            clear(ps);
            ps->state = URL_PATH_START;
            if (ps->override)
                return URL_OK;
        } else {
            if (c == '[')
                ps->inside_brackets = true;
            if (c == ']')
                ps->inside_brackets = false;
            push(ps, c);
        }
        break;
    case URL_PORT:
        if (c >= '0' && c <= '9') {
            push(ps, c);
        } else if (c == END || slash || c == '?' || c == '#' || ps->override) {
            if (ps->buffer.len > 0) {
                long port = 0;
                for (size_t i = 0; i < ps->buffer.len && port <= 65535; i++)
                    port = port * 10 + (ps->buffer.p[i] - '0');
                if (port > 65535)
                    return URL_FAILURE;
                url->port = port == url_default_port(url->scheme.p, url->scheme.len) ? -1 : (int32_t)port;
                clear(ps);
                if (ps->override)
                    return URL_OK;
            }
            if (ps->override)
                return URL_FAILURE;
            ps->state = URL_PATH_START;
            ps->p--;
        } else {
            return URL_FAILURE;
        }
        break;
    case URL_FILE:
        ps->err |= url_str_set(&url->scheme, "file", 4);
        url->has_host = true;
        url->host.len = 0;
        if (c == '/' || c == '\\') {
            ps->state = URL_FILE_SLASH;
        } else if (base && str_is(&base->scheme, "file")) {
            set_str(ps, &url->host, &base->host);
            url->has_host = base->has_host;
            take_path_from_base(ps);
            take_query_from_base(ps);
            if (c == '?') {
                start_query(ps);
            } else if (c == '#') {
                start_fragment(ps);
            } else if (c != END) {
                url->has_query = false;
                url->query.len = 0;
                if (!starts_with_drive_letter(ps, ps->p))
                    path_shorten(url);
                else
                    url_clear_path(url);
                ps->state = URL_PATH;
                ps->p--;
            }
        } else {
            ps->state = URL_PATH;
            ps->p--;
        }
        break;
    case URL_FILE_SLASH:
        if (c == '/' || c == '\\') {
            ps->state = URL_FILE_HOST;
        } else {
            if (base && str_is(&base->scheme, "file")) {
                set_str(ps, &url->host, &base->host);
                url->has_host = base->has_host;
                size_t len;
                const char *first = first_segment(base, &len);
                if (!starts_with_drive_letter(ps, ps->p) && is_windows_drive_letter(first, len, true))
                    ps->err |= path_append(url, first, len);
            }
            ps->state = URL_PATH;
            ps->p--;
        }
        break;
    case URL_FILE_HOST:
        if (c == END || c == '/' || c == '\\' || c == '?' || c == '#') {
            ps->p--;
            if (!ps->override && is_windows_drive_letter(ps->buffer.p, ps->buffer.len, false)) {
                ps->state = URL_PATH; /* the buffer becomes the first segment */
            } else if (ps->buffer.len == 0) {
                url->has_host = true;
                url->host.len = 0;
                if (ps->override)
                    return URL_OK;
                ps->state = URL_PATH_START;
            } else {
                int r = parse_host(ps);
                if (r)
                    return r;
                if (ps->override)
                    return URL_OK;
                clear(ps);
                ps->state = URL_PATH_START;
            }
        } else {
            push(ps, c);
        }
        break;
    case URL_PATH_START:
        if (special) {
            ps->state = URL_PATH;
            if (c != '/' && c != '\\')
                ps->p--;
        } else if (!ps->override && c == '?') {
            start_query(ps);
        } else if (!ps->override && c == '#') {
            start_fragment(ps);
        } else if (c != END) {
            ps->state = URL_PATH;
            if (c != '/')
                ps->p--;
        } else if (ps->override && !url->has_host) {
            ps->err |= path_append(url, "", 0);
        }
        break;
    case URL_PATH:
        if (c == END || slash || (!ps->override && (c == '?' || c == '#'))) {
            if (is_double_dot(&ps->buffer)) {
                path_shorten(url);
                if (!slash)
                    ps->err |= path_append(url, "", 0);
            } else if (is_single_dot(&ps->buffer) && !slash) {
                ps->err |= path_append(url, "", 0);
            } else if (!is_single_dot(&ps->buffer)) {
                if (str_is(&url->scheme, "file") && url->segments == 0 &&
                    is_windows_drive_letter(ps->buffer.p, ps->buffer.len, false))
                    ps->buffer.p[1] = ':';
                ps->err |= path_append(url, ps->buffer.p ? ps->buffer.p : "", ps->buffer.len);
            }
            clear(ps);
            if (c == '?')
                start_query(ps);
            else if (c == '#')
                start_fragment(ps);
        } else {
            encode_cp(ps, &ps->buffer, c, PE_PATH);
        }
        break;
    case URL_OPAQUE_PATH:
        if (c == '?') {
            start_query(ps);
        } else if (c == '#') {
            start_fragment(ps);
        } else if (c == ' ') {
            /* a space before the query or fragment is encoded, so that the
               path never ends in a space */
            bool last = remaining_starts_with(ps, '?') || remaining_starts_with(ps, '#');
            ps->err |= url_str_append(&url->path, last ? "%20" : " ", last ? 3 : 1);
        } else if (c != END) {
            encode_cp(ps, &url->path, c, PE_C0);
        }
        break;
    case URL_QUERY:
        if ((!ps->override && c == '#') || c == END) {
            ps->err |= url_percent_encode(&url->query, ps->buffer.p, ps->buffer.len,
                                          special ? PE_SPECIAL_QUERY : PE_QUERY, false);
            clear(ps);
            if (c == '#')
                start_fragment(ps);
        } else {
            push(ps, c);
        }
        break;
    case URL_FRAGMENT:
        if (c != END)
            encode_cp(ps, &url->fragment, c, PE_FRAGMENT);
        break;
    case URL_NO_OVERRIDE:
        return URL_FAILURE;
    }
    return 1;
}

/* The input as code points: leading and trailing C0 controls and spaces
 * trimmed (for a new URL), tabs and newlines removed. */
static uint32_t *code_points(const char *s, size_t len, bool trim, long *n)
{
    uint32_t *cp = malloc((len + 1) * sizeof *cp);
    if (!cp)
        return NULL;
    long count = 0;
    for (size_t i = 0; i < len;) {
        uint8_t b = (uint8_t)s[i];
        size_t k = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
        uint32_t c = k == 1 ? b : k == 2 ? b & 0x1f : k == 3 ? b & 0x0f : b & 0x07;
        for (size_t j = 1; j < k && i + j < len; j++)
            c = (c << 6) | ((uint8_t)s[i + j] & 0x3f);
        i += k;
        if (c != '\t' && c != '\n' && c != '\r')
            cp[count++] = c;
    }
    long start = 0;
    if (trim) {
        while (start < count && cp[start] <= 0x20)
            start++;
        while (count > start && cp[count - 1] <= 0x20)
            count--;
        memmove(cp, cp + start, (size_t)(count - start) * sizeof *cp);
        count -= start;
    }
    *n = count;
    return cp;
}

int url_parse(JSContext *ctx, const char *input, size_t len, const url_record_t *base,
              url_record_t *url, url_state_t override)
{
    parser_t ps = { .ctx = ctx, .url = url, .base = base, .override = override };
    ps.cp = code_points(input, len, !override, &ps.n);
    if (!ps.cp)
        return URL_ERROR;
    ps.state = override ? override : URL_SCHEME_START;
    int r = 1;
    for (ps.p = 0;; ps.p++) {
        uint32_t c = ps.p < ps.n ? ps.cp[ps.p] : END;
        r = step(&ps, c);
        if (r != 1 || ps.err || ps.p >= ps.n)
            break;
    }
    free((void *)ps.cp);
    url_str_free(&ps.buffer);
    if (ps.err)
        return URL_ERROR;
    return r == 1 ? URL_OK : r;
}

/* ---- serialising -------------------------------------------------------------------------- */

int url_href(const url_record_t *u, url_str_t *out, bool exclude_fragment)
{
    int r = url_str_set(out, u->scheme.p ? u->scheme.p : "", u->scheme.len) |
            url_str_append(out, ":", 1);
    if (u->has_host) {
        r |= url_str_append(out, "//", 2);
        if (includes_credentials(u)) {
            r |= url_str_append(out, u->username.p, u->username.len);
            if (u->password.len > 0)
                r |= url_str_append(out, ":", 1) | url_str_append(out, u->password.p, u->password.len);
            r |= url_str_append(out, "@", 1);
        }
        r |= url_str_append(out, u->host.p ? u->host.p : "", u->host.len);
        if (u->port >= 0) {
            char port[8];
            r |= url_str_append(out, port, (size_t)snprintf(port, sizeof port, ":%d", (int)u->port));
        }
    } else if (!u->opaque_path && u->segments > 1 && u->path.len > 1 && u->path.p[1] == '/') {
        r |= url_str_append(out, "/.", 2); /* so that the path does not read as a host */
    }
    r |= url_str_append(out, u->path.p ? u->path.p : "", u->path.len);
    if (u->has_query)
        r |= url_str_append(out, "?", 1) | url_str_append(out, u->query.p ? u->query.p : "", u->query.len);
    if (u->has_fragment && !exclude_fragment)
        r |= url_str_append(out, "#", 1) |
             url_str_append(out, u->fragment.p ? u->fragment.p : "", u->fragment.len);
    return r ? URL_ERROR : URL_OK;
}

int url_origin(JSContext *ctx, const url_record_t *u, url_str_t *out)
{
    if (str_is(&u->scheme, "blob")) {
        url_record_t inner;
        url_init(&inner);
        int r = url_parse(ctx, u->path.p ? u->path.p : "", u->path.len, NULL, &inner, URL_NO_OVERRIDE);
        if (r == URL_OK && (str_is(&inner.scheme, "http") || str_is(&inner.scheme, "https")))
            r = url_origin(ctx, &inner, out);
        else if (r != URL_ERROR)
            r = url_str_set(out, "null", 4);
        url_free(&inner);
        return r;
    }
    int i = special_index(u->scheme.p, u->scheme.len);
    if (i < 0 || str_is(&u->scheme, "file"))
        return url_str_set(out, "null", 4);
    int r = url_str_set(out, u->scheme.p, u->scheme.len) | url_str_append(out, "://", 3) |
            url_str_append(out, u->host.p ? u->host.p : "", u->host.len);
    if (u->port >= 0) {
        char port[8];
        r |= url_str_append(out, port, (size_t)snprintf(port, sizeof port, ":%d", (int)u->port));
    }
    return r ? URL_ERROR : URL_OK;
}
