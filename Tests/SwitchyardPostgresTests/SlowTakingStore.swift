import SwitchyardEngine
import SwitchyardJSON

/// A store whose signal take commits at once but answers `answerDelay` later, and throws when
/// canceled meanwhile: a database driver that gives up on a canceled query whose commit the
/// server has already made. Everything else goes straight to the real store.
final class SlowTakingStore: SignalStore, NotifyingStore {
    let inner: any SignalStore & NotifyingStore
    let answerDelay: Duration

    init(_ inner: any SignalStore & NotifyingStore, answerDelay: Duration) {
        self.inner = inner
        self.answerDelay = answerDelay
    }

    func takeSignal(_ signalID: Int64, outcome: StoredSignal.Outcome, taker: String) async throws -> Bool {
        let took = try await inner.takeSignal(signalID, outcome: outcome, taker: taker)
        try await Task.sleep(for: answerDelay)
        return took
    }

    var notifier: any ExecutionNotifier { inner.notifier }
    func postSignal(_ signal: Signal, to execID: String) async throws -> StoredSignal? {
        try await inner.postSignal(signal, to: execID)
    }
    func pendingSignals(execID: String) async throws -> [StoredSignal] { try await inner.pendingSignals(execID: execID) }
    func insertWorkflow(_ record: WorkflowExecutionRecord) async throws { try await inner.insertWorkflow(record) }
    func updateWorkflow(execID: String, status: ExecutionStatus, output: JSONValue?, error: JSONValue?) async throws {
        try await inner.updateWorkflow(execID: execID, status: status, output: output, error: error)
    }
    func workflow(execID: String) async throws -> WorkflowExecutionRecord? { try await inner.workflow(execID: execID) }
    func listWorkflows(limit: Int?) async throws -> [WorkflowExecutionRecord] { try await inner.listWorkflows(limit: limit) }
    func saveTask(_ record: TaskExecutionRecord) async throws { try await inner.saveTask(record) }
    func tasks(workflowExecID: String) async throws -> [TaskExecutionRecord] {
        try await inner.tasks(workflowExecID: workflowExecID)
    }
}
