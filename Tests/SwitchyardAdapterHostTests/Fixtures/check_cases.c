/*
 * Fixture for plugin check: one conformant tool and one protocol break per tool.
 *   echo                {"word": string} -> {"word": ...}; refuses anything shorter than a
 *                       member (so `{}`) with SY_E_INVALID_ARGUMENT: conformant
 *   terminal_then_fail  sends a RESULT, then returns SY_E_INTERNAL from start_call
 *   late_frames         answers in start_call; after release_call a thread emits twice more
 *   never_ends          returns SY_OK and never sends a terminal frame, ignores cancel
 */
#define _POSIX_C_SOURCE 200809L
#define FIXTURE_TOOLS \
    "[{\"id\":\"echo\",\"description\":\"echoes word\",\"input\":{\"type\":\"object\"," \
    "\"properties\":{\"word\":{\"type\":\"string\"}},\"required\":[\"word\"]},\"output\":{}}," \
    "{\"id\":\"terminal_then_fail\",\"description\":\"\",\"input\":{},\"output\":{}}," \
    "{\"id\":\"late_frames\",\"description\":\"\",\"input\":{},\"output\":{}}," \
    "{\"id\":\"never_ends\",\"description\":\"\",\"input\":{},\"output\":{}}]"
#include "fixture_plugin.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct late_emit {
    const sy_host_api *host;
    uint64_t call_id;
} late_emit;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t late_calls[16]; /* late_frames calls not yet released */

static void *emit_late(void *argument) {
    late_emit *late = argument;
    struct timespec pause = {0, 10 * 1000000L};
    nanosleep(&pause, NULL); /* release_call has returned by now */
    sy_emit_progress(late->host, late->call_id, "{\"late\":1}", 10);
    sy_emit_result(late->host, late->call_id, "{\"late\":2}", 10);
    free(late);
    return NULL;
}

static sy_status start_call(sy_instance *instance, const sy_call_request *request, sy_transferred_text *error_out) {
    const sy_host_api *host = instance->host;
    const char *tool = request->tool_id;
    if (strcmp(tool, "echo") == 0) {
        if (!strstr((const char *)request->input_json, "\"word\"")) {
            *error_out = sy_host_text(host, "echo: input field \"word\" is required");
            return SY_E_INVALID_ARGUMENT;
        }
        sy_emit_result(host, request->call_id, (const char *)request->input_json, request->input_json_length);
        return SY_OK;
    }
    if (strcmp(tool, "terminal_then_fail") == 0) {
        sy_emit_result(host, request->call_id, "{\"ok\":true}", 11);
        *error_out = sy_host_text(host, "terminal_then_fail: failing after the result");
        return SY_E_INTERNAL;
    }
    if (strcmp(tool, "late_frames") == 0) {
        pthread_mutex_lock(&lock);
        late_calls[request->call_id % 16] = request->call_id;
        pthread_mutex_unlock(&lock);
        sy_emit_result(host, request->call_id, "{\"ok\":true}", 11);
        return SY_OK;
    }
    if (strcmp(tool, "never_ends") == 0) return SY_OK;
    return SY_E_NOT_FOUND;
}

static void cancel_call(sy_instance *instance, uint64_t call_id) { (void)instance, (void)call_id; }

static void release_call(sy_instance *instance, uint64_t call_id) {
    pthread_mutex_lock(&lock);
    int late = late_calls[call_id % 16] == call_id;
    if (late) late_calls[call_id % 16] = 0;
    pthread_mutex_unlock(&lock);
    if (!late) return;
    late_emit *emit = malloc(sizeof *emit);
    if (!emit) return;
    emit->host = instance->host;
    emit->call_id = call_id;
    pthread_t thread;
    if (pthread_create(&thread, NULL, emit_late, emit) == 0) pthread_detach(thread);
    else free(emit);
}

FIXTURE_ENTRY("check_cases")
