/* builtins.h - the ECMAScript library additions (through ES2025) and the
 * web-standard globals that QuickJS 2021-03-27 lacks, written in C against
 * QuickJS's API, and the helpers they share: the specification's abstract
 * operations (ToIntegerOrInfinity, LengthOfArrayLike, the iterator
 * protocol, NewPromiseCapability...) and the intrinsics captured before a
 * handler can touch anything.
 *
 * Built-ins call the captured intrinsics, never methods looked up on
 * objects a handler controls, except where the specification itself does
 * a lookup (a Set-like's has/keys, an iterator's next). They are installed
 * before the prelude freezes what a handler can reach (main.c). */
#ifndef NEXUS_GUEST_BUILTINS_H
#define NEXUS_GUEST_BUILTINS_H

#include <stdbool.h>
#include <stdint.h>

#include "quickjs.h"

/* Installs every addition in ctx. compiler is a context of the same runtime
 * that can compile source (ctx itself when it has eval): the few parts
 * written in JavaScript are compiled there and loaded into ctx. */
int builtins_install(JSContext *ctx, JSContext *compiler);

/* The areas, each in its own file. */
int builtins_array_install(JSContext *ctx, JSContext *compiler); /* builtins_array.c */
int builtins_typed_install(JSContext *ctx);   /* builtins_typed.c */
int builtins_object_install(JSContext *ctx);  /* builtins_object.c: Object, Map, String, Promise */
int builtins_set_install(JSContext *ctx);     /* builtins_set.c */
int web_misc_install(JSContext *ctx);         /* web_misc.c: DOMException, queueMicrotask */
int web_base64_install(JSContext *ctx);       /* web_base64.c */
int web_text_install(JSContext *ctx);         /* web_text.c */
int web_crypto_install(JSContext *ctx);       /* web_crypto.c */
int web_clone_install(JSContext *ctx);        /* web_clone.c */
int web_url_install(JSContext *ctx);          /* web_url_api.c */

/* Reseeds crypto's generator (web_crypto.c) for a new execution. */
void web_crypto_reseed(int64_t seed);

/* Added by patches/quickjs-modern.patch: an object's class id, 0 for any
 * other value. */
JSClassID JS_GetObjectClassID(JSValueConst v);

/* ---- intrinsics -------------------------------------------------------------- */

enum {
    TA_INT8, TA_UINT8, TA_UINT8C, TA_INT16, TA_UINT16, TA_INT32, TA_UINT32,
    TA_BIGINT64, TA_BIGUINT64, TA_FLOAT32, TA_FLOAT64, TA_KINDS
};

/* Captured once (builtins_install); the values are kept alive for the
 * life of the context, which is the life of the guest. */
typedef struct bi_intrinsics {
    JSValue object_ctor, reflect_apply;
    JSValue array_ctor, array_sort;
    JSValue map_ctor, map_get, map_set, map_entries, map_iter_next;
    JSValue set_ctor, set_has, set_add, set_delete, set_values, set_size, set_iter_next;
    JSValue promise_ctor;
    JSValue typed_ctor[TA_KINDS], typed_sort, array_buffer_ctor, dataview_ctor;
    JSValue dataview_buffer, dataview_offset, dataview_length;
    JSValue regexp_ctor, regexp_source;
    JSValue regexp_flag[7]; /* the getters of hasIndices, global... sticky */
    JSValue date_ctor, date_time;
    JSValue boolean_value, number_value, string_value, bigint_value;
    JSValue normalize, to_lower_case;
    JSValue error_ctors[8]; /* Error, EvalError, RangeError, ReferenceError,
                               SyntaxError, TypeError, URIError, AggregateError */
    JSValue symbol_iterator, symbol_async_iterator;
    JSAtom atom_length, atom_next, atom_done, atom_value, atom_return,
           atom_size, atom_has, atom_keys, atom_iterator, atom_async_iterator,
           atom_name, atom_message, atom_cause;
    JSClassID class_object, class_array, class_error, class_boolean, class_number,
              class_string, class_symbol, class_bigint, class_date, class_regexp,
              class_map, class_set, class_array_buffer, class_shared_array_buffer,
              class_dataview, class_typed[TA_KINDS];
} bi_intrinsics_t;

extern bi_intrinsics_t bi;

/* ---- abstract operations ------------------------------------------------------ */

#define BI_MAX_SAFE_INTEGER 9007199254740991.0
#define BI_MAX_ARRAY_LENGTH 4294967295.0

/* ToIntegerOrInfinity (NaN is 0, -0 is +0). */
int bi_to_integer(JSContext *ctx, double *out, JSValueConst v);
/* A relative index (at, with, slice...) resolved against len:
 * negative counts from the end. */
double bi_relative_index(double rel, int64_t len);
/* ToObject (TypeError for undefined and null). */
JSValue bi_to_object(JSContext *ctx, JSValueConst v);
/* LengthOfArrayLike. */
int bi_length_of(JSContext *ctx, int64_t *len, JSValueConst obj);
/* Get(obj, ToString(k)). */
JSValue bi_get_index(JSContext *ctx, JSValueConst obj, int64_t k);
/* CreateDataPropertyOrThrow(obj, ToString(k), v); v is consumed. */
int bi_define_index(JSContext *ctx, JSValueConst obj, int64_t k, JSValue v);
/* ArrayCreate(len) (RangeError beyond 2^32 - 1): an empty array the
 * caller fills from index 0 up. */
JSValue bi_array_create(JSContext *ctx, double len);
/* TypeError unless v is callable; what names it in the message. */
int bi_require_callable(JSContext *ctx, JSValueConst v, const char *what);
/* GetMethod(v, key): undefined for undefined or null, else a function. */
int bi_get_method(JSContext *ctx, JSValueConst v, JSAtom key, JSValue *method);
/* CreateDataPropertyOrThrow on a plain object with a C string key. */
int bi_define_str(JSContext *ctx, JSValueConst obj, const char *key, JSValue v);
/* Compiles source (a script whose value is a function) in compiler and
 * evaluates it in ctx. */
JSValue bi_compile(JSContext *ctx, JSContext *compiler, const char *source, size_t len);

/* ---- iterators ------------------------------------------------------------------ */

typedef struct bi_iter {
    JSValue obj, next;
} bi_iter_t;

#define BI_ITER_INIT { JS_UNDEFINED, JS_UNDEFINED }

/* GetIterator(obj, sync). */
int bi_iter_open(JSContext *ctx, bi_iter_t *it, JSValueConst obj);
/* GetIteratorFromMethod(obj, method). */
int bi_iter_from_method(JSContext *ctx, bi_iter_t *it, JSValueConst obj, JSValueConst method);
/* IteratorStepValue: 1 with *value, 0 when done, -1 with an exception. */
int bi_iter_step(JSContext *ctx, bi_iter_t *it, JSValue *value);
/* IteratorClose. With throwing, the pending exception is kept whatever
 * return does and -1 is returned; else -1 when return threw or answered a
 * non-object. */
int bi_iter_close(JSContext *ctx, bi_iter_t *it, bool throwing);
void bi_iter_free(JSContext *ctx, bi_iter_t *it);

/* ---- promises ---------------------------------------------------------------------- */

/* NewPromiseCapability(C): cap[0] promise, cap[1] resolve, cap[2] reject. */
int bi_new_promise_capability(JSContext *ctx, JSValueConst c, JSValue cap[3]);

/* ---- typed arrays ------------------------------------------------------------------- */

/* Its TA_* kind, or -1 when v is no typed array. */
int bi_typed_kind(JSValueConst v);
static inline bool bi_typed_is_bigint(int kind)
{
    return kind == TA_BIGINT64 || kind == TA_BIGUINT64;
}
/* ValidateTypedArray: TypeError unless a typed array whose buffer is not
 * detached. Gives its kind and length. */
int bi_typed_validate(JSContext *ctx, JSValueConst v, int *kind, int64_t *len);
/* Its length now: 0 once its buffer is detached. */
int64_t bi_typed_length(JSContext *ctx, JSValueConst v);
/* TypedArrayCreateSameType: a new typed array of this kind and length. */
JSValue bi_typed_create(JSContext *ctx, int kind, int64_t len);

/* ---- strings ------------------------------------------------------------------------ */

/* ToString(v) as UTF-8 with every lone surrogate replaced by U+FFFD (the
 * WebIDL USVString conversion). Free with JS_FreeCString. */
const char *bi_to_usv_string(JSContext *ctx, JSValueConst v, size_t *len);

#endif
