import SwitchyardABI
import SwitchyardAdapterKit

/// The adapter's entry point: the kit's handshake, with the `ffi` hooks.
@_cdecl("switchyard_adapter_entry")
public func switchyardAdapterEntry(
    _ host: UnsafePointer<sy_host_api>?, _ apiOut: UnsafeMutablePointer<sy_adapter_api>?
) -> sy_status {
    AdapterEntry.handshake(host: host, apiOut: apiOut, hooks: FFIAdapterHooks.table)
}
