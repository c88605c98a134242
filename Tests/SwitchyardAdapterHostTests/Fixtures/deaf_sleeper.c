/*
 * Fixture for plugin check: one tool, "sleep" {"ms"}, that answers after ms on a thread of its
 * own and ignores cancel_call, so a canceled call does not end within the grace.
 */
#define _POSIX_C_SOURCE 200809L
#include <switchyard/adapter.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct sy_instance {
    const sy_host_api *host;
};

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

static sy_status create(const sy_host_api *host, sy_borrowed_bytes config, uint64_t length,
                        sy_instance **instance_out, sy_transferred_text *error_out) {
    (void)config, (void)length, (void)error_out;
    sy_instance *instance = calloc(1, sizeof *instance);
    if (!instance) return SY_E_INTERNAL;
    instance->host = host;
    *instance_out = instance;
    return SY_OK;
}

static const char tools[] =
    "[{\"id\":\"sleep\",\"description\":\"sleeps, deaf to cancel\",\"input\":{\"type\":\"object\","
    "\"properties\":{\"ms\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1500}},\"required\":[\"ms\"]},\"output\":{}}]";

static sy_status describe(sy_instance *instance, sy_transferred_bytes *json_out, uint64_t *length_out,
                          sy_transferred_text *error_out) {
    (void)error_out;
    uint8_t *json = instance->host->alloc(instance->host->host_context, sizeof tools);
    if (!json) return SY_E_INTERNAL;
    memcpy(json, tools, sizeof tools);
    *json_out = json;
    *length_out = sizeof tools - 1;
    return SY_OK;
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
static void destroy(sy_instance *instance) { free(instance); }

SY_EXPORT sy_status switchyard_adapter_entry(const sy_host_api *host, sy_adapter_api *api_out) {
    if (!host || !api_out) return SY_E_INVALID_ARGUMENT;
    if (host->abi_major != SY_ABI_VERSION_MAJOR) return SY_E_VERSION;
    if (api_out->struct_size < sizeof(sy_adapter_api)) return SY_E_INVALID_ARGUMENT;
    uint32_t own_minor = SY_ABI_VERSION_MINOR;
    api_out->abi_major = SY_ABI_VERSION_MAJOR;
    api_out->abi_minor = host->abi_minor < own_minor ? host->abi_minor : own_minor;
    api_out->adapter_name = "deaf_sleeper";
    api_out->adapter_version = "1.0.0";
    api_out->create = create;
    api_out->describe = describe;
    api_out->start_call = start_call;
    api_out->cancel_call = cancel_call;
    api_out->release_call = release_call;
    api_out->destroy = destroy;
    return SY_OK;
}
