/* result_serialize.c - a result as one document, in MessagePack or JSON
 * (nx_result_to_msgpack, nx_result_to_json). One walker describes the
 * document; two emitters write it, so the two forms cannot drift apart.
 *
 *   {status, returnValue, stateMutations:[{key, op, value}],
 *    events:[{name, payload}], viewCommands:[{componentId, type, args}],
 *    logs:[{level, message, timestamp}], suspension, pendingCalls:[...],
 *    error:{code, message, stack, line, column, sourceLine},
 *    metrics:{durationUs, compileUs, cacheHit, memoryBytes, hostCalls,
 *             suspensions, instructions, guestCpuUs}}
 */
#include <jansson.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#include "nexus.h"
#include "result/result.h"
#include "common/values.h"

typedef struct emitter emitter_t;
struct emitter {
    void (*map)(emitter_t *, size_t n);
    void (*array)(emitter_t *, size_t n);
    void (*end)(emitter_t *);               /* closes the innermost container */
    void (*str)(emitter_t *, const char *s);/* NULL: nil */
    void (*uint)(emitter_t *, uint64_t v);
    void (*real)(emitter_t *, double v);
    void (*boolean)(emitter_t *, bool v);
    void (*value)(emitter_t *, const uint8_t *mp, size_t len); /* NULL: nil */
    bool failed;
};

static void field_str(emitter_t *em, const char *k, const char *v) { em->str(em, k); em->str(em, v); }
static void field_uint(emitter_t *em, const char *k, uint64_t v) { em->str(em, k); em->uint(em, v); }
static void field_value(emitter_t *em, const char *k, const uint8_t *v, size_t n)
{
    em->str(em, k);
    em->value(em, v, n);
}

static const char *level_name(nx_log_level_t l)
{
    static const char *const names[] = { "debug", "info", "warn", "error" };
    return (unsigned)l < 4 ? names[l] : "info";
}

static void walk_call(emitter_t *em, const nx_suspension_t *s)
{
    em->map(em, 4);
    field_str(em, "id", s->id);
    field_str(em, "extension", s->extension);
    field_str(em, "method", s->method);
    field_value(em, "args", s->args, s->args_len);
    em->end(em);
}

static void walk_error(emitter_t *em, const nx_error_info_t *e)
{
    if (!e) {
        em->str(em, NULL);
        return;
    }
    em->map(em, 6);
    field_str(em, "code", nx_code_name(e->code));
    field_str(em, "message", e->message);
    field_str(em, "stack", e->stack);
    em->str(em, "line");
    if (e->line) em->uint(em, e->line); else em->str(em, NULL);
    em->str(em, "column");
    if (e->column) em->uint(em, e->column); else em->str(em, NULL);
    field_str(em, "sourceLine", e->source_line);
    em->end(em);
}

static void walk_metrics(emitter_t *em, const nx_metrics_t *m)
{
    em->map(em, 8);
    field_uint(em, "durationUs", m->duration_us);
    field_uint(em, "compileUs", m->compile_us);
    em->str(em, "cacheHit");
    em->boolean(em, m->cache_hit);
    field_uint(em, "memoryBytes", m->memory_bytes);
    field_uint(em, "hostCalls", m->host_calls);
    field_uint(em, "suspensions", m->suspensions);
    field_uint(em, "instructions", m->instructions);
    field_uint(em, "guestCpuUs", m->guest_cpu_us);
    em->end(em);
}

static void walk(emitter_t *em, const nx_result_t *r, bool with_metrics)
{
    size_t value_len;
    const uint8_t *value = nx_result_value(r, &value_len);
    em->map(em, with_metrics ? 10 : 9);
    field_str(em, "status", nx_status_name(nx_result_status(r)));
    field_value(em, "returnValue", value, value_len);

    em->str(em, "stateMutations");
    em->array(em, nx_result_mutation_count(r));
    for (size_t i = 0; i < nx_result_mutation_count(r); i++) {
        const nx_mutation_t *m = nx_result_mutation(r, i);
        em->map(em, 3);
        field_str(em, "key", m->key);
        field_str(em, "op", m->op == NX_MUTATION_SET ? "set" : "delete");
        field_value(em, "value", m->value, m->value_len);
        em->end(em);
    }
    em->end(em);

    em->str(em, "events");
    em->array(em, nx_result_event_count(r));
    for (size_t i = 0; i < nx_result_event_count(r); i++) {
        const nx_event_t *e = nx_result_event(r, i);
        em->map(em, 2);
        field_str(em, "name", e->name);
        field_value(em, "payload", e->payload, e->payload_len);
        em->end(em);
    }
    em->end(em);

    em->str(em, "viewCommands");
    em->array(em, nx_result_view_command_count(r));
    for (size_t i = 0; i < nx_result_view_command_count(r); i++) {
        const nx_view_command_t *v = nx_result_view_command(r, i);
        em->map(em, 3);
        field_str(em, "componentId", v->component_id);
        field_str(em, "type", v->type);
        field_value(em, "args", v->args, v->args_len);
        em->end(em);
    }
    em->end(em);

    em->str(em, "logs");
    em->array(em, nx_result_log_count(r));
    for (size_t i = 0; i < nx_result_log_count(r); i++) {
        const nx_log_t *l = nx_result_log(r, i);
        em->map(em, 3);
        field_str(em, "level", level_name(l->level));
        field_str(em, "message", l->message);
        em->str(em, "timestamp");
        em->real(em, l->timestamp_ms);
        em->end(em);
    }
    em->end(em);

    size_t pending = nx_result_suspension_count(r);
    em->str(em, "suspension");
    if (pending)
        walk_call(em, nx_result_suspension(r, 0));
    else
        em->str(em, NULL);
    em->str(em, "pendingCalls");
    em->array(em, pending);
    for (size_t i = 0; i < pending; i++)
        walk_call(em, nx_result_suspension(r, i));
    em->end(em);

    em->str(em, "error");
    walk_error(em, nx_result_error(r));
    if (with_metrics) {
        em->str(em, "metrics");
        walk_metrics(em, nx_result_metrics(r));
    }
    em->end(em);
}

/* ---- MessagePack emitter ------------------------------------------------------------ */

typedef struct mp_emitter {
    emitter_t base;
    msgpack_sbuffer sb;
    msgpack_packer pk;
} mp_emitter_t;

#define MP(em) (&((mp_emitter_t *)(em))->pk)

static void mp_map(emitter_t *em, size_t n) { msgpack_pack_map(MP(em), (uint32_t)n); }
static void mp_array(emitter_t *em, size_t n) { msgpack_pack_array(MP(em), (uint32_t)n); }
static void mp_end(emitter_t *em) { (void)em; }
static void mp_str(emitter_t *em, const char *s)
{
    if (s)
        msgpack_pack_str_with_body(MP(em), s, strlen(s));
    else
        msgpack_pack_nil(MP(em));
}
static void mp_uint(emitter_t *em, uint64_t v) { msgpack_pack_uint64(MP(em), v); }
static void mp_real(emitter_t *em, double v) { msgpack_pack_double(MP(em), v); }
static void mp_bool(emitter_t *em, bool v) { if (v) msgpack_pack_true(MP(em)); else msgpack_pack_false(MP(em)); }
static void mp_value(emitter_t *em, const uint8_t *v, size_t n)
{
    if (v && n)
        msgpack_sbuffer_write(&((mp_emitter_t *)em)->sb, (const char *)v, n);
    else
        msgpack_pack_nil(MP(em));
}

static nx_code_t to_msgpack(const nx_result_t *r, bool with_metrics, uint8_t **buf, size_t *len)
{
    if (!r || !buf || !len)
        return NX_E_INVALID_ARGUMENT;
    mp_emitter_t em = { .base = { mp_map, mp_array, mp_end, mp_str, mp_uint, mp_real, mp_bool, mp_value, false } };
    msgpack_sbuffer_init(&em.sb);
    msgpack_packer_init(&em.pk, &em.sb, msgpack_sbuffer_write);
    walk(&em.base, r, with_metrics);
    if (!em.sb.data) {
        msgpack_sbuffer_destroy(&em.sb);
        return NX_E_INTERNAL_ERROR;
    }
    *buf = (uint8_t *)em.sb.data;
    *len = em.sb.size;
    return NX_OK;
}

nx_code_t nx_result_to_msgpack(const nx_result_t *r, uint8_t **buf, size_t *len)
{
    return to_msgpack(r, true, buf, len);
}

/* Everything but metrics: what must match between a run and its replay. */
nx_code_t nx_result_outcome_msgpack(const nx_result_t *r, uint8_t **buf, size_t *len)
{
    return to_msgpack(r, false, buf, len);
}

/* ---- JSON emitter ---------------------------------------------------------------------- */

#define MAX_NESTING 8

typedef struct json_emitter {
    emitter_t base;
    json_t *stack[MAX_NESTING];
    int depth;
    json_t *root;
    char *key;          /* pending object key */
} json_emitter_t;

/* Adds v to the innermost container (or makes it the root). */
static void json_put(emitter_t *em, json_t *v)
{
    json_emitter_t *je = (json_emitter_t *)em;
    if (!v || em->failed) {
        /* after a failure nothing more is placed: a value must not be
         * taken for the key that failed */
        em->failed = true;
        json_decref(v);
        return;
    }
    json_t *top = je->depth ? je->stack[je->depth - 1] : NULL;
    if (!top) {
        je->root = v;
        return;
    }
    if (json_is_array(top)) {
        json_array_append_new(top, v);
    } else if (!je->key) {
        /* an object expects a key: this string is it */
        const char *key = json_string_value(v);
        je->key = key ? strdup(key) : NULL;
        if (!je->key)
            em->failed = true;
        json_decref(v);
    } else {
        if (json_object_set_new(top, je->key, v) != 0)
            em->failed = true;
        free(je->key);
        je->key = NULL;
    }
}

static void json_open(emitter_t *em, json_t *container)
{
    json_emitter_t *je = (json_emitter_t *)em;
    json_incref(container);
    json_put(em, container);
    if (je->depth == MAX_NESTING) {
        em->failed = true;
        json_decref(container);
        return;
    }
    je->stack[je->depth++] = container;
}

static void js_map(emitter_t *em, size_t n) { (void)n; json_open(em, json_object()); }
static void js_array(emitter_t *em, size_t n) { (void)n; json_open(em, json_array()); }
static void js_end(emitter_t *em)
{
    json_emitter_t *je = (json_emitter_t *)em;
    if (je->depth > 0)
        json_decref(je->stack[--je->depth]);
}
static void js_str(emitter_t *em, const char *s) { json_put(em, s ? json_string(s) : json_null()); }
static void js_uint(emitter_t *em, uint64_t v) { json_put(em, json_integer((json_int_t)v)); }
static void js_real(emitter_t *em, double v) { json_put(em, json_real(v)); }
static void js_bool(emitter_t *em, bool v) { json_put(em, json_boolean(v)); }
static void js_value(emitter_t *em, const uint8_t *v, size_t n)
{
    json_put(em, v && n ? nx_msgpack_to_jansson(v, n) : json_null());
}

nx_code_t nx_result_to_json(const nx_result_t *r, char **json)
{
    if (!r || !json)
        return NX_E_INVALID_ARGUMENT;
    json_emitter_t je = { .base = { js_map, js_array, js_end, js_str, js_uint, js_real, js_bool, js_value, false } };
    walk(&je.base, r, true);
    while (je.depth > 0)
        js_end(&je.base);
    free(je.key);
    char *text = !je.base.failed && je.root
                     ? json_dumps(je.root, JSON_COMPACT | JSON_REAL_PRECISION(17))
                     : NULL;
    json_decref(je.root);
    if (!text)
        return NX_E_INTERNAL_ERROR;
    *json = text;
    return NX_OK;
}
