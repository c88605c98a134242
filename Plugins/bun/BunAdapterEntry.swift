import SwitchyardABI

/// The adapter's one exported symbol: the ABI version handshake, then the hook table.
/// Writes no byte of `api_out` past the `struct_size` the host set.
@_cdecl("switchyard_adapter_entry")
public func switchyardAdapterEntry(_ host: UnsafePointer<sy_host_api>?,
                                   _ apiOut: UnsafeMutablePointer<sy_adapter_api>?) -> sy_status {
    guard let host, let apiOut else { return SY_E_INVALID_ARGUMENT }
    guard host.pointee.abi_major == SY_ABI_VERSION_MAJOR else { return SY_E_VERSION }
    guard Int(host.pointee.struct_size) >= HostConnection.minimumTableSize else { return SY_E_INVALID_ARGUMENT }
    let hostSize = Int(apiOut.pointee.struct_size)
    guard hostSize >= MemoryLayout<UInt32>.size else { return SY_E_INVALID_ARGUMENT }
    var table = sy_adapter_api()
    table.struct_size = apiOut.pointee.struct_size
    table.abi_major = SY_ABI_VERSION_MAJOR
    table.abi_minor = min(host.pointee.abi_minor, SY_ABI_VERSION_MINOR)
    table.reserved = 0
    table.adapter_name = BunAdapterHooks.name
    table.adapter_version = BunAdapterHooks.version
    table.create = { host, config, length, instanceOut, errorOut in
        BunAdapterHooks.create(host, config, length, instanceOut, errorOut)
    }
    table.describe = { instance, jsonOut, lengthOut, errorOut in
        BunAdapterHooks.describe(instance, jsonOut, lengthOut, errorOut)
    }
    table.start_call = { instance, request, errorOut in BunAdapterHooks.startCall(instance, request, errorOut) }
    table.cancel_call = { instance, callID in BunAdapterHooks.instance(instance)?.cancelCall(callID) }
    table.release_call = { instance, callID in BunAdapterHooks.instance(instance)?.releaseCall(callID) }
    table.destroy = { instance in
        guard let instance else { return }
        let object = Unmanaged<BunAdapterInstance>.fromOpaque(UnsafeRawPointer(instance))
        object.takeUnretainedValue().destroy()
        object.release()
    }
    withUnsafeBytes(of: &table) { source in
        UnsafeMutableRawPointer(apiOut).copyMemory(from: source.baseAddress!, byteCount: min(hostSize, source.count))
    }
    return SY_OK
}

/// The C hooks, as Swift functions the table's closures forward to.
enum BunAdapterHooks {
    // StaticString storage is STATIC (lives in the binary), as adapter.h asks for these.
    static var name: UnsafePointer<CChar> {
        UnsafeRawPointer(("bun" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
    }
    static var version: UnsafePointer<CChar> {
        UnsafeRawPointer(("0.1.0" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
    }

    static func instance(_ pointer: OpaquePointer?) -> BunAdapterInstance? {
        guard let pointer else { return nil }
        return Unmanaged<BunAdapterInstance>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    static func create(_ host: UnsafePointer<sy_host_api>?, _ config: UnsafePointer<UInt8>?, _ length: UInt64,
                       _ instanceOut: UnsafeMutablePointer<OpaquePointer?>?,
                       _ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> sy_status {
        guard let host, let instanceOut else { return SY_E_INVALID_ARGUMENT }
        let connection = HostConnection(table: host)
        let bytes = config.map { UnsafeRawBufferPointer(start: $0, count: Int(length)) }
            ?? UnsafeRawBufferPointer(start: nil, count: 0)
        do {
            let instance = try BunAdapterInstance(host: connection, configJSON: length == 0 ? emptyObject : bytes)
            instanceOut.pointee = OpaquePointer(Unmanaged.passRetained(instance).toOpaque())
            return SY_OK
        } catch {
            errorOut?.pointee = connection.allocateCString(error.message)
            return error.status
        }
    }

    private static let emptyObjectStorage: StaticString = "{}"
    private static var emptyObject: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: emptyObjectStorage.utf8Start, count: emptyObjectStorage.utf8CodeUnitCount)
    }

    static func describe(_ pointer: OpaquePointer?, _ jsonOut: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
                         _ lengthOut: UnsafeMutablePointer<UInt64>?,
                         _ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> sy_status {
        guard let instance = instance(pointer), let jsonOut, let lengthOut else { return SY_E_INVALID_ARGUMENT }
        do {
            let bytes = try instance.describe()
            guard let memory = instance.host.allocateBytes(bytes) else { return SY_E_INTERNAL }
            jsonOut.pointee = memory
            lengthOut.pointee = UInt64(bytes.count)
            return SY_OK
        } catch {
            errorOut?.pointee = instance.host.allocateCString(error.message)
            return error.status
        }
    }

    static func startCall(_ pointer: OpaquePointer?, _ request: UnsafePointer<sy_call_request>?,
                          _ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> sy_status {
        guard let instance = instance(pointer), let request else { return SY_E_INVALID_ARGUMENT }
        guard Int(request.pointee.struct_size) >= MemoryLayout<sy_call_request>.size else {
            errorOut?.pointee = instance.host.allocateCString("start_call: sy_call_request is smaller than ABI 1.0's")
            return SY_E_INVALID_ARGUMENT
        }
        do {
            try instance.startCall(request)
            return SY_OK
        } catch {
            errorOut?.pointee = instance.host.allocateCString(error.message)
            return error.status
        }
    }
}
