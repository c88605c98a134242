import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// Reading one task's or one agent's execution started by `POST /tasks/{id}/executions` or
/// `POST /agents/{id}/executions`, in compozy's `TaskExecutionStatusDTO` shape
/// (`engine/task/router/exec.go`; the agent route answers the same with `component: agent`).
struct StandaloneExecutionRoutes {
    let engine: WorkflowEngine

    func register(on routes: APIRouteTable) {
        for (kind, prefix, component) in [("tasks", WorkflowEngine.standaloneTaskPrefix, "task"),
                                          ("agents", WorkflowEngine.standaloneAgentPrefix, "agent")] {
            routes.add(.get, "/api/v0/executions/\(kind)/:exec_id", APIOperation(
                summary: "A \(component) execution started on its own: status, output, error, usage and timestamps",
                answers: [200, 404])) { _, context in
                await APIRoutes.answer {
                    let execID = try APIRoutes.parameter("exec_id", context)
                    return APIResponse.success(.ok, "execution status retrieved",
                                               try await Self.status(engine, execID: execID, prefix: prefix, component: component))
                }
            }
        }
    }

    /// The execution's DTO.
    /// - Throws: `APIError` 404 when `execID` is no \(component) execution.
    static func status(_ engine: WorkflowEngine, execID: String, prefix: String,
                       component: String) async throws -> JSONValue {
        guard let record = try await engine.store.workflow(execID: execID), record.workflowID.hasPrefix(prefix) else {
            throw APIError.notFound("no \(component) execution \"\(execID)\"", kind: "unknown_execution")
        }
        let id = String(record.workflowID.dropFirst(prefix.count))
        let task = try await engine.store.tasks(workflowExecID: execID).first { $0.parent == nil }
        var dto: [String: JSONValue] = [
            "exec_id": .string(execID), "status": .string(record.status.rawValue), "component": .string(component),
            "\(component)_id": .string(id), "workflow_id": .string(record.workflowID), "workflow_exec_id": .string(execID),
            "created_at": .string(record.createdAt), "updated_at": .string(record.updatedAt),
        ]
        if let output = record.output { dto["output"] = output }
        if let error = record.error, !error.isNull { dto["error"] = error }
        if let usage = task?.usage { dto["usage"] = usage }
        return .object(dto)
    }
}
