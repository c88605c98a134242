import Foundation
import PostgresNIO
import SwitchyardEngine
import SwitchyardJSON

/// Schedule slots and overrides on Postgres. A claim is one transaction that first takes a
/// transaction-scoped advisory lock on the workflow, so claims of one workflow's slots from every
/// process run one at a time and its overlap check sees the previous claim; the slot's primary
/// key admits one insert in any case.
extension PostgresExecutionStore: ScheduleStore {
    private static let running = ScheduleSlotRecord.runningStatuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// Whether a slot of the workflow started an execution that runs or that is not recorded yet.
    private static func scheduledRunning(_ workflowID: String, cutoff: String) -> PostgresQuery {
        """
        SELECT (EXISTS (SELECT 1 FROM workflow_executions w JOIN schedule_slots s ON s.exec_id = w.exec_id
                        WHERE w.workflow_id = \(workflowID) AND w.status IN (\(unescaped: running))
                          AND s.workflow_id = \(workflowID) AND s.outcome = 'started')
                OR EXISTS (SELECT 1 FROM schedule_slots s WHERE s.workflow_id = \(workflowID) AND s.outcome = 'started'
                           AND s.recorded_at > \(cutoff)
                           AND NOT EXISTS (SELECT 1 FROM workflow_executions w WHERE w.exec_id = s.exec_id)))
        """
    }

    private static func lock(_ workflowID: String) -> PostgresQuery {
        "SELECT pg_advisory_xact_lock(hashtext('switchyard-schedule:' || \(workflowID)))"
    }

    /// Takes the schedule's lock for the transaction on `connection`, then answers whether
    /// anything the schedule started still runs (or was claimed within the start window).
    private func lockedScheduleRuns(_ workflowID: String, cutoff: String, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query(Self.lock(workflowID), logger: logger)
        var isRunning = false
        for try await value in try await connection.query(Self.scheduledRunning(workflowID, cutoff: cutoff),
                                                          logger: logger).decode(Bool.self) { isRunning = value }
        return isRunning
    }

    /// Records the slot and decides its outcome in one transaction.
    public func claimScheduleSlot(workflowID: String, slot: String, execID: String,
                                  policy: WorkflowSchedule.OverlapPolicy) async throws -> ScheduleSlotRecord? {
        let now = Date()
        let recordedAt = Timestamp.format(now)
        let cutoff = Timestamp.format(now.addingTimeInterval(-ScheduleSlotRecord.startWindow))
        return try await perform {
            try await client.withTransaction(logger: logger) { connection -> ScheduleSlotRecord? in
                let isRunning = try await lockedScheduleRuns(workflowID, cutoff: cutoff, on: connection)
                let outcome: ScheduleSlotRecord.Outcome = switch (policy, isRunning) {
                case (.allow, _), (.cancelOther, _), (_, false): .started
                case (.bufferOne, true): .buffered
                case (.skip, true): .skipped
                }
                var inserted = false
                for try await _ in try await connection.query("""
                    INSERT INTO schedule_slots (workflow_id, slot, exec_id, outcome, recorded_at)
                    VALUES (\(workflowID), \(slot), \(execID), \(outcome.rawValue), \(recordedAt))
                    ON CONFLICT DO NOTHING RETURNING slot
                    """, logger: logger).decode(String.self) { inserted = true }
                guard inserted else { return nil }
                if outcome == .buffered {
                    try await connection.query("""
                        UPDATE schedule_slots SET outcome = 'skipped'
                        WHERE workflow_id = \(workflowID) AND outcome = 'buffered' AND slot <> \(slot)
                        """, logger: logger)
                }
                return ScheduleSlotRecord(workflowID: workflowID, slot: slot, execID: execID, outcome: outcome,
                                          recordedAt: recordedAt)
            }
        }
    }

    /// Starts the newest buffered slot when nothing of the schedule runs.
    public func startBufferedScheduleSlot(workflowID: String) async throws -> ScheduleSlotRecord? {
        let now = Date()
        let recordedAt = Timestamp.format(now)
        let cutoff = Timestamp.format(now.addingTimeInterval(-ScheduleSlotRecord.startWindow))
        return try await perform {
            try await client.withTransaction(logger: logger) { connection -> ScheduleSlotRecord? in
                if try await lockedScheduleRuns(workflowID, cutoff: cutoff, on: connection) { return nil }
                var found: (String, String)?
                for try await row in try await connection.query("""
                    UPDATE schedule_slots SET outcome = 'started', recorded_at = \(recordedAt)
                    WHERE workflow_id = \(workflowID) AND slot = (
                        SELECT slot FROM schedule_slots WHERE workflow_id = \(workflowID) AND outcome = 'buffered'
                        ORDER BY slot DESC LIMIT 1)
                    RETURNING slot, exec_id
                    """, logger: logger).decode((String, String).self) { found = row }
                return found.map {
                    ScheduleSlotRecord(workflowID: workflowID, slot: $0.0, execID: $0.1, outcome: .started, recordedAt: recordedAt)
                }
            }
        }
    }

    /// Started slots recorded in the window whose execution is not recorded.
    public func unstartedScheduleSlots(workflowID: String, recordedAfter after: String,
                                       before: String) async throws -> [ScheduleSlotRecord] {
        try await perform {
            var slots: [ScheduleSlotRecord] = []
            for try await (slot, execID, recordedAt) in try await client.query("""
                SELECT slot, exec_id, recorded_at FROM schedule_slots s
                WHERE s.workflow_id = \(workflowID) AND s.outcome = 'started' AND s.recorded_at > \(after)
                  AND s.recorded_at < \(before)
                  AND NOT EXISTS (SELECT 1 FROM workflow_executions w WHERE w.exec_id = s.exec_id)
                ORDER BY s.slot
                """, logger: logger).decode((String, String, String).self) {
                slots.append(ScheduleSlotRecord(workflowID: workflowID, slot: slot, execID: execID, outcome: .started,
                                                recordedAt: recordedAt))
            }
            return slots
        }
    }

    /// The executions of started slots that have not ended.
    public func runningScheduledExecutions(workflowID: String) async throws -> [String] {
        try await perform {
            var ids: [String] = []
            for try await id in try await client.query("""
                SELECT w.exec_id FROM workflow_executions w JOIN schedule_slots s ON s.exec_id = w.exec_id
                WHERE w.workflow_id = \(workflowID) AND w.status IN (\(unescaped: Self.running))
                  AND s.workflow_id = \(workflowID) AND s.outcome = 'started' ORDER BY s.slot
                """, logger: logger).decode(String.self) { ids.append(id) }
            return ids
        }
    }

    /// The newest started slot and its execution's status.
    public func lastStartedScheduleSlot(workflowID: String) async throws -> (slot: ScheduleSlotRecord, status: ExecutionStatus?)? {
        try await perform {
            var found: (slot: ScheduleSlotRecord, status: ExecutionStatus?)?
            for try await (slot, execID, recordedAt, status) in try await client.query("""
                SELECT s.slot, s.exec_id, s.recorded_at, w.status FROM schedule_slots s
                LEFT JOIN workflow_executions w ON w.exec_id = s.exec_id
                WHERE s.workflow_id = \(workflowID) AND s.outcome = 'started' ORDER BY s.slot DESC LIMIT 1
                """, logger: logger).decode((String, String, String, String?).self) {
                found = (ScheduleSlotRecord(workflowID: workflowID, slot: slot, execID: execID, outcome: .started,
                                            recordedAt: recordedAt), status.flatMap(ExecutionStatus.init(rawValue:)))
            }
            return found
        }
    }

    /// Every override.
    public func scheduleOverrides() async throws -> [String: ScheduleOverride] {
        try await perform {
            var overrides: [String: ScheduleOverride] = [:]
            for try await (workflowID, enabled, cron, deleted, digest, modifiedAt) in try await client.query("""
                SELECT workflow_id, enabled, cron, deleted, declaration_digest, modified_at FROM schedule_overrides
                """, logger: logger).decode((String, Bool?, String?, Bool, String, String).self) {
                overrides[workflowID] = ScheduleOverride(workflowID: workflowID, enabled: enabled, cron: cron, deleted: deleted,
                                                         declarationDigest: digest, modifiedAt: modifiedAt)
            }
            return overrides
        }
    }

    /// Stores an override in place of the previous one.
    public func saveScheduleOverride(_ override: ScheduleOverride) async throws {
        try await perform {
            try await client.query("""
                INSERT INTO schedule_overrides (workflow_id, enabled, cron, deleted, declaration_digest, modified_at)
                VALUES (\(override.workflowID), \(override.enabled), \(override.cron), \(override.deleted),
                        \(override.declarationDigest), \(override.modifiedAt))
                ON CONFLICT (workflow_id) DO UPDATE SET enabled = excluded.enabled, cron = excluded.cron,
                    deleted = excluded.deleted, declaration_digest = excluded.declaration_digest,
                    modified_at = excluded.modified_at
                """, logger: logger)
        }
    }

    /// Removes an override.
    public func removeScheduleOverride(workflowID: String) async throws {
        try await perform {
            try await client.query("DELETE FROM schedule_overrides WHERE workflow_id = \(workflowID)", logger: logger)
        }
    }
}
