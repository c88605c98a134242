import SwitchyardJSON

extension WorkflowEngine {
    /// What `pause(execID:)` did.
    public enum PauseResult: Sendable, Equatable {
        /// Paused: running tasks go on to their end, no next task starts; the store says PAUSED.
        case paused
        /// It was paused already.
        case alreadyPaused
        /// It does not run in this engine (unknown, ended, or held by another process).
        case notRunning
    }

    /// Pauses execution `execID`, which runs in this engine: the tasks it runs now finish,
    /// the next ones wait until `unpause(execID:)` (or a cancel, which ends them CANCELED).
    /// Its workflow timeout keeps counting. The execution keeps its lease while paused.
    /// - Throws: `StoreError` when PAUSED cannot be recorded.
    public func pause(execID: String) async throws -> PauseResult {
        guard let pause = pauses.withLock({ $0[execID] }) else { return .notRunning }
        switch try await pause.pause() {
        case .paused: return .paused
        case .alreadyPaused: return .alreadyPaused
        case .ended: return .notRunning
        }
    }

    /// Lets a paused execution of this engine go on: its status returns to what it was (RUNNING,
    /// or WAITING while a wait task waits) and its next tasks start.
    /// - Returns: false when it is not paused in this engine.
    /// - Throws: `StoreError` when the status cannot be recorded.
    public func unpause(execID: String) async throws -> Bool {
        guard let pause = pauses.withLock({ $0[execID] }) else { return false }
        return try await pause.resume()
    }
}
