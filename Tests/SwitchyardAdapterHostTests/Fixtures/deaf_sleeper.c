/*
 * Fixture for plugin check: one tool, "sleep" {"ms"}, that answers after ms on a thread of its
 * own and ignores cancel_call, so a canceled call does not end within the grace.
 */
#define _POSIX_C_SOURCE 200809L
#define FIXTURE_TOOLS \
    "[{\"id\":\"sleep\",\"description\":\"sleeps, deaf to cancel\",\"input\":{\"type\":\"object\"," \
    "\"properties\":{\"ms\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1500}},\"required\":[\"ms\"]},\"output\":{}}]"
#include "fixture_plugin.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct sleeper {
    const sy_host_api *host;
    uint64_t call_id;
    long ms;
} sleeper;

static void *sleep_then_answer(void *argument) {
    sleeper *call = argument;
    struct timespec pause = {call->ms / 1000, (call->ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
    sy_emit_result(call->host, call->call_id, "{\"slept\":true}", 14);
    free(call);
    return NULL;
}

static sy_status start_call(sy_instance *instance, const sy_call_request *request, sy_transferred_text *error_out) {
    const char *ms = strstr((const char *)request->input_json, "\"ms\":");
    if (!ms) {
        *error_out = sy_host_text(instance->host, "sleep: input field \"ms\" is required");
        return SY_E_INVALID_ARGUMENT;
    }
    sleeper *call = malloc(sizeof *call);
    if (!call) return SY_E_INTERNAL;
    call->host = instance->host;
    call->call_id = request->call_id;
    call->ms = strtol(ms + 5, NULL, 10);
    pthread_t thread;
    if (pthread_create(&thread, NULL, sleep_then_answer, call) != 0) {
        free(call);
        return SY_E_INTERNAL;
    }
    pthread_detach(thread);
    return SY_OK;
}

static void cancel_call(sy_instance *instance, uint64_t call_id) { (void)instance, (void)call_id; }
static void release_call(sy_instance *instance, uint64_t call_id) { (void)instance, (void)call_id; }

FIXTURE_ENTRY("deaf_sleeper")
