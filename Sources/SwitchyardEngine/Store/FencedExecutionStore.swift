import SwitchyardJSON

/// The store as an engine that owns executions by lease writes to it: every task checkpoint and
/// workflow status is a fenced write (checked against the lease in the writing transaction), and
/// a new execution is inserted with its lease. Reads pass through.
///
/// A refused write (`StoreError` `.leaseLost`) reports the execution to `lost` before it is
/// thrown, so the run stops at once instead of going on to an `on_error` task.
struct FencedExecutionStore: ReadingThroughStore {
    let base: any ExecutionLeasing
    let owner: LeaseOwner
    let ttl: Duration
    /// Learns of each execution inserted with a lease (it now holds it).
    let acquired: @Sendable (String) -> Void
    /// Learns of each execution whose lease is given up: finished (`lost` false) or lost (`true`).
    let ended: @Sendable (_ execID: String, _ lost: Bool) -> Void
    /// Whether writes are refused here without asking the store: the owner is stopping.
    let refusesWrites: @Sendable () -> Bool

    func insertWorkflow(_ record: WorkflowExecutionRecord) async throws {
        guard record.status.isClaimable else { return try await base.insertWorkflow(record) }
        try await base.insertWorkflow(record, leasedTo: owner, ttl: ttl)
        acquired(record.execID)
    }

    func updateWorkflow(execID: String, status: ExecutionStatus, output: JSONValue?, error: JSONValue?) async throws {
        try await fenced(execID) {
            try await base.updateWorkflow(execID: execID, status: status, output: output, error: error, fencedBy: owner)
        }
        if !status.keepsLease { ended(execID, false) }
    }

    func saveTask(_ record: TaskExecutionRecord) async throws {
        try await fenced(record.workflowExecID) { try await base.saveTask(record, fencedBy: owner) }
    }

    var readBase: any ExecutionStore { base }

    private func fenced(_ execID: String, _ write: () async throws -> Void) async throws {
        do {
            if refusesWrites() { throw StoreError.leaseLost(execID: execID, owner: owner, location: "this process (stopping)") }
            try await write()
        } catch let error as StoreError where error.kind == .leaseLost {
            ended(execID, true)
            throw error
        }
    }
}

/// A store wrapper that changes only how writes happen: every read goes to `readBase` as it is.
protocol ReadingThroughStore: ExecutionStore {
    /// The store reads go to.
    var readBase: any ExecutionStore { get }
}

extension ReadingThroughStore {
    func workflow(execID: String) async throws -> WorkflowExecutionRecord? { try await readBase.workflow(execID: execID) }

    func listWorkflows(limit: Int?) async throws -> [WorkflowExecutionRecord] { try await readBase.listWorkflows(limit: limit) }

    func listWorkflows(_ filter: ExecutionListFilter) async throws -> [WorkflowExecutionRecord] {
        try await readBase.listWorkflows(filter)
    }

    func tasks(workflowExecID: String) async throws -> [TaskExecutionRecord] {
        try await readBase.tasks(workflowExecID: workflowExecID)
    }
}
