import SwitchyardEngine
import SwitchyardJSON

/// An execution's events as its store records tell them, for an execution this server did not
/// run (another process on the same store, or one that finished before this server started):
/// each task's start and end (status, error, duration, attempts), then the final status. Progress
/// and log lines are not stored, so they are not among them.
enum StoredExecutionEvents {
    /// The events in time order (ties in record order), numbered from 1; the final status last,
    /// once the execution has one.
    static func events(_ record: WorkflowExecutionRecord, tasks: [TaskExecutionRecord]) -> [ExecutionStreamEvent] {
        var timed: [(time: String, order: Int, type: String, members: [String: JSONValue])] = []
        for (index, task) in tasks.enumerated() {
            let base: [String: JSONValue] = ["exec_id": .string(record.execID), "task_id": .string(task.taskID),
                                             "path": .string(task.path)]
            if task.startedAt != nil || task.status != .pending {
                let time = task.startedAt ?? task.createdAt
                timed.append((time, 2 * index, "task_started", base.merging(["at": .string(time)]) { $1 }))
            }
            if task.status.endsStream {
                let time = task.endedAt ?? task.updatedAt
                timed.append((time, 2 * index + 1, "task_finished", base.merging([
                    "at": .string(time), "status": .string(task.status.rawValue), "error": task.error ?? .null,
                    "duration_ms": task.durationMilliseconds.map(JSONValue.int) ?? .null,
                    "attempts": .int(Int64(task.attempts)),
                ]) { $1 }))
            }
        }
        timed.sort { ($0.time, $0.order) < ($1.time, $1.order) }
        var events = timed.enumerated().map { ExecutionStreamEvent(id: $0.offset + 1, type: $0.element.type, members: $0.element.members) }
        if record.status.endsStream {
            let result = WorkflowResult(execID: record.execID, workflowID: record.workflowID, status: record.status,
                                        output: record.output ?? .null, error: record.error)
            events.append(ExecutionStreamEvent(id: events.count + 1, type: ExecutionStreamEvent.finalType,
                                               members: ExecutionStreamEvent.finalMembers(result, at: record.updatedAt)))
        }
        return events
    }

    /// What tells two events of one execution apart across store reads (their ids may shift
    /// while tasks still run: a collection child is recorded only at its end).
    static func key(_ event: ExecutionStreamEvent) -> String {
        "\(event.type) \(event.members["path"]?.stringValue ?? "")"
    }
}
