import Synchronization
import Testing
import SwitchyardEngine
import SwitchyardJSON

/// A store that stops recording at `freeze()`: what a killed process leaves behind. Reads and
/// writes before the freeze go to the real SQLite store.
final class FreezableStore: ExecutionStore {
    let inner: SQLiteExecutionStore
    private let frozen = Mutex(false)

    init(_ inner: SQLiteExecutionStore) { self.inner = inner }

    func freeze() { frozen.withLock { $0 = true } }
    private var isFrozen: Bool { frozen.withLock { $0 } }

    func insertWorkflow(_ record: WorkflowExecutionRecord) async throws {
        if !isFrozen { try await inner.insertWorkflow(record) }
    }
    func updateWorkflow(execID: String, status: ExecutionStatus, output: JSONValue?, error: JSONValue?) async throws {
        if !isFrozen { try await inner.updateWorkflow(execID: execID, status: status, output: output, error: error) }
    }
    func workflow(execID: String) async throws -> WorkflowExecutionRecord? { try await inner.workflow(execID: execID) }
    func listWorkflows(limit: Int?) async throws -> [WorkflowExecutionRecord] { try await inner.listWorkflows(limit: limit) }
    func saveTask(_ record: TaskExecutionRecord) async throws {
        if !isFrozen { try await inner.saveTask(record) }
    }
    func tasks(workflowExecID: String) async throws -> [TaskExecutionRecord] {
        try await inner.tasks(workflowExecID: workflowExecID)
    }
}

extension FreezableStore {
    /// Polls (bounded) until `checkpoints` tasks of `execID` succeeded and `logLine` is in the
    /// project's log (the tool that wrote it is now blocked): the point where a test "kills the
    /// process". Records an issue, cancels and returns false when it never gets there.
    func waitForCrashPoint(_ handle: ExecutionHandle, checkpoints: Int, logLine: String,
                           in project: TestProject) async throws -> Bool {
        for _ in 0..<2000 {
            let records = try await tasks(workflowExecID: handle.execID)
            if records.filter({ $0.status == .success }).count == checkpoints, project.lines("log").contains(logLine) {
                return true
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let records = try await tasks(workflowExecID: handle.execID)
        Issue.record("the run never reached the crash point: \(records.map { "\($0.path)=\($0.status.rawValue)" }) log=\(project.lines("log"))")
        handle.cancel()
        return false
    }
}
