import SwitchyardAdapterKit

/// Stopping one pooled call without its neighbours.
///
/// A pooled worker runs each call in a worker thread of its own (js/worker.mjs), so a call's
/// deadline or cancel sends `{"abort":ID}`: the worker terminates that one thread (a busy loop
/// included: the runtime interrupts running JavaScript) and answers `ID a 2 {}` once it is gone.
/// Only then does the call get its terminal frame, as an adapter-made outcome must. Frames the
/// thread sent meanwhile are dropped; a result that beat the abort counts as the acknowledgement
/// (the worker ignores an abort for a call it already finished). If no acknowledgement comes
/// within ``abortGrace`` (a tool blocked in native code the runtime cannot interrupt, or a main
/// thread that no longer reads), the whole process is stopped as before, and the calls beside
/// it fail as `crashed` naming the call that could not be stopped alone.
extension WorkerProcess {
    /// A pooled call whose thread is being stopped.
    struct PendingAbort {
        /// The stop of the whole process, should the thread not end in time.
        var fallback: StopReason
        var giveUpAt: ContinuousClock.Instant
    }

    /// How long a thread may take to end before the whole process is stopped instead.
    var abortGrace: Duration { max(launch.killGrace, .seconds(1)) }

    /// The control line that terminates one call's thread.
    static func abortLine(_ wireID: UInt64) -> [UInt8] { Array("{\"abort\":\(wireID)}\n".utf8) }

    /// pooled: stops `call`'s thread alone; its terminal frame follows the acknowledgement.
    func abort(_ call: ToolCall, fallback: StopReason) {
        let grace = abortGrace
        let began = withState { state -> Bool in
            guard state.stopReason == nil, state.calls[call.wireID] != nil else { return false }
            return state.beginAbort(call.wireID, fallback: fallback, giveUpAt: ContinuousClock.now + grace)
        }
        if began { flushInput() }
    }

    /// pooled: frees the thread of a call that already ended for the host (its output limit, a
    /// refused frame); nothing waits for the acknowledgement.
    func abandon(_ wireID: UInt64) {
        withState { state in
            guard !state.closeInputWhenFlushed, !state.inputClosed else { return }
            state.queueControl(Self.abortLine(wireID))
        }
        flushInput()
    }

    /// The header of a line for a call whose thread is being stopped (or an acknowledgement):
    /// true when the line is handled here and its payload must be dropped.
    func handleAbortHeader(_ header: ResponseLineParser.Header) -> Bool {
        let terminal = header.kind != UInt8(ascii: "p")
        let (pending, call) = withState { state -> (PendingAbort?, ToolCall?) in
            guard let pending = state.aborting[header.wireID] else { return (nil, nil) }
            if terminal { state.aborting.removeValue(forKey: header.wireID) }
            return (pending, state.calls[header.wireID])
        }
        guard let pending else { return header.kind == UInt8(ascii: "a") }
        if terminal, let call {
            call.fail(abortFailure(call, pending.fallback))
            endCall(call)
        }
        return true
    }

    /// The error a call gets once its thread was stopped alone.
    private func abortFailure(_ call: ToolCall, _ reason: StopReason) -> ErrorFrame {
        let runtime = launch.runtimeName
        if case .deadline = reason {
            return ErrorFrame(.timeout, "tool \"\(call.toolID)\" passed its timeout of \(call.timeoutMS) ms; its \(runtime) worker thread was stopped", details: stderrCapture.tail)
        }
        return ErrorFrame(.canceled, "the call to tool \"\(call.toolID)\" was canceled; its \(runtime) worker thread was stopped")
    }
}

extension WorkerProcess.State {
    /// Records the abort and queues its control line; false when one is already under way.
    mutating func beginAbort(_ wireID: UInt64, fallback: WorkerProcess.StopReason,
                             giveUpAt: ContinuousClock.Instant) -> Bool {
        guard aborting[wireID] == nil else { return false }
        aborting[wireID] = WorkerProcess.PendingAbort(fallback: fallback, giveUpAt: giveUpAt)
        queueControl(WorkerProcess.abortLine(wireID))
        return true
    }

    /// A control line goes into the stdin backlog as a pseudo-request (wire id 0 is never a
    /// call's), so delivery accounting stays byte-exact.
    mutating func queueControl(_ line: [UInt8]) {
        pendingInput.append(contentsOf: line)
        pendingRequests.append((0, line.count))
    }
}
