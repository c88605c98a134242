import SwitchyardJSON

/// A signal as the store keeps it until a wait task takes it.
public struct StoredSignal: Sendable, Hashable {
    /// How a stored signal was taken.
    public struct Outcome: RawRepresentable, Sendable, Hashable {
        /// The outcome's name, as stored.
        public let rawValue: String
        /// Creates an outcome.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// A wait task took it: its `wait_for` named it and its condition held.
        public static let delivered = Outcome(rawValue: "delivered")
        /// A wait task for its name saw it and its condition did not hold: dropped, as a
        /// signal to a waiting task in one process is.
        public static let dropped = Outcome(rawValue: "dropped")
    }

    /// The statuses in which an execution takes signals: it has not ended.
    public static let acceptingStatuses: [ExecutionStatus] = [.pending, .running, .waiting, .paused]

    /// The store's id of the signal: increasing in the order signals were stored.
    public var signalID: Int64
    /// The execution it is for.
    public var execID: String
    /// The signal itself.
    public var signal: Signal
    /// When it was stored.
    public var createdAt: String

    /// Creates a stored signal.
    public init(signalID: Int64, execID: String, signal: Signal, createdAt: String) {
        self.signalID = signalID
        self.execID = execID
        self.signal = signal
        self.createdAt = createdAt
    }
}

/// A store that keeps the signals sent to its executions, so that a signal reaches the wait task
/// wherever (and whenever) the execution runs: posted in one process, taken in another, or kept
/// while no process holds the execution and taken when it resumes. Each signal is taken at most
/// once, across every process that opens the store.
public protocol SignalStore: ExecutionStore {
    /// Stores `signal` for `execID`, in one atomic step with the check that the execution exists
    /// and has not ended (PENDING, RUNNING, WAITING or PAUSED), and wakes the execution's
    /// subscribers in every process (the store's notifier, kind `signal`).
    /// - Returns: the stored signal, or nil when there is no such execution or it has ended
    ///   (SUCCESS, FAILED, TIMED_OUT, CANCELED).
    /// - Throws: `StoreError`.
    func postSignal(_ signal: Signal, to execID: String) async throws -> StoredSignal?

    /// The signals to `execID` no one has taken yet, oldest first.
    /// - Throws: `StoreError`.
    func pendingSignals(execID: String) async throws -> [StoredSignal]

    /// Takes the stored signal `signalID` with `outcome`, recording `taker` (the wait task's
    /// path); only the first caller, in any process, succeeds.
    /// - Returns: true when this call took it; false when it was already taken (or is unknown).
    /// - Throws: `StoreError`.
    func takeSignal(_ signalID: Int64, outcome: StoredSignal.Outcome, taker: String) async throws -> Bool
}
