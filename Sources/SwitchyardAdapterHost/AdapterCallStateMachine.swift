import SwitchyardABI
import SwitchyardJSON
import SwitchyardRuntime

/// The lifecycle of one call into a C-ABI adapter, as a value: one phase (with the outcome
/// once decided), and events that move it and say what to do next.
///
/// Each event is a mutating method that returns the ``Actions`` it asks for; the owner
/// (``AdapterCall``) runs it under its lock and performs the actions after dropping the lock,
/// since they call into the adapter or resume tasks. The machine itself holds no lock, starts no
/// thread and calls no C, so every transition can be tested on its own.
///
/// The guarantees it encodes:
/// - The outcome is decided once; the first decision wins (the adapter's terminal frame, a
///   protocol or output-limit failure, the deadline, a cancel). Only a failed `start_call`
///   overrides what frames sent during it decided.
/// - The outcome reaches the consumer only after the adapter's terminal frame or the cancel
///   grace ran out, and after `release_call` returned with no `cancel_call` still running.
/// - `release_call` is asked for exactly once, never while `start_call` runs; a failed
///   `start_call` releases nothing.
/// - A frame after the terminal frame (or after the host gave up) is answered `ended`.
struct AdapterCallStateMachine {
    /// A decided outcome: the tool's output or its error.
    typealias Outcome = Result<JSONValue, ToolError>

    /// Where the call is. The phases after `starting` and `running` (up to `delivered`) have a
    /// decided ``outcome``; it is kept beside the phase rather than in each case so that moving
    /// from phase to phase copies nothing (the hot path passes through four of them).
    enum Phase: Equatable {
        /// `start_call` runs and nothing is decided.
        case starting
        /// `start_call` runs and the host decided the outcome (a cancel, a malformed frame, the
        /// output limit): `cancel_call` waits until `start_call` returned.
        case startingCancelPending
        /// `start_call` runs and the adapter already sent its terminal frame: `release_call`
        /// waits until `start_call` returned.
        case startingEnded
        /// Started, nothing decided: frames stream, the deadline (if any) is armed.
        case running
        /// The host decided the outcome and asked `cancel_call`: frames are drained, unread,
        /// until the terminal frame or the end of the grace.
        case canceling
        /// The adapter is done with the call (terminal frame, or the grace ran out):
        /// `release_call` runs.
        case releasing
        /// `release_call` returned but a `cancel_call` still runs.
        case awaitingCancelHook
        /// Released with no hook running (or `start_call` failed): the outcome is ready.
        case retired
        /// The consumer took the outcome.
        case delivered
    }

    /// What an event asks the owner to do once the lock is dropped. A bit set: no allocation.
    struct Actions: OptionSet, Equatable {
        let rawValue: UInt16

        /// Resume the consumer waiting for the next step (after `retire`, when both are set).
        static let wakeConsumer = Actions(rawValue: 1 << 0)
        /// Cancel the armed timer (deadline or grace).
        static let stopTimer = Actions(rawValue: 1 << 1)
        /// Call `cancel_call`, bracketed by ``cancelHookStarting()`` and ``cancelHookFinished()``.
        static let cancelCall = Actions(rawValue: 1 << 2)
        /// Arm the grace timer; it fires ``graceExpired()``.
        static let armGraceTimer = Actions(rawValue: 1 << 3)
        /// Arm the deadline timer, if the call has a budget; it fires ``deadlinePassed(budget:)``.
        static let armDeadline = Actions(rawValue: 1 << 4)
        /// Unregister the call and call `release_call`, then report ``releaseFinished()``.
        static let releaseCall = Actions(rawValue: 1 << 5)
        /// Unregister the call without a release (`start_call` failed).
        static let unregister = Actions(rawValue: 1 << 6)
        /// Retire the call from its adapter.
        static let retire = Actions(rawValue: 1 << 7)
        /// Count the call as abandoned and warn: no terminal frame within the grace.
        static let abandon = Actions(rawValue: 1 << 8)
        /// A `start_call` the host had given up on returned `SY_OK` after all: call
        /// `cancel_call` and `release_call` for it now, on the thread it returned on.
        static let releaseAbandonedStart = Actions(rawValue: 1 << 9)
    }

    /// How a frame from the adapter was taken.
    enum FrameAnswer: Equatable {
        /// Decoded, or drained after the host decided (`SY_OK`).
        case accepted
        /// Malformed or over the output limit (`SY_E_INVALID_ARGUMENT`); the call fails.
        case rejected
        /// The call already ended (`SY_E_ENDED`): the frame is ignored, with a warning.
        case ended
    }

    /// The call's timers.
    enum Timer {
        case deadline, grace
    }

    /// A step of the consumer side.
    enum NextStep: Equatable {
        case event(ToolEvent), outcome(Outcome), end, wait
    }

    /// The current phase.
    private(set) var phase = Phase.starting
    /// The decided outcome: set once, by the first decision (a failed `start_call` replaces
    /// what frames sent during it decided).
    private(set) var outcome: Outcome?
    let toolID: String
    let adapterID: String
    private var decoder: FrameStreamDecoder
    /// Progress and log events not yet taken by the consumer, from `nextEvent` on.
    private var events: [ToolEvent] = []
    private var nextEvent = 0
    /// `cancel_call`s running now.
    private(set) var hooksInFlight = 0
    /// The host gave up on a `start_call` that had not returned: if it returns `SY_OK` later,
    /// the adapter still gets its `cancel_call` and its one `release_call`.
    private(set) var startAbandoned = false

    /// Progress and log events forwarded at most per call, and their payload bytes at most:
    /// past either, events are dropped (counted) and one note says how many.
    let maxEvents: Int
    let maxEventBytes: Int
    private var forwardedEvents = 0
    private var forwardedEventBytes = 0
    private var droppedEvents = 0
    private var droppedEventBytes = 0
    /// Payload bytes of the progress or log frame being received (its chunks so far).
    private var eventFrameBytes = 0

    /// A call that is about to enter `start_call`.
    init(toolID: String, adapterID: String, maxOutputBytes: Int, maxEvents: Int = 10_000,
         maxEventBytes: Int = 1 << 20) {
        self.toolID = toolID
        self.adapterID = adapterID
        self.maxEvents = maxEvents
        self.maxEventBytes = maxEventBytes
        decoder = FrameStreamDecoder(maxOutputBytes: maxOutputBytes, toolID: toolID)
    }

    /// Keeps `event` for the consumer unless the call's event budget is spent.
    private mutating func forward(_ event: ToolEvent, bytes: Int) -> Actions {
        guard forwardedEvents < maxEvents, forwardedEventBytes + bytes <= maxEventBytes else {
            droppedEvents += 1
            droppedEventBytes += bytes
            return []
        }
        forwardedEvents += 1
        forwardedEventBytes += bytes
        if case .log(let level, let text) = event {
            events.append(.log(level, PluginText.oneLine(text)))
        } else {
            events.append(event)
        }
        return .wakeConsumer
    }

    /// The one note, before the outcome, on events dropped past the budget.
    private mutating func takeDroppedNote() -> ToolEvent? {
        guard droppedEvents > 0 else { return nil }
        defer { droppedEvents = 0 }
        return .log(.warning, "adapter \(adapterID): tool \(toolID) dropped \(droppedEvents) progress and log frames "
                    + "(\(droppedEventBytes) bytes) past the per-call limit of \(maxEvents) frames or \(maxEventBytes) bytes")
    }

    // MARK: Adapter side

    /// The adapter emitted a frame (or a chunk of one).
    mutating func frameReceived(kind: FrameStreamDecoder.Kind, flags: FrameStreamDecoder.Flags,
                                logLevel: Int32, payload: UnsafeRawBufferPointer)
        -> (answer: FrameAnswer, actions: Actions)
    {
        let terminal = kind.isTerminal && flags.contains(.endOfStream)
        switch phase {
        case .startingEnded, .releasing, .awaitingCancelHook, .retired, .delivered:
            return (.ended, [])
        case .startingCancelPending, .canceling:
            // The host already decided: drain until the adapter's end.
            return (.accepted, terminal ? adapterEnded() : [])
        case .starting, .running:
            break
        }
        do throws(ToolError) {
            eventFrameBytes += payload.count
            switch try decoder.consume(kind: kind, flags: flags, logLevel: logLevel, payload: payload) {
            case .incomplete:
                return (.accepted, [])
            case .event(let event):
                defer { eventFrameBytes = 0 }
                return (.accepted, forward(event, bytes: eventFrameBytes))
            case .finished(let decided):
                outcome = decided.mapError { PluginText.oneLine($0) }
                return (.accepted, adapterEnded())
            }
        } catch {
            outcome = .failure(error)
            return (.rejected, terminal ? adapterEnded() : hostCanceled())
        }
    }

    /// `start_call` returned `status`, with the adapter's `error_out` text.
    mutating func startReturned(_ status: sy_status, message: String?) -> Actions {
        if startAbandoned {
            startAbandoned = false
            return status == SY_OK ? .releaseAbandonedStart : []
        }
        guard status == SY_OK else {
            guard isStarting else { return [] }
            // The call never started: no frames are owed and nothing is released.
            let text = message.map { PluginText.oneLine($0) } ?? "start_call failed with \(ToolError.Kind.statusName(status))"
            outcome = .failure(ToolError(
                .forStatus(status), "tool \"\(toolID)\" (adapter \(adapterID)): \(text)", toolID: toolID))
            phase = .retired
            return [.unregister, .retire, .wakeConsumer]
        }
        switch phase {
        case .starting:
            phase = .running
            return .armDeadline
        case .startingCancelPending:
            phase = .canceling
            return [.cancelCall, .armGraceTimer]
        case .startingEnded:
            phase = .releasing
            return [.stopTimer, .releaseCall]
        case .running, .canceling, .releasing, .awaitingCancelHook, .retired, .delivered:
            return []  // start_call returns once
        }
    }

    /// The deadline passed: the call fails with `timeout` unless already decided, and is canceled.
    /// - Parameter budget: the call's time budget, named in the error.
    mutating func deadlinePassed(budget: Duration?) -> Actions {
        guard isUndecided else { return [] }
        let budgetText = budget.map { " of \($0)" } ?? ""
        outcome = .failure(ToolError(
            .timeout, "tool \"\(toolID)\" (adapter \(adapterID)) passed its deadline\(budgetText)", toolID: toolID))
        return hostCanceled()
    }

    /// The consumer went away or the adapter shuts down: the call fails with `canceled` unless
    /// already decided, and is canceled. After the adapter's end it changes nothing.
    mutating func cancelRequested(reason: String) -> Actions {
        guard isUndecided else { return [] }
        outcome = .failure(ToolError(
            .canceled, "tool \"\(toolID)\" (adapter \(adapterID)): \(reason)", toolID: toolID))
        return hostCanceled()
    }

    /// The grace after the cancel ran out without a terminal frame: give up and release.
    mutating func graceExpired() -> Actions {
        switch phase {
        case .canceling, .startingCancelPending:
            return adapterEnded().union(.abandon)
        case .starting, .running, .startingEnded, .releasing, .awaitingCancelHook, .retired, .delivered:
            return []  // the grace timer only runs while canceling
        }
    }

    /// A hook of the call ran past its deadline (`start_call`, or a `release_call`): the call
    /// ends now — with its decided outcome, else `timeout` — and is retired, the hook abandoned.
    /// - Parameters:
    ///   - hook: the watched hook: `.startCall` (a start section: `start_call` and a `release_call`
    ///     run right after it) or `.releaseCall`.
    ///   - running: inside the hook; `false` when it still waited for a hook thread.
    ///   - budget: the deadline's budget, named in the error.
    /// - Returns: whether the hook was abandoned (nothing of it was stuck otherwise), and actions.
    mutating func hookOverran(_ hook: AdapterHook, running: Bool, budget: String) -> (abandoned: Bool, actions: Actions) {
        switch phase {
        case .starting, .startingCancelPending, .startingEnded:
            guard hook == .startCall else { return (false, []) }
            if outcome == nil {
                let why = running
                    ? "start_call has not returned at the call's deadline of \(budget); the call ends here and the thread inside start_call is abandoned"
                    : "start_call was still waiting for a hook thread at the call's deadline of \(budget)"
                outcome = .failure(ToolError(.timeout, "tool \"\(toolID)\" (adapter \(adapterID)): \(why)", toolID: toolID))
            }
            // Only a hook that ran owes a release if it returns SY_OK; a queued one never runs.
            startAbandoned = running
            phase = .retired
            return (true, [.stopTimer, .unregister, .retire, .wakeConsumer])
        case .releasing:
            phase = .retired
            return (true, [.stopTimer, .retire, .wakeConsumer])
        case .running, .canceling, .awaitingCancelHook, .retired, .delivered:
            return (false, [])
        }
    }

    /// A `cancel_call` ran (or waited for a thread) past the cancel grace: it no longer holds
    /// the call's retirement back.
    mutating func cancelHookOverran() -> Actions {
        cancelHookFinished()
    }

    /// Whether a timer armed now is kept: the deadline only while running, the grace only while
    /// canceling (a deadline never replaces a grace armed by a cancel that raced ahead of it).
    func acceptsTimer(_ timer: Timer) -> Bool {
        switch (timer, phase) {
        case (.deadline, .running), (.grace, .canceling): true
        default: false
        }
    }

    /// A `cancel_call` is about to run; `false` (do not call it) once the call was released.
    mutating func cancelHookStarting() -> Bool {
        switch phase {
        case .awaitingCancelHook, .retired, .delivered:
            return false
        case .starting, .startingCancelPending, .startingEnded, .running, .canceling, .releasing:
            hooksInFlight += 1
            return true
        }
    }

    /// A `cancel_call` returned; the last one after the release retires the call.
    mutating func cancelHookFinished() -> Actions {
        hooksInFlight -= 1
        guard hooksInFlight == 0, phase == .awaitingCancelHook else { return [] }
        phase = .retired
        return [.retire, .wakeConsumer]
    }

    /// `release_call` returned: the call retires unless a `cancel_call` still runs.
    mutating func releaseFinished() -> Actions {
        guard phase == .releasing else { return [] }
        guard hooksInFlight == 0 else {
            phase = .awaitingCancelHook
            return []
        }
        phase = .retired
        return [.retire, .wakeConsumer]
    }

    // MARK: Consumer side

    /// The consumer asks for its next step: an event, the outcome (once retired, and only once),
    /// the end (after the outcome), or `.wait`.
    mutating func consumerPolled() -> NextStep {
        if nextEvent < events.count {
            let event = events[nextEvent]
            nextEvent += 1
            if nextEvent == events.count {
                events.removeAll(keepingCapacity: true)
                nextEvent = 0
            }
            return .event(event)
        }
        switch phase {
        case .retired:
            if let note = takeDroppedNote() { return .event(note) }
            phase = .delivered
            // Moved out, not copied: nothing reads it after delivery.
            guard let outcome = outcome.take() else { preconditionFailure("a call retired without an outcome") }
            return .outcome(outcome)
        case .delivered:
            return .end
        case .starting, .startingCancelPending, .startingEnded, .running, .canceling, .releasing,
             .awaitingCancelHook:
            return .wait
        }
    }

    /// `true` when ``consumerPolled()`` would not answer `.wait`.
    var hasSomethingToDeliver: Bool {
        if nextEvent < events.count { return true }
        switch phase {
        case .retired, .delivered: return true
        default: return false
        }
    }

    // MARK: Transitions shared by several events

    private var isStarting: Bool {
        switch phase {
        case .starting, .startingCancelPending, .startingEnded: true
        default: false
        }
    }

    /// Nothing decided yet (the adapter has not ended either).
    private var isUndecided: Bool {
        switch phase {
        case .starting, .running: true
        default: false
        }
    }

    /// The host decided the outcome before the adapter ended: cancel the call (once
    /// `start_call` returned) and drain its frames up to the grace.
    private mutating func hostCanceled() -> Actions {
        if phase == .starting {
            phase = .startingCancelPending
            return []  // start_call's return issues the cancel
        }
        phase = .canceling
        return [.stopTimer, .cancelCall, .armGraceTimer]
    }

    /// The adapter is done (terminal frame, or the host gave up on it) and the outcome decided:
    /// stop the timer and release, unless `start_call` still runs.
    private mutating func adapterEnded() -> Actions {
        if isStarting {
            phase = .startingEnded
            return .stopTimer
        }
        phase = .releasing
        return [.stopTimer, .releaseCall]
    }
}
