import Synchronization

/// Holds an execution's next tasks while it is paused (compozy's `pause`/`resume`): tasks
/// already running go on to their end; a task about to start waits at the gate until the
/// execution is resumed or canceled. An open gate costs one atomic load per task.
final class PauseGate: Sendable {
    private struct State {
        var paused = false
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: UnsafeContinuation<Void, Never>] = [:]
    }

    private let closed = Atomic<Bool>(false)
    private let state = Mutex(State())

    /// Whether the gate holds new tasks.
    var isPaused: Bool { closed.load(ordering: .acquiring) }

    /// Closes the gate. - Returns: false when it was already closed.
    func pause() -> Bool {
        state.withLock { state in
            guard !state.paused else { return false }
            state.paused = true
            closed.store(true, ordering: .releasing)
            return true
        }
    }

    /// Opens the gate and lets every waiting task go. - Returns: false when it was open.
    func resume() -> Bool {
        let waiters: [UnsafeContinuation<Void, Never>]? = state.withLock { state in
            guard state.paused else { return nil }
            state.paused = false
            closed.store(false, ordering: .releasing)
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume() }
        return true
    }

    /// Returns at once when open (a canceled task goes on as before, to end in its own way);
    /// else waits for `resume` or the task's cancellation.
    /// - Returns: false when the task was canceled while the gate held it.
    func pass() async -> Bool {
        guard isPaused else { return true }
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (waiter: UnsafeContinuation<Void, Never>) in
                let goNow = state.withLock { state in
                    guard state.paused, !Task.isCancelled else { return true }
                    state.waiters[id] = waiter
                    return false
                }
                if goNow { waiter.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
        return !Task.isCancelled
    }
}
