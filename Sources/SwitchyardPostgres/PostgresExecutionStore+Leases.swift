import PostgresNIO
import SwitchyardEngine
import SwitchyardJSON

/// Leases on Postgres (`execution_leases`, one row per leased execution). A claim locks the
/// executions it takes with `FOR UPDATE … SKIP LOCKED`, so processes claiming at once take
/// different ones instead of queueing on each other; a fenced write locks the lease row it
/// checks (`FOR SHARE`), so a claim that would replace the holder waits for that write to commit
/// and the write never lands after its owner lost the lease. Expiries use the server's clock.
extension PostgresExecutionStore: ExecutionLeasing {
    /// Milliseconds since 1970 on the server's clock, as SQL.
    static let serverMilliseconds = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT"
    private static let claimableStatuses = ExecutionStatus.claimable.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    private static func hold(_ execID: String, owner: LeaseOwner, ttl: Duration) -> PostgresQuery {
        """
        INSERT INTO execution_leases (exec_id, owner, expires_at)
        VALUES (\(execID), \(owner.id), \(unescaped: serverMilliseconds) + \(ttl.milliseconds))
        ON CONFLICT (exec_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
        """
    }

    /// Inserts a new execution with its lease, in one transaction.
    public func insertWorkflow(_ record: WorkflowExecutionRecord, leasedTo owner: LeaseOwner, ttl: Duration) async throws {
        try await perform {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("""
                    INSERT INTO workflow_executions (exec_id, workflow_id, status, input, output, error, created_at, updated_at)
                    VALUES (\(record.execID), \(record.workflowID), \(record.status.rawValue), \(record.input.jsonString),
                            \(record.output?.jsonString), \(record.error?.jsonString), \(record.createdAt), \(record.updatedAt))
                    """, logger: logger)
                try await connection.query(Self.hold(record.execID, owner: owner, ttl: ttl), logger: logger)
            }
        }
    }

    /// Claims up to `limit` claimable executions, oldest first; executions another process is
    /// claiming or writing right now are skipped, not waited for.
    public func claimExecutions(owner: LeaseOwner, limit: Int, ttl: Duration) async throws -> [String] {
        guard limit > 0 else { return [] }
        return try await perform {
            try await client.withTransaction(logger: logger) { connection in
                var ids: [String] = []
                for try await id in try await connection.query("""
                    SELECT w.exec_id FROM workflow_executions w LEFT JOIN execution_leases l ON l.exec_id = w.exec_id
                    WHERE w.status IN (\(unescaped: Self.claimableStatuses))
                      AND (l.exec_id IS NULL AND w.status = 'PENDING'
                           OR l.expires_at <= \(unescaped: Self.serverMilliseconds))
                    ORDER BY w.created_at, w.seq LIMIT \(limit) FOR UPDATE OF w SKIP LOCKED
                    """, logger: logger).decode(String.self) {
                    ids.append(id)
                }
                guard !ids.isEmpty else { return [] }
                // The lock is on the executions only: a lease another claimer committed after this
                // statement's snapshot is not seen by the join above. The upsert sees the newest
                // lease row, and takes over only one that is still expired.
                var held: Set<String> = []
                for try await id in try await connection.query("""
                    INSERT INTO execution_leases (exec_id, owner, expires_at)
                    SELECT id, \(owner.id), \(unescaped: Self.serverMilliseconds) + \(ttl.milliseconds) FROM UNNEST(\(ids)) AS id
                    ON CONFLICT (exec_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                    WHERE execution_leases.expires_at <= \(unescaped: Self.serverMilliseconds)
                    RETURNING exec_id
                    """, logger: logger).decode(String.self) {
                    held.insert(id)
                }
                return ids.filter(held.contains)
            }
        }
    }

    /// Claims `execID` if it is claimable or already `owner`'s.
    public func claimExecution(execID: String, owner: LeaseOwner, ttl: Duration) async throws -> Bool? {
        try await perform {
            try await client.withTransaction(logger: logger) { connection -> Bool? in
                var status: String?
                for try await found in try await connection.query(
                    "SELECT status FROM workflow_executions WHERE exec_id = \(execID) FOR UPDATE", logger: logger
                ).decode(String.self) { status = found }
                guard let status else { return nil }
                guard ExecutionStatus(rawValue: status)?.isClaimable == true else { return false }
                var heldElsewhere = false
                for try await _ in try await connection.query("""
                    SELECT 1 FROM execution_leases WHERE exec_id = \(execID) AND owner <> \(owner.id)
                      AND expires_at > \(unescaped: Self.serverMilliseconds)
                    """, logger: logger).decode(Int.self) { heldElsewhere = true }
                if heldElsewhere { return false }
                try await connection.query(Self.hold(execID, owner: owner, ttl: ttl), logger: logger)
                return true
            }
        }
    }

    /// Extends `owner`'s leases in one statement; answers those it no longer holds.
    public func renewLeases(owner: LeaseOwner, execIDs: [String], ttl: Duration) async throws -> Set<String> {
        guard !execIDs.isEmpty else { return [] }
        let renewed = try await perform {
            var renewed: Set<String> = []
            for try await id in try await client.query("""
                UPDATE execution_leases SET expires_at = \(unescaped: Self.serverMilliseconds) + \(ttl.milliseconds)
                WHERE owner = \(owner.id) AND exec_id = ANY(\(execIDs)) RETURNING exec_id
                """, logger: logger).decode(String.self) {
                renewed.insert(id)
            }
            return renewed
        }
        return Set(execIDs).subtracting(renewed)
    }

    /// Gives up `owner`'s leases on `execIDs`, or all of them: each row loses its owner and
    /// expires, so the execution stays claimable (a missing row would mark a non-leasing run).
    public func releaseLeases(owner: LeaseOwner, execIDs: [String]?) async throws {
        try await perform {
            if let execIDs {
                try await client.query("""
                    UPDATE execution_leases SET owner = '', expires_at = 0
                    WHERE owner = \(owner.id) AND exec_id = ANY(\(execIDs))
                    """, logger: logger)
            } else {
                try await client.query(
                    "UPDATE execution_leases SET owner = '', expires_at = 0 WHERE owner = \(owner.id)", logger: logger)
            }
        }
    }

    /// The lease on `execID`.
    public func lease(execID: String) async throws -> ExecutionLease? {
        try await perform {
            var lease: ExecutionLease?
            for try await (ownerID, expiresAt) in try await client.query(
                "SELECT owner, expires_at FROM execution_leases WHERE exec_id = \(execID)", logger: logger
            ).decode((String, Int64).self) {
                lease = ExecutionLease(execID: execID, owner: LeaseOwner(id: ownerID) ?? LeaseOwner(processID: 0, token: ownerID),
                                       expiresAtMilliseconds: expiresAt)
            }
            return lease
        }
    }

    /// Checkpoints a task in one statement that first locks the lease row it checks: nothing is
    /// written when `owner` does not hold it.
    public func saveTask(_ record: TaskExecutionRecord, fencedBy owner: LeaseOwner) async throws {
        let written = try await perform {
            var written = false
            for try await _ in try await client.query(
                PostgresRows.upsertTask(record, fencedBy: owner), logger: logger
            ).decode(Int.self) { written = true }
            return written
        }
        guard written else { throw StoreError.leaseLost(execID: record.workflowExecID, owner: owner, location: location) }
    }

    /// Updates a workflow execution if `owner` holds it; a status that is not claimable drops the lease.
    public func updateWorkflow(execID: String, status: ExecutionStatus, output: JSONValue?, error: JSONValue?,
                               fencedBy owner: LeaseOwner) async throws {
        let now = Timestamp.now(), location = location
        try await perform {
            try await client.withTransaction(logger: logger) { connection in
                var holds = false
                for try await _ in try await connection.query(
                    "SELECT 1 FROM execution_leases WHERE exec_id = \(execID) AND owner = \(owner.id) FOR UPDATE",
                    logger: logger
                ).decode(Int.self) { holds = true }
                guard holds else { throw StoreError.leaseLost(execID: execID, owner: owner, location: location) }
                try await connection.query("""
                    UPDATE workflow_executions SET status = \(status.rawValue), output = \(output?.jsonString),
                        error = \(error?.jsonString), updated_at = \(now) WHERE exec_id = \(execID)
                    """, logger: logger)
                if !status.keepsLease {
                    try await connection.query("DELETE FROM execution_leases WHERE exec_id = \(execID)", logger: logger)
                }
            }
        }
    }
}

extension Duration {
    /// Whole milliseconds (rounded down), for lease expiries.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
