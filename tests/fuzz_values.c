/* fuzz_values.c - libFuzzer target for src/values.c. Every input is tried
 * both as MessagePack and as JSON text, and these invariants are checked
 * (any broken one calls abort()):
 *   MessagePack - nx_value_check never reads outside the input (ASan); when
 *     it accepts, nx_msgpack_to_json and nx_msgpack_to_jansson succeed, the
 *     input minus its last byte is a truncated value, and the JSON text
 *     converts back to MessagePack that converts to the same text again
 *     (only a key holding U+0000, which jansson cannot parse, may stop the
 *     trip); when it refuses, it gives a reason and neither converter
 *     produces anything.
 *   JSON - whatever nx_json_to_msgpack produces passes nx_value_check, and
 *     MessagePack -> JSON -> MessagePack gives the same bytes back; a
 *     failure comes with a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/values.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int condition)
{
    if (!condition)
        abort();
}

/* JSON text t (from nx_msgpack_to_json) survives JSON -> MessagePack ->
 * JSON unchanged. */
static void check_json_fixpoint(const char *t)
{
    uint8_t *mp = NULL;
    size_t len = 0;
    char err[256];
    if (nx_json_to_msgpack(t, strlen(t), &mp, &len, err, sizeof err) != NX_OK) {
        require(strstr(t, "\\u0000") != NULL); /* NUL in a key: jansson refuses */
        return;
    }
    require(nx_value_check(mp, len, NULL) == NX_OK);
    char *again = NULL;
    require(nx_msgpack_to_json(mp, len, &again) == NX_OK);
    require(strcmp(again, t) == 0);
    free(again);
    free(mp);
}

static void check_accepted_msgpack(const uint8_t *data, size_t size)
{
    char *json = NULL;
    require(nx_msgpack_to_json(data, size, &json) == NX_OK && json != NULL);
    json_t *tree = nx_msgpack_to_jansson(data, size);
    require(tree != NULL);
    json_decref(tree);

    /* One complete value needs all its bytes. */
    const char *why = NULL;
    require(nx_value_check(data, size - 1, &why) == NX_E_SERIALIZATION_ERROR);
    require(why != NULL && strcmp(why, "truncated value") == 0);

    uint8_t type = data[0];
    bool is_map = (type >= 0x80 && type <= 0x8f) || type == 0xde || type == 0xdf;
    require((nx_value_check_map(data, size, true, NULL) == NX_OK) == (is_map || type == 0xc0));

    check_json_fixpoint(json);
    free(json);
}

static void check_msgpack(const uint8_t *data, size_t size)
{
    const char *why = NULL;
    if (nx_value_check(data, size, &why) == NX_OK) {
        check_accepted_msgpack(data, size);
        return;
    }
    require(why != NULL && why[0] != '\0');
    char *json = (char *)"unchanged";
    require(nx_msgpack_to_json(data, size, &json) == NX_E_SERIALIZATION_ERROR && json == NULL);
    require(nx_msgpack_to_jansson(data, size) == NULL);
    require(nx_value_check_map(data, size, true, NULL) == NX_E_SERIALIZATION_ERROR);
}

static void check_json_text(const uint8_t *data, size_t size)
{
    uint8_t *mp = NULL;
    size_t len = 0;
    char err[256] = "";
    if (nx_json_to_msgpack((const char *)data, size, &mp, &len, err, sizeof err) != NX_OK) {
        require(mp == NULL && err[0] != '\0');
        return;
    }
    require(nx_value_check(mp, len, NULL) == NX_OK);
    char *json = NULL;
    require(nx_msgpack_to_json(mp, len, &json) == NX_OK);
    uint8_t *again = NULL;
    size_t again_len = 0;
    require(nx_json_to_msgpack(json, strlen(json), &again, &again_len, err, sizeof err) == NX_OK);
    require(again_len == len && memcmp(again, mp, len) == 0);
    free(again);
    free(json);
    free(mp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_msgpack(data, size);
    check_json_text(data, size);
    return 0;
}
