import SwitchyardABI
import SwitchyardAdapterKit
import SwitchyardFFI
import SwitchyardJSON

/// The C hooks of the `ffi` adapter. Calls are synchronous: `start_call` makes the C call on the
/// calling thread and emits the terminal frame before it returns, so cancel and release have
/// nothing to do.
enum FFIAdapterHooks {
    typealias Box = InstanceBox<FFIAdapterInstance>

    /// The hook table the entry hands the host (the kit fills in the version).
    static var table: sy_adapter_api {
        var table = sy_adapter_api()
        table.adapter_name = AdapterEntry.staticCString("ffi")
        table.adapter_version = AdapterEntry.staticCString("0.1.0")
        table.create = { host, configJSON, configLength, instanceOut, errorOut in
            Box.create(host: host, instanceOut: instanceOut, errorOut: errorOut) { host throws(AdapterFailure) in
                try FFIAdapterHooks.makeInstance(host, UnsafeBufferPointer(start: configJSON, count: Int(configLength)))
            }
        }
        table.describe = { instance, jsonOut, lengthOut, errorOut in
            Box.describe(instance, jsonOut: jsonOut, lengthOut: lengthOut, errorOut: errorOut) { $0.descriptors.jsonBytes }
        }
        table.start_call = { instance, request, errorOut in
            Box.startCall(instance, request: request, errorOut: errorOut, FFIAdapterHooks.startCall)
        }
        // Calls finish inside start_call: by the time a cancel can arrive there is nothing to
        // stop, and no per-call state is kept past it.
        table.cancel_call = { _, _ in }
        table.release_call = { _, _ in }
        table.destroy = { instance in _ = Box.takeBack(instance) }
        return table
    }

    private static func makeInstance(_ host: HostConnection, _ configJSON: UnsafeBufferPointer<UInt8>)
        throws(AdapterFailure) -> FFIAdapterInstance
    {
        let config: JSONValue
        do {
            config = configJSON.baseAddress == nil ? .emptyObject : try JSONValue(parsing: configJSON)
        } catch {
            throw .invalid("ffi adapter config: not JSON: \(error)")
        }
        do throws(FFIError) {
            return try FFIAdapterInstance(host: host, config: config)
        } catch {
            throw .invalid("ffi adapter config: \(error.message)")
        }
    }

    private static func startCall(_ instance: FFIAdapterInstance, _ request: UnsafePointer<sy_call_request>)
        throws(AdapterFailure)
    {
        guard let toolID = request.pointee.toolID else { throw .invalid("start_call: tool_id is NULL") }
        guard let tool = instance.toolsByID[toolID] else {
            let available = instance.tools.map(\.id).joined(separator: ", ")
            throw .notFound("ffi adapter: unknown tool \"\(toolID)\" (available: \(available.isEmpty ? "none" : available))")
        }
        let callID = request.pointee.call_id
        let bytes = request.pointee.inputBytes
        // The fast path: arguments decoded from the request bytes into the frame, the output
        // written as bytes. It declines (calling nothing) anything it does not read, and the
        // JSONValue path below then makes the call or names what is wrong with the input.
        let answered = tool.function.callDirect(inputJSON: bytes) { output in
            instance.host.emitPayload(callID: callID, kind: SY_FRAME_RESULT, bytes: output, terminal: true)
        }
        if answered != nil { return }
        let input: JSONValue
        do {
            input = bytes.isEmpty ? .emptyObject : try JSONValue(parsing: bytes)
        } catch {
            instance.host.emitError(
                callID: callID, ErrorFrame(.invalidInput, "tool \"\(toolID)\": input is not JSON: \(error)"))
            return
        }
        do throws(FFIError) {
            let output = try tool.function.call(input: input)
            instance.host.emitTerminal(callID: callID, kind: SY_FRAME_RESULT, payload: output.jsonBytes)
        } catch {
            let kind: ErrorFrameKind = error.code == .badArgument ? .invalidInput : .toolError
            instance.host.emitError(callID: callID, ErrorFrame(kind, "tool \"\(toolID)\": \(error.message)"))
        }
    }
}
