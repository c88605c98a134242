import Synchronization
import SwitchyardABI
import SwitchyardJSON
import SwitchyardRuntime

/// One started call into a C-ABI adapter: decodes its frames, decides its outcome once, and
/// drives cancel, deadline and release.
///
/// The outcome is decided by whichever comes first — the adapter's terminal frame, a protocol
/// or output-limit failure, the deadline, or a cancel — but it is delivered to the consumer only
/// once the adapter sent its terminal frame or the cancel grace ran out, so the adapter always
/// gets to clean up. `release_call` then runs exactly once, never inside `start_call`.
final class AdapterCall: Sendable {
    /// The process-unique call id.
    let id: UInt64
    let toolID: String
    let adapter: LibraryAdapter
    /// The call's time budget; `nil` for none.
    let timeout: Duration?
    private let state: Mutex<CallState>

    init(id: UInt64, toolID: String, adapter: LibraryAdapter, timeout: Duration?) {
        self.id = id
        self.toolID = toolID
        self.adapter = adapter
        self.timeout = timeout
        self.state = Mutex(CallState(maxOutputBytes: adapter.options.maxOutputBytes, toolID: toolID))
    }

    // MARK: Adapter side

    /// A frame (or chunk) from the adapter, on whatever thread it emitted.
    func receive(kind: FrameStreamDecoder.Kind, flags: FrameStreamDecoder.Flags, logLevel: Int32,
                 payload: UnsafeRawBufferPointer) -> sy_status {
        var effects = Effects()
        let status: sy_status = state.withLock { state in
            if state.adapterDone { return SY_E_ENDED }
            let terminal = kind.isTerminal && flags.contains(.endOfStream)
            if state.isDecided {
                // The host already decided (limit, protocol, deadline, cancel): drain until the end.
                if terminal {
                    state.adapterDone = true
                    state.settle(&effects)
                }
                return SY_OK
            }
            do throws(ToolError) {
                switch try state.decoder.consume(kind: kind, flags: flags, logLevel: logLevel, payload: payload) {
                case .incomplete:
                    break
                case .event(let event):
                    state.events.append(event)
                    effects.resume = state.takeWaiter()
                case .finished(let outcome):
                    state.outcome = outcome
                    state.adapterDone = true
                    state.settle(&effects)
                }
                return SY_OK
            } catch {
                state.outcome = .failure(error)
                if terminal {
                    state.adapterDone = true
                    state.settle(&effects)
                } else {
                    state.requestCancel(&effects)
                }
                return SY_E_INVALID_ARGUMENT
            }
        }
        if status == SY_E_ENDED {
            HostAPI.adapterLogger.warning(
                "adapter \(adapter.id): a \(kind) frame for call \(id) (tool \(toolID)) arrived after its terminal frame; ignored")
        }
        perform(effects)
        return status
    }

    /// `start_call` returned `status` (with the adapter's `error_out` text).
    func startReturned(_ status: sy_status, message: String?) {
        var effects = Effects()
        var armDeadline = false
        state.withLock { state in
            state.startReturned = true
            guard status == SY_OK else {
                // The call never started: no frames are owed and nothing is released.
                let text = message ?? "start_call failed with \(ToolError.Kind.statusName(status))"
                state.outcome = .failure(ToolError(
                    .forStatus(status), "tool \"\(toolID)\" (adapter \(adapter.id)): \(text)", toolID: toolID))
                state.adapterDone = true
                state.releaseClaimed = true
                state.releaseDone = true
                effects.unregister = true
                effects.retire = state.claimRetire()
                if effects.retire { effects.resume = state.takeWaiter() }
                return
            }
            state.started = true
            if state.adapterDone {
                state.settle(&effects)
            } else if state.cancelRequested {
                effects.cancel = true
                effects.startGraceTimer = true
            } else if timeout != nil {
                armDeadline = true
            }
        }
        perform(effects)
        if armDeadline, let timeout { arm(after: timeout, isDeadline: true) { $0.deadlinePassed() } }
    }

    /// The deadline passed: cancel, then wait for the terminal frame up to the grace.
    func deadlinePassed() {
        var effects = Effects()
        state.withLock { state in
            guard !state.adapterDone else { return }
            if !state.isDecided {
                let budget = timeout.map { " of \($0)" } ?? ""
                state.outcome = .failure(ToolError(
                    .timeout, "tool \"\(toolID)\" (adapter \(adapter.id)) passed its deadline\(budget)", toolID: toolID))
            }
            state.requestCancel(&effects)
        }
        perform(effects)
    }

    /// The consumer went away (task canceled, stream dropped) or the adapter shuts down.
    func cancel(reason: String) {
        var effects = Effects()
        state.withLock { state in
            guard !state.delivered, !state.adapterDone else { return }
            if !state.isDecided {
                state.outcome = .failure(ToolError(
                    .canceled, "tool \"\(toolID)\" (adapter \(adapter.id)): \(reason)", toolID: toolID))
            }
            state.requestCancel(&effects)
        }
        perform(effects)
    }

    /// The grace after a cancel ran out without a terminal frame: give up and release.
    func graceExpired() {
        var effects = Effects()
        let gaveUp = state.withLock { state in
            guard !state.adapterDone else { return false }
            state.adapterDone = true
            state.settle(&effects)
            return true
        }
        if gaveUp {
            adapter.noteAbandoned()
            HostAPI.adapterLogger.warning(
                "adapter \(adapter.id): call \(id) (tool \(toolID)) sent no terminal frame within \(adapter.options.cancelGrace) of its cancel; released")
        }
        perform(effects)
    }

    // MARK: Consumer side

    /// The next event for the consumer; waits without blocking a thread.
    func next() async throws -> ToolEvent? {
        while true {
            switch poll() {
            case .event(let event): return event
            case .end: return nil
            case .outcome(.success(let output)): return .result(output)
            case .outcome(.failure(let error)): throw error
            case .wait:
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
    }

    /// What the consumer gets next, without waiting: an event, the outcome (once the call
    /// retired), the end (after the outcome), or `.wait`.
    func poll() -> NextStep {
        state.withLock { state in
            if state.nextEvent < state.events.count {
                let event = state.events[state.nextEvent]
                state.nextEvent += 1
                if state.nextEvent == state.events.count {
                    state.events.removeAll(keepingCapacity: true)
                    state.nextEvent = 0
                }
                return .event(event)
            }
            if state.delivered { return .end }
            if state.retired, let outcome = state.outcome {
                state.delivered = true
                return .outcome(outcome)
            }
            return .wait
        }
    }

    /// A step of the consumer side.
    enum NextStep {
        case event(ToolEvent), outcome(Result<JSONValue, ToolError>), end, wait
    }

    // MARK: Effects (run outside the lock: they call into the adapter or resume tasks)

    private func perform(_ effects: Effects) {
        effects.stopTimer?.cancel()
        // Progress and log events wake the consumer at once; the outcome only at retirement.
        if let waiter = effects.resume, !effects.retire { waiter.resume() }
        if effects.cancel {
            let go = state.withLock { state in
                guard !state.releaseDone else { return false }
                state.hooksInFlight += 1
                return true
            }
            if go {
                adapter.library.cancelCall(adapter.instance, id)
                retireIfDone { $0.hooksInFlight -= 1 }
            }
        }
        if effects.startGraceTimer { arm(after: adapter.options.cancelGrace, isDeadline: false) { $0.graceExpired() } }
        if effects.release {
            CallRegistry.unregister(id)
            adapter.library.releaseCall(adapter.instance, id)
            retireIfDone { $0.releaseDone = true }
        }
        if effects.unregister { CallRegistry.unregister(id) }
        if effects.retire {
            adapter.retire(self)
            effects.resume?.resume()
        }
    }

    /// Applies `change`; when the call is then released with no hook running, retires it and
    /// hands the consumer its outcome — so a consumer that saw the outcome knows the adapter is
    /// done with the call.
    private func retireIfDone(_ change: (inout CallState) -> Void) {
        let (retire, waiter) = state.withLock { state in
            change(&state)
            guard state.claimRetire() else { return (false, nil as UnsafeContinuation<Void, Never>?) }
            return (true, state.takeWaiter())
        }
        guard retire else { return }
        adapter.retire(self)
        waiter?.resume()
    }

    /// Starts the call's timer: one sleeping task, only for calls still running after
    /// start_call returned. A deadline never replaces a grace timer armed by a cancel that
    /// raced ahead of it.
    private func arm(after delay: Duration, isDeadline: Bool,
                     _ fire: @escaping @Sendable (AdapterCall) -> Void) {
        let timer = Task { [self] in
            do {
                try await Task.sleep(for: delay)
            } catch {
                return  // the call ended first
            }
            fire(self)
        }
        let keep = state.withLock { state in
            guard !state.adapterDone else { return false }
            if isDeadline, state.cancelRequested || state.timer != nil { return false }
            state.timer?.cancel()
            state.timer = timer
            return true
        }
        if !keep { timer.cancel() }
    }
}

/// What a state change asks for once the lock is dropped.
struct Effects {
    var resume: UnsafeContinuation<Void, Never>?
    var stopTimer: Task<Void, Never>?
    var cancel = false
    var startGraceTimer = false
    var release = false
    var unregister = false
    var retire = false
}

/// A call's state, guarded by its lock.
struct CallState {
    var decoder: FrameStreamDecoder
    var events: [ToolEvent] = []
    var nextEvent = 0
    /// The decided outcome; the first decision wins.
    var outcome: Result<JSONValue, ToolError>?
    /// The adapter sent its terminal frame, or the host gave up waiting for it.
    var adapterDone = false
    var startReturned = false
    var started = false
    var cancelRequested = false
    var releaseClaimed = false
    var releaseDone = false
    var hooksInFlight = 0
    var retired = false
    /// The outcome was handed to the consumer.
    var delivered = false
    var waiter: UnsafeContinuation<Void, Never>?
    var timer: Task<Void, Never>?

    /// Builds the decoder in place: built outside and passed in, it was copied and destroyed.
    init(maxOutputBytes: Int, toolID: String) {
        decoder = FrameStreamDecoder(maxOutputBytes: maxOutputBytes, toolID: toolID)
    }

    /// An outcome was decided. A tag test: comparing the optional with `nil` copies the whole
    /// `Result` out first.
    var isDecided: Bool {
        if case .some = outcome { return true }
        return false
    }

    var hasSomethingToDeliver: Bool {
        nextEvent < events.count || delivered || retired
    }

    mutating func takeWaiter() -> UnsafeContinuation<Void, Never>? {
        defer { waiter = nil }
        return waiter
    }

    /// Once both the outcome and the adapter's end are known: stop the timer and claim the
    /// release (deferred while start_call has not returned).
    mutating func settle(_ effects: inout Effects) {
        guard adapterDone, isDecided else { return }
        effects.stopTimer = timer
        timer = nil
        if startReturned, started, !releaseClaimed {
            releaseClaimed = true
            effects.release = true
        }
    }

    /// Asks the adapter to stop (once), then waits up to the grace for its terminal frame.
    mutating func requestCancel(_ effects: inout Effects) {
        guard !cancelRequested else { return }
        cancelRequested = true
        guard startReturned, started else { return }  // start_call's return issues it
        effects.stopTimer = timer
        timer = nil
        effects.cancel = true
        effects.startGraceTimer = true
    }

    /// `true` exactly once: when the call was released and no hook is still running for it.
    mutating func claimRetire() -> Bool {
        guard releaseDone, hooksInFlight == 0, !retired else { return false }
        retired = true
        return true
    }
}

/// Keeps a call alive for its stream; when the stream goes away unfinished, cancels the call.
final class AdapterCallStream: Sendable {
    let call: AdapterCall

    init(_ call: AdapterCall) { self.call = call }

    deinit { call.cancel(reason: "the call's stream was dropped before the call ended") }
}
