import Foundation
import SwitchyardJSON

/// The status of a workflow or task execution, as stored and printed.
public enum ExecutionStatus: String, Sendable, CaseIterable, Codable {
    /// Recorded, not started.
    case pending = "PENDING"
    /// In progress.
    case running = "RUNNING"
    /// Ended well.
    case success = "SUCCESS"
    /// Ended with an error.
    case failed = "FAILED"
    /// Ran past its time limit.
    case timedOut = "TIMED_OUT"
    /// Stopped by a cancel (or by a sibling deciding a parallel strategy).
    case canceled = "CANCELED"
    /// Waiting for a signal.
    case waiting = "WAITING"
    /// Held, to be resumed.
    case paused = "PAUSED"

    /// The run of this task or workflow is over (and will not change on resume).
    public var isCompleted: Bool {
        switch self {
        case .success, .failed, .timedOut: return true
        default: return false
        }
    }
}

/// One workflow execution as the store keeps it.
public struct WorkflowExecutionRecord: Sendable, Hashable {
    /// The execution id.
    public var execID: String
    /// The workflow it runs.
    public var workflowID: String
    /// Its status.
    public var status: ExecutionStatus
    /// The input, defaults applied.
    public var input: JSONValue
    /// The output once there is one.
    public var output: JSONValue?
    /// `{"message": ...}` when it failed.
    public var error: JSONValue?
    /// ISO 8601 UTC with milliseconds.
    public var createdAt: String
    /// ISO 8601 UTC with milliseconds.
    public var updatedAt: String

    /// Creates a record.
    public init(execID: String, workflowID: String, status: ExecutionStatus, input: JSONValue,
                output: JSONValue? = nil, error: JSONValue? = nil, createdAt: String, updatedAt: String) {
        self.execID = execID
        self.workflowID = workflowID
        self.status = status
        self.input = input
        self.output = output
        self.error = error
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// `{exec_id, workflow_id, status, created_at, updated_at}` — one entry of `executions list`.
    public var summaryJSON: JSONValue {
        ["exec_id": .string(execID), "workflow_id": .string(workflowID), "status": .string(status.rawValue),
         "created_at": .string(createdAt), "updated_at": .string(updatedAt)]
    }
}

/// One task execution (a top-level task, a child, or a router's inline task).
public struct TaskExecutionRecord: Sendable, Hashable {
    /// The task execution id.
    public var taskExecID: String
    /// The task id (for a collection child, its rendered id).
    public var taskID: String
    /// The workflow execution it belongs to.
    public var workflowExecID: String
    /// Its stable place in the run (`a`, `fan/b`, `each[3]`): how resume finds its checkpoint.
    public var path: String
    /// The parent's `taskExecID`, for children.
    public var parent: String?
    /// Its status.
    public var status: ExecutionStatus
    /// The rendered input.
    public var input: JSONValue
    /// The output once there is one.
    public var output: JSONValue?
    /// `{"message", "kind"?}` when it failed.
    public var error: JSONValue?
    /// ISO 8601 UTC with milliseconds.
    public var createdAt: String
    /// ISO 8601 UTC with milliseconds.
    public var updatedAt: String

    /// Creates a record.
    public init(taskExecID: String, taskID: String, workflowExecID: String, path: String, parent: String?,
                status: ExecutionStatus, input: JSONValue, output: JSONValue? = nil, error: JSONValue? = nil,
                createdAt: String, updatedAt: String) {
        self.taskExecID = taskExecID
        self.taskID = taskID
        self.workflowExecID = workflowExecID
        self.path = path
        self.parent = parent
        self.status = status
        self.input = input
        self.output = output
        self.error = error
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The record as JSON (for `executions show --json`).
    public var json: JSONValue {
        ["task_exec_id": .string(taskExecID), "task_id": .string(taskID), "workflow_exec_id": .string(workflowExecID),
         "path": .string(path), "parent": parent.map(JSONValue.string) ?? .null, "status": .string(status.rawValue),
         "input": input, "output": output ?? .null, "error": error ?? .null,
         "created_at": .string(createdAt), "updated_at": .string(updatedAt)]
    }
}

/// Timestamps as the store writes them: ISO 8601, UTC, milliseconds — sortable as text.
public enum Timestamp {
    /// Now.
    public static func now() -> String { format(Date()) }

    /// `date` as `2026-01-02T03:04:05.678Z`.
    public static func format(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var time = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis % 1000), 3))Z"
    }
}
