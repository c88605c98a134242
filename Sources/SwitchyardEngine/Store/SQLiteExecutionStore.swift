import Foundation
import GRDB
import Synchronization
import SwitchyardJSON

/// The embedded store: one SQLite file in WAL mode through a GRDB `DatabasePool`, so many
/// workflows (and readers such as `executions list`) share it concurrently.
public final class SQLiteExecutionStore: ExecutionStore {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    let checkpoints: GroupCommit
    /// Wakes waiters in every process on this file (signals stored, executions finished).
    public let notifier: any ExecutionNotifier

    /// Opens (creating if needed) the store at `path`, creating its directory too.
    /// - Parameter busyTimeout: how long a write waits for another process's lock before
    ///   failing with `StoreError.Kind.locked`.
    /// - Throws: `StoreError` — `.locked`, `.corrupt` (not a database), or `.unavailable`.
    public init(path: String, busyTimeout: Duration = .seconds(5)) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError(.unavailable, location: path, message: "cannot create the directory \(directory): \(error.localizedDescription)")
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout.seconds)
        configuration.prepareDatabase { db in
            // WAL + NORMAL survives a killed process (only power loss can drop the newest
            // commits) and keeps a checkpoint write cheap enough to do before every task.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            self.pool = pool
            notifier = SQLitePollingNotifier(pool: pool)
            checkpoints = GroupCommit { batch in try StoreMetrics.timed(.tasks) { try Self.writeTasks(batch, pool: pool, path: path) } }
        } catch {
            throw Self.storeError(error, location: path)
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE workflow_executions (
                    exec_id TEXT PRIMARY KEY NOT NULL,
                    workflow_id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    input TEXT NOT NULL,
                    output TEXT,
                    error TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                CREATE INDEX workflow_executions_created ON workflow_executions(created_at);
                CREATE TABLE task_executions (
                    task_exec_id TEXT NOT NULL,
                    task_id TEXT NOT NULL,
                    workflow_exec_id TEXT NOT NULL REFERENCES workflow_executions(exec_id) ON DELETE CASCADE,
                    path TEXT NOT NULL,
                    parent TEXT,
                    status TEXT NOT NULL,
                    input TEXT NOT NULL,
                    output TEXT,
                    error TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                -- One index serves every lookup (a run's tasks, a task by its place in the run),
                -- so a checkpoint touches the table page and one index page.
                CREATE UNIQUE INDEX task_executions_place ON task_executions(workflow_exec_id, path);
                """)
        }
        // Task history (start, end, attempts) and list filters. Columns only added: a v1 file
        // opens, its old rows reading as not recorded (null times, 0 attempts).
        migrator.registerMigration("v2-task-history") { db in
            try db.execute(sql: """
                ALTER TABLE task_executions ADD COLUMN started_at TEXT;
                ALTER TABLE task_executions ADD COLUMN ended_at TEXT;
                ALTER TABLE task_executions ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX workflow_executions_workflow ON workflow_executions(workflow_id, created_at);
                """)
        }
        migrator.registerMigration("v3-leases") { db in try Self.migrateLeases(db) }
        migrator.registerMigration("v4-signals") { db in try Self.migrateSignals(db) }
        migrator.registerMigration("v5-task-notifications") { db in try Self.migrateTaskNotifications(db) }
        // Token usage of a task's model calls (compozy's `usage`); old rows read as none.
        migrator.registerMigration("v6-task-usage") { db in
            try db.execute(sql: "ALTER TABLE task_executions ADD COLUMN usage TEXT")
        }
        // Workflow schedules: the slots that fired (one row per slot, its key the only way to
        // fire it) and the API's overrides.
        migrator.registerMigration("v7-schedules") { db in try Self.migrateSchedules(db) }
        return migrator
    }

    /// Inserts a new workflow execution.
    public func insertWorkflow(_ record: WorkflowExecutionRecord) async throws {
        try await write { db in
            try db.cachedStatement(sql: """
                INSERT INTO workflow_executions (exec_id, workflow_id, status, input, output, error, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    record.execID, record.workflowID, record.status.rawValue, record.input.jsonString,
                    record.output?.jsonString, record.error?.jsonString, record.createdAt, record.updatedAt,
                ])
        }
    }

    /// Updates a workflow execution.
    public func updateWorkflow(execID: String, status: ExecutionStatus, output: JSONValue?, error: JSONValue?) async throws {
        let now = Timestamp.now()
        try await write { db in
            try db.cachedStatement(sql: """
                UPDATE workflow_executions SET status = ?, output = ?, error = ?, updated_at = ? WHERE exec_id = ?
                """).execute(arguments: [status.rawValue, output?.jsonString, error?.jsonString, now, execID])
        }
    }

    /// The workflow execution `execID`, or `nil`.
    public func workflow(execID: String) async throws -> WorkflowExecutionRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workflow_executions WHERE exec_id = ?", arguments: [execID])
                .map(Self.workflowRecord)
        }
    }

    /// Workflow executions, newest first.
    public func listWorkflows(limit: Int?) async throws -> [WorkflowExecutionRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM workflow_executions ORDER BY created_at DESC, rowid DESC LIMIT ?",
                             arguments: [limit ?? -1])
                .map(Self.workflowRecord)
        }
    }

    /// Workflow executions passing `filter`, newest first; `after` is a cursor (the page starts
    /// below that execution in the order), so pages stay stable while executions are added.
    public func listWorkflows(_ filter: ExecutionListFilter) async throws -> [WorkflowExecutionRecord] {
        var conditions: [String] = [], arguments: StatementArguments = []
        if let workflowID = filter.workflowID {
            conditions.append("workflow_id = ?")
            _ = arguments.append(contentsOf: [workflowID])
        }
        if let status = filter.status {
            conditions.append("status = ?")
            _ = arguments.append(contentsOf: [status.rawValue])
        }
        if let after = filter.after {
            // Unknown cursor: the subquery is empty, the comparison null, the page empty.
            conditions.append("(created_at, rowid) < (SELECT created_at, rowid FROM workflow_executions WHERE exec_id = ?)")
            _ = arguments.append(contentsOf: [after])
        }
        _ = arguments.append(contentsOf: [filter.limit ?? -1])
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") + " "
        let sql = "SELECT * FROM workflow_executions \(whereClause)ORDER BY created_at DESC, rowid DESC LIMIT ?"
        let bound = arguments
        return try await read { db in try Row.fetchAll(db, sql: sql, arguments: bound).map(Self.workflowRecord) }
    }

    /// Checkpoints a task; concurrent calls share one transaction (group commit).
    public func saveTask(_ record: TaskExecutionRecord) async throws {
        try await checkpoints.save(record, fencedBy: nil)
    }

    /// Writes a batch of task records in one transaction; a fenced one whose owner lost the
    /// lease is left out and refused (its index answered `leaseLost`), the rest are written.
    private static func writeTasks(_ checkpoints: [GroupCommit.Checkpoint], pool: DatabasePool,
                                   path: String) throws -> [StoreError?] {
        do {
            return try pool.write { db in
                let refusals = try fenceRefusals(checkpoints, db: db, location: path)
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO task_executions
                    (task_exec_id, task_id, workflow_exec_id, path, parent, status, input, output, error, created_at,
                     updated_at, started_at, ended_at, attempts, usage)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (workflow_exec_id, path) DO UPDATE SET
                        task_exec_id = excluded.task_exec_id, task_id = excluded.task_id, parent = excluded.parent,
                        status = excluded.status, input = excluded.input, output = excluded.output,
                        error = excluded.error, updated_at = excluded.updated_at, started_at = excluded.started_at,
                        ended_at = excluded.ended_at, attempts = excluded.attempts, usage = excluded.usage
                    """)
                for (checkpoint, refusal) in zip(checkpoints, refusals) where refusal == nil {
                    let record = checkpoint.record
                    try statement.execute(arguments: [
                        record.taskExecID, record.taskID, record.workflowExecID, record.path, record.parent,
                        record.status.rawValue, record.input.jsonString, record.output?.jsonString,
                        record.error?.jsonString, record.createdAt, record.updatedAt, record.startedAt, record.endedAt,
                        record.attempts, record.usage?.jsonString,
                    ])
                }
                return refusals
            }
        } catch {
            throw Self.storeError(error, location: path)
        }
    }

    /// Every task execution of a workflow execution, in insertion order.
    public func tasks(workflowExecID: String) async throws -> [TaskExecutionRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM task_executions WHERE workflow_exec_id = ? ORDER BY rowid",
                             arguments: [workflowExecID])
                .map(Self.taskRecord)
        }
    }

    private func write(_ body: @escaping @Sendable (Database) throws -> Void) async throws {
        do {
            // The blocking form on purpose: a checkpoint is one short statement, and hopping to
            // GRDB's writer queue and back through a continuation costs more than the write
            // itself (it dominated per-task overhead in the engine bench). Writers still
            // serialize on the pool's writer; only the wait for it happens on this thread.
            try StoreMetrics.timed(.workflow) { try writeBlocking(body) }
        } catch {
            throw Self.storeError(error, location: path)
        }
    }

    func writeBlocking(_ body: (Database) throws -> Void) throws {
        // Every write here is one statement: SQLite's autocommit makes it atomic and durable
        // without GRDB's BEGIN/COMMIT round (a measurable share of a checkpoint).
        try pool.writeWithoutTransaction(body)
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.storeError(error, location: path)
        }
    }

    private static func json(_ text: String?) -> JSONValue? {
        guard let text else { return nil }
        return (try? JSONValue(parsing: text)) ?? .string(text)
    }

    private static func workflowRecord(_ row: Row) -> WorkflowExecutionRecord {
        WorkflowExecutionRecord(
            execID: row["exec_id"], workflowID: row["workflow_id"],
            status: ExecutionStatus(rawValue: row["status"]) ?? .pending,
            input: json(row["input"]) ?? .emptyObject, output: json(row["output"]), error: json(row["error"]),
            createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    private static func taskRecord(_ row: Row) -> TaskExecutionRecord {
        TaskExecutionRecord(
            taskExecID: row["task_exec_id"], taskID: row["task_id"], workflowExecID: row["workflow_exec_id"],
            path: row["path"], parent: row["parent"], status: ExecutionStatus(rawValue: row["status"]) ?? .pending,
            input: json(row["input"]) ?? .emptyObject, output: json(row["output"]), error: json(row["error"]),
            createdAt: row["created_at"], updatedAt: row["updated_at"], startedAt: row["started_at"],
            endedAt: row["ended_at"], attempts: row["attempts"] ?? 0, usage: json(row["usage"]))
    }

    /// Names the cause: a lock held elsewhere and a damaged file each get their own message.
    static func storeError(_ error: any Error, location: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let database = error as? DatabaseError else {
            return StoreError(.query, location: location, message: "\(error)")
        }
        switch database.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(.locked, location: location,
                              message: "the store is locked by another process or connection (gave up waiting)")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StoreError(.corrupt, location: location,
                              message: "the store file is not a SQLite database or is corrupt (\(database.message ?? "no detail"))")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_IOERR:
            return StoreError(.unavailable, location: location,
                              message: "cannot open the store file (\(database.message ?? "\(database.resultCode)"))")
        default:
            return StoreError(.query, location: location, message: database.message ?? "\(database)")
        }
    }
}
