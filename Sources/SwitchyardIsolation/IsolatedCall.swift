import Synchronization
import SwitchyardJSON
import SwitchyardRuntime

/// One call (or describe) sent to a helper process: its events as they arrive, its outcome
/// decided once, and the host's own verdicts (deadline, cancel).
///
/// The outcome is decided by the helper's terminal frame or, when the host decided first (the
/// deadline passed, the consumer canceled), by the host's verdict — but it reaches the consumer
/// only once the helper answered or was reaped, so a call never outlives the helper's work on
/// it. When the helper does not answer within the grace after a cancel, it is killed: then this
/// call ends with the host's verdict and the helper's other calls with `crashed`.
final class IsolatedCall: Sendable {
    /// The call id, unique in its adapter.
    let id: UInt64
    let toolID: String
    let adapterID: String
    /// The call's budget; `nil` for none.
    let timeout: Duration?
    let grace: Duration
    private let state = Mutex(State())

    private struct State {
        var events: [ToolEvent] = []
        var nextEvent = 0
        var outcome: Result<JSONValue, ToolError>?
        /// The host decided the call's outcome before the helper answered.
        var verdict: ToolError?
        /// The helper answered or is gone: the outcome is final.
        var ended = false
        var delivered = false
        var waiter: UnsafeContinuation<Void, Never>?
        /// The pending deadline or grace in `DeadlineScheduler.shared`.
        var timer: UInt64?
        var helper: HelperProcess?
        var onEnd: (@Sendable (IsolatedCall, _ helperAnswered: Bool) -> Void)?

        /// An event not yet handed out, or the final outcome.
        var hasSomethingToDeliver: Bool { nextEvent < events.count || ended }
    }

    init(id: UInt64, toolID: String, adapterID: String, timeout: Duration?, grace: Duration) {
        self.id = id
        self.toolID = toolID
        self.adapterID = adapterID
        self.timeout = timeout
        self.grace = grace
    }

    /// Binds the call to the helper that runs it; `onEnd` runs once when it ends (on the helper's
    /// answer or its exit), before the consumer hears the outcome.
    func attach(to helper: HelperProcess, onEnd: @escaping @Sendable (IsolatedCall, Bool) -> Void) {
        state.withLock { state in
            state.helper = helper
            state.onEnd = onEnd
        }
    }

    /// Starts the deadline, once the helper took the call.
    func armDeadline() {
        if let timeout { arm(after: timeout) { $0.deadlinePassed() } }
    }

    // MARK: Helper side

    /// A frame from the helper, on its I/O thread. Returns false for a malformed one.
    func receive(_ frame: HelperFrame) -> Bool {
        switch frame.kind {
        case .progress:
            guard let value = try? JSONValue(parsing: frame.payload) else { return false }
            deliver(.progress(value))
        case .log:
            guard let level = ToolLogLevel(rawValue: Int32(frame.argument)) else { return false }
            deliver(.log(level, String(decoding: frame.payload, as: UTF8.self)))
        case .result, .described:
            guard let value = try? JSONValue(parsing: frame.payload) else { return false }
            end(.success(value), helperAnswered: true)
        case .error:
            var error = HelperPayload.toolError(from: frame.payload, adapterID: adapterID)
            if error.toolID == nil { error.toolID = toolID }
            end(.failure(error), helperAnswered: true)
        default:
            return false
        }
        return true
    }

    /// The helper was reaped with this call unfinished.
    func helperExited(_ exit: HelperExit) {
        if exit.wasShutDown, exit.stopReason == nil {
            end(.failure(ToolError(.canceled, "adapter \(adapterID) shut down while tool \"\(toolID)\" ran", toolID: toolID)),
                helperAnswered: false)
            return
        }
        let cause = exit.stopReason.map { " (\($0))" } ?? ""
        end(.failure(ToolError(
            .crashed, "adapter \(adapterID): its helper process \(exit.status) while tool \"\(toolID)\" ran\(cause)",
            toolID: toolID)), helperAnswered: false)
    }

    private func deliver(_ event: ToolEvent) {
        let waiter = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            guard !state.ended, state.verdict == nil else { return nil }
            state.events.append(event)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Settles the outcome once: the host's verdict wins over what the helper answered after it.
    private func end(_ answer: Result<JSONValue, ToolError>, helperAnswered: Bool) {
        let settled = state.withLock { state -> (UnsafeContinuation<Void, Never>?, UInt64?,
                                                 (@Sendable (IsolatedCall, Bool) -> Void)?)? in
            guard !state.ended else { return nil }
            state.ended = true
            state.outcome = state.verdict.map { .failure($0) } ?? answer
            defer { state.waiter = nil; state.timer = nil; state.onEnd = nil; state.helper = nil }
            return (state.waiter, state.timer, state.onEnd)
        }
        guard let (waiter, timer, onEnd) = settled else { return }
        if let timer { DeadlineScheduler.shared.cancel(timer) }
        onEnd?(self, helperAnswered)
        waiter?.resume()
    }

    // MARK: Host verdicts

    /// The deadline passed: the call ends `timeout` once the helper answered the cancel or was
    /// killed for not answering it within the grace.
    func deadlinePassed() {
        let budget = timeout.map { "\($0.wholeMilliseconds) ms" } ?? "none"
        decide(ToolError(.timeout, "tool \"\(toolID)\" passed its timeout of \(budget) (adapter \(adapterID), isolated)",
                         toolID: toolID), why: "passed its deadline")
    }

    /// The consumer went away or the adapter shuts down.
    func cancel(reason: String) {
        decide(ToolError(.canceled, "\(reason) (tool \"\(toolID)\", adapter \(adapterID))", toolID: toolID),
               why: "was canceled")
    }

    private func decide(_ verdict: ToolError, why: String) {
        let helper = state.withLock { state -> HelperProcess? in
            guard !state.ended, state.verdict == nil else { return nil }
            state.verdict = verdict
            return state.helper
        }
        guard let helper else { return }
        helper.send(HelperFrame(.cancel, callID: id).encoded)
        let reason = "its helper was stopped because a call to tool \"\(toolID)\" \(why) and did not end within \(grace)"
        arm(after: grace) { call in
            if let helper = call.state.withLock({ $0.ended ? nil : $0.helper }) { helper.kill(reason: reason) }
        }
        // A consumer waiting for events only hears the outcome now; wake it so it waits for that.
        let waiter = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Starts the call's timer (deadline, then grace): one pending entry in the shared
    /// scheduler, replaced, not stacked.
    private func arm(after delay: Duration, _ fire: @escaping @Sendable (IsolatedCall) -> Void) {
        let token = DeadlineScheduler.shared.schedule(after: delay) { [self] in fire(self) }
        let (keep, replaced) = state.withLock { state -> (Bool, UInt64?) in
            guard !state.ended else { return (false, nil) }
            defer { state.timer = token }
            return (true, state.timer)
        }
        if let replaced { DeadlineScheduler.shared.cancel(replaced) }
        if !keep { DeadlineScheduler.shared.cancel(token) }
    }

    // MARK: Consumer side

    /// Reads the helper's answer on the calling thread for up to `budget` before the consumer
    /// suspends: a call the helper answers by then ends without waking the I/O thread or a
    /// pool thread (``HelperOutputReader``). Returns early when another thread reads.
    func readAnswerBriefly(budget: Duration) {
        guard let helper = state.withLock({ $0.ended ? nil : $0.helper }) else { return }
        helper.readWhileWaiting(budget: budget) { state.withLock { $0.hasSomethingToDeliver } }
    }

    /// The next event, `nil` after the result; throws the call's error.
    func next() async throws(ToolError) -> ToolEvent? {
        while true {
            if let step = poll() { return try step.get() }
            await withUnsafeContinuation { (waiter: UnsafeContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    if state.hasSomethingToDeliver { return true }
                    state.waiter = waiter
                    return false
                }
                if ready { waiter.resume() }
            }
        }
    }

    /// What the consumer gets next without waiting: an event, `nil` after the result, or the
    /// error; `nil` overall means wait.
    private func poll() -> Result<ToolEvent?, ToolError>? {
        state.withLock { state -> Result<ToolEvent?, ToolError>? in
            if state.nextEvent < state.events.count {
                defer { state.nextEvent += 1 }
                return .success(state.events[state.nextEvent])
            }
            guard state.ended, let outcome = state.outcome else { return nil }
            if state.delivered { return .success(nil) }
            state.delivered = true
            switch outcome {
            case .success(let value): return .success(.result(value))
            case .failure(let error): return .failure(error)
            }
        }
    }
}
