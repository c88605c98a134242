import SwitchyardABI

/// The `switchyard_adapter_entry` handshake every Swift adapter performs, written once.
///
/// An adapter keeps its own `@_cdecl("switchyard_adapter_entry")` function (the symbol must
/// live in the adapter's module) and makes it one call to `handshake(host:apiOut:hooks:)`.
package enum AdapterEntry {
    /// `sizeof(sy_host_api)` in ABI 1.0. Every callback of 1.0 is required, so a major-1 host
    /// table smaller than this is malformed. A constant, not `MemoryLayout`: when a later minor
    /// grows the struct, a 1.0 host must still be accepted. (adapter.h pins the 1.0 sizes.)
    package static let minimumHostTableSize = 56
    /// `sizeof(sy_adapter_api)` in ABI 1.0: a major-1 host that cannot read every 1.0 hook
    /// has a malformed table.
    package static let minimumAdapterTableSize = 80
    /// `sizeof(sy_call_request)` in ABI 1.0.
    package static let minimumCallRequestSize = 88
    /// The bytes of `sy_host_api` up to and including `abi_minor`: what must be readable before
    /// the version can be checked at all.
    private static let versionedPrefixSize = 3 * MemoryLayout<UInt32>.size

    /// Checks the host's table and version and fills `apiOut` with `hooks`.
    ///
    /// The rules (adapter.h): the host table must hold at least its version fields, then the
    /// majors must match (`SY_E_VERSION`), then both tables must be at least ABI 1.0's size
    /// (`SY_E_INVALID_ARGUMENT`). The minor settles on the lower of the host's and this
    /// header's. Bytes of `apiOut` from `abi_major` up to the smaller of its `struct_size` and
    /// this header's table are written; `struct_size` itself and everything past it are not.
    /// - Parameters:
    ///   - host: the host's callback table (STATIC).
    ///   - apiOut: the table to fill; its `struct_size` was set by the host.
    ///   - hooks: the adapter's name, version and hook pointers; its version fields are ignored.
    /// - Returns: `SY_OK`, `SY_E_VERSION` or `SY_E_INVALID_ARGUMENT`.
    package static func handshake(
        host: UnsafePointer<sy_host_api>?, apiOut: UnsafeMutablePointer<sy_adapter_api>?, hooks: sy_adapter_api
    ) -> sy_status {
        guard let host, let apiOut else { return SY_E_INVALID_ARGUMENT }
        let hostSize = Int(host.pointee.struct_size)
        guard hostSize >= versionedPrefixSize else { return SY_E_INVALID_ARGUMENT }
        guard host.pointee.abi_major == SY_ABI_VERSION_MAJOR else { return SY_E_VERSION }
        guard hostSize >= minimumHostTableSize else { return SY_E_INVALID_ARGUMENT }
        let writable = Int(apiOut.pointee.struct_size)
        guard writable >= minimumAdapterTableSize else { return SY_E_INVALID_ARGUMENT }

        var table = hooks
        table.abi_major = SY_ABI_VERSION_MAJOR
        table.abi_minor = min(host.pointee.abi_minor, SY_ABI_VERSION_MINOR)
        table.reserved = 0
        // Everything after struct_size, up to what both sides know.
        let skipped = MemoryLayout<UInt32>.size
        let count = min(writable, MemoryLayout<sy_adapter_api>.size) - skipped
        withUnsafeBytes(of: &table) { source in
            UnsafeMutableRawPointer(apiOut).advanced(by: skipped).copyMemory(
                from: source.baseAddress!.advanced(by: skipped), byteCount: count)
        }
        return SY_OK
    }

    /// A string literal as the STATIC, NUL-terminated C string adapter.h asks for the adapter's
    /// name and version: literals are constant data in the library image.
    package static func staticCString(_ literal: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(literal.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
