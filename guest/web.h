/* web.h - what the web-standard globals (web_*.c) share: WebIDL's shapes
 * (interfaces with a constructor and a prototype, enumerable operations
 * and attributes), argument conversions, DOMException, and UTF-8 text. */
#ifndef NEXUS_GUEST_WEB_H
#define NEXUS_GUEST_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "builtins.h"

/* WebIDL operations and attributes are enumerable (ECMAScript built-ins
 * are not): these mirror JS_CFUNC_DEF and JS_CGETSET_DEF with that flag. */
#define WEB_FUNC(name, length, fn)                                                      \
    { name, JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE | JS_PROP_ENUMERABLE, JS_DEF_CFUNC, 0, \
      .u = { .func = { length, JS_CFUNC_generic, { .generic = fn } } } }
#define WEB_FUNC_MAGIC(name, length, fn, magic)                                         \
    { name, JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE | JS_PROP_ENUMERABLE, JS_DEF_CFUNC, magic, \
      .u = { .func = { length, JS_CFUNC_generic_magic, { .generic_magic = fn } } } }
#define WEB_GETSET(name, fget, fset)                                                    \
    { name, JS_PROP_CONFIGURABLE | JS_PROP_ENUMERABLE, JS_DEF_CGETSET, 0,               \
      .u = { .getset = { .get = { .getter = fget }, .set = { .setter = fset } } } }
#define WEB_GETSET_MAGIC(name, fget, fset, magic)                                       \
    { name, JS_PROP_CONFIGURABLE | JS_PROP_ENUMERABLE, JS_DEF_CGETSET_MAGIC, magic,     \
      .u = { .getset = { .get = { .getter_magic = fget }, .set = { .setter_magic = fset } } } }
#define WEB_TAG(name) JS_PROP_STRING_DEF("[Symbol.toStringTag]", name, JS_PROP_CONFIGURABLE)

#define WEB_COUNT(list) (int)(sizeof(list) / sizeof((list)[0]))

typedef struct web_interface {
    const char *name;
    JSClassID *class_id;          /* set when class_def is given */
    const JSClassDef *class_def;  /* NULL: instances are plain objects */
    JSCFunction *constructor;     /* called with new.target as this_val */
    int length;
    const JSCFunctionListEntry *proto_funcs;
    int proto_count;
    const JSCFunctionListEntry *static_funcs;
    int static_count;
} web_interface_t;

/* Creates the interface (its class, prototype and constructor, which
 * throws unless called with new) and defines the constructor as a global
 * the way WebIDL does (writable, configurable, not enumerable). parent:
 * the prototype's prototype (JS_UNDEFINED for Object.prototype). Gives
 * the prototype in *proto when proto is not NULL. */
int web_define_interface(JSContext *ctx, const web_interface_t *iface, JSValueConst parent,
                         JSValue *proto);

/* An instance of class_id for the constructor new_target (its prototype
 * property, or the class's own prototype when that is not an object). */
JSValue web_new_instance(JSContext *ctx, JSValueConst new_target, JSClassID class_id);

/* Defines global operations (enumerable, as WebIDL's are). */
int web_define_globals(JSContext *ctx, const JSCFunctionListEntry *funcs, int count);

/* WebIDL: a TypeError unless at least need arguments were passed. */
int web_require_args(JSContext *ctx, int argc, int need, const char *what);

/* A dictionary argument: JS_UNDEFINED for undefined or null, a TypeError
 * for other non-objects, else the object itself (not duplicated). */
int web_dictionary(JSContext *ctx, JSValueConst v, const char *what);
/* ToBoolean(Get(dict, key)), false when dict is undefined or null. */
int web_dict_bool(JSContext *ctx, JSValueConst dict, const char *key, bool *out);

/* Throws a DOMException (web_misc.c) with this name and message. */
JSValue web_throw_dom(JSContext *ctx, const char *name, const char *message);

/* A new Uint8Array holding a copy of len bytes. */
JSValue web_new_uint8_array(JSContext *ctx, const uint8_t *bytes, size_t len);

/* The bytes an ArrayBuffer, SharedArrayBuffer or ArrayBufferView (typed
 * array or DataView) refers to; a detached one has none (*len 0). -1
 * with a TypeError for anything else. */
int web_buffer_source(JSContext *ctx, JSValueConst v, uint8_t **bytes, size_t *len);

/* Decodes bytes as UTF-8 into out (room for 3 * len bytes), each invalid
 * sequence becoming U+FFFD (web_text.c); returns the bytes written. */
size_t web_utf8_replace(const uint8_t *bytes, size_t len, uint8_t *out);

/* Appends code point c (no surrogates) to out as UTF-8; returns the bytes
 * written (1 to 4). */
size_t web_put_utf8(uint8_t *out, uint32_t c);

#endif
