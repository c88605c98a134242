import PostgresNIO
import SwitchyardEngine
import SwitchyardJSON

/// Stored signals on Postgres (`signals`): posted in one statement guarded by the execution's
/// status, taken by one guarded update (the first taker in any process wins). The insert's
/// trigger sends NOTIFY `signal:EXEC_ID` on `switchyard_events` at commit.
extension PostgresExecutionStore: SignalStore {
    private static let accepting = StoredSignal.acceptingStatuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// Stores `signal` if `execID` exists and has not ended.
    public func postSignal(_ signal: Signal, to execID: String) async throws -> StoredSignal? {
        let now = Timestamp.now()
        let id: Int64? = try await perform {
            var id: Int64?
            for try await found in try await client.query("""
                INSERT INTO signals (exec_id, name, payload, created_at)
                SELECT \(execID), \(signal.name), \(signal.payload.jsonString), \(now)
                WHERE EXISTS (SELECT 1 FROM workflow_executions WHERE exec_id = \(execID)
                              AND status IN (\(unescaped: Self.accepting)))
                RETURNING signal_id
                """, logger: logger).decode(Int64.self) { id = found }
            return id
        }
        return id.map { StoredSignal(signalID: $0, execID: execID, signal: signal, createdAt: now) }
    }

    /// The signals to `execID` not taken yet, oldest first.
    public func pendingSignals(execID: String) async throws -> [StoredSignal] {
        try await perform {
            var signals: [StoredSignal] = []
            for try await (id, name, payload, createdAt) in try await client.query("""
                SELECT signal_id, name, payload, created_at FROM signals
                WHERE exec_id = \(execID) AND taken_at IS NULL ORDER BY signal_id
                """, logger: logger).decode((Int64, String, String, String).self) {
                signals.append(StoredSignal(
                    signalID: id, execID: execID,
                    signal: Signal(name: name, payload: PostgresRows.json(payload) ?? .emptyObject, id: String(id),
                                   sentAt: createdAt),
                    createdAt: createdAt))
            }
            return signals
        }
    }

    /// Takes signal `signalID` if nobody has.
    public func takeSignal(_ signalID: Int64, outcome: StoredSignal.Outcome, taker: String) async throws -> Bool {
        let now = Timestamp.now()
        return try await perform {
            var taken = false
            for try await _ in try await client.query("""
                UPDATE signals SET taken_at = \(now), taken_by = \(taker), outcome = \(outcome.rawValue)
                WHERE signal_id = \(signalID) AND taken_at IS NULL RETURNING signal_id
                """, logger: logger).decode(Int64.self) { taken = true }
            return taken
        }
    }
}
