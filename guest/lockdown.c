/* lockdown.c - the prelude's freeze of every object a handler can reach
 * (lockdown.h). It walks prototypes, data values, getters and setters
 * from the roots and calls the intrinsic Object.freeze on each object
 * once.
 *
 * Why in C: walked in JavaScript, the visited Set and the key arrays and
 * descriptor objects of ~900 objects were alive at once at the walk's
 * peak, about 60 KiB of heap that set the snapshot's size though none of
 * it survives; here the visited set is a table of pointers. */
#include "lockdown.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct visited {
    uintptr_t *slots; /* open addressing, 0 = empty */
    size_t cap, count;
} visited_t;

static size_t slot_of(uintptr_t p, size_t cap)
{
    uint64_t h = (uint64_t)p * 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 32) & (cap - 1);
}

/* 1 when p was not there (now it is), 0 when it was, -1 out of memory. */
static int visit(visited_t *v, const void *ptr)
{
    uintptr_t p = (uintptr_t)ptr;
    if (2 * (v->count + 1) > v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 1024;
        uintptr_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t i = 0; i < v->cap; i++) {
            if (!v->slots[i])
                continue;
            size_t j = slot_of(v->slots[i], cap);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = v->slots[i];
        }
        free(v->slots);
        v->slots = slots;
        v->cap = cap;
    }
    size_t i = slot_of(p, v->cap);
    while (v->slots[i]) {
        if (v->slots[i] == p)
            return 0;
        i = (i + 1) & (v->cap - 1);
    }
    v->slots[i] = p;
    v->count++;
    return 1;
}

typedef struct stack {
    JSValue *items;
    size_t len, cap;
} stack_t;

/* Pushes v (consumed) when it is an object; -1 out of memory. */
static int push(JSContext *ctx, stack_t *s, JSValue v)
{
    if (!JS_IsObject(v)) {
        JS_FreeValue(ctx, v);
        return 0;
    }
    if (s->len == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        JSValue *items = realloc(s->items, cap * sizeof *items);
        if (!items) {
            JS_FreeValue(ctx, v);
            return -1;
        }
        s->items = items;
        s->cap = cap;
    }
    s->items[s->len++] = v;
    return 0;
}

/* Pushes the prototype and every own property's value, getter and setter. */
static int push_children(JSContext *ctx, stack_t *s, JSValueConst obj)
{
    JSValue proto = JS_GetPrototype(ctx, obj);
    if (JS_IsException(proto) || push(ctx, s, proto))
        return -1;
    JSPropertyEnum *tab;
    uint32_t len;
    if (JS_GetOwnPropertyNames(ctx, &tab, &len, obj, JS_GPN_STRING_MASK | JS_GPN_SYMBOL_MASK))
        return -1;
    int r = 0;
    for (uint32_t i = 0; i < len; i++) {
        JSPropertyDescriptor d;
        int has = r ? 0 : JS_GetOwnProperty(ctx, &d, obj, tab[i].atom);
        if (has < 0)
            r = -1;
        if (has > 0)
            r = push(ctx, s, d.value) | push(ctx, s, d.getter) | push(ctx, s, d.setter);
        JS_FreeAtom(ctx, tab[i].atom);
    }
    js_free(ctx, tab);
    return r;
}

static JSValue nat_lockdown(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc;
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue object_ctor = JS_GetPropertyStr(ctx, global, "Object");
    JSValue freeze = JS_GetPropertyStr(ctx, object_ctor, "freeze");
    JS_FreeValue(ctx, object_ctor);
    visited_t seen = { 0 };
    stack_t todo = { 0 };
    int r = JS_IsFunction(ctx, freeze) ? 0 : -1;
    int64_t n = 0;
    JSValue len = r ? JS_UNDEFINED : JS_GetPropertyStr(ctx, argv[1], "length");
    if (r == 0 && JS_ToInt64(ctx, &n, len) == 0) {
        for (int64_t i = 0; i < n && r == 0; i++) {
            JSValue skip = JS_GetPropertyUint32(ctx, argv[1], (uint32_t)i);
            r = JS_IsObject(skip) && visit(&seen, JS_VALUE_GET_PTR(skip)) < 0 ? -1 : 0;
            JS_FreeValue(ctx, skip);
        }
    } else {
        r = -1;
    }
    JS_FreeValue(ctx, len);
    len = r ? JS_UNDEFINED : JS_GetPropertyStr(ctx, argv[0], "length");
    if (r == 0 && JS_ToInt64(ctx, &n, len) == 0) {
        for (int64_t i = n - 1; i >= 0 && r == 0; i--)
            r = push(ctx, &todo, JS_GetPropertyUint32(ctx, argv[0], (uint32_t)i));
    } else {
        r = -1;
    }
    JS_FreeValue(ctx, len);
    while (r == 0 && todo.len > 0) {
        JSValue obj = todo.items[--todo.len];
        int fresh = visit(&seen, JS_VALUE_GET_PTR(obj));
        if (fresh < 0) {
            r = -1;
        } else if (fresh) {
            if (JS_VALUE_GET_PTR(obj) != JS_VALUE_GET_PTR(global)) {
                JSValue frozen = JS_Call(ctx, freeze, JS_UNDEFINED, 1, (JSValueConst *)&obj);
                r = JS_IsException(frozen) ? -1 : 0;
                JS_FreeValue(ctx, frozen);
            }
            if (r == 0)
                r = push_children(ctx, &todo, obj);
        }
        JS_FreeValue(ctx, obj);
    }
    while (todo.len > 0)
        JS_FreeValue(ctx, todo.items[--todo.len]);
    free(todo.items);
    free(seen.slots);
    JS_FreeValue(ctx, freeze);
    JS_FreeValue(ctx, global);
    if (r == 0)
        return JS_UNDEFINED;
    JSValue pending = JS_GetException(ctx);
    return JS_IsNull(pending) ? JS_ThrowOutOfMemory(ctx) : JS_Throw(ctx, pending);
}

JSValue lockdown_native(JSContext *ctx)
{
    return JS_NewCFunction(ctx, nat_lockdown, "lockdown", 2);
}
