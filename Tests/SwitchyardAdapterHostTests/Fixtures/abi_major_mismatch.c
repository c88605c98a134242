/* Fixture: an adapter that answers the handshake with ABI major 2. */
#include <switchyard/adapter.h>

__attribute__((visibility("default"))) sy_status switchyard_adapter_entry(const sy_host_api *host,
                                                                          sy_adapter_api *api_out) {
    (void)host;
    api_out->abi_major = 2;
    api_out->abi_minor = 0;
    api_out->adapter_name = "future";
    api_out->adapter_version = "2.0.0";
    return SY_OK;
}
