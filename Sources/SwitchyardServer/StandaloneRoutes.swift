import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// `POST /api/v0/tasks/{id}/executions[/sync]` and `/agents/{id}/executions[/sync]`: one of the
/// project's tasks or agents run on its own. The sync forms answer `{exec_id, status, output,
/// error}` from the result in memory; the stored state is read only for `?include=state`.
struct StandaloneRoutes {
    let engine: WorkflowEngine
    let observer: ExecutionObserver?

    /// What a route starts: a task with `with`, or an agent with `action | prompt` and `with`.
    private typealias Starter = @Sendable (WorkflowEngine, String, APIRequestBody) async throws -> ExecutionHandle

    func register(on router: Router<BasicRequestContext>) {
        let observer = self.observer
        let task: Starter = { engine, id, body in
            try await engine.startTask(taskID: id, with: try body.object("with"), observer: observer)
        }
        let agent: Starter = { engine, id, body in
            try await engine.startAgent(agentID: id, action: try body.string("action"), prompt: try body.string("prompt"),
                                        with: try body.object("with"), observer: observer)
        }
        for (kind, start) in [("tasks", task), ("agents", agent)] {
            let subject = String(kind.dropLast())
            router.post(RouterPath("/api/v0/\(kind)/:id/executions")) { request, context in
                await APIRoutes.answer {
                    let id = try APIRoutes.parameter("id", context)
                    let handle = try await start(engine, id, try await APIRequestBody.read(request))
                    return APIResponse.success(.accepted, "\(subject) execution started", [
                        "exec_id": .string(handle.execID), "exec_url": .string(APIRoutes.executionURL(handle.execID)),
                        .init(stringLiteral: "\(subject)_id"): .string(id),
                    ])
                }
            }
            router.post(RouterPath("/api/v0/\(kind)/:id/executions/sync")) { request, context in
                await APIRoutes.answer {
                    let id = try APIRoutes.parameter("id", context)
                    let body = try await APIRequestBody.read(request)
                    let timeout = try body.timeout()
                    let handle = try await start(engine, id, body)
                    guard let result = await handle.result(waitingAtMost: timeout) else {
                        return try await APIRoutes.timedOut(engine, execID: handle.execID, after: timeout)
                    }
                    var data: [String: JSONValue] = [
                        "exec_id": .string(result.execID), "status": .string(result.status.rawValue),
                        "output": result.output, "error": result.json["error"] ?? .null,
                    ]
                    // Reading the state back costs a store query: only when asked for.
                    if request.uri.queryParameters["include"] == "state" {
                        data["state"] = try await APIRoutes.state(engine, execID: result.execID)
                    }
                    return APIResponse.success(.ok, "\(subject) execution finished", .object(data))
                }
            }
        }
    }
}
