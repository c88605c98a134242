import SwitchyardABI
import SwitchyardJSON

extension PluginToolAdapter {
    /// Starts a call (`start_call`, through libffi) and returns its event stream.
    ///
    /// The input, config and env are serialized to JSON once; the stream yields progress and log
    /// events as the adapter emits them, then the result or one `ToolError`. Canceling the
    /// consuming task cancels the call (`cancel_call`) and still waits up to
    /// `options.cancelGrace` for the adapter's terminal frame before throwing `canceled`.
    public func call(_ request: ToolCallRequest) -> AsyncThrowingStream<ToolEvent, any Error> {
        var timeout = request.timeout ?? options.defaultTimeout
        if timeout <= .zero { timeout = .zero }
        let call = PluginCall(id: CallRegistry.nextID(), toolID: request.toolID, adapter: self,
                              timeout: timeout == .zero ? nil : timeout)
        guard admit(call) else {
            let error = ToolError(.canceled, "adapter \(id) is shut down", toolID: request.toolID)
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
        CallRegistry.register(call)
        let (status, message) = start(call, request, timeout: timeout)
        call.startReturned(status, message: message)
        let stream = PluginCallStream(call)
        return AsyncThrowingStream(unfolding: {
            try await withTaskCancellationHandler {
                try await stream.call.next()
            } onCancel: {
                stream.call.cancel(reason: "the call was canceled")
            }
        })
    }

    /// Fills a `sy_call_request` whose buffers stay pinned for the duration of `start_call`.
    private func start(_ call: PluginCall, _ request: ToolCallRequest, timeout: Duration)
        -> (sy_status, String?)
    {
        var input: [UInt8] = []
        input.reserveCapacity(128)
        request.input.appendJSON(to: &input)
        input.append(0)
        let config = Self.nulTerminatedJSON(request.config)
        let env = request.env.isEmpty
            ? Self.emptyObjectJSON
            : Self.nulTerminatedJSON(.object(request.env.mapValues { .string($0) }))
        let (seconds, attoseconds) = timeout.components
        let timeoutMS = seconds &* 1000 &+ attoseconds / 1_000_000_000_000_000
        let toolLength = UInt64(request.toolID.utf8.count)
        return input.withUnsafeBufferPointer { input in
            config.withUnsafeBufferPointer { config in
                env.withUnsafeBufferPointer { env in
                    request.toolID.withCString { tool in
                        var cRequest = sy_call_request(
                            struct_size: UInt32(MemoryLayout<sy_call_request>.size), reserved: 0,
                            call_id: call.id,
                            tool_id: tool, tool_id_length: toolLength,
                            input_json: input.baseAddress, input_json_length: UInt64(input.count - 1),
                            config_json: config.baseAddress, config_json_length: UInt64(config.count - 1),
                            env_json: env.baseAddress, env_json_length: UInt64(env.count - 1),
                            timeout_ms: timeoutMS)
                        return withUnsafePointer(to: &cRequest) { library.startCall(instance, $0) }
                    }
                }
            }
        }
    }

    static let emptyObjectJSON: [UInt8] = [UInt8(ascii: "{"), UInt8(ascii: "}"), 0]

    static func nulTerminatedJSON(_ value: JSONValue) -> [UInt8] {
        if case .object(let members) = value, members.isEmpty { return emptyObjectJSON }
        var bytes = value.jsonBytes
        bytes.append(0)
        return bytes
    }
}
