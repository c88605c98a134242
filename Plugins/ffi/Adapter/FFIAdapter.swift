import SwitchyardABI

/// The ABI version this adapter was written against.
private let adapterMajor: UInt32 = 1
private let adapterMinor: UInt32 = 0
/// The size of `sy_adapter_api` / `sy_host_api` in ABI 1.0: a reader of a smaller table could
/// not see every hook, so a smaller `struct_size` is malformed.
private let adapterTableSize = 80
private let hostTableSize = 56

/// The adapter's entry point: checks the host's ABI version and hands back the hooks.
///
/// Writes no byte of `api_out` past its `struct_size`, and leaves `struct_size` as found.
@_cdecl("switchyard_adapter_entry")
public func switchyardAdapterEntry(
    _ host: UnsafePointer<sy_host_api>?, _ apiOut: UnsafeMutablePointer<sy_adapter_api>?
) -> sy_status {
    guard let host, let apiOut else { return SY_E_INVALID_ARGUMENT }
    guard Int(host.pointee.struct_size) >= hostTableSize else { return SY_E_INVALID_ARGUMENT }
    guard host.pointee.abi_major == adapterMajor else { return SY_E_VERSION }
    let writable = Int(apiOut.pointee.struct_size)
    guard writable >= adapterTableSize else { return SY_E_INVALID_ARGUMENT }

    var table = sy_adapter_api()
    table.abi_major = adapterMajor
    table.abi_minor = min(host.pointee.abi_minor, adapterMinor)
    table.adapter_name = FFIAdapterHooks.name
    table.adapter_version = FFIAdapterHooks.version
    table.create = FFIAdapterHooks.create
    table.describe = FFIAdapterHooks.describe
    table.start_call = FFIAdapterHooks.startCall
    table.cancel_call = FFIAdapterHooks.cancelCall
    table.release_call = FFIAdapterHooks.releaseCall
    table.destroy = FFIAdapterHooks.destroy

    // Copy everything after struct_size, up to what both sides know.
    let skipped = MemoryLayout<UInt32>.size
    let count = min(writable, MemoryLayout<sy_adapter_api>.size) - skipped
    withUnsafeBytes(of: &table) { source in
        UnsafeMutableRawPointer(apiOut).advanced(by: skipped).copyMemory(
            from: source.baseAddress!.advanced(by: skipped), byteCount: count)
    }
    return SY_OK
}
