import GRDB
import SwitchyardJSON

/// Stored signals and the change feed on SQLite. A signal is one row of `signals` until a wait
/// task takes it (`taken_at` set by an update that only the first taker's `WHERE taken_at IS
/// NULL` matches: SQLite has one writer, so two processes cannot both take it). Triggers append
/// to `notifications` in the statement that stores a signal, records a final status or records a
/// task's start or end, which the `SQLitePollingNotifier` of every process on the file reads.
extension SQLiteExecutionStore: SignalStore, NotifyingStore {
    /// The v4 schema: signals, the notification feed and the triggers that fill it.
    static func migrateSignals(_ db: Database) throws {
        let final = ExecutionWakeUp.finalStatuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        try db.execute(sql: """
            CREATE TABLE signals (
                signal_id INTEGER PRIMARY KEY,
                exec_id TEXT NOT NULL REFERENCES workflow_executions(exec_id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at TEXT NOT NULL,
                taken_at TEXT,
                taken_by TEXT,
                outcome TEXT
            );
            -- Only the pending ones are looked up by execution.
            CREATE INDEX signals_pending ON signals(exec_id, signal_id) WHERE taken_at IS NULL;
            CREATE TABLE notifications (
                seq INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                exec_id TEXT NOT NULL
            );
            CREATE TRIGGER notify_signal AFTER INSERT ON signals BEGIN
                INSERT INTO notifications (kind, exec_id) VALUES ('signal', NEW.exec_id);
            END;
            CREATE TRIGGER notify_finished AFTER UPDATE OF status ON workflow_executions
            WHEN NEW.status IN (\(final)) AND OLD.status IS NOT NEW.status BEGIN
                INSERT INTO notifications (kind, exec_id) VALUES ('finished', NEW.exec_id);
            END;
            -- The feed is read by processes polling every 50 ms: it needs only its recent rows.
            CREATE TRIGGER notifications_trim AFTER INSERT ON notifications WHEN NEW.seq % 1024 = 0 BEGIN
                DELETE FROM notifications WHERE seq <= NEW.seq - 8192;
            END;
            """)
    }

    /// The v5 schema: a `task` row in the feed when a task is recorded or changes status
    /// (started, ended), so that an event stream in another process wakes on it. The row goes in
    /// the checkpoint's own transaction: still one write per checkpoint, one more row in it.
    static func migrateTaskNotifications(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TRIGGER notify_task_recorded AFTER INSERT ON task_executions BEGIN
                INSERT INTO notifications (kind, exec_id) VALUES ('task', NEW.workflow_exec_id);
            END;
            CREATE TRIGGER notify_task_status AFTER UPDATE OF status ON task_executions
            WHEN OLD.status IS NOT NEW.status BEGIN
                INSERT INTO notifications (kind, exec_id) VALUES ('task', NEW.workflow_exec_id);
            END;
            """)
    }

    /// Stores the signal if the execution exists and has not ended, in one statement.
    public func postSignal(_ signal: Signal, to execID: String) async throws -> StoredSignal? {
        let now = Timestamp.now()
        let open = StoredSignal.acceptingStatuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let stored: Int64? = try signalWrite { db in
            try db.cachedStatement(sql: """
                INSERT INTO signals (exec_id, name, payload, created_at)
                SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM workflow_executions WHERE exec_id = ? AND status IN (\(open)))
                """).execute(arguments: [execID, signal.name, signal.payload.jsonString, now, execID])
            return db.changesCount == 1 ? db.lastInsertedRowID : nil
        }
        return stored.map { StoredSignal(signalID: $0, execID: execID, signal: signal, createdAt: now) }
    }

    /// The signals to `execID` not taken yet, oldest first.
    public func pendingSignals(execID: String) async throws -> [StoredSignal] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT signal_id, name, payload, created_at FROM signals
                    WHERE exec_id = ? AND taken_at IS NULL ORDER BY signal_id
                    """, arguments: [execID]).map { row in
                    let payload: String = row["payload"]
                    return StoredSignal(signalID: row["signal_id"], execID: execID,
                                        signal: Signal(name: row["name"], payload: (try? JSONValue(parsing: payload)) ?? .emptyObject,
                                                       id: String(row["signal_id"] as Int64), sentAt: row["created_at"]),
                                        createdAt: row["created_at"])
                }
            }
        } catch {
            throw Self.storeError(error, location: path)
        }
    }

    /// Takes the signal if no one has.
    public func takeSignal(_ signalID: Int64, outcome: StoredSignal.Outcome, taker: String) async throws -> Bool {
        let now = Timestamp.now()
        return try signalWrite { db in
            try db.cachedStatement(sql: """
                UPDATE signals SET taken_at = ?, taken_by = ?, outcome = ? WHERE signal_id = ? AND taken_at IS NULL
                """).execute(arguments: [now, taker, outcome.rawValue, signalID])
            return db.changesCount == 1
        }
    }

    private func signalWrite<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            // One statement each: autocommit makes it atomic (see `writeBlocking`).
            return try pool.writeWithoutTransaction(body)
        } catch {
            throw Self.storeError(error, location: path)
        }
    }
}
