import GRDB
import Synchronization

/// The notifier of a SQLite store shared by several processes: the store's own writes append to
/// the `notifications` table by trigger (an execution reaching its final status, a stored
/// signal), in the same statement as the write, so a wake-up can neither be lost by a crash
/// between the two nor cost a second write; while anything in this process subscribes, one task
/// reads the rows after the last one it saw every `interval` and wakes the subscribers.
///
/// Why a sequence table and not `PRAGMA data_version`: data_version changes per connection, and
/// the store's reads go to whichever of the pool's reader connections is free, so a value read
/// on one says nothing about the next; a dedicated connection would cost a descriptor and still
/// say only "something changed", where a row says which execution and what. A range read on the
/// table's rowid past the last row seen finds nothing almost always: a few microseconds, 20 times
/// a second, and only while someone waits (a process with no waiter polls nothing).
final class SQLitePollingNotifier: ExecutionNotifier {
    /// How often the table is read while someone subscribes.
    static let defaultInterval: Duration = .milliseconds(50)

    private let pool: DatabasePool
    private let interval: Duration
    private let local = LocalExecutionNotifier()
    private let poller = Mutex<Task<Void, Never>?>(nil)

    init(pool: DatabasePool, interval: Duration = defaultInterval) {
        self.pool = pool
        self.interval = interval
    }

    /// Wakes this process's subscribers; the other processes learn from the row the store's
    /// write left (the engine publishes only what a store write also recorded).
    func publish(_ wakeUp: ExecutionWakeUp) async { local.deliver(wakeUp) }

    /// Subscribes, starting the poller if it is not running.
    func wakeUps(for execID: String?) -> AsyncStream<ExecutionWakeUp> {
        let stream = local.wakeUps(for: execID)
        guard poller.withLock({ $0 == nil }) else { return stream }
        // Read before the poller starts: every row committed after this subscription is past it.
        let cursor = (try? pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM notifications") }) ?? 0
        poller.withLock { poller in
            guard poller == nil else { return }
            poller = Task { [self] in await poll(after: cursor) }
        }
        return stream
    }

    /// Subscribers in this process now.
    var subscriberCount: Int { local.subscriberCount }

    /// Whether the poller runs now (tests: it stops with the last subscriber).
    var isPolling: Bool { poller.withLock { $0 != nil } }

    private func poll(after start: Int64) async {
        var cursor = start
        while true {
            try? await Task.sleep(for: interval)
            // Stop with the last subscriber; decided under the lock a new subscriber takes to
            // see whether a poller runs, so it either keeps this one or starts the next.
            let stop = poller.withLock { poller in
                guard local.subscriberCount == 0 else { return false }
                poller = nil
                return true
            }
            if stop { return }
            let after = cursor
            guard let rows = try? await pool.read({ db in
                try Row.fetchAll(db, sql: "SELECT seq, kind, exec_id FROM notifications WHERE seq > ? ORDER BY seq LIMIT 512",
                                 arguments: [after]).map { row -> (Int64, ExecutionWakeUp) in
                    (row["seq"], ExecutionWakeUp(ExecutionWakeUp.Kind(rawValue: row["kind"]), execID: row["exec_id"]))
                }
            }) else { continue }
            for (seq, wakeUp) in rows {
                cursor = seq
                local.deliver(wakeUp)
            }
        }
    }
}
