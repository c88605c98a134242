import Logging
import PostgresNIO
import Synchronization
import SwitchyardEngine

/// The notifier of a Postgres store shared by several processes: the store's own writes send
/// `NOTIFY switchyard_events, 'KIND:EXEC_ID'` by trigger (migration 3: an execution reaching its
/// final status, a stored signal; migration 4: a task recorded, started or ended), delivered at
/// the write's commit, so a wake-up costs no second
/// write and a rolled-back write wakes nobody. One dedicated connection runs `LISTEN` on the
/// channel, from the first subscription until `close()`, and hands each notification to this
/// process's subscribers.
///
/// A NOTIFY sent while no `LISTEN` is active is gone for good: so each time the `LISTEN` becomes
/// active (the first time, and after every reconnect from a dropped connection) every
/// subscriber is woken once and re-reads the store, which covers whatever it missed meanwhile.
/// A connection that stops answering (PostgresListenNotifier+Heartbeat.swift) counts as dropped.
final class PostgresListenNotifier: ExecutionNotifier {
    /// The channel the migration's triggers notify on.
    static let channel = "switchyard_events"
    /// The kinds a catch-up wake-up carries: every waiter listens for one of them.
    static let catchUpKinds: [ExecutionWakeUp.Kind] = [.finished, .signal, .task]

    private struct State {
        var listener: Task<Void, Never>?
        var closed = false
        /// Times the `LISTEN` became active (tests: a reconnect happened).
        var activations = 0
    }

    private let configuration: PostgresConnection.Configuration
    let location: String
    let logger: Logger
    /// The connection's own logger: its notices about a cut connection are this type's to report.
    let connectionLogger: Logger
    private let local = LocalExecutionNotifier()
    private let state = Mutex(State())

    /// How often the listening connection must answer a `SELECT 1` (and how long it may take).
    let heartbeat: Duration

    init(url: PostgresStoreURL, location: String, logger: Logger, heartbeat: Duration = .seconds(10)) {
        self.heartbeat = heartbeat
        configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable)
        self.location = location
        self.logger = logger
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .error)
        connectionLogger = quiet
    }

    /// Wakes this process's subscribers; the other processes learn from the NOTIFY the store's
    /// write sent (the engine publishes only what a store write also notified).
    func publish(_ wakeUp: ExecutionWakeUp) async { local.deliver(wakeUp) }

    /// Subscribes, starting the listening connection if it is not running (and the store is open).
    func wakeUps(for execID: String?) -> AsyncStream<ExecutionWakeUp> {
        let stream = local.wakeUps(for: execID)
        state.withLock { state in
            guard !state.closed, state.listener == nil else { return }
            state.listener = Task { [self] in await listenUntilCanceled() }
        }
        return stream
    }

    /// Stops listening: the connection is closed and its task ended when this returns. Later
    /// subscriptions get local wake-ups only.
    func close() async {
        let listener = stop()
        await listener?.value
    }

    /// Cancels the listening task without waiting for it (a store dropped without `close()`).
    @discardableResult
    func stop() -> Task<Void, Never>? {
        let listener = state.withLock { state in
            state.closed = true
            defer { state.listener = nil }
            return state.listener
        }
        listener?.cancel()
        return listener
    }

    /// Subscribers in this process now.
    var subscriberCount: Int { local.subscriberCount }

    /// How many times the `LISTEN` became active (once, plus once per reconnect).
    var activations: Int { state.withLock { $0.activations } }

    /// Connects, listens and relays until canceled; a lost or refused connection is retried
    /// after a pause that grows to a few seconds.
    private func listenUntilCanceled() async {
        var pause = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: configuration, id: 0, logger: connectionLogger)
                // A connection the network cut without a reset (a dead peer, a lost route) would
                // listen in silence for ever: the heartbeat closes it so the loop reconnects.
                let heartbeat = Task { [self] in await closeWhenSilent(connection) }
                defer { heartbeat.cancel() }
                do {
                    try await connection.listen(on: Self.channel) { notifications in
                        pause = .milliseconds(100)
                        catchUp()
                        for try await notification in notifications {
                            if let wakeUp = ExecutionWakeUp(wireText: notification.payload) { local.deliver(wakeUp) }
                        }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isCancelled { return }
                logger.warning("LISTEN \(Self.channel) on \(location) lost; reconnecting in \(pause): \(String(reflecting: error))")
            }
            do { try await Task.sleep(for: pause) } catch { return }
            pause = min(pause * 2, .seconds(5))
        }
    }

    /// Wakes every subscriber once (the `LISTEN` just became active; any NOTIFY before it was missed).
    private func catchUp() {
        local.deliverToEverySubscriber(kinds: Self.catchUpKinds)
        // Counted after: a subscriber that sees the count went up gets no catch-up of this one.
        state.withLock { $0.activations += 1 }
    }
}

extension PostgresExecutionStore: NotifyingStore {
    /// The store's LISTEN/NOTIFY notifier (its connection opens with the first subscriber).
    public var notifier: any ExecutionNotifier { listenNotifier }
}
