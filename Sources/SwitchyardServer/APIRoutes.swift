import Foundation
import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// What every route shares: error answers, path parameters, execution state from the store.
enum APIRoutes {
    static let prefix = "/api/v0"

    /// Runs a handler; any error becomes the envelope's `error`.
    static func answer(_ handler: () async throws -> Response) async -> Response {
        do { return try await handler() } catch { return APIResponse.failure(APIError.from(error)) }
    }

    /// A path parameter, percent-decoded (`wf%2D1` is `wf-1`).
    /// - Throws: `APIError` 400 naming the parameter when it is empty or not valid percent-encoded UTF-8.
    static func parameter(_ name: String, _ context: BasicRequestContext) throws -> String {
        guard let raw = context.parameters.get(name), !raw.isEmpty else {
            throw APIError.badRequest("the path needs a `\(name)`")
        }
        guard let value = raw.removingPercentEncoding, !value.isEmpty else {
            throw APIError.badRequest("the path's `\(name)` is not valid percent-encoded UTF-8: \"\(raw)\"")
        }
        return value
    }

    static func executionURL(_ execID: String) -> String { "\(prefix)/executions/workflows/\(execID)" }

    /// An execution as the store has it, with its task records.
    /// - Throws: `APIError` (404) for an unknown id.
    static func state(_ engine: WorkflowEngine, execID: String) async throws -> JSONValue {
        guard let record = try await engine.store.workflow(execID: execID) else {
            throw APIError.notFound("no execution \"\(execID)\"", kind: "unknown_execution")
        }
        let tasks = try await engine.store.tasks(workflowExecID: execID)
        let list = tasks.map(\.json)
        var state: [String: JSONValue] = [
            "exec_id": .string(record.execID), "workflow_exec_id": .string(record.execID),
            "workflow_id": .string(record.workflowID), "status": .string(record.status.rawValue), "input": record.input,
            "output": record.output ?? .null, "error": record.error ?? .null, "created_at": .string(record.createdAt),
            "updated_at": .string(record.updatedAt), "tasks": taskMap(tasks, list, workflowID: record.workflowID),
            "task_executions": .array(list),
        ]
        if let usage = tasks.executionUsage { state["usage"] = usage }
        return .object(state)
    }

    /// compozy's `workflow.State.tasks`: each task's state keyed by its task id (a later record of
    /// an id, such as a wait's processor run on the next signal, wins, as in compozy's map), with
    /// compozy's `workflow_id` and `parent_state_id` beside Switchyard's fields.
    private static func taskMap(_ tasks: [TaskExecutionRecord], _ list: [JSONValue], workflowID: String) -> JSONValue {
        var byID: [String: JSONValue] = [:]
        for (record, json) in zip(tasks, list) {
            var members = json.objectValue ?? [:]
            members["workflow_id"] = .string(workflowID)
            members["parent_state_id"] = record.parent.map(JSONValue.string) ?? .null
            byID[record.taskID] = .object(members)
        }
        return .object(byID)
    }

    /// 408 once a sync wait ran out: the run goes on; the answer carries its state so far.
    static func timedOut(_ engine: WorkflowEngine, execID: String, after timeout: Duration) async throws -> Response {
        let partial = try await state(engine, execID: execID)
        return APIResponse.failure(
            APIError(.requestTimeout, "TIMEOUT", "execution \"\(execID)\" did not finish within \(timeout); it is still running",
                     kind: "timeout"),
            data: ["exec_id": .string(execID), "exec_url": .string(executionURL(execID)), "workflow": partial])
    }
}
