import Synchronization

/// What woke a subscriber: only a kind and an execution id. The subscriber then reads the store,
/// which stays the source of truth (a wake-up may be late, doubled, or stand for several writes).
public struct ExecutionWakeUp: Sendable, Hashable {
    /// What happened to the execution.
    public struct Kind: RawRepresentable, Sendable, Hashable {
        /// The kind's name (what a cross-process notifier puts on the wire).
        public let rawValue: String
        /// Creates a kind.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The execution got its final status (SUCCESS, FAILED, TIMED_OUT or CANCELED).
        public static let finished = Kind(rawValue: "finished")
        /// A signal to the execution was stored.
        public static let signal = Kind(rawValue: "signal")
        /// A task of the execution was checkpointed (started or ended).
        public static let task = Kind(rawValue: "task")
    }

    /// What happened.
    public var kind: Kind
    /// The execution it happened to.
    public var execID: String

    /// Creates a wake-up.
    public init(_ kind: Kind, execID: String) {
        self.kind = kind
        self.execID = execID
    }

    /// The statuses after which an execution changes no more, short of a resume of a CANCELED
    /// one: what a `finished` wake-up announces.
    public static let finalStatuses: [ExecutionStatus] = [.success, .failed, .timedOut, .canceled]

    /// `KIND:EXEC_ID`, the payload a cross-process notifier sends (a NOTIFY payload, for one).
    public var wireText: String { "\(kind.rawValue):\(execID)" }

    /// Parses `wireText`; nil when there is no `:`.
    public init?(wireText: String) {
        guard let colon = wireText.firstIndex(of: ":") else { return nil }
        self.init(Kind(rawValue: String(wireText[..<colon])), execID: String(wireText[wireText.index(after: colon)...]))
    }
}

/// Wakes waiters when something happens to an execution, in this process and (for a store
/// shared by several processes) in the others: a sync wait learns that another process finished
/// the execution, a wait task that a signal was stored for it.
///
/// Delivery is at least once per subscriber alive when the event happened, in no promised order;
/// a subscriber that misses one (it subscribed late, its buffer was full) must not lose an
/// answer, so it subscribes first and reads the store after.
public protocol ExecutionNotifier: Sendable {
    /// Wakes this process's subscribers of `wakeUp.execID` at once, and tells the other
    /// processes unless the store's own write already did (SQLite's triggers, Postgres' NOTIFY in
    /// the write's transaction).
    func publish(_ wakeUp: ExecutionWakeUp) async

    /// The wake-ups for `execID` (every execution with nil) from now on, until the stream is
    /// dropped or its reading task canceled. The stream keeps the newest few when not read.
    func wakeUps(for execID: String?) -> AsyncStream<ExecutionWakeUp>
}

/// A store whose executions can be waited on from any process that opens it.
public protocol NotifyingStore: ExecutionStore {
    /// The store's notifier (one per opened store, shared by everything that uses it).
    var notifier: any ExecutionNotifier { get }
}

/// The in-process notifier: fan-out to this process's subscribers only. Alone it serves one
/// process; cross-process notifiers use it for their local half.
public final class LocalExecutionNotifier: ExecutionNotifier {
    private struct State {
        var nextID = 0
        /// Subscribers by the execution they follow ("" for all of them).
        var subscribers: [String: [Int: AsyncStream<ExecutionWakeUp>.Continuation]] = [:]
        var count = 0
    }

    private let state = Mutex(State())

    /// Creates a notifier with no subscribers.
    public init() {}

    /// Wakes this process's subscribers of the execution (and those of every execution).
    public func publish(_ wakeUp: ExecutionWakeUp) async { deliver(wakeUp) }

    /// Wakes this process's subscribers at once, without suspending.
    public func deliver(_ wakeUp: ExecutionWakeUp) {
        state.withLock { state in
            state.subscribers[wakeUp.execID]?.values.forEach { $0.yield(wakeUp) }
            state.subscribers[""]?.values.forEach { $0.yield(wakeUp) }
        }
    }

    /// Wakes every subscriber with each of `kinds`, for the execution it follows (an empty
    /// execID for those following all): what a cross-process notifier does when it may have
    /// missed wake-ups (a dropped connection), so every waiter re-reads the store.
    public func deliverToEverySubscriber(kinds: [ExecutionWakeUp.Kind]) {
        state.withLock { state in
            for (execID, continuations) in state.subscribers {
                for kind in kinds { continuations.values.forEach { $0.yield(ExecutionWakeUp(kind, execID: execID)) } }
            }
        }
    }

    /// The wake-ups for `execID` (all with nil) from now on.
    public func wakeUps(for execID: String?) -> AsyncStream<ExecutionWakeUp> {
        let key = execID ?? ""
        let (stream, continuation) = AsyncStream.makeStream(of: ExecutionWakeUp.self, bufferingPolicy: .bufferingNewest(16))
        let id = state.withLock { state in
            state.nextID += 1
            state.subscribers[key, default: [:]][state.nextID] = continuation
            state.count += 1
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(key: key, id: id) }
        return stream
    }

    /// Subscribers now (tests: a finished wait leaves none).
    public var subscriberCount: Int { state.withLock { $0.count } }

    private func unsubscribe(key: String, id: Int) {
        state.withLock { state in
            guard state.subscribers[key]?.removeValue(forKey: id) != nil else { return }
            if state.subscribers[key]?.isEmpty == true { state.subscribers[key] = nil }
            state.count -= 1
        }
    }
}

/// A store that stands for another one (opens it on demand, forwards to it): the engine looks
/// through it for the inner store's signals and notifier.
public protocol ExecutionStoreWrapper: ExecutionStore {
    /// The store this one forwards to, once it is open (nil before, or when it cannot open).
    var wrappedStore: (any ExecutionStore)? { get }
}

extension ExecutionStore {
    /// The notifier of this store, or of the store it wraps; nil for a store without one (its
    /// readers poll).
    public var executionNotifier: (any ExecutionNotifier)? { unwrapped(as: (any NotifyingStore).self)?.notifier }

    /// This store, or the one it wraps (through any number of wrappers), as a `P`.
    func unwrapped<P>(as _: P.Type) -> P? {
        if let store = self as? P { return store }
        return (self as? any ExecutionStoreWrapper)?.wrappedStore?.unwrapped(as: P.self)
    }
}
