/* A fixture adapter that floods: "flood" emits 200,000 LOG and 200,000 PROGRESS frames inside
   start_call before its result; "long_error" fails with an 8 MB multi-line message; "long_log"
   logs one 1 MB line full of newlines and escapes. The host must bound what it keeps. */
#define FIXTURE_TOOLS "[{\"id\":\"flood\"},{\"id\":\"long_error\"},{\"id\":\"long_log\"}]"
#include "fixture_plugin.h"

#include <stdio.h>

static sy_status emit(const sy_host_api *host, uint64_t call, sy_frame_kind kind, uint32_t flags, const char *data,
                      uint64_t length) {
    return sy_emit_frame(host, call, kind, flags, SY_LOG_INFO, data, length);
}

/* `size` bytes of "line N\n" text (so the message spans many lines), NUL-terminated. */
static char *lines(size_t size) {
    char *text = malloc(size + 1);
    if (!text) return NULL;
    size_t at = 0;
    for (int line = 0; at < size; line++) {
        char piece[32];
        int length = snprintf(piece, sizeof piece, "line %d\n\t\x1b", line);
        for (int index = 0; index < length && at < size; index++) text[at++] = piece[index];
    }
    text[size] = 0;
    return text;
}

static sy_status start_call(sy_instance *instance, const sy_call_request *request, sy_transferred_text *error_out) {
    const sy_host_api *host = instance->host;
    uint64_t call = request->call_id;
    (void)error_out;
    if (strcmp(request->tool_id, "flood") == 0) {
        for (int index = 0; index < 200000; index++) {
            emit(host, call, SY_FRAME_LOG, 0, "flooding the host log", 21);
            emit(host, call, SY_FRAME_PROGRESS, 0, "{\"n\":1}", 7);
        }
        emit(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, "{\"done\":true}", 13);
        return SY_OK;
    }
    if (strcmp(request->tool_id, "long_error") == 0 || strcmp(request->tool_id, "long_log") == 0) {
        int error = strcmp(request->tool_id, "long_error") == 0;
        size_t size = error ? 8u << 20 : 1u << 20;
        char *text = lines(size);
        if (!text) return SY_E_INTERNAL;
        if (error) {
            static const char head[] = "{\"kind\":\"tool_error\",\"message\":\"";
            emit(host, call, SY_FRAME_ERROR, SY_FRAME_FLAG_MORE, head, sizeof head - 1);
            /* The JSON string spells the newlines, tabs and escapes as \n, \t and \u001b. */
            size_t line = 0;
            for (size_t at = 0; at < size; line++) {
                char piece[64];
                int length = snprintf(piece, sizeof piece, "line %06zu\\n\\t\\u001b", line % 1000000);
                emit(host, call, SY_FRAME_ERROR, SY_FRAME_FLAG_MORE, piece, (uint64_t)length);
                at += (size_t)length;
            }
            emit(host, call, SY_FRAME_ERROR, SY_FRAME_FLAG_END_OF_STREAM, "\"}", 2);
        } else {
            emit(host, call, SY_FRAME_LOG, 0, text, size);
            emit(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, "{\"logged\":true}", 15);
        }
        free(text);
        return SY_OK;
    }
    return SY_E_NOT_FOUND;
}

static void cancel_call(sy_instance *instance, uint64_t call) {
    (void)instance;
    (void)call;
}

static void release_call(sy_instance *instance, uint64_t call) {
    (void)instance;
    (void)call;
}

FIXTURE_ENTRY("flood")
