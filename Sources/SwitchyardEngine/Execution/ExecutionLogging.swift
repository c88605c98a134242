import Logging
import SwitchyardRuntime

/// The engine's log: execution start at `debug` and end at `info` (one line per execution for a
/// service; a failed or timed-out end at `warning`),
/// each task's start and end at `debug` (a failed one at `warning`), each failed tool call and
/// retry at `warning`, and tool log lines (a Bun tool's stderr) at the level the adapter gave.
///
/// Every line carries `exec_id` and `workflow_id`, and `task_id`, `tool_id` and `adapter` when
/// it is about a task or a tool call, as Logger metadata (never spliced into the message). The
/// metadata is built only for lines the level lets through, so an un-bootstrapped or quiet
/// process pays one level check per event.
enum ExecutionLogging {
    /// The engine's logger (`switchyard.engine`).
    static let logger = Logger(label: "switchyard.engine")

    /// An execution starts (or resumes: `resumed` counts the tasks found completed in the store).
    static func started(execID: String, workflowID: String, resumedTasks: Int) {
        logger.debug(resumedTasks > 0 ? "execution resumed" : "execution started", metadata: {
            var metadata: Logger.Metadata = ["exec_id": "\(execID)", "workflow_id": "\(workflowID)"]
            if resumedTasks > 0 { metadata["restored_tasks"] = "\(resumedTasks)" }
            return metadata
        }())
    }

    /// An execution ended with `result`.
    static func finished(_ result: WorkflowResult) {
        let failed = result.status == .failed || result.status == .timedOut
        logger.log(level: failed ? .warning : .info, "execution finished", metadata: {
            var metadata: Logger.Metadata = ["exec_id": "\(result.execID)", "workflow_id": "\(result.workflowID)",
                                             "status": "\(result.status.rawValue)"]
            if let message = result.error?["message"]?.stringValue { metadata["error"] = "\(message)" }
            return metadata
        }())
    }

    /// One engine event (from `ExecutionRun.emit`). Tool log lines are logged where the call is
    /// made (``toolLine(_:_:execID:workflowID:taskID:toolID:adapterID:)``), which knows the tool.
    static func record(_ event: ExecutionEvent, workflowID: String) {
        switch event {
        case .taskStarted(let execID, let taskID, let path):
            logger.debug("task started", metadata: task(execID, workflowID, taskID, path))
        case .taskRestored(let execID, let taskID, let path, let status):
            logger.debug("task restored from the store", metadata: {
                var metadata = task(execID, workflowID, taskID, path)
                metadata["status"] = "\(status.rawValue)"
                return metadata
            }())
        case .taskFinished(let execID, let taskID, let path, let status, let error):
            let failed = status == .failed || status == .timedOut
            logger.log(level: failed ? .warning : .debug, failed ? "task failed" : "task finished", metadata: {
                var metadata = task(execID, workflowID, taskID, path)
                metadata["status"] = "\(status.rawValue)"
                if let error {
                    metadata["error"] = "\(error.message)"
                    if let kind = error.kind { metadata["error_kind"] = "\(kind.rawValue)" }
                }
                return metadata
            }())
        case .toolFailed(let execID, let taskID, let error):
            logger.warning("tool call failed", metadata: {
                var metadata: Logger.Metadata = ["exec_id": "\(execID)", "workflow_id": "\(workflowID)",
                                                 "task_id": "\(taskID)", "error_kind": "\(error.kind.rawValue)",
                                                 "error": "\(error.message)"]
                if let toolID = error.toolID { metadata["tool_id"] = "\(toolID)" }
                return metadata
            }())
        case .toolProgress(let execID, let taskID, _):
            logger.trace("tool progress", metadata: ["exec_id": "\(execID)", "workflow_id": "\(workflowID)",
                                                      "task_id": "\(taskID)"])
        default:
            break
        }
    }

    /// A task attempt failed and will run again after `delay`.
    static func retrying(execID: String, workflowID: String, taskID: String, nextAttempt: Int, delay: Duration) {
        logger.warning("task attempt failed; retrying", metadata: [
            "exec_id": "\(execID)", "workflow_id": "\(workflowID)", "task_id": "\(taskID)",
            "attempt": "\(nextAttempt)", "delay": "\(delay)",
        ])
    }

    /// One log line of a running tool call (a Bun tool's stderr line, an adapter's notice).
    static func toolLine(_ level: ToolLogLevel, _ message: String, execID: String, workflowID: String, taskID: String,
                         toolID: String, adapterID: String) {
        logger.log(level: level.loggerLevel, "\(message)", metadata: [
            "exec_id": "\(execID)", "workflow_id": "\(workflowID)", "task_id": "\(taskID)",
            "tool_id": "\(toolID)", "adapter": "\(adapterID)",
        ])
    }

    private static func task(_ execID: String, _ workflowID: String, _ taskID: String, _ path: String) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["exec_id": "\(execID)", "workflow_id": "\(workflowID)", "task_id": "\(taskID)"]
        if path != taskID { metadata["task_path"] = "\(path)" }
        return metadata
    }
}

extension ToolLogLevel {
    /// The swift-log level of an adapter's log level.
    public var loggerLevel: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .warning: .warning
        case .error: .error
        }
    }
}
