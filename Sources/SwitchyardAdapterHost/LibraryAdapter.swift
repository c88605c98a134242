import Synchronization
import SwitchyardABI
import SwitchyardJSON
import SwitchyardRuntime

/// A `ToolAdapter` backed by an adapter library's C ABI: one adapter instance, its tools called
/// through libffi, their frames decoded as they stream.
///
/// - Important: The host calls `release_call` either right after `start_call` returns (when the
///   call already ended inside it) or from inside the `emit` of the terminal frame, and
///   `cancel_call` from inside an `emit` it refuses (output limit, malformed frame) — always
///   after dropping its own locks, never inside `start_call`. An adapter must therefore not hold
///   a lock across `emit` that its `release_call` or `cancel_call` takes, and must not free
///   state a thread still uses after `emit` returns (textkit reference-counts its calls).
public final class LibraryAdapter: ToolAdapter {
    /// The adapter's id (the `id` of its `adapters:` entry).
    public let id: String
    /// The library the instance lives in.
    public let library: AdapterLibrary
    /// Timeouts and limits for calls.
    public let options: AdapterCallOptions

    let instance: AdapterInstance
    /// The instance's host table and the token its calls are bound to.
    let binding: HostBinding
    private let lifecycle = Mutex(Lifecycle())

    private struct Lifecycle {
        var live = CallTable<AdapterCall>()
        var describing = 0
        var shuttingDown = false
        var destroyed = false
        var idleWaiters: [UnsafeContinuation<Void, Never>] = []
        var counts = AdapterCallCounts()
        /// What the first hook still stuck inside the instance is, for the fail-fast error.
        var stuckHook: String?

        var isIdle: Bool { live.isEmpty && describing == 0 }

        mutating func takeWaiters() -> [UnsafeContinuation<Void, Never>] {
            defer { idleWaiters = [] }
            return idleWaiters
        }
    }

    /// Creates an adapter instance (`create`) from `config`.
    /// - Parameters:
    ///   - id: the adapter's id, named in errors.
    ///   - library: a loaded adapter library.
    ///   - config: the instance's configuration, a JSON object.
    ///   - options: timeouts and limits for calls.
    /// - Throws: `ToolError` `.invalidInput` when the adapter rejects the config
    ///   (`SY_E_INVALID_ARGUMENT`), else `.load`, with the adapter's `error_out` text.
    public init(id: String, library: AdapterLibrary, config: JSONValue = .emptyObject,
                options: AdapterCallOptions = .init()) throws(ToolError) {
        guard case .object = config else {
            throw ToolError(.invalidInput, "adapter \(id): config must be a JSON object, not \(config.typeName)")
        }
        var configJSON = config.jsonBytes
        configJSON.append(0)
        let binding = HostBinding.make(adapterID: id)
        do {
            self.instance = try library.create(config: configJSON, host: binding.table.pointer)
        } catch {
            let text = error.message ?? "create failed with \(ToolError.Kind.statusName(error.status))"
            let kind: ToolError.Kind = error.status == SY_E_INVALID_ARGUMENT ? .invalidInput : .load
            throw ToolError(kind, "adapter \(id) (\(library.path)) could not create an instance: \(text)")
        }
        self.id = id
        self.library = library
        self.options = options
        self.binding = binding
    }

    /// The instance's tools (`describe`).
    /// - Throws: `ToolError` when the adapter fails or its JSON is not an array of
    ///   `{"id", "description", "input", "output"}`.
    public func describe() async throws -> [ToolDescriptor] {
        try describeTools()
    }

    /// As ``describe()``, synchronously.
    public func describeTools() throws(ToolError) -> [ToolDescriptor] {
        guard admitDescribing() else { throw ToolError(.canceled, "adapter \(id) is shut down") }
        defer { finishDescribing() }
        let bytes: [UInt8]
        // On a hook thread, waited for at most hookTimeout: a stuck describe is abandoned.
        let (library, instance) = (self.library, self.instance)
        let answer = BoundedHook.run(.describe, of: self, budget: options.hookTimeout) {
            Result { () throws(HookFailure) in try library.describe(instance) }
        }
        guard let answer else {
            throw ToolError(.timeout, "adapter \(id): describe did not return within \(options.hookTimeout); "
                            + "its thread was abandoned")
        }
        do {
            bytes = try answer.get()
        } catch {
            let text = error.message ?? "describe failed with \(ToolError.Kind.statusName(error.status))"
            throw ToolError(.forStatus(error.status), "adapter \(id): describe: \(text)")
        }
        return try ToolDescriptor.parseList(bytes, adapterID: id)
    }

    /// Counts a hook outside any call (`describe`, `stats`) as running, so shutdown waits for it;
    /// false once shutting down.
    func admitDescribing() -> Bool {
        lifecycle.withLock { state in
            guard !state.shuttingDown else { return false }
            state.describing += 1
            return true
        }
    }

    func finishDescribing() {
        let waiters = lifecycle.withLock { state in
            state.describing -= 1
            return state.shuttingDown && state.isIdle ? state.takeWaiters() : []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How many calls started, finished and were given up on so far.
    public var callCounts: AdapterCallCounts {
        var counts = lifecycle.withLock { $0.counts }
        counts.refusedFrames = binding.refusedFrames.load(ordering: .relaxed)
        return counts
    }

    /// A canceled call sent no terminal frame within the grace.
    func noteAbandoned() {
        lifecycle.withLock { $0.counts.abandoned += 1 }
    }

    /// Admits a new call unless the adapter is shutting down or unhealthy.
    /// - Throws: `ToolError` `.canceled` (shut down) or `.crashed` (a hook is stuck in the
    ///   instance: new calls fail fast instead of piling up threads behind it).
    func admit(_ call: AdapterCall) throws(ToolError) {
        let refusal: ToolError? = lifecycle.withLock { state in
            guard !state.shuttingDown else {
                return ToolError(.canceled, "adapter \(id) is shut down", toolID: call.toolID)
            }
            if let stuck = state.stuckHook {
                return ToolError(.crashed, "adapter \(id) is unhealthy: \(stuck) has not returned (its thread was "
                                 + "abandoned); new calls are refused until it returns", toolID: call.toolID)
            }
            state.live.insert(call)
            state.counts.started += 1
            return nil
        }
        if let refusal { throw refusal }
    }

    /// `hook` is stuck inside the instance past its deadline: the adapter is unhealthy until it
    /// returns.
    func hookStuck(_ hook: AdapterHook, callID: UInt64? = nil, toolID: String? = nil) {
        lifecycle.withLock { state in
            state.counts.stuckHooks += 1
            state.counts.abandonedHooks += 1
            if state.stuckHook == nil {
                state.stuckHook = hook.rawValue + (callID.map { " of call \($0)" } ?? "")
                    + (toolID.map { " (tool \($0))" } ?? "")
            }
        }
    }

    /// A hook the host had abandoned returned after all.
    func stuckHookReturned(_ hook: AdapterHook, onHookThread: Bool) {
        if onHookThread { HookThreads.threadReturned() }
        let healthy = lifecycle.withLock { state in
            state.counts.stuckHooks -= 1
            if state.counts.stuckHooks == 0 { state.stuckHook = nil }
            return state.counts.stuckHooks == 0
        }
        HostAPI.adapterLogger.notice(
            "adapter \(id): an abandoned \(hook.rawValue) returned\(healthy ? "; the adapter takes calls again" : "")", metadata: HostAPI.metadata(adapter: id))
    }

    /// A call is released and no hook runs for it any more.
    func retire(_ call: AdapterCall) {
        let waiters = lifecycle.withLock { state in
            state.live.remove(call.id)
            state.counts.retired += 1
            return state.shuttingDown && state.isIdle ? state.takeWaiters() : []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Cancels every live call (`cancel_call`); each still ends through its terminal frame or
    /// the grace.
    func cancelLiveCalls(reason: String) {
        let live = lifecycle.withLock { $0.live.calls }
        for call in live { call.cancel(reason: reason) }
    }

    /// Cancels live calls, waits until every one ended and was released, then destroys the
    /// instance (once). Later calls fail with `canceled`.
    ///
    /// Bounded: a call still live two cancel graces after its cancel (its `start_call` stuck)
    /// is abandoned, and `destroy` runs on a hook thread for at most `options.hookTimeout`. The
    /// instance is not destroyed while an abandoned hook may still run inside it; both are
    /// reported in the log.
    public func shutdown() async {
        let live = lifecycle.withLock { state in
            state.shuttingDown = true
            return state.live.calls
        }
        for call in live { call.cancel(reason: "adapter \(id) is shutting down") }
        let limit = options.cancelGrace * 2 + .milliseconds(100)
        let giveUp = Task { [self] in
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            abandonLiveCalls()
        }
        await withUnsafeContinuation { (waiter: UnsafeContinuation<Void, Never>) in
            let idle = lifecycle.withLock { state in
                if state.isIdle { return true }
                state.idleWaiters.append(waiter)
                return false
            }
            if idle { waiter.resume() }
        }
        giveUp.cancel()
        let (destroy, stuck) = lifecycle.withLock { state in
            defer { state.destroyed = true }
            return (!state.destroyed && state.stuckHook == nil, state.stuckHook)
        }
        if let stuck {
            HostAPI.adapterLogger.warning(
                "adapter \(id): not destroyed at shutdown, because \(stuck) still runs inside the instance", metadata: HostAPI.metadata(adapter: id))
        }
        guard destroy else { return }
        let (library, instance) = (self.library, self.instance)
        if BoundedHook.run(.destroy, of: self, budget: options.hookTimeout, { library.destroy(instance) }) == nil {
            HostAPI.adapterLogger.warning(
                "adapter \(id): destroy did not return within \(options.hookTimeout) at shutdown; its thread was abandoned", metadata: HostAPI.metadata(adapter: id))
        }
    }

    /// Ends every call still live at shutdown after the wait (a `start_call` that will not
    /// return): its watched hooks end as if their deadlines passed.
    private func abandonLiveCalls() {
        let live = lifecycle.withLock { $0.live.calls }
        for call in live { call.abandonAtShutdown() }
    }
}

/// Call counters of one ``LibraryAdapter``.
public struct AdapterCallCounts: Sendable, Hashable {
    /// Calls admitted (including those whose start_call failed).
    public var started = 0
    /// Calls that ended and were released (or never started), with no hook still running.
    public var retired = 0
    /// Calls the host gave up on: no terminal frame within the cancel grace.
    public var abandoned = 0
    /// Hooks the host gave up on while they ran (past the call's deadline, the cancel grace or
    /// ``AdapterCallOptions/hookTimeout``): their threads were abandoned.
    public var abandonedHooks = 0
    /// Abandoned hooks that have not returned yet: while any has not, the adapter is unhealthy
    /// and refuses new calls.
    public var stuckHooks = 0
    /// Frames this instance emitted for calls it was not given (another instance's, by a
    /// guessed or learned id): refused with `SY_E_NOT_FOUND`.
    public var refusedFrames = 0

    /// Creates counts.
    public init(started: Int = 0, retired: Int = 0, abandoned: Int = 0) {
        self.started = started
        self.retired = retired
        self.abandoned = abandoned
    }
}
