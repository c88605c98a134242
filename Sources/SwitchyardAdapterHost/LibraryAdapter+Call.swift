import SwitchyardABI
import SwitchyardJSON
import SwitchyardRuntime

extension LibraryAdapter {
    /// Starts a call (`start_call`, through libffi) and returns its event stream.
    ///
    /// The input, config and env are serialized to JSON once; the stream yields progress and log
    /// events as the adapter emits them, then the result or one `ToolError`. Canceling the
    /// consuming task cancels the call (`cancel_call`) and still waits up to
    /// `options.cancelGrace` for the adapter's terminal frame before throwing `canceled`.
    public func call(_ request: ToolCallRequest) -> AsyncThrowingStream<ToolEvent, any Error> {
        let call: AdapterCall
        do { call = try begin(request) } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
        // The caller cannot wait here (this function is synchronous): start_call runs on a
        // hook thread, and the stream's consumer waits for the call's events.
        startOnHookThread(call, request)
        let stream = AdapterCallStream(call)
        return AsyncThrowingStream(unfolding: {
            try await withTaskCancellationHandler {
                try await stream.call.next()
            } onCancel: {
                stream.call.cancel(reason: "the call was canceled")
            }
        })
    }

    /// Runs a call to its end without building a stream: the consumer waits on the call itself.
    /// Same outcome and cleanup guarantees as `call(_:)`.
    public func run(_ request: ToolCallRequest, onEvent: (ToolEvent) -> Void) async throws -> JSONValue {
        let call = try begin(request)
        await start(call, request)
        // Most calls answer inside start_call: hand over their events and outcome without
        // suspending, registering a cancellation handler, or allocating a stream owner.
        while true {
            switch call.poll() {
            case .event(let event): onEvent(event)
            case .outcome(.success(let output)): return output
            case .outcome(.failure(let error)): throw error
            case .end: throw ToolError(.protocol, "the call ended without a result", toolID: request.toolID)
            case .wait: return try await wait(for: call, request, onEvent: onEvent)
            }
        }
    }

    /// The rest of `run` for a call still running: waits for its events and outcome; canceling
    /// the task, or dropping the call unfinished, cancels it.
    private func wait(for call: AdapterCall, _ request: ToolCallRequest,
                      onEvent: (ToolEvent) -> Void) async throws -> JSONValue {
        let owner = AdapterCallStream(call)
        return try await withTaskCancellationHandler {
            while let event = try await owner.call.next() {
                if case .result(let output) = event { return output }
                onEvent(event)
            }
            throw ToolError(.protocol, "the call ended without a result", toolID: request.toolID)
        } onCancel: {
            owner.call.cancel(reason: "the call was canceled")
        }
    }

    /// Admits and registers a call; its deadline is fixed here, before `start_call` runs.
    private func begin(_ request: ToolCallRequest) throws(ToolError) -> AdapterCall {
        var timeout = request.timeout ?? options.defaultTimeout
        if timeout <= .zero { timeout = .zero }
        let call = AdapterCall(id: CallRegistry.nextID(), toolID: request.toolID, adapter: self,
                              timeout: timeout == .zero ? nil : timeout)
        try admit(call)
        CallRegistry.register(call)
        return call
    }

    /// Runs `start_call` and returns once it returned — or once the watchdog gave up on it at
    /// the call's deadline, leaving its thread inside the hook.
    ///
    /// The hook always runs on a ``HookThreads`` thread, never on this one: a task whose own
    /// thread is inside a hook cannot go on elsewhere (a continuation resumed while the body
    /// that created it still runs only takes effect when that body returns), so an inline
    /// hook that blocks would hold the caller past any deadline. The hand-off stays cheap for
    /// calls that answer inside `start_call`: this thread spins briefly for the section to end
    /// (a hook thread that just finished a job spins briefly for the next one), and suspends
    /// only when it did not.
    ///
    /// With ``AdapterCallOptions/startsCallsInline`` the hook runs right here, still watched (a
    /// hook that overruns the deadline is counted and the adapter marked unhealthy), but its
    /// caller waits for it to return.
    private func start(_ call: AdapterCall, _ request: ToolCallRequest) async {
        if options.startsCallsInline {
            let ticket = HookWatchdog.watch(call, .startCall, deadline: call.deadline ?? HookWatchdog.never,
                                            running: true, onHookThread: false)
            startNow(call, request)
            endStartSection(call, ticket, onHookThread: false)
            return
        }
        let ticket = startOnHookThread(call, request)
        if call.startSection.awaitBriefly() { return }
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                // Not attached: the section already ended in time, or the watchdog gave up on it.
                if !HookWatchdog.attach(continuation, to: ticket) { continuation.resume() }
            }
        } onCancel: {
            call.cancel(reason: "the call was canceled")
        }
    }

    /// Queues `start_call` for a hook thread, its deadline already armed (a job still waiting
    /// at the deadline never runs).
    @discardableResult
    private func startOnHookThread(_ call: AdapterCall, _ request: ToolCallRequest) -> HookTicket? {
        let ticket = HookWatchdog.watch(call, .startCall, deadline: call.deadline ?? HookWatchdog.never, running: false,
                                        onHookThread: true)
        HookThreads.run(for: self) { [self] in
            guard HookWatchdog.claim(ticket) else { return }
            startNow(call, request)
            endStartSection(call, ticket, onHookThread: true)
        }
        return ticket
    }

    /// Ends the start section's watch in time, or reports an abandoned hook that came back.
    private func endStartSection(_ call: AdapterCall, _ ticket: HookTicket?, onHookThread: Bool) {
        if HookWatchdog.unwatch(ticket) {
            call.startSection.end()
        } else {
            stuckHookReturned(.startCall, onHookThread: onHookThread)
        }
    }

    /// `start_call`, then what its return asks for (a `release_call` when the call already
    /// ended inside it): one watched section.
    private func startNow(_ call: AdapterCall, _ request: ToolCallRequest) {
        let (status, message) = fillRequestAndStart(call, request)
        call.startReturned(status, message: message)
    }

    /// Fills a `sy_call_request` whose buffers stay pinned for the duration of `start_call`.
    private func fillRequestAndStart(_ call: AdapterCall, _ request: ToolCallRequest) -> (sy_status, String?) {
        var input: [UInt8] = []
        input.reserveCapacity(128)
        request.input.appendJSON(to: &input)
        input.append(0)
        let config = Self.nulTerminatedJSON(request.config)
        let env = request.env.isEmpty
            ? Self.emptyObjectJSON
            : Self.nulTerminatedJSON(.object(request.env.mapValues { .string($0) }))
        let (seconds, attoseconds) = (call.timeout ?? .zero).components
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
