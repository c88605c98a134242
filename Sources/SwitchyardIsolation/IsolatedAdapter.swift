#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
import SwitchyardJSON
import SwitchyardRuntime

/// How an ``IsolatedAdapter`` runs its helper and its calls.
public struct IsolatedAdapterOptions: Sendable, Hashable {
    /// The `switchyard-adapter-helper` executable (see ``HelperExecutable``).
    public var helperExecutable: String
    /// The budget of a call whose request names none.
    public var defaultTimeout: Duration
    /// How long a canceled or timed-out call may take to send its terminal frame inside the
    /// helper; the host waits this plus a margin before it kills the helper.
    public var cancelGrace: Duration
    /// The limit over a call's RESULT and PROGRESS payload bytes (enforced in the helper).
    public var maxOutputBytes: Int
    /// What the helper process may use.
    public var limits: HelperLimits
    /// The directories the helper may load the library from (`nil`: any).
    public var allowedDirectories: [String]?
    /// The library's pinned SHA-256 (hex), checked again by the helper on the very file it
    /// loads; `nil` for no pin.
    public var expectedSHA256: String?
    /// How long a new helper may take to load the library and create its instance.
    public var startTimeout: Duration
    /// How long a helper may take to exit once its stdout closed or it was asked to shut down.
    public var killGrace: Duration
    /// The wait before the second restart in a row; it doubles per further crash, up to
    /// `maxRestartBackoff`. The first restart after a success is immediate.
    public var restartBackoff: Duration
    /// The longest wait between restarts.
    public var maxRestartBackoff: Duration

    /// Creates options; see each property for its default.
    public init(helperExecutable: String, defaultTimeout: Duration = .seconds(60), cancelGrace: Duration = .seconds(2),
                maxOutputBytes: Int = 10 << 20, limits: HelperLimits = HelperLimits(),
                allowedDirectories: [String]? = nil, expectedSHA256: String? = nil, startTimeout: Duration = .seconds(30),
                killGrace: Duration = .seconds(1), restartBackoff: Duration = .milliseconds(100),
                maxRestartBackoff: Duration = .seconds(5)) {
        self.helperExecutable = helperExecutable
        self.defaultTimeout = defaultTimeout
        self.cancelGrace = cancelGrace
        self.maxOutputBytes = maxOutputBytes
        self.limits = limits
        self.allowedDirectories = allowedDirectories
        self.expectedSHA256 = expectedSHA256
        self.startTimeout = startTimeout
        self.killGrace = killGrace
        self.restartBackoff = restartBackoff
        self.maxRestartBackoff = maxRestartBackoff
    }
}

/// What an ``IsolatedAdapter`` has done so far.
public struct IsolatedAdapterCounts: Sendable, Hashable {
    /// Helper processes spawned.
    public var helpersStarted = 0
    /// Helpers that ended without being asked to (crash, exit, kill for a stuck call).
    public var helperFailures = 0
    /// Calls admitted.
    public var callsStarted = 0
    /// Calls admitted that have not ended yet.
    public var callsInFlight = 0
}

/// A `ToolAdapter` whose adapter library runs in a helper process (`isolation: process`): the
/// same unmodified `.so`, loaded by `switchyard-adapter-helper` through the same C ABI, its
/// frames carried over pipes.
///
/// A crash, abort, `exit()` or hang inside the plugin ends only that helper's calls in flight
/// (`crashed`, naming the signal or status, or `timeout`); the next call starts a fresh helper,
/// after a backoff when it keeps dying. Limits apply per adapter: memory, CPU time and open files
/// inside the helper, calls in flight here. The helper dies with the host (PR_SET_PDEATHSIG, and
/// it exits when its stdin closes).
public final class IsolatedAdapter: ToolAdapter, HelperProcessObserver {
    /// The adapter's id (the `id` of its `adapters:` entry).
    public let id: String
    /// The library the helper loads.
    public let libraryPath: String
    /// How the helper and the calls run.
    public let options: IsolatedAdapterOptions
    let configuration: HelperConfiguration
    let logger = Logger(label: "switchyard.isolation")
    let nextCallID = Atomic<UInt64>(1)
    let state = Mutex(Supervision())

    struct Supervision {
        var current: HelperProcess?
        var serial: UInt64 = 0
        var consecutiveFailures = 0
        var restartNotBefore: ContinuousClock.Instant?
        var shuttingDown = false
        var counts = IsolatedAdapterCounts()
    }

    /// Creates the adapter; the first call (or ``describe()``) starts its helper.
    /// - Parameters:
    ///   - id: the adapter's id, named in errors.
    ///   - libraryPath: the adapter library, already resolved and verified by the caller.
    ///   - config: the instance's configuration, a JSON object.
    ///   - options: the helper executable, budgets and limits.
    /// - Throws: `ToolError` `.invalidInput` when `config` is not an object, `.load` when the
    ///   helper executable is missing.
    public init(id: String, libraryPath: String, config: JSONValue = .emptyObject,
                options: IsolatedAdapterOptions) throws(ToolError) {
        guard case .object = config else {
            throw ToolError(.invalidInput, "adapter \(id): config must be a JSON object, not \(config.typeName)")
        }
        guard access(options.helperExecutable, X_OK) == 0 else {
            throw ToolError(.load, "adapter \(id) is isolated, but its helper \(options.helperExecutable) is not an executable file")
        }
        self.id = id
        self.libraryPath = libraryPath
        self.options = options
        configuration = HelperConfiguration(
            libraryPath: libraryPath, adapterID: id, config: config, allowedDirectories: options.allowedDirectories,
            expectedSHA256: options.expectedSHA256,
            maxOutputBytes: options.maxOutputBytes, cancelGrace: options.cancelGrace, limits: options.limits)
    }

    /// What the adapter has done so far.
    public var counts: IsolatedAdapterCounts { state.withLock { $0.counts } }

    /// The process id of the running helper, if one runs (for tests and diagnostics).
    public var helperProcessID: Int32? {
        state.withLock { $0.current }?.state.withLock { $0.processID > 0 && !$0.exited ? $0.processID : nil }
    }

    /// How long the host waits for a canceled call inside the helper before killing the helper.
    var hostGrace: Duration { options.cancelGrace + .milliseconds(500) }

    // MARK: Supervising the helper

    private enum HelperStep {
        case use(HelperProcess)
        case start(HelperProcess, wait: Duration)
        case refuse(ToolError)
    }

    /// A helper that answered `ready`: the running one, or a new one (after the backoff).
    /// - Throws: `canceled` after shutdown; the helper's start failure (`load`, `abi`,
    ///   `invalid_input`, or `crashed` when it died before it was ready).
    func readyHelper() async throws(ToolError) -> HelperProcess {
        let step = state.withLock { state -> HelperStep in
            guard !state.shuttingDown else { return .refuse(ToolError(.canceled, "adapter \(id) is shut down")) }
            if let current = state.current { return .use(current) }
            state.serial += 1
            let helper: HelperProcess
            do {
                helper = try HelperProcess(serial: state.serial, executable: options.helperExecutable,
                                           configuration: configuration, killGrace: options.killGrace, observer: self)
            } catch let error as ToolError {
                return .refuse(error)
            } catch {
                return .refuse(ToolError(.load, "adapter \(id): \(error)"))
            }
            state.current = helper
            state.counts.helpersStarted += 1
            let wait = state.restartNotBefore.map { $0 - ContinuousClock.now } ?? .zero
            return .start(helper, wait: wait)
        }
        switch step {
        case .refuse(let error):
            throw error
        case .use(let helper):
            try await helper.waitUntilReady()
            return helper
        case .start(let helper, let wait):
            if wait > .zero { try? await Task.sleep(for: wait) }
            helper.start()
            let startTimeout = options.startTimeout
            let watchdog = Task {
                do { try await Task.sleep(for: startTimeout) } catch { return }
                helper.kill(reason: "it did not load the library within \(startTimeout)")
            }
            defer { watchdog.cancel() }
            try await helper.waitUntilReady()
            return helper
        }
    }

    /// The helper was reaped: it is forgotten (the next call starts another), a failure counts
    /// toward the backoff, and its unfinished calls end.
    func helperExited(_ helper: HelperProcess, exit: HelperExit, unfinished: [IsolatedCall]) {
        let failed = !exit.wasShutDown || exit.stopReason != nil
        state.withLock { state in
            if state.current === helper { state.current = nil }
            guard failed else { return }
            state.counts.helperFailures += 1
            state.consecutiveFailures += 1
            state.restartNotBefore = ContinuousClock.now + restartDelay(afterFailures: state.consecutiveFailures)
        }
        if failed {
            let cause = exit.stopReason.map { " (\($0))" } ?? ""
            logger.warning(
                "adapter \(id): its helper process \(exit.status)\(cause); \(unfinished.count) call(s) in flight failed, the next call starts a new helper")
        }
        for call in unfinished { call.helperExited(exit) }
    }

    /// No wait for the first restart after a success, then `restartBackoff` doubling.
    func restartDelay(afterFailures failures: Int) -> Duration {
        guard failures > 1 else { return .zero }
        var delay = options.restartBackoff
        for _ in 2..<min(failures, 40) where delay < options.maxRestartBackoff { delay *= 2 }
        return min(delay, options.maxRestartBackoff)
    }

    /// A call ended: its slot frees, and a helper that answered it is healthy (backoff resets).
    func callEnded(_ call: IsolatedCall, on helper: HelperProcess, helperAnswered: Bool, counted: Bool) {
        helper.forget(call.id)
        state.withLock { state in
            if counted { state.counts.callsInFlight -= 1 }
            if helperAnswered {
                state.consecutiveFailures = 0
                state.restartNotBefore = nil
            }
        }
    }

    /// Lets each call finish (the helper cancels them and destroys its instance), then waits
    /// for the helper to exit; one that does not within the graces is killed. Later calls fail
    /// with `canceled`.
    public func shutdown() async {
        let helper = state.withLock { state -> HelperProcess? in
            state.shuttingDown = true
            return state.current
        }
        guard let helper else { return }
        helper.requestShutdown()
        let deadline = hostGrace + options.killGrace
        let watchdog = Task {
            do { try await Task.sleep(for: deadline) } catch { return }
            helper.kill(reason: "it did not exit within \(deadline) of being asked to shut down")
        }
        await helper.waitUntilExited()
        watchdog.cancel()
    }
}
