import Synchronization

extension ExecutionHandle {
    /// Waits at most `limit` for the end of the run, without canceling it: on timeout the run
    /// goes on (an API client that stopped waiting may still read its result later).
    /// - Returns: the result, or nil when `limit` passed first.
    public func result(waitingAtMost limit: Duration) async -> WorkflowResult? {
        let task = self.task
        // Awaiting an unstructured task's value cannot be interrupted, so the wait and the timer
        // race through one continuation that the first of them resumes.
        let once = FirstClaim()
        return await withCheckedContinuation { (continuation: CheckedContinuation<WorkflowResult?, Never>) in
            // A canceled sleep must end the timer: `try?` would swallow the cancellation and let
            // a timer canceled by a finished run claim the answer as a timeout.
            let timer = Task {
                liveTimers.add(1, ordering: .relaxed)
                defer { liveTimers.subtract(1, ordering: .relaxed) }
                do { try await Task.sleep(for: limit) } catch { return }
                if once.claim() { continuation.resume(returning: nil) }
            }
            Task {
                let result = await task.value
                // Claim first, then stop the timer, so it cannot win in between; canceled, it
                // returns at once instead of sleeping out the limit.
                if once.claim() { continuation.resume(returning: result) }
                timer.cancel()
            }
        }
    }
}

/// Wait timers started and not yet ended, process-wide: a wait that got its answer must not
/// leave its timer sleeping out the limit (tests count them; it costs two relaxed atomics).
private let liveTimers = Atomic<Int>(0)

extension ExecutionHandle {
    /// Wait timers of `result(waitingAtMost:)` alive now.
    static var liveWaitTimers: Int { liveTimers.load(ordering: .relaxed) }
}

/// True for the first caller of `claim()` only.
final class FirstClaim: Sendable {
    private let claimed = Mutex(false)

    func claim() -> Bool {
        claimed.withLock { claimed in
            defer { claimed = true }
            return !claimed
        }
    }
}
