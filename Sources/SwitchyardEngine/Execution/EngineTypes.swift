import SwitchyardJSON
import SwitchyardRuntime

/// Why a task failed: a message naming the task and, for tool failures, the tool error kind.
public struct TaskFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The `ToolError` kind (`timeout`, `tool_error`, ...; `store` for a failed checkpoint), or
    /// `nil` for engine-level failures. Written as its raw value only in JSON and on stderr.
    public var kind: ToolError.Kind?

    /// Creates a failure.
    public init(_ message: String, kind: ToolError.Kind? = nil) {
        self.message = message
        self.kind = kind
    }

    /// `error[KIND]: message` for tool failures, else the message.
    public var description: String { kind.map { "error[\($0.rawValue)]: \(message)" } ?? message }

    /// `{"message", "kind"?}`.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["message": .string(message)]
        if let kind { members["kind"] = .string(kind.rawValue) }
        return .object(members)
    }

    init(json: JSONValue?) {
        self.message = json?["message"]?.stringValue ?? json?.stringValue ?? json?.jsonString ?? "unknown error"
        self.kind = json?["kind"]?.stringValue.map(ToolError.Kind.init(rawValue:))
    }
}

extension ToolError.Kind {
    /// Engine-only: the task's checkpoint could not be written to the store.
    public static let store = ToolError.Kind(rawValue: "store")
}

/// The end of a workflow execution: what `switchyard run --json` prints.
public struct WorkflowResult: Sendable, Hashable {
    /// The execution id.
    public var execID: String
    /// The workflow.
    public var workflowID: String
    /// `SUCCESS`, `FAILED`, `TIMED_OUT` or `CANCELED`.
    public var status: ExecutionStatus
    /// The workflow output (`outputs` templates, or `{taskID: {output}}`).
    public var output: JSONValue
    /// `{"message": ...}` unless it succeeded.
    public var error: JSONValue?

    /// Creates a result.
    public init(execID: String, workflowID: String, status: ExecutionStatus, output: JSONValue, error: JSONValue?) {
        self.execID = execID
        self.workflowID = workflowID
        self.status = status
        self.output = output
        self.error = error
    }

    /// Exactly `{"exec_id","workflow_id","status","output","error": null | {"message","kind"}}`.
    public var json: JSONValue {
        var errorValue = JSONValue.null
        if let error {
            let failure = TaskFailure(json: error)
            errorValue = ["message": .string(failure.message), "kind": .string(kind(of: failure))]
        }
        return ["exec_id": .string(execID), "workflow_id": .string(workflowID), "status": .string(status.rawValue),
                "output": output, "error": errorValue]
    }

    /// The error's kind, `nil` on success: the failed tool call's kind when the failure came from
    /// one (`timeout`, `tool_error`, ...), else `canceled` or `timeout` by status, and
    /// `workflow_error` for a failure of the workflow itself (a router without a matching route,
    /// a template that cannot be rendered).
    public var errorKind: String? { error.map { kind(of: TaskFailure(json: $0)) } }

    private func kind(of failure: TaskFailure) -> String {
        if let kind = failure.kind { return kind.rawValue }
        switch status {
        case .canceled: return ToolError.Kind.canceled.rawValue
        case .timedOut: return ToolError.Kind.timeout.rawValue
        default: return "workflow_error"
        }
    }
}

/// What a running execution reports as it goes (for live progress lines and the API).
public enum ExecutionEvent: Sendable {
    /// A task started (not reported for tasks restored from a checkpoint).
    case taskStarted(execID: String, taskID: String, path: String)
    /// A task was found completed in the store and not run again.
    case taskRestored(execID: String, taskID: String, path: String, status: ExecutionStatus)
    /// A task ended.
    case taskFinished(execID: String, taskID: String, path: String, status: ExecutionStatus, error: TaskFailure?)
    /// A tool call failed (each attempt); `error` is what the CLI prints as `error[KIND]: ...`.
    case toolFailed(execID: String, taskID: String, error: ToolError)
    /// A progress event from a running tool.
    case toolProgress(execID: String, taskID: String, progress: JSONValue)
    /// A log line from a running tool.
    case toolLog(execID: String, taskID: String, level: ToolLogLevel, message: String)
    /// A router chose a route: `route` is the key its condition gave, `target` the task it runs
    /// next (a task id, or the id of the inline task it runs as its child).
    case taskRouted(execID: String, taskID: String, path: String, route: String, target: String)
}

/// Receives `ExecutionEvent`s; called from many tasks at once, so it must be thread-safe.
public typealias ExecutionObserver = @Sendable (ExecutionEvent) -> Void

/// A request the engine refuses before running anything.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of refusal.
    public struct Kind: RawRepresentable, Sendable, Hashable {
        /// The kind's name.
        public let rawValue: String
        /// Creates a kind.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// No workflow with that id in the project.
        public static let unknownWorkflow = Kind(rawValue: "unknown_workflow")
        /// No top-level task with that id in any workflow of the project.
        public static let unknownTask = Kind(rawValue: "unknown_task")
        /// No agent with that id in any workflow's `agents:`.
        public static let unknownAgent = Kind(rawValue: "unknown_agent")
        /// No execution with that id in the store.
        public static let unknownExecution = Kind(rawValue: "unknown_execution")
        /// The execution already runs in this engine.
        public static let alreadyRunning = Kind(rawValue: "already_running")
        /// The input fails the workflow's input schema, or a standalone agent request names no
        /// action or prompt, or an action the agent does not declare.
        public static let invalidInput = Kind(rawValue: "invalid_input")
        /// The workflow has configuration problems.
        public static let config = Kind(rawValue: "config")
    }

    /// What kind of refusal.
    public var kind: Kind
    /// A message naming what was wrong.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
