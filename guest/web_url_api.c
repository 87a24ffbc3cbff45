/* web_url_api.c - URL (WHATWG URL Standard) on the records of web_url.c:
 * the constructor, URL.canParse and URL.parse, the attributes and their
 * setters (the basic URL parser with a state override), and the
 * URLSearchParams each URL owns (web_url_params.c). */
#include "web_url_params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

static JSClassID url_class;

/* Throws for URL_ERROR (out of memory, unless an exception is pending). */
static JSValue url_error(JSContext *ctx, int r, const char *failure)
{
    if (r == URL_FAILURE)
        return JS_ThrowTypeError(ctx, "%s", failure);
    JSValue pending = JS_GetException(ctx);
    if (!JS_IsNull(pending))
        return JS_Throw(ctx, pending);
    return JS_ThrowOutOfMemory(ctx);
}

static JSValue new_string(JSContext *ctx, const url_str_t *s)
{
    return JS_NewStringLen(ctx, s->p ? s->p : "", s->len);
}

/* ---- URL -------------------------------------------------------------------------------- */

static void url_finalizer(JSRuntime *rt, JSValue val)
{
    url_object_t *u = JS_GetOpaque(val, url_class);
    if (u) {
        params_t *q = params_of(u->params);
        if (q)
            params_set_owner(q, NULL);
        JS_FreeValueRT(rt, u->params);
        url_free(&u->record);
        free(u);
    }
}

static void url_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark)
{
    url_object_t *u = JS_GetOpaque(val, url_class);
    if (u)
        JS_MarkValue(rt, u->params, mark);
}

static const JSClassDef url_def = { .class_name = "URL", .finalizer = url_finalizer, .gc_mark = url_mark };

/* Parses url against base (either may be NULL / absent) into rec. */
static int parse_with_base(JSContext *ctx, JSValueConst url, JSValueConst base, bool has_base,
                           url_record_t *rec)
{
    size_t ul, bl = 0;
    const char *us = bi_to_usv_string(ctx, url, &ul);
    const char *bs = us && has_base ? bi_to_usv_string(ctx, base, &bl) : NULL;
    if (!us || (has_base && !bs)) {
        JS_FreeCString(ctx, us);
        return URL_ERROR;
    }
    url_record_t base_rec;
    url_init(&base_rec);
    url_init(rec);
    int r = has_base ? url_parse(ctx, bs, bl, NULL, &base_rec, URL_NO_OVERRIDE) : URL_OK;
    if (r == URL_OK)
        r = url_parse(ctx, us, ul, has_base ? &base_rec : NULL, rec, URL_NO_OVERRIDE);
    url_free(&base_rec);
    JS_FreeCString(ctx, us);
    JS_FreeCString(ctx, bs);
    if (r)
        url_free(rec);
    return r;
}

/* A URL object holding rec (taken), with its URLSearchParams. */
static JSValue url_wrap(JSContext *ctx, JSValueConst new_target, url_record_t *rec)
{
    JSValue obj = JS_IsUndefined(new_target) ? JS_NewObjectClass(ctx, (int)url_class)
                                             : web_new_instance(ctx, new_target, url_class);
    url_object_t *u = JS_IsException(obj) ? NULL : calloc(1, sizeof *u);
    if (!u) {
        url_free(rec);
        if (JS_IsException(obj))
            return obj;
        JS_FreeValue(ctx, obj);
        return JS_ThrowOutOfMemory(ctx);
    }
    u->record = *rec;
    u->params = JS_UNDEFINED;
    JS_SetOpaque(obj, u); /* the finalizer owns it now */
    params_t *q;
    JSValue params = params_new(ctx, JS_UNDEFINED, &q);
    if (JS_IsException(params)) {
        JS_FreeValue(ctx, obj);
        return params;
    }
    u->params = params;
    params_set_owner(q, u);
    if (params_reset(q, &u->record)) {
        JS_FreeValue(ctx, obj);
        return JS_ThrowOutOfMemory(ctx);
    }
    return obj;
}

/* constructor(USVString url, optional USVString base) */
static JSValue url_construct(JSContext *ctx, JSValueConst new_target, int argc, JSValueConst *argv)
{
    url_record_t rec;
    if (web_require_args(ctx, argc, 1, "URL"))
        return JS_EXCEPTION;
    bool has_base = argc > 1 && !JS_IsUndefined(argv[1]);
    int r = parse_with_base(ctx, argv[0], has_base ? argv[1] : JS_UNDEFINED, has_base, &rec);
    if (r)
        return url_error(ctx, r, "Invalid URL");
    return url_wrap(ctx, new_target, &rec);
}

/* magic 0: URL.canParse, 1: URL.parse */
static JSValue url_static_parse(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                                int magic)
{
    (void)this_val;
    url_record_t rec;
    if (web_require_args(ctx, argc, 1, magic ? "URL.parse" : "URL.canParse"))
        return JS_EXCEPTION;
    bool has_base = argc > 1 && !JS_IsUndefined(argv[1]);
    int r = parse_with_base(ctx, argv[0], has_base ? argv[1] : JS_UNDEFINED, has_base, &rec);
    if (r == URL_ERROR)
        return url_error(ctx, r, "");
    if (!magic) {
        if (r == URL_OK)
            url_free(&rec);
        return JS_NewBool(ctx, r == URL_OK);
    }
    return r == URL_OK ? url_wrap(ctx, JS_UNDEFINED, &rec) : JS_NULL;
}

static url_object_t *this_url(JSContext *ctx, JSValueConst v)
{
    return JS_GetOpaque2(ctx, v, url_class);
}

enum { A_HREF, A_ORIGIN, A_PROTOCOL, A_USERNAME, A_PASSWORD, A_HOST, A_HOSTNAME, A_PORT,
       A_PATHNAME, A_SEARCH, A_HASH };

static JSValue url_get(JSContext *ctx, JSValueConst this_val, int magic)
{
    url_object_t *o = this_url(ctx, this_val);
    if (!o)
        return JS_EXCEPTION;
    const url_record_t *u = &o->record;
    url_str_t s = { 0 };
    int r = 0;
    switch (magic) {
    case A_HREF:
        r = url_href(u, &s, false);
        break;
    case A_ORIGIN:
        r = url_origin(ctx, u, &s);
        break;
    case A_PROTOCOL:
        r = url_str_set(&s, u->scheme.p ? u->scheme.p : "", u->scheme.len) | url_str_append(&s, ":", 1);
        break;
    case A_USERNAME:
        return new_string(ctx, &u->username);
    case A_PASSWORD:
        return new_string(ctx, &u->password);
    case A_HOST:
    case A_HOSTNAME:
        if (!u->has_host)
            return JS_NewString(ctx, "");
        r = url_str_set(&s, u->host.p ? u->host.p : "", u->host.len);
        if (magic == A_HOST && u->port >= 0) {
            char port[8];
            r |= url_str_append(&s, port, (size_t)snprintf(port, sizeof port, ":%d", (int)u->port));
        }
        break;
    case A_PORT:
        if (u->port < 0)
            return JS_NewString(ctx, "");
        return JS_ToString(ctx, JS_NewInt32(ctx, u->port));
    case A_PATHNAME:
        return new_string(ctx, &u->path);
    case A_SEARCH:
    case A_HASH: {
        const url_str_t *part = magic == A_SEARCH ? &u->query : &u->fragment;
        bool has = magic == A_SEARCH ? u->has_query : u->has_fragment;
        if (!has || part->len == 0)
            return JS_NewString(ctx, "");
        r = url_str_set(&s, magic == A_SEARCH ? "?" : "#", 1) | url_str_append(&s, part->p, part->len);
        break;
    }
    }
    JSValue v = r ? url_error(ctx, r, "") : new_string(ctx, &s);
    url_str_free(&s);
    return v;
}

/* Runs the basic URL parser with a state override on a copy of the URL's
 * record. The copy is kept when the parse fails too: the standard's parser
 * changes the URL as it goes, so "example.com:x" sets the host and then
 * fails on the port. Only running out of memory leaves the URL as it was. */
static int set_with_override(JSContext *ctx, url_object_t *o, const char *s, size_t len,
                             url_state_t state, void (*prepare)(url_record_t *))
{
    url_record_t copy;
    int r = url_copy(&copy, &o->record);
    if (r == URL_OK) {
        if (prepare)
            prepare(&copy);
        r = url_parse(ctx, s, len, NULL, &copy, state);
    }
    if (r != URL_ERROR) {
        url_free(&o->record);
        o->record = copy;
    } else {
        url_free(&copy);
    }
    return r;
}

static void start_empty_query(url_record_t *u)
{
    u->has_query = true;
    u->query.len = 0;
}

static void start_empty_fragment(url_record_t *u)
{
    u->has_fragment = true;
    u->fragment.len = 0;
}

static JSValue url_set(JSContext *ctx, JSValueConst this_val, JSValueConst value, int magic)
{
    url_object_t *o = this_url(ctx, this_val);
    if (!o)
        return JS_EXCEPTION;
    size_t len;
    const char *s = bi_to_usv_string(ctx, value, &len);
    if (!s)
        return JS_EXCEPTION;
    url_record_t *u = &o->record;
    params_t *q = params_of(o->params);
    int r = URL_OK;
    switch (magic) {
    case A_HREF: {
        url_record_t rec;
        url_init(&rec);
        r = url_parse(ctx, s, len, NULL, &rec, URL_NO_OVERRIDE);
        if (r == URL_OK) {
            url_free(u);
            *u = rec;
            r = params_reset(q, u) ? URL_ERROR : URL_OK;
        }
        break;
    }
    case A_PROTOCOL: {
        url_str_t with_colon = { 0 };
        r = url_str_set(&with_colon, s, len) | url_str_append(&with_colon, ":", 1);
        if (r == URL_OK)
            r = set_with_override(ctx, o, with_colon.p, with_colon.len, URL_SCHEME_START, NULL);
        url_str_free(&with_colon);
        break;
    }
    case A_USERNAME:
    case A_PASSWORD:
        if (!url_cannot_have_credentials(u)) {
            url_str_t *target = magic == A_USERNAME ? &u->username : &u->password;
            target->len = 0;
            r = url_percent_encode(target, s, len, PE_USERINFO, false);
        }
        break;
    case A_HOST:
    case A_HOSTNAME:
        if (!u->opaque_path)
            r = set_with_override(ctx, o, s, len, magic == A_HOST ? URL_HOST : URL_HOSTNAME, NULL);
        break;
    case A_PORT:
        if (url_cannot_have_credentials(u))
            break;
        if (len == 0)
            u->port = -1;
        else
            r = set_with_override(ctx, o, s, len, URL_PORT, NULL);
        break;
    case A_PATHNAME:
        if (!u->opaque_path)
            r = set_with_override(ctx, o, s, len, URL_PATH_START, url_clear_path);
        break;
    case A_SEARCH:
        if (len == 0) {
            u->has_query = false;
            u->query.len = 0;
            params_clear(q);
            url_strip_trailing_spaces(u);
            break;
        }
        r = set_with_override(ctx, o, s + (s[0] == '?'), len - (s[0] == '?'), URL_QUERY,
                              start_empty_query);
        if (r == URL_OK)
            r = params_reset(q, &o->record) ? URL_ERROR : URL_OK;
        break;
    case A_HASH:
        if (len == 0) {
            u->has_fragment = false;
            u->fragment.len = 0;
            url_strip_trailing_spaces(u);
            break;
        }
        r = set_with_override(ctx, o, s + (s[0] == '#'), len - (s[0] == '#'), URL_FRAGMENT,
                              start_empty_fragment);
        break;
    }
    JS_FreeCString(ctx, s);
    /* only href throws for an invalid value; the other setters ignore it */
    if (r == URL_ERROR || (r == URL_FAILURE && magic == A_HREF))
        return url_error(ctx, r, "Invalid URL");
    return JS_UNDEFINED;
}

static JSValue url_search_params(JSContext *ctx, JSValueConst this_val)
{
    url_object_t *o = this_url(ctx, this_val);
    return o ? JS_DupValue(ctx, o->params) : JS_EXCEPTION;
}

static JSValue url_to_string(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)argc; (void)argv;
    return url_get(ctx, this_val, A_HREF);
}

/* ---- installing --------------------------------------------------------------------------- */

#define URL_ATTR(name, magic) WEB_GETSET_MAGIC(name, url_get, url_set, magic)

static const JSCFunctionListEntry url_proto[] = {
    URL_ATTR("href", A_HREF),
    WEB_GETSET_MAGIC("origin", url_get, NULL, A_ORIGIN),
    URL_ATTR("protocol", A_PROTOCOL),
    URL_ATTR("username", A_USERNAME),
    URL_ATTR("password", A_PASSWORD),
    URL_ATTR("host", A_HOST),
    URL_ATTR("hostname", A_HOSTNAME),
    URL_ATTR("port", A_PORT),
    URL_ATTR("pathname", A_PATHNAME),
    URL_ATTR("search", A_SEARCH),
    WEB_GETSET("searchParams", url_search_params, NULL),
    URL_ATTR("hash", A_HASH),
    WEB_FUNC("toJSON", 0, url_to_string),
    WEB_FUNC("toString", 0, url_to_string),
    WEB_TAG("URL"),
};

static const JSCFunctionListEntry url_static[] = {
    WEB_FUNC_MAGIC("canParse", 1, url_static_parse, 0),
    WEB_FUNC_MAGIC("parse", 1, url_static_parse, 1),
};
int web_url_install(JSContext *ctx)
{
    if (url_host_init(ctx))
        return -1;
    web_interface_t url = {
        .name = "URL", .class_id = &url_class, .class_def = &url_def,
        .constructor = url_construct, .length = 1,
        .proto_funcs = url_proto, .proto_count = WEB_COUNT(url_proto),
        .static_funcs = url_static, .static_count = WEB_COUNT(url_static),
    };
    if (web_define_interface(ctx, &url, JS_UNDEFINED, NULL))
        return -1;
    return web_url_params_install(ctx);
}
