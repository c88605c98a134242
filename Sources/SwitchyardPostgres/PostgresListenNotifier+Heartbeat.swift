import Logging
import PostgresNIO

/// The listening connection's heartbeat. A `LISTEN` connection only receives, so a peer that
/// vanished without a reset (a server host that died, a cut route, a NAT that forgot the
/// connection) is never noticed by reading: the process would miss every NOTIFY, and a wait for a
/// signal from another process would never wake. TCP keepalive would notice only after the
/// kernel's hours-long default, and postgres-nio does not set it; a query with a deadline notices
/// within two heartbeats on any network.
extension PostgresListenNotifier {
    /// Runs `SELECT 1` on `connection` every `heartbeat` until canceled; the first one that fails
    /// or does not answer within `heartbeat` closes the connection (its `LISTEN` then ends, and
    /// the listening loop reconnects and wakes every subscriber once).
    func closeWhenSilent(_ connection: PostgresConnection) async {
        while true {
            do { try await Task.sleep(for: heartbeat) } catch { return }
            if await Self.answers(connection, within: heartbeat, logger: connectionLogger) { continue }
            if Task.isCancelled { return }
            logger.warning("LISTEN \(Self.channel) on \(location): the connection did not answer within \(heartbeat); reconnecting")
            try? await connection.close()
            return
        }
    }

    /// Whether `connection` answers `SELECT 1` within `limit`. A connection that does not is
    /// closed here, which fails the query still waiting on it.
    private static func answers(_ connection: PostgresConnection, within limit: Duration, logger: Logger) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    _ = try await connection.query("SELECT 1", logger: logger).collect()
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let answered = await group.next() ?? false
            if !answered { try? await connection.close() }
            group.cancelAll()
            return answered
        }
    }
}
