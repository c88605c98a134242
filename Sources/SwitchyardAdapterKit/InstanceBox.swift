import SwitchyardABI

/// What the kit needs of an adapter's instance: the host it reports to.
package protocol AdapterInstance: AnyObject, Sendable {
    /// The host the instance was created for.
    var host: HostConnection { get }
}

/// A Swift instance handed to the host as the opaque `sy_instance *`: a retained `Unmanaged`
/// reference, taken back by `destroy`. The hooks' shared shapes (check the arguments, run the
/// adapter's code, turn its `AdapterFailure` into a status and an `error_out`) live here too.
///
/// The adapter's `@convention(c)` closures name the concrete type (`InstanceBox<MyInstance>`):
/// a C function pointer cannot capture a generic parameter.
package enum InstanceBox<Instance: AdapterInstance> {
    /// Retains `instance` for the host; the pointer stays valid until `takeBack`.
    package static func handOver(_ instance: Instance) -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(instance).toOpaque())
    }

    /// The instance behind a pointer the host passed to a hook (not retained again).
    package static func borrow(_ pointer: OpaquePointer?) -> Instance? {
        guard let pointer else { return nil }
        return Unmanaged<Instance>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    /// Ends the host's reference (at `destroy`): the instance lives only as long as the result.
    package static func takeBack(_ pointer: OpaquePointer?) -> Instance? {
        guard let pointer else { return nil }
        return Unmanaged<Instance>.fromOpaque(UnsafeRawPointer(pointer)).takeRetainedValue()
    }

    /// The `create` hook: wraps the host table, runs `make`, hands the instance over.
    package static func create(
        host: UnsafePointer<sy_host_api>?, instanceOut: UnsafeMutablePointer<OpaquePointer?>?,
        errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        _ make: (HostConnection) throws(AdapterFailure) -> Instance
    ) -> sy_status {
        guard let connection = HostConnection(host), let instanceOut else { return SY_E_INVALID_ARGUMENT }
        do {
            instanceOut.pointee = handOver(try make(connection))
            return SY_OK
        } catch {
            connection.report(error.message, to: errorOut)
            return error.status
        }
    }

    /// The `describe` hook: `describe` returns the JSON bytes, handed to the host in its memory.
    package static func describe(
        _ pointer: OpaquePointer?, jsonOut: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
        lengthOut: UnsafeMutablePointer<UInt64>?, errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        _ describe: (Instance) throws(AdapterFailure) -> [UInt8]
    ) -> sy_status {
        guard let instance = borrow(pointer), let jsonOut, let lengthOut else { return SY_E_INVALID_ARGUMENT }
        do {
            let bytes = try describe(instance)
            guard let memory = instance.host.allocateBytes(bytes) else { return SY_E_INTERNAL }
            jsonOut.pointee = memory
            lengthOut.pointee = UInt64(bytes.count)
            return SY_OK
        } catch {
            instance.host.report(error.message, to: errorOut)
            return error.status
        }
    }

    /// The `start_call` hook: refuses a request smaller than ABI 1.0's, then runs `start`.
    package static func startCall(
        _ pointer: OpaquePointer?, request: UnsafePointer<sy_call_request>?,
        errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        _ start: (Instance, UnsafePointer<sy_call_request>) throws(AdapterFailure) -> Void
    ) -> sy_status {
        guard let instance = borrow(pointer), let request else { return SY_E_INVALID_ARGUMENT }
        guard Int(request.pointee.struct_size) >= AdapterEntry.minimumCallRequestSize else {
            instance.host.report("start_call: sy_call_request is smaller than ABI 1.0's", to: errorOut)
            return SY_E_INVALID_ARGUMENT
        }
        do {
            try start(instance, request)
            return SY_OK
        } catch {
            instance.host.report(error.message, to: errorOut)
            return error.status
        }
    }
}

extension sy_call_request {
    /// The tool id (UTF-8, invalid bytes replaced); nil when the host passed NULL.
    package var toolID: String? {
        tool_id.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(tool_id_length)), as: UTF8.self) }
    }

    /// The input JSON bytes (BORROWED for the call to start_call); empty when none.
    package var inputBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: input_json, count: input_json.map { _ in Int(input_json_length) } ?? 0)
    }
}
