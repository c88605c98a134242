import Foundation
import GRDB
import SwitchyardJSON

/// Schedule slots and overrides on SQLite. A claim is one `BEGIN IMMEDIATE` transaction: the
/// slot's primary key (`workflow_id`, `slot`) admits one insert, so of two processes claiming a
/// slot one records it and the other sees it taken; the overlap check runs inside the same
/// transaction, under SQLite's single writer.
extension SQLiteExecutionStore: ScheduleStore {
    /// The v7 schema.
    static func migrateSchedules(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE schedule_slots (
                workflow_id TEXT NOT NULL,
                slot TEXT NOT NULL,
                exec_id TEXT NOT NULL,
                outcome TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                PRIMARY KEY (workflow_id, slot)
            );
            CREATE INDEX schedule_slots_outcome ON schedule_slots(workflow_id, outcome, recorded_at);
            CREATE INDEX schedule_slots_exec ON schedule_slots(exec_id);
            -- The overlap check looks for a workflow's executions that have not ended.
            CREATE INDEX workflow_executions_open ON workflow_executions(workflow_id)
                WHERE status IN (\(ScheduleSlotRecord.runningStatusList));
            CREATE TABLE schedule_overrides (
                workflow_id TEXT PRIMARY KEY NOT NULL,
                enabled INTEGER,
                cron TEXT,
                deleted INTEGER NOT NULL DEFAULT 0,
                declaration_digest TEXT NOT NULL,
                modified_at TEXT NOT NULL
            );
            """)
    }

    /// Whether a slot of `:workflow` started an execution that runs, or that it has not recorded
    /// yet (claimed since `:cutoff`: the claiming process is between the claim and the start).
    private static let scheduledRunning = """
        (EXISTS (SELECT 1 FROM workflow_executions w JOIN schedule_slots s ON s.exec_id = w.exec_id
                 WHERE w.workflow_id = :workflow AND w.status IN (\(ScheduleSlotRecord.runningStatusList))
                   AND s.workflow_id = :workflow AND s.outcome = 'started')
         OR EXISTS (SELECT 1 FROM schedule_slots s WHERE s.workflow_id = :workflow AND s.outcome = 'started'
                    AND s.recorded_at > :cutoff
                    AND NOT EXISTS (SELECT 1 FROM workflow_executions w WHERE w.exec_id = s.exec_id)))
        """

    /// Records the slot and decides its outcome in one transaction.
    public func claimScheduleSlot(workflowID: String, slot: String, execID: String,
                                  policy: WorkflowSchedule.OverlapPolicy) async throws -> ScheduleSlotRecord? {
        let now = Date()
        let arguments: StatementArguments = [
            "workflow": workflowID, "slot": slot, "exec": execID, "policy": policy.rawValue,
            "now": Timestamp.format(now), "cutoff": Timestamp.format(now.addingTimeInterval(-ScheduleSlotRecord.startWindow)),
        ]
        return try scheduleTransaction { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO schedule_slots (workflow_id, slot, exec_id, outcome, recorded_at)
                SELECT :workflow, :slot, :exec, \(ScheduleSlotRecord.outcomeCase(policy: ":policy", running: Self.scheduledRunning)), :now
                """, arguments: arguments)
            guard db.changesCount == 1 else { return nil }
            let outcome = ScheduleSlotRecord.Outcome(rawValue: try String.fetchOne(db, sql: """
                SELECT outcome FROM schedule_slots WHERE workflow_id = ? AND slot = ?
                """, arguments: [workflowID, slot]) ?? "")
            if outcome == .buffered {
                try db.execute(sql: """
                    UPDATE schedule_slots SET outcome = 'skipped'
                    WHERE workflow_id = ? AND outcome = 'buffered' AND slot <> ?
                    """, arguments: [workflowID, slot])
            }
            return ScheduleSlotRecord(workflowID: workflowID, slot: slot, execID: execID, outcome: outcome,
                                      recordedAt: Timestamp.format(now))
        }
    }

    /// Starts the newest buffered slot when nothing of the schedule runs.
    public func startBufferedScheduleSlot(workflowID: String) async throws -> ScheduleSlotRecord? {
        let now = Date()
        let arguments: StatementArguments = [
            "workflow": workflowID,
            "cutoff": Timestamp.format(now.addingTimeInterval(-ScheduleSlotRecord.startWindow)),
        ]
        return try scheduleTransaction { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT slot, exec_id FROM schedule_slots WHERE workflow_id = :workflow AND outcome = 'buffered'
                AND NOT \(Self.scheduledRunning) ORDER BY slot DESC LIMIT 1
                """, arguments: arguments) else { return nil }
            let slot: String = row["slot"]
            try db.execute(sql: """
                UPDATE schedule_slots SET outcome = 'started', recorded_at = ? WHERE workflow_id = ? AND slot = ?
                """, arguments: [Timestamp.format(now), workflowID, slot])
            return ScheduleSlotRecord(workflowID: workflowID, slot: slot, execID: row["exec_id"], outcome: .started,
                                      recordedAt: Timestamp.format(now))
        }
    }

    /// Started slots recorded in the window whose execution is not recorded.
    public func unstartedScheduleSlots(workflowID: String, recordedAfter after: String,
                                       before: String) async throws -> [ScheduleSlotRecord] {
        try await scheduleRead { db in
            try Row.fetchAll(db, sql: """
                SELECT slot, exec_id, recorded_at FROM schedule_slots s
                WHERE s.workflow_id = ? AND s.outcome = 'started' AND s.recorded_at > ? AND s.recorded_at < ?
                  AND NOT EXISTS (SELECT 1 FROM workflow_executions w WHERE w.exec_id = s.exec_id)
                ORDER BY s.slot
                """, arguments: [workflowID, after, before]).map { row in
                ScheduleSlotRecord(workflowID: workflowID, slot: row["slot"], execID: row["exec_id"], outcome: .started,
                                   recordedAt: row["recorded_at"])
            }
        }
    }

    /// The executions of started slots that have not ended.
    public func runningScheduledExecutions(workflowID: String) async throws -> [String] {
        try await scheduleRead { db in
            try String.fetchAll(db, sql: """
                SELECT w.exec_id FROM workflow_executions w JOIN schedule_slots s ON s.exec_id = w.exec_id
                WHERE w.workflow_id = ? AND w.status IN (\(ScheduleSlotRecord.runningStatusList))
                  AND s.workflow_id = ? AND s.outcome = 'started' ORDER BY s.slot
                """, arguments: [workflowID, workflowID])
        }
    }

    /// The newest started slot and its execution's status.
    public func lastStartedScheduleSlot(workflowID: String) async throws -> (slot: ScheduleSlotRecord, status: ExecutionStatus?)? {
        let found: (ScheduleSlotRecord, String?)? = try await scheduleRead { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT s.slot, s.exec_id, s.outcome, s.recorded_at, w.status FROM schedule_slots s
                LEFT JOIN workflow_executions w ON w.exec_id = s.exec_id
                WHERE s.workflow_id = ? AND s.outcome = 'started' ORDER BY s.slot DESC LIMIT 1
                """, arguments: [workflowID]) else { return nil }
            return (ScheduleSlotRecord(workflowID: workflowID, slot: row["slot"], execID: row["exec_id"],
                                       outcome: .started, recordedAt: row["recorded_at"]), row["status"])
        }
        return found.map { ($0.0, $0.1.flatMap(ExecutionStatus.init(rawValue:))) }
    }

    /// Every override.
    public func scheduleOverrides() async throws -> [String: ScheduleOverride] {
        try await scheduleRead { db in
            var overrides: [String: ScheduleOverride] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM schedule_overrides") {
                let enabled: Int64? = row["enabled"], deleted: Int64 = row["deleted"]
                let workflowID: String = row["workflow_id"]
                overrides[workflowID] = ScheduleOverride(
                    workflowID: workflowID, enabled: enabled.map { $0 != 0 }, cron: row["cron"], deleted: deleted != 0,
                    declarationDigest: row["declaration_digest"], modifiedAt: row["modified_at"])
            }
            return overrides
        }
    }

    /// Stores an override in place of the previous one.
    public func saveScheduleOverride(_ override: ScheduleOverride) async throws {
        _ = try scheduleTransaction { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO schedule_overrides (workflow_id, enabled, cron, deleted, declaration_digest, modified_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [override.workflowID, override.enabled.map { $0 ? 1 : 0 }, override.cron,
                                 override.deleted ? 1 : 0, override.declarationDigest, override.modifiedAt])
            return true
        }
    }

    /// Removes an override.
    public func removeScheduleOverride(workflowID: String) async throws {
        _ = try scheduleTransaction { db in
            try db.execute(sql: "DELETE FROM schedule_overrides WHERE workflow_id = ?", arguments: [workflowID])
            return true
        }
    }

    /// `body` in a `BEGIN IMMEDIATE` transaction: the write lock is taken first (waiting up to the
    /// busy timeout), so the checks in `body` and its writes see one state.
    private func scheduleTransaction<T>(_ body: (Database) throws -> T?) throws -> T? {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result
            }
        } catch {
            throw Self.storeError(error, location: path)
        }
    }

    private func scheduleRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.storeError(error, location: path)
        }
    }
}
