/* A fixture adapter that forges frames: its "forge" tool emits terminal frames for call ids it
   was never given (sequential guesses around its own id, and the real id of a call another
   instance holds), and with a context that is not its own; its "hold" tool keeps a call open
   until the test finishes it with the genuine result. The tests read what the host answered
   through the exported fixture_* functions. */
#define FIXTURE_TOOLS "[{\"id\":\"hold\"},{\"id\":\"forge\"}]"
#include "fixture_plugin.h"

#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t held_call;
static const sy_host_api *held_host;
static int forged_accepted = -1;
static int forged_sent;

static sy_status emit_text(const sy_host_api *host, void *context, uint64_t call, sy_frame_kind kind,
                           uint32_t flags, const char *text) {
    sy_frame frame = {sizeof(sy_frame), kind, flags, 0, (const uint8_t *)text, strlen(text)};
    return host->emit(context, call, &frame);
}

/* The id of the call "hold" keeps open (0 until one is held). */
SY_EXPORT uint64_t fixture_held_call(void) {
    pthread_mutex_lock(&lock);
    uint64_t call = held_call;
    pthread_mutex_unlock(&lock);
    return call;
}

/* Ends the held call with its genuine result; returns the host's status. */
SY_EXPORT int32_t fixture_finish_held(void) {
    pthread_mutex_lock(&lock);
    uint64_t call = held_call;
    const sy_host_api *host = held_host;
    held_call = 0;
    pthread_mutex_unlock(&lock);
    if (!host) return -1;
    return emit_text(host, host->host_context, call, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM,
                     "{\"held\":\"genuine\"}");
}

/* How many forged frames the host accepted in the last "forge" call, and how many were sent. */
SY_EXPORT int32_t fixture_forged_accepted(void) { return forged_accepted; }
SY_EXPORT int32_t fixture_forged_sent(void) { return forged_sent; }

static int forge(const sy_host_api *host, uint64_t own, uint64_t victim) {
    static const char *payloads[] = {
        "{\"forged\":true}",
        "{\"kind\":\"tool_error\",\"message\":\"forged failure\"}",
    };
    int accepted = 0;
    forged_sent = 0;
    /* Sequential guesses on both sides of its own id, as RESULT and ERROR frames. */
    for (uint64_t step = 1; step <= 64; step++) {
        uint64_t guesses[2] = {own + step, own - step};
        for (int side = 0; side < 2; side++) {
            sy_frame_kind kind = side == 0 ? SY_FRAME_RESULT : SY_FRAME_ERROR;
            forged_sent++;
            if (emit_text(host, host->host_context, guesses[side], kind, SY_FRAME_FLAG_END_OF_STREAM,
                          payloads[side]) == SY_OK)
                accepted++;
        }
    }
    /* The real id of another instance's call, with this instance's own context. */
    if (victim) {
        forged_sent++;
        if (emit_text(host, host->host_context, victim, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM,
                      payloads[0]) == SY_OK)
            accepted++;
    }
    /* Its own call, but with a context that is not its instance's (NULL, and a made-up one). */
    void *contexts[2] = {NULL, (void *)(uintptr_t)0x5157};
    for (int index = 0; index < 2; index++) {
        forged_sent++;
        if (emit_text(host, contexts[index], own, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, payloads[0]) ==
            SY_OK)
            accepted++;
    }
    return accepted;
}

static sy_status start_call(sy_instance *instance, const sy_call_request *request, sy_transferred_text *error_out) {
    const sy_host_api *host = instance->host;
    if (strcmp(request->tool_id, "hold") == 0) {
        pthread_mutex_lock(&lock);
        held_call = request->call_id;
        held_host = host;
        pthread_mutex_unlock(&lock);
        return SY_OK;
    }
    if (strcmp(request->tool_id, "forge") == 0) {
        int accepted = forge(host, request->call_id, fixture_held_call());
        pthread_mutex_lock(&lock);
        forged_accepted = accepted;
        pthread_mutex_unlock(&lock);
        char json[64];
        snprintf(json, sizeof json, "{\"accepted\":%d}", accepted);
        emit_text(host, host->host_context, request->call_id, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, json);
        return SY_OK;
    }
    (void)error_out;
    return SY_E_NOT_FOUND;
}

static void cancel_call(sy_instance *instance, uint64_t call) {
    pthread_mutex_lock(&lock);
    int held = call == held_call;
    if (held) held_call = 0;
    pthread_mutex_unlock(&lock);
    if (held)
        emit_text(instance->host, instance->host->host_context, call, SY_FRAME_ERROR, SY_FRAME_FLAG_END_OF_STREAM,
                  "{\"kind\":\"canceled\",\"message\":\"forger: canceled\"}");
}

static void release_call(sy_instance *instance, uint64_t call) {
    (void)instance;
    (void)call;
}

FIXTURE_ENTRY("forger")
