/*
 * textkit's text tools: upper, word_count, reverse and slugify over UTF-8 input.
 */
#include "textkit_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- The text tools ------------------------------------------------------------------- */

static size_t tk_utf8_sequence_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 1;
}

TK_INTERNAL void tk_upper(const tk_value *text, tk_buffer *out) {
    /* ASCII letters only: case mapping beyond ASCII needs Unicode tables this plugin leaves out. */
    for (size_t i = 0; i < text->length; i++) {
        char c = text->text[i];
        if (c >= 'a' && c <= 'z') text->text[i] = (char)(c - 'a' + 'A');
    }
    tk_append_text(out, "{\"text\":");
    tk_append_quoted(out, text->text, text->length);
    tk_append_text(out, "}");
}

TK_INTERNAL void tk_word_count(const tk_value *text, tk_buffer *out) {
    long long words = 0, chars = 0;
    int in_word = 0;
    for (size_t i = 0; i < text->length; i++) {
        unsigned char c = (unsigned char)text->text[i];
        if ((c & 0xC0) != 0x80) chars++;
        int space = c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v';
        if (!space && !in_word) words++;
        in_word = !space;
    }
    tk_append_text(out, "{\"chars\":");
    tk_append_int(out, chars);
    tk_append_text(out, ",\"words\":");
    tk_append_int(out, words);
    tk_append_text(out, "}");
}

TK_INTERNAL void tk_reverse(const tk_value *text, tk_buffer *out) {
    /* Reverses code points, not bytes, so the output stays valid UTF-8. */
    char *reversed = malloc(text->length + 1);
    if (!reversed) {
        out->failed = 1;
        return;
    }
    size_t write = text->length;
    for (size_t i = 0; i < text->length;) {
        size_t step = tk_utf8_sequence_length((unsigned char)text->text[i]);
        if (i + step > text->length) step = text->length - i;
        write -= step;
        memcpy(reversed + write, text->text + i, step);
        i += step;
    }
    tk_append_text(out, "{\"text\":");
    tk_append_quoted(out, reversed, text->length);
    tk_append_text(out, "}");
    free(reversed);
}

TK_INTERNAL void tk_slugify(const tk_value *text, tk_buffer *out) {
    /* Lower-case ASCII letters and digits; every other run of characters becomes one '-'. */
    char *slug = malloc(text->length + 1);
    if (!slug) {
        out->failed = 1;
        return;
    }
    size_t length = 0;
    int pending_dash = 0;
    for (size_t i = 0; i < text->length; i++) {
        char c = text->text[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (pending_dash && length > 0) slug[length++] = '-';
            pending_dash = 0;
            slug[length++] = c;
        } else pending_dash = 1;
    }
    tk_append_text(out, "{\"text\":");
    tk_append_quoted(out, slug, length);
    tk_append_text(out, "}");
    free(slug);
}
