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
///
/// The lifecycle itself is ``AdapterCallStateMachine``, held under the call's lock; the call
/// feeds it events and performs the actions it returns after dropping the lock.
final class AdapterCall: Sendable {
    /// The process-unique call id.
    let id: UInt64
    let toolID: String
    let adapter: LibraryAdapter
    /// The call's time budget; `nil` for none.
    let timeout: Duration?
    private let state: Mutex<LockedState>

    init(id: UInt64, toolID: String, adapter: LibraryAdapter, timeout: Duration?) {
        self.id = id
        self.toolID = toolID
        self.adapter = adapter
        self.timeout = timeout
        self.state = Mutex(LockedState(toolID: toolID, adapterID: adapter.id,
                                       maxOutputBytes: adapter.options.maxOutputBytes))
    }

    // MARK: Adapter side

    /// A frame (or chunk) from the adapter, on whatever thread it emitted.
    func receive(kind: FrameStreamDecoder.Kind, flags: FrameStreamDecoder.Flags, logLevel: Int32,
                 payload: UnsafeRawBufferPointer) -> sy_status {
        let (answer, effects) = state.withLock { state in
            let (answer, actions) = state.machine.frameReceived(
                kind: kind, flags: flags, logLevel: logLevel, payload: payload)
            return (answer, state.effects(actions))
        }
        perform(effects)
        switch answer {
        case .accepted:
            return SY_OK
        case .rejected:
            return SY_E_INVALID_ARGUMENT
        case .ended:
            HostAPI.adapterLogger.warning(
                "adapter \(adapter.id): a \(kind) frame for call \(id) (tool \(toolID)) arrived after its terminal frame; ignored")
            return SY_E_ENDED
        }
    }

    /// `start_call` returned `status` (with the adapter's `error_out` text).
    func startReturned(_ status: sy_status, message: String?) {
        perform(transition { $0.startReturned(status, message: message) })
    }

    /// The deadline passed: cancel, then wait for the terminal frame up to the grace.
    func deadlinePassed() {
        perform(transition { $0.deadlinePassed(budget: timeout) })
    }

    /// The consumer went away (task canceled, stream dropped) or the adapter shuts down.
    func cancel(reason: String) {
        perform(transition { $0.cancelRequested(reason: reason) })
    }

    /// The grace after a cancel ran out without a terminal frame: give up and release.
    func graceExpired() {
        perform(transition { $0.graceExpired() })
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
                        if state.machine.hasSomethingToDeliver { return true }
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
        state.withLock { $0.machine.consumerPolled() }
    }

    /// A step of the consumer side.
    typealias NextStep = AdapterCallStateMachine.NextStep

    // MARK: Effects (run outside the lock: they call into the adapter or resume tasks)

    /// Runs one event of the state machine under the lock.
    private func transition(_ event: (inout AdapterCallStateMachine) -> AdapterCallStateMachine.Actions) -> Effects {
        state.withLock { state in state.effects(event(&state.machine)) }
    }

    private func perform(_ effects: Effects) {
        let actions = effects.actions
        guard !actions.isEmpty else { return }
        if actions.contains(.abandon) {
            adapter.noteAbandoned()
            HostAPI.adapterLogger.warning(
                "adapter \(adapter.id): call \(id) (tool \(toolID)) sent no terminal frame within \(adapter.options.cancelGrace) of its cancel; released")
        }
        effects.stoppedTimer?.cancel()
        // Progress and log events wake the consumer at once; the outcome only at retirement.
        if !actions.contains(.retire) { effects.waiter?.resume() }
        if actions.contains(.cancelCall), state.withLock({ $0.machine.cancelHookStarting() }) {
            adapter.library.cancelCall(adapter.instance, id)
            perform(transition { $0.cancelHookFinished() })
        }
        if actions.contains(.armGraceTimer) { arm(.grace, after: adapter.options.cancelGrace) { $0.graceExpired() } }
        if actions.contains(.releaseCall) {
            CallRegistry.unregister(id)
            adapter.library.releaseCall(adapter.instance, id)
            perform(transition { $0.releaseFinished() })
        }
        if actions.contains(.unregister) { CallRegistry.unregister(id) }
        // Retired before the consumer hears its outcome, so a consumer that saw the outcome
        // knows the adapter is done with the call.
        if actions.contains(.retire) {
            adapter.retire(self)
            effects.waiter?.resume()
        }
        if actions.contains(.armDeadline), let timeout { arm(.deadline, after: timeout) { $0.deadlinePassed() } }
    }

    /// Starts the call's timer: one sleeping task, kept only while the machine accepts it.
    private func arm(_ timer: AdapterCallStateMachine.Timer, after delay: Duration,
                     _ fire: @escaping @Sendable (AdapterCall) -> Void) {
        let task = Task { [self] in
            do {
                try await Task.sleep(for: delay)
            } catch {
                return  // the call ended first
            }
            fire(self)
        }
        let keep = state.withLock { state in
            guard state.machine.acceptsTimer(timer) else { return false }
            state.timer?.cancel()
            state.timer = task
            return true
        }
        if !keep { task.cancel() }
    }
}

/// A state machine's actions, with what they need from outside the machine taken under the lock.
private struct Effects {
    var actions: AdapterCallStateMachine.Actions
    var waiter: UnsafeContinuation<Void, Never>?
    var stoppedTimer: Task<Void, Never>?
}

/// A call's state, guarded by its lock: the lifecycle, and the consumer and timer it wakes.
private struct LockedState {
    var machine: AdapterCallStateMachine
    var waiter: UnsafeContinuation<Void, Never>?
    var timer: Task<Void, Never>?

    /// Builds the decoder in place: built outside and passed in, it was copied and destroyed.
    init(toolID: String, adapterID: String, maxOutputBytes: Int) {
        machine = AdapterCallStateMachine(toolID: toolID, adapterID: adapterID, maxOutputBytes: maxOutputBytes)
    }

    /// Takes the waiter and the timer the actions hand on.
    mutating func effects(_ actions: AdapterCallStateMachine.Actions) -> Effects {
        var effects = Effects(actions: actions)
        if actions.contains(.wakeConsumer) {
            effects.waiter = waiter
            waiter = nil
        }
        if actions.contains(.stopTimer) {
            effects.stoppedTimer = timer
            timer = nil
        }
        return effects
    }
}

/// Keeps a call alive for its stream; when the stream goes away unfinished, cancels the call.
final class AdapterCallStream: Sendable {
    let call: AdapterCall

    init(_ call: AdapterCall) { self.call = call }

    deinit { call.cancel(reason: "the call's stream was dropped before the call ended") }
}
