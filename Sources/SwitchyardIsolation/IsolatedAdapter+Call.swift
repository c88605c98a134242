import Synchronization
import SwitchyardJSON
import SwitchyardRuntime

extension IsolatedAdapter {
    /// The helper's tools (its instance's `describe`).
    /// - Throws: `ToolError` when the helper cannot start or the adapter fails.
    public func describe() async throws -> [ToolDescriptor] {
        let call = try await begin(frameKind: .describe, toolID: "describe", timeout: options.defaultTimeout,
                                   counted: false)
        while let event = try await call.next() {
            if case .result(let tools) = event { return try ToolDescriptor.parseList(tools.jsonBytes, adapterID: id) }
        }
        throw ToolError(.protocol, "adapter \(id): its helper ended describe without an answer")
    }

    /// Starts a call in the helper and returns its event stream; canceling the consuming task
    /// (or dropping the stream) cancels the call.
    public func call(_ request: ToolCallRequest) -> AsyncThrowingStream<ToolEvent, any Error> {
        let owner = IsolatedCallOwner()
        return AsyncThrowingStream(unfolding: { [self] in
            let call: IsolatedCall
            if let started = owner.call {
                call = started
            } else {
                if owner.finished { return nil }
                call = try await begin(request)
                owner.call = call
            }
            return try await withTaskCancellationHandler {
                let event = try await call.next()
                if event == nil { owner.finished = true }
                return event
            } onCancel: {
                call.cancel(reason: "the call was canceled")
            }
        })
    }

    /// Runs a call in the helper to its end; canceling the task cancels the call.
    public func run(_ request: ToolCallRequest, onEvent: (ToolEvent) -> Void) async throws -> JSONValue {
        let call = try await begin(request)
        call.readAnswerBriefly(budget: Self.answerReadBudget)
        return try await withTaskCancellationHandler {
            while let event = try await call.next() {
                if case .result(let output) = event { return output }
                onEvent(event)
            }
            throw ToolError(.protocol, "the call ended without a result", toolID: request.toolID)
        } onCancel: {
            call.cancel(reason: "the call was canceled")
        }
    }

    /// How long `run` reads the helper's answer itself before it suspends: a round trip on a
    /// 2-core machine under load, but short enough not to hold a pool thread from other work.
    static let answerReadBudget = Duration.microseconds(60)

    /// Admits a call (refusing it past `max_in_flight`) and sends it to a ready helper.
    func begin(_ request: ToolCallRequest) async throws(ToolError) -> IsolatedCall {
        var timeout = request.timeout ?? options.defaultTimeout
        if timeout < .zero { timeout = .zero }
        do {
            return try await begin(frameKind: .call, toolID: request.toolID, timeout: timeout == .zero ? nil : timeout,
                                   counted: true) { frame in
                HelperPayload.appendCall(request, timeoutMS: timeout.wholeMilliseconds, to: &frame)
            }
        } catch {
            var error = error
            if error.toolID == nil { error.toolID = request.toolID }
            throw error
        }
    }

    /// Admits a call, builds its frame (header, then what `payload` appends, in one buffer that
    /// goes to the pipe in one write) and sends it to a ready helper.
    func begin(frameKind: HelperFrame.Kind, toolID: String, timeout: Duration?, counted: Bool,
               payload: (inout [UInt8]) -> Void = { _ in }) async throws(ToolError) -> IsolatedCall {
        if counted { try admit(toolID) }
        let callID = nextCallID.wrappingAdd(1, ordering: .relaxed).oldValue
        var frame: [UInt8] = []
        frame.reserveCapacity(256)
        HelperFrame.appendHeader(kind: frameKind, callID: callID, payloadLength: 0, to: &frame)
        payload(&frame)
        HelperFrame.patchPayloadLength(of: &frame)
        // A helper that began stopping between `ready` and the submit takes no calls: wait for
        // its exit and use the next one (a few times at most: each is a fresh process).
        for _ in 0..<3 {
            let helper: HelperProcess
            do { helper = try await readyHelper() } catch {
                if counted { release() }
                throw error
            }
            let call = IsolatedCall(id: callID, toolID: toolID, adapterID: id, timeout: timeout, grace: hostGrace)
            call.attach(to: helper) { [self] call, answered in
                callEnded(call, on: helper, helperAnswered: answered, counted: counted)
            }
            if helper.submit(call, frame: frame) {
                call.armDeadline()
                return call
            }
            await helper.waitUntilExited()
        }
        if counted { release() }
        throw ToolError(.crashed, "adapter \(id): its helper kept stopping before it took the call", toolID: toolID)
    }

    private func admit(_ toolID: String) throws(ToolError) {
        try state.withLock { (state: inout Supervision) throws(ToolError) in
            guard !state.shuttingDown else { throw ToolError(.canceled, "adapter \(id) is shut down", toolID: toolID) }
            if let limit = options.limits.maxInFlight, state.counts.callsInFlight >= limit {
                throw ToolError(.toolError, "adapter \(id): \(state.counts.callsInFlight) calls are in flight, its "
                                + "limits.max_in_flight is \(limit); call to tool \"\(toolID)\" refused", toolID: toolID)
            }
            state.counts.callsInFlight += 1
            state.counts.callsStarted += 1
        }
    }

    private func release() {
        state.withLock { $0.counts.callsInFlight -= 1 }
    }
}

/// The call behind one `call(_:)` stream: started on the first `next`, canceled when the stream
/// goes away unfinished.
private final class IsolatedCallOwner: @unchecked Sendable {
    // The unfolding closure runs one `next` at a time, so these need no lock of their own.
    var call: IsolatedCall?
    var finished = false

    deinit {
        if !finished { call?.cancel(reason: "the call's stream was dropped before the call ended") }
    }
}
