/*
 * Fixture: a plugin written only with the header's kit (SY_EXPORT, sy_emit_*, sy_host_text),
 * built with -fvisibility=hidden. Tool "all" sends a PROGRESS, a LOG and a RESULT; tool "fail"
 * an ERROR whose message needs escaping; tool "refuse" fails start_call with error_out text.
 */
#include <switchyard/adapter.h>

#include <stdlib.h>
#include <string.h>

struct sy_instance {
    const sy_host_api *host;
};

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
    "[{\"id\":\"all\",\"description\":\"progress, log, result\",\"input\":{\"type\":\"object\"},"
    "\"output\":{\"type\":\"object\"}},"
    "{\"id\":\"fail\",\"description\":\"an error frame\",\"input\":{\"type\":\"object\"},\"output\":{}},"
    "{\"id\":\"refuse\",\"description\":\"start_call fails\",\"input\":{\"type\":\"object\"},\"output\":{}}]";

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
    const sy_host_api *host = instance->host;
    if (strcmp(request->tool_id, "all") == 0) {
        sy_emit_progress(host, request->call_id, "{\"step\":1}", 10);
        sy_emit_log(host, request->call_id, SY_LOG_INFO, "halfway", 7);
        sy_emit_result(host, request->call_id, "{\"done\":true}", 13);
        return SY_OK;
    }
    if (strcmp(request->tool_id, "fail") == 0) {
        sy_emit_error(host, request->call_id, SY_ERROR_KIND_INVALID_INPUT, "bad \"x\"\n\ttab\\ \x01 é");
        return SY_OK;
    }
    *error_out = sy_host_text(host, "refuse: no such thing");
    return SY_E_INVALID_ARGUMENT;
}

static void cancel_call(sy_instance *instance, uint64_t call_id) { (void)instance, (void)call_id; }
static void release_call(sy_instance *instance, uint64_t call_id) { (void)instance, (void)call_id; }
static void destroy(sy_instance *instance) { free(instance); }

SY_EXPORT sy_status switchyard_adapter_entry(const sy_host_api *host, sy_adapter_api *api_out) {
    if (!host || !api_out) return SY_E_INVALID_ARGUMENT;
    if (host->abi_major != SY_ABI_VERSION_MAJOR) return SY_E_VERSION;
    if (api_out->struct_size < sizeof(sy_adapter_api)) return SY_E_INVALID_ARGUMENT;
    api_out->abi_major = SY_ABI_VERSION_MAJOR;
    uint32_t own_minor = SY_ABI_VERSION_MINOR;
    api_out->abi_minor = host->abi_minor < own_minor ? host->abi_minor : own_minor;
    api_out->adapter_name = "kit_helpers";
    api_out->adapter_version = "1.0.0";
    api_out->create = create;
    api_out->describe = describe;
    api_out->start_call = start_call;
    api_out->cancel_call = cancel_call;
    api_out->release_call = release_call;
    api_out->destroy = destroy;
    return SY_OK;
}
