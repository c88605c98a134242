/*
 * What the plugin-check and header-kit fixtures share: an instance that keeps its host table,
 * create, describe (FIXTURE_TOOLS, a JSON array literal the fixture defines first), destroy, and
 * the entry function (FIXTURE_ENTRY(name)), each written with the header's kit.
 */
#ifndef FIXTURE_PLUGIN_H
#define FIXTURE_PLUGIN_H

#include <switchyard/adapter.h>

#include <stdlib.h>
#include <string.h>

struct sy_instance {
    const sy_host_api *host;
};

static sy_status fixture_create(const sy_host_api *host, sy_borrowed_bytes config, uint64_t length,
                                sy_instance **instance_out, sy_transferred_text *error_out) {
    (void)config, (void)length, (void)error_out;
    sy_instance *instance = calloc(1, sizeof *instance);
    if (!instance) return SY_E_INTERNAL;
    instance->host = host;
    *instance_out = instance;
    return SY_OK;
}

static sy_status fixture_describe(sy_instance *instance, sy_transferred_bytes *json_out, uint64_t *length_out,
                                  sy_transferred_text *error_out) {
    (void)error_out;
    static const char tools[] = FIXTURE_TOOLS;
    uint8_t *json = instance->host->alloc(instance->host->host_context, sizeof tools);
    if (!json) return SY_E_INTERNAL;
    memcpy(json, tools, sizeof tools);
    *json_out = json;
    *length_out = sizeof tools - 1;
    return SY_OK;
}

static void fixture_destroy(sy_instance *instance) { free(instance); }

/* The entry: the 1.0 handshake, then the fixture's start_call, cancel_call and release_call. */
#define FIXTURE_ENTRY(name)                                                                          \
    SY_EXPORT sy_status switchyard_adapter_entry(const sy_host_api *host, sy_adapter_api *api_out) {  \
        if (!host || !api_out) return SY_E_INVALID_ARGUMENT;                                         \
        if (host->abi_major != SY_ABI_VERSION_MAJOR) return SY_E_VERSION;                            \
        if (api_out->struct_size < sizeof(sy_adapter_api)) return SY_E_INVALID_ARGUMENT;             \
        uint32_t own_minor = SY_ABI_VERSION_MINOR;                                                   \
        api_out->abi_major = SY_ABI_VERSION_MAJOR;                                                   \
        api_out->abi_minor = host->abi_minor < own_minor ? host->abi_minor : own_minor;              \
        api_out->adapter_name = name;                                                                \
        api_out->adapter_version = "1.0.0";                                                          \
        api_out->create = fixture_create;                                                            \
        api_out->describe = fixture_describe;                                                        \
        api_out->start_call = start_call;                                                            \
        api_out->cancel_call = cancel_call;                                                          \
        api_out->release_call = release_call;                                                        \
        api_out->destroy = fixture_destroy;                                                          \
        return SY_OK;                                                                                \
    }

#endif /* FIXTURE_PLUGIN_H */
