import Foundation
import SwitchyardJSON
import SwitchyardRuntime

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
    /// When its body started (after `with`, `skip` and `sleep`), or nil (not started, or recorded
    /// by a store from before this field).
    public var startedAt: String?
    /// When it ended, or nil while it runs.
    public var endedAt: String?
    /// Attempts made under its retry policy (1 without one); 0 when not recorded.
    public var attempts: Int
    /// The tokens its model calls used, as compozy's `usage` array (one entry per provider and
    /// model, `source: "task"`); nil for a task that called no model.
    public var usage: JSONValue?

    /// Creates a record.
    public init(taskExecID: String, taskID: String, workflowExecID: String, path: String, parent: String?,
                status: ExecutionStatus, input: JSONValue, output: JSONValue? = nil, error: JSONValue? = nil,
                createdAt: String, updatedAt: String, startedAt: String? = nil, endedAt: String? = nil,
                attempts: Int = 0, usage: JSONValue? = nil) {
        self.usage = usage
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.attempts = attempts
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

    /// Milliseconds from `startedAt` to `endedAt`, or nil unless both are known.
    public var durationMilliseconds: Int64? {
        guard let startedAt, let endedAt, let start = Timestamp.milliseconds(startedAt),
              let end = Timestamp.milliseconds(endedAt) else { return nil }
        return max(0, end - start)
    }

    /// The record as JSON (for `executions show --json` and the API): the stored fields plus
    /// `started_at`, `ended_at`, `duration_ms` (null when unknown) and `attempts`; `usage` only
    /// when its model calls reported tokens (compozy omits it otherwise).
    public var json: JSONValue {
        var json: [String: JSONValue] = ["task_exec_id": .string(taskExecID), "task_id": .string(taskID), "workflow_exec_id": .string(workflowExecID),
         "path": .string(path), "parent": parent.map(JSONValue.string) ?? .null, "status": .string(status.rawValue),
         "input": input, "output": output ?? .null, "error": error ?? .null,
         "created_at": .string(createdAt), "updated_at": .string(updatedAt),
         "started_at": startedAt.map(JSONValue.string) ?? .null, "ended_at": endedAt.map(JSONValue.string) ?? .null,
         "duration_ms": durationMilliseconds.map(JSONValue.int) ?? .null, "attempts": .int(Int64(attempts))]
        if let usage { json["usage"] = usage }
        return .object(json)
    }
}

/// Which workflow executions a list shows, and which page of them. The order is fixed: newest
/// first (`created_at`, then insertion order), so pages do not overlap or skip.
public struct ExecutionListFilter: Sendable, Hashable {
    /// Only executions of this workflow.
    public var workflowID: String?
    /// Only executions with this status.
    public var status: ExecutionStatus?
    /// At most this many; nil is all.
    public var limit: Int?
    /// The page after this execution (the last `exec_id` of the previous page): a cursor, so
    /// executions started meanwhile do not shift the pages.
    public var after: String?

    /// Creates a filter; the defaults list everything.
    public init(workflowID: String? = nil, status: ExecutionStatus? = nil, limit: Int? = nil, after: String? = nil) {
        self.workflowID = workflowID
        self.status = status
        self.limit = limit
        self.after = after
    }

    /// Whether `record` passes the workflow and status conditions.
    public func admits(_ record: WorkflowExecutionRecord) -> Bool {
        (workflowID == nil || record.workflowID == workflowID) && (status == nil || record.status == status)
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

    /// Milliseconds since 1970 of a timestamp in the store's form, or nil for any other text.
    public static func milliseconds(_ text: String) -> Int64? {
        let digits = text.utf8.map { Int64($0) - 48 }
        guard digits.count == 24 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                guard (0...9).contains(digits[index]) else { return nil }
                value = value * 10 + digits[index]
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19), let millis = number(20..<23) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Int64(timegm(&parts)) * 1000 + millis
    }
}

extension Collection<TaskExecutionRecord> {
    /// The execution's `usage`: its tasks' token usage summed per provider and model and tagged
    /// `source: "workflow"`, as compozy reports it on a workflow execution; nil when no task
    /// called a model.
    public var executionUsage: JSONValue? {
        var total = UsageSummary()
        for task in self { if let usage = task.usage { total.add(UsageSummary(json: usage)) } }
        return total.isEmpty ? nil : total.tagged("workflow").json
    }
}

extension WorkflowExecutionRecord {
    /// The recorded end of a finished execution, as a run reports it.
    var result: WorkflowResult {
        WorkflowResult(execID: execID, workflowID: workflowID, status: status, output: output ?? .emptyObject, error: error)
    }
}
