import Foundation
import GRDB
import SwitchyardJSON

/// Leases on SQLite: one row per leased execution in `execution_leases`, every claim and fenced
/// write in one write transaction (SQLite has one writer, so a claim and a fenced write are
/// serialized and the holder a write checks is the one a claim left). Expiries are on this
/// machine's clock: processes sharing a SQLite file share the machine.
extension SQLiteExecutionStore: ExecutionLeasing {
    /// The v3 schema: the lease table and an index for finding claimable executions.
    static func migrateLeases(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE execution_leases (
                exec_id TEXT PRIMARY KEY NOT NULL REFERENCES workflow_executions(exec_id) ON DELETE CASCADE,
                owner TEXT NOT NULL,
                expires_at INTEGER NOT NULL
            );
            CREATE INDEX execution_leases_owner ON execution_leases(owner);
            CREATE INDEX workflow_executions_status ON workflow_executions(status, created_at);
            """)
    }

    private static var nowMilliseconds: Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    private static let claimableStatuses = ExecutionStatus.claimable.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// Inserts a new execution with its lease, in one transaction.
    public func insertWorkflow(_ record: WorkflowExecutionRecord, leasedTo owner: LeaseOwner, ttl: Duration) async throws {
        try await leaseWrite { db in
            try db.cachedStatement(sql: """
                INSERT INTO workflow_executions (exec_id, workflow_id, status, input, output, error, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    record.execID, record.workflowID, record.status.rawValue, record.input.jsonString,
                    record.output?.jsonString, record.error?.jsonString, record.createdAt, record.updatedAt,
                ])
            try Self.hold(record.execID, owner: owner, ttl: ttl, db: db)
        }
    }

    /// Claims up to `limit` claimable executions, oldest first.
    public func claimExecutions(owner: LeaseOwner, limit: Int, ttl: Duration) async throws -> [String] {
        guard limit > 0 else { return [] }
        return try await leaseWrite { db in
            let ids = try String.fetchAll(db.cachedStatement(sql: """
                SELECT w.exec_id FROM workflow_executions w LEFT JOIN execution_leases l ON l.exec_id = w.exec_id
                WHERE w.status IN (\(Self.claimableStatuses))
                  AND (l.exec_id IS NULL AND w.status = 'PENDING' OR l.expires_at <= ?)
                ORDER BY w.created_at, w.rowid LIMIT ?
                """), arguments: [Self.nowMilliseconds, limit])
            for id in ids { try Self.hold(id, owner: owner, ttl: ttl, db: db) }
            return ids
        }
    }

    /// Claims `execID` if it is claimable or already `owner`'s.
    public func claimExecution(execID: String, owner: LeaseOwner, ttl: Duration) async throws -> Bool? {
        try await leaseWrite { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM workflow_executions WHERE exec_id = ?",
                                                   arguments: [execID]) else { return nil }
            guard ExecutionStatus(rawValue: status)?.isClaimable == true else { return false }
            if let lease = try Self.leaseRow(execID, db: db), lease.owner != owner,
               lease.expiresAtMilliseconds > Self.nowMilliseconds {
                return false
            }
            try Self.hold(execID, owner: owner, ttl: ttl, db: db)
            return true
        }
    }

    /// Extends `owner`'s leases; answers those it no longer holds.
    public func renewLeases(owner: LeaseOwner, execIDs: [String], ttl: Duration) async throws -> Set<String> {
        guard !execIDs.isEmpty else { return [] }
        return try await leaseWrite { db in
            let statement = try db.cachedStatement(sql: "UPDATE execution_leases SET expires_at = ? WHERE exec_id = ? AND owner = ?")
            let expiry = Self.nowMilliseconds + ttl.leaseMilliseconds
            var lost: Set<String> = []
            for id in execIDs {
                try statement.execute(arguments: [expiry, id, owner.id])
                if db.changesCount == 0 { lost.insert(id) }
            }
            return lost
        }
    }

    /// Gives up `owner`'s leases on `execIDs`, or all of them: each row loses its owner and
    /// expires, so the execution stays claimable (a missing row would mark a non-leasing run).
    public func releaseLeases(owner: LeaseOwner, execIDs: [String]?) async throws {
        try await leaseWrite { db in
            guard let execIDs else {
                try db.execute(sql: "UPDATE execution_leases SET owner = '', expires_at = 0 WHERE owner = ?",
                               arguments: [owner.id])
                return
            }
            let statement = try db.cachedStatement(
                sql: "UPDATE execution_leases SET owner = '', expires_at = 0 WHERE exec_id = ? AND owner = ?")
            for id in execIDs { try statement.execute(arguments: [id, owner.id]) }
        }
    }

    /// The lease on `execID`.
    public func lease(execID: String) async throws -> ExecutionLease? {
        do {
            return try await pool.read { db in try Self.leaseRow(execID, db: db) }
        } catch {
            throw Self.storeError(error, location: path)
        }
    }

    /// Checkpoints a task in the group commit, the lease checked in the batch's transaction.
    public func saveTask(_ record: TaskExecutionRecord, fencedBy owner: LeaseOwner) async throws {
        try await checkpoints.save(record, fencedBy: owner)
    }

    /// Updates a workflow execution if `owner` holds it; a final status drops the lease.
    public func updateWorkflow(execID: String, status: ExecutionStatus, output: JSONValue?, error: JSONValue?,
                               fencedBy owner: LeaseOwner) async throws {
        let now = Timestamp.now(), location = path
        try await leaseWrite { db in
            guard try Self.holds(execID, owner: owner, db: db) else {
                throw StoreError.leaseLost(execID: execID, owner: owner, location: location)
            }
            try db.cachedStatement(sql: """
                UPDATE workflow_executions SET status = ?, output = ?, error = ?, updated_at = ? WHERE exec_id = ?
                """).execute(arguments: [status.rawValue, output?.jsonString, error?.jsonString, now, execID])
            if !status.keepsLease {
                try db.execute(sql: "DELETE FROM execution_leases WHERE exec_id = ?", arguments: [execID])
            }
        }
    }

    /// For the group commit: per checkpoint nil, or the refusal of a fenced one whose owner
    /// does not hold the lease (looked up once per execution and owner in the batch).
    static func fenceRefusals(_ batch: [GroupCommit.Checkpoint], db: Database, location: String) throws -> [StoreError?] {
        var held: [String: Bool] = [:]
        return try batch.map { checkpoint in
            guard let owner = checkpoint.owner else { return nil }
            let execID = checkpoint.record.workflowExecID, key = execID + "\u{0}" + owner.id
            let holds = try held[key] ?? Self.holds(execID, owner: owner, db: db)
            held[key] = holds
            return holds ? nil : StoreError.leaseLost(execID: execID, owner: owner, location: location)
        }
    }

    private static func holds(_ execID: String, owner: LeaseOwner, db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM execution_leases WHERE exec_id = ? AND owner = ?"),
                          arguments: [execID, owner.id]) ?? false
    }

    private static func hold(_ execID: String, owner: LeaseOwner, ttl: Duration, db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO execution_leases (exec_id, owner, expires_at) VALUES (?, ?, ?)
            ON CONFLICT (exec_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            """).execute(arguments: [execID, owner.id, nowMilliseconds + ttl.leaseMilliseconds])
    }

    private static func leaseRow(_ execID: String, db: Database) throws -> ExecutionLease? {
        guard let row = try Row.fetchOne(db, sql: "SELECT owner, expires_at FROM execution_leases WHERE exec_id = ?",
                                         arguments: [execID]) else { return nil }
        let ownerID: String = row["owner"]
        return ExecutionLease(execID: execID, owner: LeaseOwner(id: ownerID) ?? LeaseOwner(processID: 0, token: ownerID),
                              expiresAtMilliseconds: row["expires_at"])
    }

    /// One write transaction (several statements that must commit together), blocking like the
    /// store's other writes.
    private func leaseWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try StoreMetrics.timed(.workflow) { try pool.write(body) }
        } catch {
            throw Self.storeError(error, location: path)
        }
    }
}
