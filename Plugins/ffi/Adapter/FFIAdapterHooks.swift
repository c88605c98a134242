import SwitchyardABI
import SwitchyardFFI
import SwitchyardJSON

/// The C hooks of the `ffi` adapter. Calls are synchronous: `start_call` makes the C call on the
/// calling thread and emits the terminal frame before it returns, so cancel and release have
/// nothing to do.
enum FFIAdapterHooks {
    // String literals are NUL-terminated constant data in the library image: STATIC, as the ABI
    // asks for the adapter's name and version.
    static var name: UnsafePointer<CChar> { staticCString("ffi") }
    static var version: UnsafePointer<CChar> { staticCString("0.1.0") }

    private static func staticCString(_ literal: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(literal.utf8Start).assumingMemoryBound(to: CChar.self)
    }
    /// The size of `sy_call_request` in ABI 1.0; a smaller one is malformed.
    private static let callRequestSize = 88

    static let create: @convention(c) (
        UnsafePointer<sy_host_api>?, UnsafePointer<UInt8>?, UInt64, UnsafeMutablePointer<OpaquePointer?>?,
        UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    ) -> sy_status = { host, configJSON, configLength, instanceOut, errorOut in
        guard let host, let instanceOut, host.pointee.struct_size >= 56 else { return SY_E_INVALID_ARGUMENT }
        let callbacks = HostCallbacks(table: host)
        let config: JSONValue
        do {
            config = try configJSON.map { try JSONValue(parsing: UnsafeBufferPointer(start: $0, count: Int(configLength))) } ?? .emptyObject
        } catch {
            callbacks.report("ffi adapter config: not JSON: \(error)", to: errorOut)
            return SY_E_INVALID_ARGUMENT
        }
        do throws(FFIError) {
            let instance = try FFIAdapterInstance(host: callbacks, config: config)
            instanceOut.pointee = OpaquePointer(Unmanaged.passRetained(instance).toOpaque())
            return SY_OK
        } catch {
            callbacks.report("ffi adapter config: \(error.message)", to: errorOut)
            return SY_E_INVALID_ARGUMENT
        }
    }

    static let describe: @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, UnsafeMutablePointer<UInt64>?,
        UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    ) -> sy_status = { instance, jsonOut, lengthOut, errorOut in
        guard let instance = instance.map(Self.instance), let jsonOut, let lengthOut else {
            return SY_E_INVALID_ARGUMENT
        }
        let bytes = instance.descriptors.jsonBytes
        guard let memory = instance.host.allocate(bytes) else {
            return SY_E_INTERNAL
        }
        jsonOut.pointee = memory
        lengthOut.pointee = UInt64(bytes.count)
        return SY_OK
    }

    static let startCall: @convention(c) (
        OpaquePointer?, UnsafePointer<sy_call_request>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    ) -> sy_status = { instance, request, errorOut in
        guard let instance = instance.map(Self.instance), let request,
            Int(request.pointee.struct_size) >= callRequestSize, let toolIDBytes = request.pointee.tool_id
        else {
            return SY_E_INVALID_ARGUMENT
        }
        let toolID = String(
            decoding: UnsafeRawBufferPointer(start: toolIDBytes, count: Int(request.pointee.tool_id_length)),
            as: UTF8.self)
        guard let tool = instance.toolsByID[toolID] else {
            let available = instance.tools.map(\.id).joined(separator: ", ")
            instance.host.report(
                "ffi adapter: unknown tool \"\(toolID)\" (available: \(available.isEmpty ? "none" : available))",
                to: errorOut)
            return SY_E_NOT_FOUND
        }
        let callID = request.pointee.call_id
        let input: JSONValue
        do {
            let bytes = UnsafeBufferPointer(start: request.pointee.input_json, count: Int(request.pointee.input_json_length))
            input = bytes.isEmpty ? .emptyObject : try JSONValue(parsing: bytes)
        } catch {
            instance.host.emitTerminal(
                callID: callID, kind: SY_FRAME_ERROR,
                payload: ["kind": "invalid_input", "message": .string("tool \"\(toolID)\": input is not JSON: \(error)")])
            return SY_OK
        }
        do throws(FFIError) {
            let output = try tool.function.call(input: input)
            instance.host.emitTerminal(callID: callID, kind: SY_FRAME_RESULT, payload: output)
        } catch {
            let kind = error.code == .badArgument ? "invalid_input" : "tool_error"
            instance.host.emitTerminal(
                callID: callID, kind: SY_FRAME_ERROR,
                payload: ["kind": .string(kind), "message": .string("tool \"\(toolID)\": \(error.message)")])
        }
        return SY_OK
    }

    static let cancelCall: @convention(c) (OpaquePointer?, UInt64) -> Void = { _, _ in
        // Calls finish inside start_call: by the time a cancel can arrive there is nothing to stop.
    }

    static let releaseCall: @convention(c) (OpaquePointer?, UInt64) -> Void = { _, _ in
        // No per-call state is kept past start_call.
    }

    static let destroy: @convention(c) (OpaquePointer?) -> Void = { instance in
        guard let instance else { return }
        Unmanaged<FFIAdapterInstance>.fromOpaque(UnsafeRawPointer(instance)).release()
    }

    private static func instance(_ pointer: OpaquePointer) -> FFIAdapterInstance {
        Unmanaged<FFIAdapterInstance>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}
