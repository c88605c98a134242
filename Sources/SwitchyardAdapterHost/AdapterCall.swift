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
    /// The `host_context` token of the instance the call was started on: the only context
    /// whose frames the call takes.
    let bindingToken: UInt64
    /// The call's time budget; `nil` for none.
    let timeout: Duration?
    /// When the budget runs out, fixed before `start_call` runs (a hook stuck in it ends there).
    let deadline: ContinuousClock.Instant?
    /// Set when `start_call` (and what its return asked for) ended in time, for a caller
    /// that waits for it without suspending.
    let startSection = HookSectionFlag()
    private let state: Mutex<LockedState>

    init(id: UInt64, toolID: String, adapter: LibraryAdapter, timeout: Duration?) {
        self.id = id
        self.toolID = toolID
        self.adapter = adapter
        self.bindingToken = adapter.binding.token
        self.timeout = timeout
        self.deadline = timeout.map { ContinuousClock.now + $0 }
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
        perform(effects, on: .emittingThread)
        switch answer {
        case .accepted:
            return SY_OK
        case .rejected:
            return SY_E_INVALID_ARGUMENT
        case .ended:
            HostAPI.adapterLogger.warning(
                "adapter \(adapter.id): a \(kind) frame for call \(id) (tool \(toolID)) arrived after its terminal frame; ignored",
                metadata: HostAPI.metadata(adapter: adapter.id, toolID: toolID, callID: id))
            return SY_E_ENDED
        }
    }

    /// `start_call` returned `status` (with the adapter's `error_out` text).
    func startReturned(_ status: sy_status, message: String?) {
        perform(transition { $0.startReturned(status, message: message) }, on: .startSection)
    }

    /// The deadline passed: cancel, then wait for the terminal frame up to the grace.
    func deadlinePassed() {
        perform(transition { $0.deadlinePassed(budget: timeout) })
    }

    /// The consumer went away (task canceled, stream dropped) or the adapter shuts down.
    ///
    /// A call canceled while `start_call` runs ends within the cancel grace even if the hook
    /// never returns: its watch is moved up to the grace.
    func cancel(reason: String) {
        let (effects, starting) = state.withLock { state in
            (state.effects(state.machine.cancelRequested(reason: reason)), state.machine.phase == .startingCancelPending)
        }
        perform(effects)
        if starting { HookWatchdog.expireWatches(of: self, by: .now + adapter.options.cancelGrace) }
    }

    /// Shutdown waited `limit` for the call after canceling it: it is given up on, as if its
    /// hooks ran past their deadline.
    func abandonAtShutdown() {
        if HookWatchdog.expireWatches(of: self) == 0 { perform(transition { $0.graceExpired() }) }
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

    /// Where effects are performed, which decides where the hooks they ask for run.
    enum Place {
        /// Inside a watched start section (`start_call` just returned): `release_call` runs here.
        case startSection
        /// On the thread that emitted a frame (the adapter's own): `release_call` runs here,
        /// watched for the cancel grace.
        case emittingThread
        /// On a thread of the host's (timers, a canceling consumer, the watchdog): hooks go to
        /// ``HookThreads``, never run here.
        case hostThread
    }

    private func perform(_ effects: Effects, on place: Place = .hostThread) {
        let actions = effects.actions
        guard !actions.isEmpty else { return }
        if actions.contains(.abandon) {
            adapter.noteAbandoned()
            HostAPI.adapterLogger.warning(
                "adapter \(adapter.id): call \(id) (tool \(toolID)) sent no terminal frame within \(adapter.options.cancelGrace) of its cancel; released",
                metadata: HostAPI.metadata(adapter: adapter.id, toolID: toolID, callID: id))
        }
        effects.stoppedTimer?.cancel()
        // Progress and log events wake the consumer at once; the outcome only at retirement.
        if !actions.contains(.retire) { effects.waiter?.resume() }
        if actions.contains(.cancelCall), state.withLock({ $0.machine.cancelHookStarting() }) {
            cancelOnHookThread()
        }
        if actions.contains(.armGraceTimer) { arm(.grace, after: adapter.options.cancelGrace) { $0.graceExpired() } }
        if actions.contains(.releaseCall) {
            CallRegistry.unregister(id)
            switch place {
            case .startSection: releaseHere(watched: false)
            case .emittingThread: releaseHere(watched: true)
            case .hostThread: releaseOnHookThread()
            }
        }
        if actions.contains(.releaseAbandonedStart) {
            // This thread was inside the abandoned start_call; it is the adapter's again.
            adapter.library.cancelCall(adapter.instance, id)
            adapter.library.releaseCall(adapter.instance, id)
        }
        if actions.contains(.unregister) { CallRegistry.unregister(id) }
        // Retired before the consumer hears its outcome, so a consumer that saw the outcome
        // knows the adapter is done with the call.
        if actions.contains(.retire) {
            adapter.retire(self)
            effects.waiter?.resume()
        }
        if actions.contains(.armDeadline), let deadline { arm(.deadline, until: deadline) { $0.deadlinePassed() } }
    }

    // MARK: Hooks off the caller's thread

    /// `cancel_call` on a hook thread, watched for the cancel grace.
    private func cancelOnHookThread() {
        let ticket = HookWatchdog.watch(self, .cancelCall, deadline: .now + adapter.options.cancelGrace,
                                        running: false, onHookThread: true)
        HookThreads.run(for: adapter) { [self] in
            guard HookWatchdog.claim(ticket) else { return }
            adapter.library.cancelCall(adapter.instance, id)
            if HookWatchdog.unwatch(ticket) {
                perform(transition { $0.cancelHookFinished() })
            } else {
                adapter.stuckHookReturned(.cancelCall, onHookThread: true)
            }
        }
    }

    /// `release_call` on a hook thread, watched for the cancel grace.
    private func releaseOnHookThread() {
        let ticket = HookWatchdog.watch(self, .releaseCall, deadline: .now + adapter.options.cancelGrace,
                                        running: false, onHookThread: true)
        HookThreads.run(for: adapter) { [self] in
            guard HookWatchdog.claim(ticket) else { return }
            adapter.library.releaseCall(adapter.instance, id)
            if HookWatchdog.unwatch(ticket) {
                perform(transition { $0.releaseFinished() })
            } else {
                adapter.stuckHookReturned(.releaseCall, onHookThread: true)
            }
        }
    }

    /// `release_call` on this thread; watched for the cancel grace when no start section is.
    private func releaseHere(watched: Bool) {
        let ticket = watched
            ? HookWatchdog.watch(self, .releaseCall, deadline: .now + adapter.options.cancelGrace,
                                 running: true, onHookThread: false)
            : nil
        adapter.library.releaseCall(adapter.instance, id)
        if HookWatchdog.unwatch(ticket) {
            perform(transition { $0.releaseFinished() })
        } else {
            adapter.stuckHookReturned(.releaseCall, onHookThread: false)
        }
    }

    /// Starts the call's timer: one sleeping task, kept only while the machine accepts it.
    private func arm(_ timer: AdapterCallStateMachine.Timer, after delay: Duration,
                     _ fire: @escaping @Sendable (AdapterCall) -> Void) {
        arm(timer, until: .now + delay, fire)
    }

    private func arm(_ timer: AdapterCallStateMachine.Timer, until instant: ContinuousClock.Instant,
                     _ fire: @escaping @Sendable (AdapterCall) -> Void) {
        let task = Task { [self] in
            do {
                try await Task.sleep(until: instant)
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

extension AdapterCall: HookWatchTarget {
    /// A watched hook of the call ran past its deadline: ends the call (and marks its adapter
    /// unhealthy while the hook stays stuck inside it).
    func hookOverran(_ hook: AdapterHook, running: Bool) -> HookOverrun {
        let budget = hook == .startCall ? timeout.map { "\($0)" } ?? "none" : "\(adapter.options.cancelGrace)"
        let (abandoned, effects) = state.withLock { state in
            if hook == .cancelCall { return (true, state.effects(state.machine.cancelHookOverran())) }
            let (abandoned, actions) = state.machine.hookOverran(hook, running: running, budget: budget)
            return (abandoned, state.effects(actions))
        }
        guard abandoned else { return HookOverrun(abandoned: false) }
        if running { adapter.hookStuck(hook, callID: id, toolID: toolID) }
        return HookOverrun(abandoned: true) { [self] in
            if running {
                HostAPI.adapterLogger.warning(
                    "adapter \(adapter.id): \(hook.rawValue) of call \(id) (tool \(toolID)) has not returned within \(budget); its thread is abandoned and the adapter refuses new calls until it returns",
                    metadata: HostAPI.metadata(adapter: adapter.id, toolID: toolID, callID: id))
            }
            perform(effects)
        }
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
