import SwitchyardJSON

/// A task that ran, as the default workflow output lists it.
struct FinishedTask: Sendable {
    let id: String
    let output: JSONValue
    /// The parent's `task_exec_id`, for a child.
    let parentExecID: String?
    let type: TaskType
}

extension ExecutionRun {
    /// The workflow output without `outputs:`, in the shape of compozy's v0 store
    /// (`engine/infra/postgres/workflowrepo.go` `createWorkflowOutputMap`, the later version):
    /// every task of the execution, children included, keyed by task id, each
    /// `{output, parent_state_id (a child: its parent's task_exec_id), execution_type: "parallel"
    /// (a parallel task)}`. An earlier compozy version listed only `{output}` per task; the later one
    /// is what a current compozy user sees. Built once, when the run ends.
    static func defaultOutput(_ finished: [FinishedTask]) -> JSONValue {
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(finished.count)
        for task in finished {
            var entry: [String: JSONValue] = ["output": task.output]
            if let parent = task.parentExecID { entry["parent_state_id"] = .string(parent) }
            if task.type == .parallel { entry["execution_type"] = "parallel" }
            members[task.id] = .object(entry)
        }
        return .object(members)
    }
}
