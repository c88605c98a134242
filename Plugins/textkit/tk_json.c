/*
 * textkit's JSON: a growable output buffer, and members of the input object read with cJSON
 * (Debian: libcjson-dev; `pkg-config --cflags --libs libcjson`), a small, well-kept C parser,
 * instead of a reader of its own.
 */
#include "textkit_internal.h"

#include <cjson/cJSON.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Growable byte buffer (output JSON) ------------------------------------------------ */

static void tk_buffer_reserve(tk_buffer *buffer, size_t extra) {
    if (buffer->failed || buffer->length + extra <= buffer->capacity) return;
    size_t capacity = buffer->capacity ? buffer->capacity : 64;
    while (capacity < buffer->length + extra) capacity *= 2;
    char *grown = realloc(buffer->bytes, capacity);
    if (!grown) {
        buffer->failed = 1;
        return;
    }
    buffer->bytes = grown;
    buffer->capacity = capacity;
}

TK_INTERNAL void tk_append(tk_buffer *buffer, const char *bytes, size_t length) {
    tk_buffer_reserve(buffer, length);
    if (buffer->failed) return;
    memcpy(buffer->bytes + buffer->length, bytes, length);
    buffer->length += length;
}

TK_INTERNAL void tk_append_text(tk_buffer *buffer, const char *text) { tk_append(buffer, text, strlen(text)); }

TK_INTERNAL void tk_append_int(tk_buffer *buffer, long long value) {
    char digits[24];
    int at = (int)sizeof digits;
    unsigned long long magnitude = value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
    do {
        digits[--at] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (value < 0) digits[--at] = '-';
    tk_append(buffer, digits + at, sizeof digits - (size_t)at);
}

/* Appends `text` as a quoted JSON string. */
TK_INTERNAL void tk_append_quoted(tk_buffer *buffer, const char *text, size_t length) {
    static const char hex[] = "0123456789abcdef";
    tk_append(buffer, "\"", 1);
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"') tk_append(buffer, "\\\"", 2);
        else if (c == '\\') tk_append(buffer, "\\\\", 2);
        else if (c == '\n') tk_append(buffer, "\\n", 2);
        else if (c == '\r') tk_append(buffer, "\\r", 2);
        else if (c == '\t') tk_append(buffer, "\\t", 2);
        else if (c < 0x20) {
            char escape[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            tk_append(buffer, escape, 6);
        } else tk_append(buffer, (const char *)&c, 1);
    }
    tk_append(buffer, "\"", 1);
}

/* ---- Reading a member of the input object (cJSON) --------------------------------------- */

/* Integers the tools take stay well inside a double's exact range. */
#define TK_INTEGER_LIMIT 1e15

/* Finds member `key` of the object in `json` (its first occurrence, as a JSON reader would).
   The empty key only checks that `json` is an object (TK_MISSING then, else TK_MALFORMED). */
TK_INTERNAL tk_value tk_member(const uint8_t *json, uint64_t length, const char *key) {
    tk_value value = {TK_MISSING, NULL, 0, 0};
    cJSON *root = json ? cJSON_ParseWithLength((const char *)json, (size_t)length) : NULL;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return (tk_value){TK_MALFORMED, NULL, 0, 0};
    }
    const cJSON *member = key[0] ? cJSON_GetObjectItemCaseSensitive(root, key) : NULL;
    if (cJSON_IsString(member)) {
        size_t text_length = strlen(member->valuestring);
        char *text = malloc(text_length + 1);
        if (text) {
            memcpy(text, member->valuestring, text_length + 1);
            value = (tk_value){TK_STRING, text, text_length, 0};
        } else value.kind = TK_MALFORMED;
    } else if (cJSON_IsNumber(member)) {
        double number = member->valuedouble;
        if (number == floor(number) && fabs(number) <= TK_INTEGER_LIMIT) {
            value = (tk_value){TK_INTEGER, NULL, 0, (long long)number};
        } else value.kind = TK_OTHER;
    } else if (member) value.kind = TK_OTHER;
    cJSON_Delete(root);
    return value;
}
