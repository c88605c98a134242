import SwitchyardABI
import SwitchyardAdapterKit

/// The adapter's one exported symbol: the kit's handshake, with the Bun hooks.
@_cdecl("switchyard_adapter_entry")
public func switchyardAdapterEntry(_ host: UnsafePointer<sy_host_api>?,
                                   _ apiOut: UnsafeMutablePointer<sy_adapter_api>?) -> sy_status {
    AdapterEntry.handshake(host: host, apiOut: apiOut, hooks: BunAdapterHooks.table)
}

/// The C hooks, forwarding to `BunAdapterInstance`.
enum BunAdapterHooks {
    typealias Box = InstanceBox<BunAdapterInstance>

    /// The hook table the entry hands the host (the kit fills in the version).
    static var table: sy_adapter_api {
        var table = sy_adapter_api()
        table.adapter_name = AdapterEntry.staticCString("bun")
        table.adapter_version = AdapterEntry.staticCString("0.1.0")
        table.create = { host, config, length, instanceOut, errorOut in
            Box.create(host: host, instanceOut: instanceOut, errorOut: errorOut) { host throws(AdapterFailure) in
                let bytes = length == 0 ? BunAdapterHooks.emptyObject : UnsafeRawBufferPointer(start: config, count: Int(length))
                return try BunAdapterInstance(host: host, configJSON: bytes)
            }
        }
        table.describe = { instance, jsonOut, lengthOut, errorOut in
            Box.describe(instance, jsonOut: jsonOut, lengthOut: lengthOut, errorOut: errorOut) { instance throws(AdapterFailure) in
                try instance.describe()
            }
        }
        table.start_call = { instance, request, errorOut in
            Box.startCall(instance, request: request, errorOut: errorOut) { instance, request throws(AdapterFailure) in
                try instance.startCall(request)
            }
        }
        table.cancel_call = { instance, callID in Box.borrow(instance)?.cancelCall(callID) }
        table.release_call = { instance, callID in Box.borrow(instance)?.releaseCall(callID) }
        table.destroy = { instance in Box.takeBack(instance)?.destroy() }
        table.stats = { instance, jsonOut, lengthOut in
            Box.stats(instance, jsonOut: jsonOut, lengthOut: lengthOut) { $0.statistics }
        }
        return table
    }

    private static let emptyObjectStorage: StaticString = "{}"
    private static var emptyObject: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: emptyObjectStorage.utf8Start, count: emptyObjectStorage.utf8CodeUnitCount)
    }
}
