import Synchronization
import SwitchyardJSON

/// An execution's pause state (compozy's `pause`/`resume`): the gate its next tasks pass, and
/// the workflow status writes of pausing, resuming, wait tasks and the end, made one after
/// another, so that a pause can never land after the final status and overwrite it.
final class ExecutionPause: Sendable {
    /// What a pause request found.
    enum Answer: Sendable { case paused, alreadyPaused, ended }

    private struct State {
        var ended = false
        /// The status to restore on resume (RUNNING, or WAITING while a wait task waits).
        var statusBeforePause = ExecutionStatus.running
        var tail: Task<Void, Never>?
    }

    let gate = PauseGate()
    private let execID: String
    private let store: @Sendable () -> any ExecutionStore
    private let state = Mutex(State())

    init(execID: String, store: @escaping @Sendable () -> any ExecutionStore) {
        self.execID = execID
        self.store = store
    }

    /// Closes the gate and records PAUSED.
    func pause() async throws -> Answer {
        try await serially { [self] in
            if state.withLock({ $0.ended }) { return .ended }
            guard gate.pause() else { return .alreadyPaused }
            let before = try await store().workflow(execID: execID)?.status ?? .running
            state.withLock { $0.statusBeforePause = before == .paused ? .running : before }
            try await store().updateWorkflow(execID: execID, status: .paused, output: nil, error: nil)
            return .paused
        }
    }

    /// Records the status from before the pause, then opens the gate.
    /// - Returns: false when the execution was not paused (or ended).
    func resume() async throws -> Bool {
        try await serially { [self] in
            let (ended, before) = state.withLock { ($0.ended, $0.statusBeforePause) }
            guard !ended, gate.isPaused else { return false }
            try await store().updateWorkflow(execID: execID, status: before, output: nil, error: nil)
            return gate.resume()
        }
    }

    /// A wait task's RUNNING/WAITING: written now, or, while paused, kept for the resume.
    func record(_ status: ExecutionStatus) async throws {
        try await serially { [self] in
            if gate.isPaused {
                state.withLock { $0.statusBeforePause = status }
            } else {
                try await store().updateWorkflow(execID: execID, status: status, output: nil, error: nil)
            }
        }
    }

    /// The final status, output and error; later pauses and resumes find the execution ended.
    func end(_ result: WorkflowResult) async throws {
        try await serially { [self] in
            state.withLock { $0.ended = true }
            _ = gate.resume()
            try await store().updateWorkflow(execID: execID, status: result.status, output: result.output,
                                             error: result.error)
        }
    }

    /// Runs `operation` after every write queued before it (none is skipped by a cancel: the
    /// writes run in their own tasks).
    private func serially<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = state.withLock { state in
            let previous = state.tail
            let task = Task<Result<T, any Error>, Never> {
                await previous?.value
                do { return .success(try await operation()) } catch { return .failure(error) }
            }
            state.tail = Task { _ = await task.value }
            return task
        }
        return try await task.value.get()
    }
}
