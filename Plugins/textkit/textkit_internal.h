/*
 * textkit's internal interface between its files: the output buffer and the input
 * members read with cJSON (tk_json.c) and the text tools (tk_text_tools.c), used by the hooks in textkit.c.
 * TK_INTERNAL keeps every one of these symbols out of the library's dynamic symbol table in
 * every build (SwiftPM's included), so the only export stays switchyard_adapter_entry.
 */
#ifndef TEXTKIT_INTERNAL_H
#define TEXTKIT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define TK_INTERNAL __attribute__((visibility("hidden")))
#else
#define TK_INTERNAL
#endif

/* ---- Growable byte buffer (output JSON) ---- */

typedef struct tk_buffer {
    char *bytes;
    size_t length;
    size_t capacity;
    int failed; /* out of memory: the content is unusable */
} tk_buffer;

void tk_append(tk_buffer *buffer, const char *bytes, size_t length);
void tk_append_text(tk_buffer *buffer, const char *text);
void tk_append_int(tk_buffer *buffer, long long value);
void tk_append_quoted(tk_buffer *buffer, const char *text, size_t length);

/* ---- Input: one member of the input object (read with cJSON) ---- */

typedef enum { TK_MISSING, TK_STRING, TK_INTEGER, TK_OTHER, TK_MALFORMED } tk_kind;

typedef struct tk_value {
    tk_kind kind;
    char *text; /* TK_STRING: malloc'ed, NUL-terminated UTF-8 */
    size_t length;
    long long integer;
} tk_value;

/* Finds member `key` of the object in `json`. */
tk_value tk_member(const uint8_t *json, uint64_t length, const char *key);

/* ---- The text tools: each writes its output object to `out`. ---- */

void tk_upper(const tk_value *text, tk_buffer *out);
void tk_word_count(const tk_value *text, tk_buffer *out);
void tk_reverse(const tk_value *text, tk_buffer *out);
void tk_slugify(const tk_value *text, tk_buffer *out);

#endif /* TEXTKIT_INTERNAL_H */
