/* web_url_params.c - URLSearchParams (WHATWG URL Standard): the list of
 * name-value pairs with its application/x-www-form-urlencoded parsing and
 * serialisation, its methods and iterators, kept in step with the URL it
 * belongs to (web_url_params.h). */
#include "web_url_params.h"

#include <stdlib.h>
#include <string.h>

#include "web.h"

static JSClassID params_class, params_iter_class;

typedef struct pair {
    char *name, *value; /* UTF-8, NUL-terminated */
    size_t name_len, value_len;
} pair_t;

struct params {
    pair_t *pairs;
    size_t count, cap;
    url_object_t *owner; /* the URL whose query this is, or NULL (weak:
                            the URL clears it when finalised) */
};

static JSValue new_string(JSContext *ctx, const url_str_t *s)
{
    return JS_NewStringLen(ctx, s->p ? s->p : "", s->len);
}

params_t *params_of(JSValueConst obj)
{
    return JS_GetOpaque(obj, params_class);
}

void params_set_owner(params_t *q, url_object_t *owner)
{
    q->owner = owner;
}

/* ---- the query list ----------------------------------------------------------------- */

static void pair_free(pair_t *p)
{
    free(p->name);
    free(p->value);
}

void params_clear(params_t *q)
{
    for (size_t i = 0; i < q->count; i++)
        pair_free(&q->pairs[i]);
    q->count = 0;
}

static char *dup_bytes(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

static int params_add(params_t *q, const char *name, size_t nl, const char *value, size_t vl)
{
    if (q->count == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 4;
        pair_t *p = realloc(q->pairs, cap * sizeof *p);
        if (!p)
            return -1;
        q->pairs = p;
        q->cap = cap;
    }
    pair_t pr = { dup_bytes(name, nl), dup_bytes(value, vl), nl, vl };
    if (!pr.name || !pr.value) {
        pair_free(&pr);
        return -1;
    }
    q->pairs[q->count++] = pr;
    return 0;
}

/* Percent-decodes (after + became space) and repairs bytes into UTF-8. */
static char *form_decode(const char *s, size_t len, size_t *out_len)
{
    char *bytes = dup_bytes(s, len);
    char *out = bytes ? malloc(len * 3 + 4) : NULL;
    if (out) {
        for (size_t i = 0; i < len; i++)
            if (bytes[i] == '+')
                bytes[i] = ' ';
        size_t n = url_percent_decode(bytes, len);
        *out_len = web_utf8_replace((const uint8_t *)bytes, n, (uint8_t *)out);
        out[*out_len] = '\0';
    }
    free(bytes);
    return out;
}

/* The application/x-www-form-urlencoded parser, appending to q. */
static int params_parse(params_t *q, const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '&')
            continue;
        const char *seq = s + start;
        size_t n = i - start, eq = n;
        start = i + 1;
        if (n == 0)
            continue;
        const char *e = memchr(seq, '=', n);
        if (e)
            eq = (size_t)(e - seq);
        size_t nl, vl;
        char *name = form_decode(seq, eq, &nl);
        char *value = form_decode(e ? seq + eq + 1 : "", e ? n - eq - 1 : 0, &vl);
        int r = name && value ? params_add(q, name, nl, value, vl) : -1;
        free(name);
        free(value);
        if (r)
            return -1;
    }
    return 0;
}

static int params_serialize(const params_t *q, url_str_t *out)
{
    int r = url_str_set(out, "", 0);
    for (size_t i = 0; i < q->count && r == 0; i++) {
        const pair_t *p = &q->pairs[i];
        if (i > 0)
            r |= url_str_append(out, "&", 1);
        r |= url_percent_encode(out, p->name, p->name_len, PE_FORM, true);
        r |= url_str_append(out, "=", 1);
        r |= url_percent_encode(out, p->value, p->value_len, PE_FORM, true);
    }
    return r;
}

/* The URLSearchParams "update" steps: the owner URL's query follows. */
static int params_update(params_t *q)
{
    if (!q->owner)
        return 0;
    url_record_t *u = &q->owner->record;
    url_str_t s = { 0 };
    if (params_serialize(q, &s)) {
        url_str_free(&s);
        return -1;
    }
    u->has_query = s.len > 0;
    int r = url_str_set(&u->query, s.p, s.len);
    if (!u->has_query)
        url_strip_trailing_spaces(u);
    url_str_free(&s);
    return r;
}

/* The list again from the URL's query (after the URL changed). */
int params_reset(params_t *q, const url_record_t *u)
{
    params_clear(q);
    return u->has_query ? params_parse(q, u->query.p ? u->query.p : "", u->query.len) : 0;
}

/* Reads UTF-8 as the UTF-16 code units it encodes, one at a time. */
typedef struct utf16_reader {
    const char *s;
    size_t len, i;
    uint32_t pending; /* the low surrogate of a pair, once the high one was read */
} utf16_reader_t;

/* The next code unit, or UINT32_MAX at the end. */
static uint32_t next_utf16_unit(utf16_reader_t *r)
{
    if (r->pending) {
        uint32_t unit = r->pending;
        r->pending = 0;
        return unit;
    }
    if (r->i >= r->len)
        return UINT32_MAX;
    uint8_t c = (uint8_t)r->s[r->i];
    size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    uint32_t cp = k == 1 ? c : k == 2 ? c & 0x1f : k == 3 ? c & 0x0f : c & 0x07;
    for (size_t x = 1; x < k && r->i + x < r->len; x++)
        cp = (cp << 6) | ((uint8_t)r->s[r->i + x] & 0x3f);
    r->i += k;
    if (cp < 0x10000)
        return cp;
    r->pending = 0xdc00 + ((cp - 0x10000) & 0x3ff);
    return 0xd800 + ((cp - 0x10000) >> 10);
}

/* Compares by UTF-16 code units, as the specification sorts. */
static int utf16_compare(const char *a, size_t al, const char *b, size_t bl)
{
    utf16_reader_t ra = { a, al, 0, 0 }, rb = { b, bl, 0, 0 };
    for (;;) {
        uint32_t ua = next_utf16_unit(&ra), ub = next_utf16_unit(&rb);
        if (ua == UINT32_MAX && ub == UINT32_MAX)
            return 0;
        if (ua == UINT32_MAX)
            return -1;
        if (ub == UINT32_MAX)
            return 1;
        if (ua != ub)
            return ua < ub ? -1 : 1;
    }
}

/* A stable merge sort of pairs by name. */
static void sort_pairs(pair_t *p, pair_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_pairs(p, tmp, h);
    sort_pairs(p + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = utf16_compare(p[j].name, p[j].name_len, p[i].name, p[i].name_len) < 0 ? p[j++] : p[i++];
    while (i < h)
        tmp[k++] = p[i++];
    while (j < n)
        tmp[k++] = p[j++];
    memcpy(p, tmp, n * sizeof *p);
}

/* ---- URLSearchParams ---------------------------------------------------------------------- */

static void params_finalizer(JSRuntime *rt, JSValue val)
{
    (void)rt;
    params_t *q = JS_GetOpaque(val, params_class);
    if (q) {
        params_clear(q);
        free(q->pairs);
        free(q);
    }
}

static const JSClassDef params_def = { .class_name = "URLSearchParams", .finalizer = params_finalizer };

JSValue params_new(JSContext *ctx, JSValueConst new_target, params_t **out)
{
    JSValue obj = JS_IsUndefined(new_target) ? JS_NewObjectClass(ctx, (int)params_class)
                                             : web_new_instance(ctx, new_target, params_class);
    params_t *q = JS_IsException(obj) ? NULL : calloc(1, sizeof *q);
    if (!q) {
        JS_FreeValue(ctx, obj);
        return JS_IsException(obj) ? obj : JS_ThrowOutOfMemory(ctx);
    }
    JS_SetOpaque(obj, q);
    *out = q;
    return obj;
}

/* Converts v to a USVString appended as a name or value. */
static char *usv(JSContext *ctx, JSValueConst v, size_t *len)
{
    const char *s = bi_to_usv_string(ctx, v, len);
    if (!s)
        return NULL;
    char *d = dup_bytes(s, *len);
    JS_FreeCString(ctx, s);
    if (!d)
        JS_ThrowOutOfMemory(ctx);
    return d;
}

static int add_converted(JSContext *ctx, params_t *q, JSValueConst name, JSValueConst value)
{
    size_t nl, vl;
    char *n = usv(ctx, name, &nl);
    char *v = n ? usv(ctx, value, &vl) : NULL;
    int r = v ? params_add(q, n, nl, v, vl) : -1;
    if (v && r)
        JS_ThrowOutOfMemory(ctx);
    free(n);
    free(v);
    return r;
}

/* init as sequence<sequence<USVString>>: pairs of exactly two. */
static int init_from_sequence(JSContext *ctx, params_t *q, JSValueConst init, JSValueConst method)
{
    bi_iter_t outer;
    if (bi_iter_from_method(ctx, &outer, init, method)) {
        bi_iter_free(ctx, &outer);
        return -1;
    }
    int r;
    JSValue item;
    while ((r = bi_iter_step(ctx, &outer, &item)) > 0) {
        JSValue parts[3] = { JS_UNDEFINED, JS_UNDEFINED, JS_UNDEFINED };
        int count = 0;
        bi_iter_t inner = BI_ITER_INIT;
        if (!JS_IsObject(item)) {
            JS_ThrowTypeError(ctx, "URLSearchParams: each pair must be a sequence");
            r = -1;
        } else if (bi_iter_open(ctx, &inner, item) == 0) {
            JSValue v;
            while ((r = bi_iter_step(ctx, &inner, &v)) > 0) {
                if (count < 3)
                    parts[count] = v;
                else
                    JS_FreeValue(ctx, v);
                count++;
            }
            if (r == 0 && count != 2) {
                JS_ThrowTypeError(ctx, "URLSearchParams: a pair must have exactly two items");
                r = -1;
            }
            if (r == 0)
                r = add_converted(ctx, q, parts[0], parts[1]);
        } else {
            r = -1;
        }
        bi_iter_free(ctx, &inner);
        for (int i = 0; i < 3; i++)
            JS_FreeValue(ctx, parts[i]);
        JS_FreeValue(ctx, item);
        if (r < 0)
            break;
    }
    bi_iter_free(ctx, &outer);
    return r < 0 ? -1 : 0;
}

/* init as record<USVString, USVString>: own enumerable keys, in order. */
static int init_from_record(JSContext *ctx, params_t *q, JSValueConst init)
{
    JSPropertyEnum *tab;
    uint32_t len;
    if (JS_GetOwnPropertyNames(ctx, &tab, &len, init, JS_GPN_STRING_MASK | JS_GPN_SYMBOL_MASK))
        return -1;
    int r = 0;
    for (uint32_t i = 0; i < len && r == 0; i++) {
        JSPropertyDescriptor d;
        int has = JS_GetOwnProperty(ctx, &d, init, tab[i].atom);
        if (has < 0) {
            r = -1;
            break;
        }
        if (!has)
            continue;
        JS_FreeValue(ctx, d.value);
        JS_FreeValue(ctx, d.getter);
        JS_FreeValue(ctx, d.setter);
        if (!(d.flags & JS_PROP_ENUMERABLE))
            continue;
        JSValue key = JS_AtomToValue(ctx, tab[i].atom);
        JSValue value = JS_GetProperty(ctx, init, tab[i].atom);
        r = JS_IsException(value) ? -1 : add_converted(ctx, q, key, value);
        JS_FreeValue(ctx, key);
        JS_FreeValue(ctx, value);
    }
    for (uint32_t i = 0; i < len; i++)
        JS_FreeAtom(ctx, tab[i].atom);
    js_free(ctx, tab);
    return r;
}

/* constructor(optional (sequence<sequence<USVString>> or record<USVString, USVString>
 *             or USVString) init = "") */
static JSValue params_construct(JSContext *ctx, JSValueConst new_target, int argc, JSValueConst *argv)
{
    params_t *q;
    JSValue obj = params_new(ctx, new_target, &q);
    if (JS_IsException(obj))
        return obj;
    JSValueConst init = argc > 0 ? argv[0] : JS_UNDEFINED;
    int r = 0;
    if (JS_IsObject(init)) {
        JSValue method;
        r = bi_get_method(ctx, init, bi.atom_iterator, &method);
        if (r == 0)
            r = JS_IsUndefined(method) ? init_from_record(ctx, q, init)
                                       : init_from_sequence(ctx, q, init, method);
        JS_FreeValue(ctx, method);
    } else if (!JS_IsUndefined(init)) {
        size_t len;
        const char *s = bi_to_usv_string(ctx, init, &len);
        if (!s) {
            r = -1;
        } else {
            size_t skip = len > 0 && s[0] == '?';
            r = params_parse(q, s + skip, len - skip);
            JS_FreeCString(ctx, s);
            if (r)
                JS_ThrowOutOfMemory(ctx);
        }
    }
    if (r) {
        JS_FreeValue(ctx, obj);
        return JS_EXCEPTION;
    }
    return obj;
}

static params_t *this_params(JSContext *ctx, JSValueConst v)
{
    return JS_GetOpaque2(ctx, v, params_class);
}

static JSValue params_size(JSContext *ctx, JSValueConst this_val)
{
    params_t *q = this_params(ctx, this_val);
    return q ? JS_NewInt64(ctx, (int64_t)q->count) : JS_EXCEPTION;
}

static JSValue updated(JSContext *ctx, params_t *q)
{
    return params_update(q) ? JS_ThrowOutOfMemory(ctx) : JS_UNDEFINED;
}

static JSValue params_append(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    params_t *q = this_params(ctx, this_val);
    if (!q || web_require_args(ctx, argc, 2, "URLSearchParams.append") ||
        add_converted(ctx, q, argv[0], argv[1]))
        return JS_EXCEPTION;
    return updated(ctx, q);
}

/* The name, and (has_value) the value, of delete and has. */
static int name_and_value(JSContext *ctx, int argc, JSValueConst *argv, const char *what,
                          char **name, size_t *nl, char **value, size_t *vl)
{
    *name = *value = NULL;
    if (web_require_args(ctx, argc, 1, what) || !(*name = usv(ctx, argv[0], nl)))
        return -1;
    if (argc > 1 && !JS_IsUndefined(argv[1]) && !(*value = usv(ctx, argv[1], vl))) {
        free(*name);
        return -1;
    }
    return 0;
}

static bool matches(const pair_t *p, const char *name, size_t nl, const char *value, size_t vl)
{
    return p->name_len == nl && memcmp(p->name, name, nl) == 0 &&
           (!value || (p->value_len == vl && memcmp(p->value, value, vl) == 0));
}

/* magic 0: delete, 1: has */
static JSValue params_delete_has(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                                 int magic)
{
    params_t *q = this_params(ctx, this_val);
    char *name, *value;
    size_t nl, vl = 0;
    if (!q || name_and_value(ctx, argc, argv, magic ? "URLSearchParams.has" : "URLSearchParams.delete",
                             &name, &nl, &value, &vl))
        return JS_EXCEPTION;
    bool found = false;
    size_t kept = 0;
    for (size_t i = 0; i < q->count; i++) {
        bool m = matches(&q->pairs[i], name, nl, value, vl);
        found = found || m;
        if (magic || !m)
            q->pairs[kept++] = q->pairs[i];
        else
            pair_free(&q->pairs[i]);
    }
    q->count = kept;
    free(name);
    free(value);
    return magic ? JS_NewBool(ctx, found) : updated(ctx, q);
}

/* magic 0: get, 1: getAll */
static JSValue params_get(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    params_t *q = this_params(ctx, this_val);
    size_t nl;
    char *name;
    if (!q || web_require_args(ctx, argc, 1, "URLSearchParams.get") || !(name = usv(ctx, argv[0], &nl)))
        return JS_EXCEPTION;
    JSValue r = magic ? JS_NewArray(ctx) : JS_NULL;
    uint32_t n = 0;
    for (size_t i = 0; i < q->count && !JS_IsException(r); i++) {
        if (!matches(&q->pairs[i], name, nl, NULL, 0))
            continue;
        JSValue v = JS_NewStringLen(ctx, q->pairs[i].value, q->pairs[i].value_len);
        if (!magic) {
            r = v;
            break;
        }
        if (JS_DefinePropertyValueUint32(ctx, r, n++, v, JS_PROP_C_W_E | JS_PROP_THROW) < 0) {
            JS_FreeValue(ctx, r);
            r = JS_EXCEPTION;
        }
    }
    free(name);
    return r;
}

static JSValue params_set(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    params_t *q = this_params(ctx, this_val);
    if (!q || web_require_args(ctx, argc, 2, "URLSearchParams.set"))
        return JS_EXCEPTION;
    size_t nl, vl;
    char *name = usv(ctx, argv[0], &nl);
    char *value = name ? usv(ctx, argv[1], &vl) : NULL;
    if (!value) {
        free(name);
        return JS_EXCEPTION;
    }
    size_t kept = 0;
    bool done = false;
    for (size_t i = 0; i < q->count; i++) {
        pair_t *p = &q->pairs[i];
        if (!matches(p, name, nl, NULL, 0)) {
            q->pairs[kept++] = *p;
        } else if (!done) {
            free(p->value);
            p->value = value;
            p->value_len = vl;
            value = NULL;
            q->pairs[kept++] = *p;
            done = true;
        } else {
            pair_free(p);
        }
    }
    q->count = kept;
    int r = done ? 0 : params_add(q, name, nl, value, vl);
    free(name);
    free(value);
    return r ? JS_ThrowOutOfMemory(ctx) : updated(ctx, q);
}

static JSValue params_sort(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)argc; (void)argv;
    params_t *q = this_params(ctx, this_val);
    if (!q)
        return JS_EXCEPTION;
    pair_t *tmp = malloc((q->count + 1) * sizeof *tmp);
    if (!tmp)
        return JS_ThrowOutOfMemory(ctx);
    sort_pairs(q->pairs, tmp, q->count);
    free(tmp);
    return updated(ctx, q);
}

static JSValue params_to_string(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)argc; (void)argv;
    params_t *q = this_params(ctx, this_val);
    if (!q)
        return JS_EXCEPTION;
    url_str_t s = { 0 };
    JSValue r = params_serialize(q, &s) ? JS_ThrowOutOfMemory(ctx) : new_string(ctx, &s);
    url_str_free(&s);
    return r;
}

static JSValue params_for_each(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    params_t *q = this_params(ctx, this_val);
    if (!q || web_require_args(ctx, argc, 1, "URLSearchParams.forEach") ||
        bi_require_callable(ctx, argv[0], "forEach's callback"))
        return JS_EXCEPTION;
    JSValueConst this_arg = argc > 1 ? argv[1] : JS_UNDEFINED;
    for (size_t i = 0; i < q->count; i++) { /* the list may change meanwhile */
        JSValue args[3] = { JS_NewStringLen(ctx, q->pairs[i].value, q->pairs[i].value_len),
                            JS_NewStringLen(ctx, q->pairs[i].name, q->pairs[i].name_len),
                            JS_DupValue(ctx, this_val) };
        JSValue r = JS_Call(ctx, argv[0], this_arg, 3, (JSValueConst *)args);
        for (int k = 0; k < 3; k++)
            JS_FreeValue(ctx, args[k]);
        if (JS_IsException(r))
            return r;
        JS_FreeValue(ctx, r);
    }
    return JS_UNDEFINED;
}

/* ---- URLSearchParams iterators ------------------------------------------------------------ */

enum { ITER_KEYS, ITER_VALUES, ITER_ENTRIES };

typedef struct params_iter {
    JSValue params;
    size_t index;
    int kind;
} params_iter_t;

static void params_iter_finalizer(JSRuntime *rt, JSValue val)
{
    params_iter_t *it = JS_GetOpaque(val, params_iter_class);
    if (it) {
        JS_FreeValueRT(rt, it->params);
        free(it);
    }
}

static void params_iter_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark)
{
    params_iter_t *it = JS_GetOpaque(val, params_iter_class);
    if (it)
        JS_MarkValue(rt, it->params, mark);
}

static const JSClassDef params_iter_def = {
    .class_name = "URLSearchParams Iterator", .finalizer = params_iter_finalizer, .gc_mark = params_iter_mark,
};

static JSValue params_iterate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                              int magic)
{
    (void)argc; (void)argv;
    if (!this_params(ctx, this_val))
        return JS_EXCEPTION;
    JSValue obj = JS_NewObjectClass(ctx, (int)params_iter_class);
    params_iter_t *it = JS_IsException(obj) ? NULL : calloc(1, sizeof *it);
    if (!it) {
        JS_FreeValue(ctx, obj);
        return JS_IsException(obj) ? obj : JS_ThrowOutOfMemory(ctx);
    }
    it->params = JS_DupValue(ctx, this_val);
    it->kind = magic;
    JS_SetOpaque(obj, it);
    return obj;
}

static JSValue iter_result(JSContext *ctx, JSValue value, bool done)
{
    JSValue r = JS_NewObject(ctx);
    if (JS_IsException(r) || bi_define_str(ctx, r, "value", value) ||
        bi_define_str(ctx, r, "done", JS_NewBool(ctx, done))) {
        JS_FreeValue(ctx, r);
        return JS_EXCEPTION;
    }
    return r;
}

static JSValue params_iter_next(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)argc; (void)argv;
    params_iter_t *it = JS_GetOpaque2(ctx, this_val, params_iter_class);
    if (!it)
        return JS_EXCEPTION;
    params_t *q = JS_GetOpaque(it->params, params_class);
    if (it->index >= q->count)
        return iter_result(ctx, JS_UNDEFINED, true);
    pair_t *p = &q->pairs[it->index++];
    JSValue name = JS_NewStringLen(ctx, p->name, p->name_len);
    JSValue value = JS_NewStringLen(ctx, p->value, p->value_len);
    if (it->kind == ITER_KEYS) {
        JS_FreeValue(ctx, value);
        return iter_result(ctx, name, false);
    }
    if (it->kind == ITER_VALUES) {
        JS_FreeValue(ctx, name);
        return iter_result(ctx, value, false);
    }
    JSValue entry = JS_NewArray(ctx);
    if (JS_IsException(entry) || JS_DefinePropertyValueUint32(ctx, entry, 0, name, JS_PROP_C_W_E) < 0 ||
        JS_DefinePropertyValueUint32(ctx, entry, 1, value, JS_PROP_C_W_E) < 0) {
        JS_FreeValue(ctx, entry);
        return JS_EXCEPTION;
    }
    return iter_result(ctx, entry, false);
}

/* ---- installing --------------------------------------------------------------------------- */

static const JSCFunctionListEntry params_proto[] = {
    WEB_GETSET("size", params_size, NULL),
    WEB_FUNC("append", 2, params_append),
    WEB_FUNC_MAGIC("delete", 1, params_delete_has, 0),
    WEB_FUNC_MAGIC("get", 1, params_get, 0),
    WEB_FUNC_MAGIC("getAll", 1, params_get, 1),
    WEB_FUNC_MAGIC("has", 1, params_delete_has, 1),
    WEB_FUNC("set", 2, params_set),
    WEB_FUNC("sort", 0, params_sort),
    WEB_FUNC_MAGIC("entries", 0, params_iterate, ITER_ENTRIES),
    WEB_FUNC("forEach", 1, params_for_each),
    WEB_FUNC_MAGIC("keys", 0, params_iterate, ITER_KEYS),
    WEB_FUNC_MAGIC("values", 0, params_iterate, ITER_VALUES),
    WEB_FUNC("toString", 0, params_to_string),
    JS_ALIAS_DEF("[Symbol.iterator]", "entries"),
    WEB_TAG("URLSearchParams"),
};

static const JSCFunctionListEntry params_iter_proto[] = {
    WEB_FUNC("next", 0, params_iter_next),
    WEB_TAG("URLSearchParams Iterator"),
};

/* %IteratorPrototype%, through an array iterator. */
static JSValue iterator_prototype(JSContext *ctx)
{
    JSValue array = JS_NewArray(ctx);
    JSValue method = JS_GetProperty(ctx, array, bi.atom_iterator);
    JSValue iter = JS_Call(ctx, method, array, 0, NULL);
    JSValue array_iter_proto = JS_GetPrototype(ctx, iter);
    JSValue proto = JS_GetPrototype(ctx, array_iter_proto);
    JS_FreeValue(ctx, array_iter_proto);
    JS_FreeValue(ctx, iter);
    JS_FreeValue(ctx, method);
    JS_FreeValue(ctx, array);
    return proto;
}
int web_url_params_install(JSContext *ctx)
{
    web_interface_t params = {
        .name = "URLSearchParams", .class_id = &params_class, .class_def = &params_def,
        .constructor = params_construct, .length = 0,
        .proto_funcs = params_proto, .proto_count = WEB_COUNT(params_proto),
    };
    if (web_define_interface(ctx, &params, JS_UNDEFINED, NULL))
        return -1;
    JS_NewClassID(&params_iter_class);
    if (JS_NewClass(JS_GetRuntime(ctx), params_iter_class, &params_iter_def) < 0)
        return -1;
    JSValue parent = iterator_prototype(ctx);
    JSValue proto = JS_IsObject(parent) ? JS_NewObjectProto(ctx, parent) : JS_EXCEPTION;
    JS_FreeValue(ctx, parent);
    if (JS_IsException(proto))
        return -1;
    JS_SetPropertyFunctionList(ctx, proto, params_iter_proto, WEB_COUNT(params_iter_proto));
    JS_SetClassProto(ctx, params_iter_class, proto);
    return 0;
}
