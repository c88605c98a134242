import SwitchyardEngine
import SwitchyardJSON

/// One event of an execution's stream as `GET …/events` sends it: `id:` its place in the
/// execution's sequence (from 1), `event:` its type, `data:` one JSON object that repeats both.
struct ExecutionStreamEvent: Sendable, Hashable {
    /// The place in the execution's sequence, from 1; what `Last-Event-ID` names.
    var id: Int
    /// `task_started`, `task_restored`, `task_routed`, `task_finished`, `tool_failed`, `tool_progress`,
    /// `tool_log`, `execution_finished`.
    var type: String
    /// The event's members (without `id` and `type`, which `sse` adds).
    var members: [String: JSONValue]

    static let finalType = "execution_finished"

    /// Whether the stream ends after it.
    var isFinal: Bool { type == Self.finalType }

    /// Whether it may be dropped when an execution's log is full (progress and log lines); task
    /// events and the final status never are.
    var isDetail: Bool { type == "tool_progress" || type == "tool_log" }

    /// The event in the text/event-stream form: `id:`, `event:`, one `data:` line, a blank line.
    var sse: String {
        var data = members
        data["id"] = .int(Int64(id))
        data["type"] = .string(type)
        // The JSON text has no raw newline (strings escape it), so one `data:` line holds it.
        return "id: \(id)\nevent: \(type)\ndata: \(JSONValue.object(data).jsonString)\n\n"
    }

    /// The type and members of an engine event, or nil for a case this server does not stream
    /// (a newer engine's event). `at` is when it was seen; `duration` that of a finished task.
    static func members(of event: ExecutionEvent, at time: String, duration: Int64?) -> (type: String, members: [String: JSONValue])? {
        func task(_ execID: String, _ taskID: String, _ path: String?) -> [String: JSONValue] {
            var members: [String: JSONValue] = ["exec_id": .string(execID), "task_id": .string(taskID), "at": .string(time)]
            if let path { members["path"] = .string(path) }
            return members
        }
        switch event {
        case .taskStarted(let execID, let taskID, let path):
            return ("task_started", task(execID, taskID, path))
        case .taskRestored(let execID, let taskID, let path, let status):
            return ("task_restored", task(execID, taskID, path).merging(["status": .string(status.rawValue)]) { $1 })
        case .taskFinished(let execID, let taskID, let path, let status, let error):
            return ("task_finished", task(execID, taskID, path).merging([
                "status": .string(status.rawValue), "error": error?.json ?? .null,
                "duration_ms": duration.map(JSONValue.int) ?? .null,
            ]) { $1 })
        case .taskRouted(let execID, let taskID, let path, let route, let target):
            return ("task_routed", task(execID, taskID, path).merging(["route": .string(route), "target": .string(target)]) { $1 })
        case .toolFailed(let execID, let taskID, let error):
            let detail: JSONValue = ["message": .string(error.message), "kind": .string(error.kind.rawValue)]
            return ("tool_failed", task(execID, taskID, nil).merging(["error": detail]) { $1 })
        case .toolProgress(let execID, let taskID, let progress):
            return ("tool_progress", task(execID, taskID, nil).merging(["progress": progress]) { $1 })
        case .toolLog(let execID, let taskID, let level, let message):
            return ("tool_log", task(execID, taskID, nil).merging(["level": .string("\(level)"), "message": .string(message)]) { $1 })
        @unknown default:
            // A case a newer engine added: not streamed until this server knows it.
            return nil
        }
    }

    /// The members of the final event: the result `switchyard run --json` prints.
    static func finalMembers(_ result: WorkflowResult, at time: String) -> [String: JSONValue] {
        var members = result.json.objectValue ?? [:]
        members["at"] = .string(time)
        return members
    }
}

extension ExecutionStatus {
    /// Whether an execution's event stream ends at this status (CANCELED too: a resume is a new run
    /// to watch).
    var endsStream: Bool { isCompleted || self == .canceled }
}
