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
    private let lifecycle = Mutex(Lifecycle())

    private struct Lifecycle {
        var live = CallTable<AdapterCall>()
        var describing = 0
        var shuttingDown = false
        var destroyed = false
        var idleWaiters: [UnsafeContinuation<Void, Never>] = []
        var counts = AdapterCallCounts()

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
        do {
            self.instance = try library.create(config: configJSON)
        } catch {
            let text = error.message ?? "create failed with \(ToolError.Kind.statusName(error.status))"
            let kind: ToolError.Kind = error.status == SY_E_INVALID_ARGUMENT ? .invalidInput : .load
            throw ToolError(kind, "adapter \(id) (\(library.path)) could not create an instance: \(text)")
        }
        self.id = id
        self.library = library
        self.options = options
    }

    /// The instance's tools (`describe`).
    /// - Throws: `ToolError` when the adapter fails or its JSON is not an array of
    ///   `{"id", "description", "input", "output"}`.
    public func describe() async throws -> [ToolDescriptor] {
        try describeTools()
    }

    /// As ``describe()``, synchronously.
    public func describeTools() throws(ToolError) -> [ToolDescriptor] {
        let admitted = lifecycle.withLock { state in
            guard !state.shuttingDown else { return false }
            state.describing += 1
            return true
        }
        guard admitted else { throw ToolError(.canceled, "adapter \(id) is shut down") }
        defer { finishDescribing() }
        let bytes: [UInt8]
        do {
            bytes = try library.describe(instance)
        } catch {
            let text = error.message ?? "describe failed with \(ToolError.Kind.statusName(error.status))"
            throw ToolError(.forStatus(error.status), "adapter \(id): describe: \(text)")
        }
        return try ToolDescriptor.parseList(bytes, adapterID: id)
    }

    private func finishDescribing() {
        let waiters = lifecycle.withLock { state in
            state.describing -= 1
            return state.shuttingDown && state.isIdle ? state.takeWaiters() : []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How many calls started, finished and were given up on so far.
    public var callCounts: AdapterCallCounts {
        lifecycle.withLock { $0.counts }
    }

    /// A canceled call sent no terminal frame within the grace.
    func noteAbandoned() {
        lifecycle.withLock { $0.counts.abandoned += 1 }
    }

    /// Admits a new call unless the adapter is shutting down.
    func admit(_ call: AdapterCall) -> Bool {
        lifecycle.withLock { state in
            guard !state.shuttingDown else { return false }
            state.live.insert(call)
            state.counts.started += 1
            return true
        }
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
    public func shutdown() async {
        let live = lifecycle.withLock { state in
            state.shuttingDown = true
            return state.live.calls
        }
        for call in live { call.cancel(reason: "adapter \(id) is shutting down") }
        await withUnsafeContinuation { (waiter: UnsafeContinuation<Void, Never>) in
            let idle = lifecycle.withLock { state in
                if state.isIdle { return true }
                state.idleWaiters.append(waiter)
                return false
            }
            if idle { waiter.resume() }
        }
        let destroy = lifecycle.withLock { state in
            defer { state.destroyed = true }
            return !state.destroyed
        }
        if destroy { library.destroy(instance) }
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

    /// Creates counts.
    public init(started: Int = 0, retired: Int = 0, abandoned: Int = 0) {
        self.started = started
        self.retired = retired
        self.abandoned = abandoned
    }
}
