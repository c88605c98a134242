import Hummingbird
import Synchronization
import SwitchyardEngine

/// Caps the executions the API runs at once (`--max-executions`): a start beyond the cap is
/// refused with `503 TOO_MANY_EXECUTIONS` and `Retry-After` before anything runs; a slot is given
/// back when its execution ends, whether the client waited for it or not.
final class ExecutionGate: Sendable {
    let limit: Int
    let retryAfterSeconds: Int
    /// Learns of each execution started here, so its event stream gets its final status.
    let events: ExecutionEventHub?
    private let running = Mutex(0)

    init(limit: Int, retryAfterSeconds: Int, events: ExecutionEventHub? = nil) {
        self.limit = limit
        self.retryAfterSeconds = retryAfterSeconds
        self.events = events
    }

    /// Runs `start` in a slot that stays taken until the execution it starts ends.
    /// - Throws: `APIError` 503 when every slot is taken; whatever `start` throws.
    func start(_ start: () async throws -> ExecutionHandle) async throws -> ExecutionHandle {
        try reserve()
        let handle: ExecutionHandle
        do { handle = try await start() } catch {
            release()
            throw error
        }
        hold(until: handle)
        return handle
    }

    /// Takes a slot for an execution about to start.
    /// - Throws: `APIError` 503 with `Retry-After` when all `limit` are taken.
    func reserve() throws(APIError) {
        let taken = running.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard taken else {
            throw APIError(.serviceUnavailable, "TOO_MANY_EXECUTIONS",
                           "this server runs \(limit) executions at once (--max-executions); retry later",
                           headers: [.retryAfter: "\(retryAfterSeconds)"])
        }
    }

    /// Keeps the reserved slot until `handle`'s execution ends.
    func hold(until handle: ExecutionHandle) {
        events?.track(handle)
        // Not a child of the request: the run outlives an async start's answer.
        Task { [self] in
            _ = await handle.result()
            release()
        }
    }

    /// Gives a reserved slot back.
    func release() { running.withLock { $0 -= 1 } }

    /// Executions holding a slot.
    var count: Int { running.withLock { $0 } }
}
