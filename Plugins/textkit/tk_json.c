/*
 * textkit's JSON: a growable output buffer and a reader for flat input objects.
 */
#include "textkit_internal.h"

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

/* ---- A tiny JSON reader for flat input objects ------------------------------------------ */
/*
 * Why hand-written: the plugin must stay pure C99 with no dependencies, and its inputs are flat
 * objects of a string or an integer. The reader finds one member by key; nested values are
 * skipped (balanced), strings are unescaped including \uXXXX surrogate pairs.
 */

typedef struct tk_reader {
    const char *at;
    const char *end;
} tk_reader;

static void tk_skip_space(tk_reader *reader) {
    while (reader->at < reader->end &&
           (*reader->at == ' ' || *reader->at == '\n' || *reader->at == '\r' || *reader->at == '\t'))
        reader->at++;
}

static void tk_put_utf8(tk_buffer *buffer, unsigned long code) {
    char bytes[4];
    size_t count;
    if (code < 0x80) { bytes[0] = (char)code; count = 1; }
    else if (code < 0x800) { bytes[0] = (char)(0xC0 | (code >> 6)); bytes[1] = (char)(0x80 | (code & 0x3F)); count = 2; }
    else if (code < 0x10000) {
        bytes[0] = (char)(0xE0 | (code >> 12)); bytes[1] = (char)(0x80 | ((code >> 6) & 0x3F));
        bytes[2] = (char)(0x80 | (code & 0x3F)); count = 3;
    } else {
        bytes[0] = (char)(0xF0 | (code >> 18)); bytes[1] = (char)(0x80 | ((code >> 12) & 0x3F));
        bytes[2] = (char)(0x80 | ((code >> 6) & 0x3F)); bytes[3] = (char)(0x80 | (code & 0x3F)); count = 4;
    }
    tk_append(buffer, bytes, count);
}

static int tk_read_hex4(tk_reader *reader, unsigned long *code) {
    if (reader->end - reader->at < 4) return 0;
    unsigned long value = 0;
    for (int i = 0; i < 4; i++) {
        char c = *reader->at++;
        value <<= 4;
        if (c >= '0' && c <= '9') value |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f') value |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') value |= (unsigned long)(c - 'A' + 10);
        else return 0;
    }
    *code = value;
    return 1;
}

/* Reads a string at `reader` (positioned on the opening quote). `out` may be NULL to skip. */
static int tk_read_string(tk_reader *reader, tk_buffer *out) {
    tk_buffer ignored = {0};
    tk_buffer *sink = out ? out : &ignored;
    if (reader->at >= reader->end || *reader->at != '"') return 0;
    reader->at++;
    while (reader->at < reader->end) {
        char c = *reader->at++;
        if (c == '"') {
            free(ignored.bytes);
            return !sink->failed;
        }
        if (c != '\\') {
            if (out) tk_append(out, &c, 1);
            continue;
        }
        if (reader->at >= reader->end) break;
        char escape = *reader->at++;
        char plain = 0;
        switch (escape) {
        case '"': plain = '"'; break;
        case '\\': plain = '\\'; break;
        case '/': plain = '/'; break;
        case 'b': plain = '\b'; break;
        case 'f': plain = '\f'; break;
        case 'n': plain = '\n'; break;
        case 'r': plain = '\r'; break;
        case 't': plain = '\t'; break;
        case 'u': {
            unsigned long code;
            if (!tk_read_hex4(reader, &code)) goto malformed;
            if (code >= 0xD800 && code < 0xDC00 && reader->end - reader->at >= 6 && reader->at[0] == '\\' &&
                reader->at[1] == 'u') {
                unsigned long low;
                reader->at += 2;
                if (!tk_read_hex4(reader, &low) || low < 0xDC00 || low > 0xDFFF) goto malformed;
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            }
            if (out) tk_put_utf8(out, code);
            continue;
        }
        default: goto malformed;
        }
        if (out) tk_append(out, &plain, 1);
    }
malformed:
    free(ignored.bytes);
    return 0;
}

/* Skips one value of any kind; returns 0 when malformed. */
static int tk_skip_value(tk_reader *reader) {
    tk_skip_space(reader);
    if (reader->at >= reader->end) return 0;
    char c = *reader->at;
    if (c == '"') return tk_read_string(reader, NULL);
    if (c == '{' || c == '[') {
        int depth = 0;
        while (reader->at < reader->end) {
            c = *reader->at;
            if (c == '"') {
                if (!tk_read_string(reader, NULL)) return 0;
                continue;
            }
            reader->at++;
            if (c == '{' || c == '[') depth++;
            else if (c == '}' || c == ']') {
                if (--depth == 0) return 1;
            }
        }
        return 0;
    }
    const char *start = reader->at;
    while (reader->at < reader->end && *reader->at != ',' && *reader->at != '}' && *reader->at != ' ' &&
           *reader->at != '\n' && *reader->at != '\r' && *reader->at != '\t')
        reader->at++;
    return reader->at > start;
}

/* Finds member `key` of the object in `json`. */
TK_INTERNAL tk_value tk_member(const uint8_t *json, uint64_t length, const char *key) {
    tk_value value = {TK_MISSING, NULL, 0, 0};
    tk_reader reader = {(const char *)json, (const char *)json + length};
    tk_skip_space(&reader);
    if (reader.at >= reader.end || *reader.at != '{') return (tk_value){TK_MALFORMED, NULL, 0, 0};
    reader.at++;
    tk_skip_space(&reader);
    if (reader.at < reader.end && *reader.at == '}') return value;
    for (;;) {
        tk_buffer name = {0};
        tk_skip_space(&reader);
        if (!tk_read_string(&reader, &name)) {
            free(name.bytes);
            return (tk_value){TK_MALFORMED, NULL, 0, 0};
        }
        int matches = name.length == strlen(key) && (name.length == 0 || memcmp(name.bytes, key, name.length) == 0);
        free(name.bytes);
        tk_skip_space(&reader);
        if (reader.at >= reader.end || *reader.at++ != ':') return (tk_value){TK_MALFORMED, NULL, 0, 0};
        tk_skip_space(&reader);
        if (matches && value.kind == TK_MISSING && reader.at < reader.end) {
            char c = *reader.at;
            if (c == '"') {
                tk_buffer text = {0};
                if (!tk_read_string(&reader, &text)) {
                    free(text.bytes);
                    return (tk_value){TK_MALFORMED, NULL, 0, 0};
                }
                tk_append(&text, "", 1); /* NUL */
                if (text.failed) return (tk_value){TK_MALFORMED, NULL, 0, 0};
                value = (tk_value){TK_STRING, text.bytes, text.length - 1, 0};
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                int negative = c == '-';
                if (negative) reader.at++;
                long long number = 0;
                int digits = 0;
                while (reader.at < reader.end && *reader.at >= '0' && *reader.at <= '9') {
                    if (number > 1000000000000LL) return (tk_value){TK_OTHER, NULL, 0, 0};
                    number = number * 10 + (*reader.at++ - '0');
                    digits++;
                }
                int fraction = reader.at < reader.end && (*reader.at == '.' || *reader.at == 'e' || *reader.at == 'E');
                if (!digits || fraction) {
                    value.kind = TK_OTHER;
                    if (!tk_skip_value(&reader)) return (tk_value){TK_MALFORMED, NULL, 0, 0};
                } else value = (tk_value){TK_INTEGER, NULL, 0, negative ? -number : number};
            } else {
                value.kind = TK_OTHER;
                if (!tk_skip_value(&reader)) return (tk_value){TK_MALFORMED, NULL, 0, 0};
            }
        } else if (!tk_skip_value(&reader)) {
            free(value.text);
            return (tk_value){TK_MALFORMED, NULL, 0, 0};
        }
        tk_skip_space(&reader);
        if (reader.at < reader.end && *reader.at == ',') {
            reader.at++;
            continue;
        }
        if (reader.at < reader.end && *reader.at == '}') return value;
        free(value.text);
        return (tk_value){TK_MALFORMED, NULL, 0, 0};
    }
}
