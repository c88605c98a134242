import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// `POST /api/v0/tasks/{id}/executions[/sync]` and `/agents/{id}/executions[/sync]`: one of the
/// project's tasks or agents run on its own. The sync forms answer `{exec_id, status, output,
/// error}` from the result in memory; the stored state is read only for `?include=state`.
struct StandaloneRoutes {
    let engine: WorkflowEngine
    let observer: ExecutionObserver?
    let executions: ExecutionGate

    /// What a route starts: a task with `with`, or an agent with `action | prompt` and `with`.
    private typealias Starter = @Sendable (WorkflowEngine, String, APIRequestBody) async throws -> ExecutionHandle

    func register(on routes: APIRouteTable) {
        let observer = self.observer, executions = self.executions
        let task: Starter = { engine, id, body in
            try await engine.startTask(taskID: id, with: try body.object("with"), observer: observer)
        }
        let agent: Starter = { engine, id, body in
            try await engine.startAgent(agentID: id, action: try body.string("action"), prompt: try body.string("prompt"),
                                        with: try body.object("with"), observer: observer)
        }
        let object = WorkflowRoutes.objectSchema, text: JSONValue = ["type": "string", "nullable": true]
        let bodies: [String: [String: JSONValue]] = [
            "tasks": ["with": object],
            "agents": ["action": text, "prompt": text, "with": object],
        ]
        for (kind, start) in [("tasks", task), ("agents", agent)] {
            let subject = String(kind.dropLast())
            // An agent without `action` or `prompt` is a 400 INVALID_INPUT.
            let asyncAnswers = [202, 404, 422] + (kind == "agents" ? [400] : [])
            routes.add(.post, "/api/v0/\(kind)/:id/executions", APIOperation(
                summary: "Start one of the project's \(kind)", body: bodies[kind]!, answers: asyncAnswers,
                startsExecution: true)) { request, context in
                await APIRoutes.answer {
                    let id = try APIRoutes.parameter("id", context)
                    let body = try await APIRequestBody.read(request)
                    let handle = try await executions.start { try await start(engine, id, body) }
                    return APIResponse.success(.accepted, "\(subject) execution started", [
                        "exec_id": .string(handle.execID), "exec_url": .string(APIRoutes.executionURL(handle.execID)),
                        .init(stringLiteral: "\(subject)_id"): .string(id),
                    ])
                }
            }
            routes.add(.post, "/api/v0/\(kind)/:id/executions/sync", APIOperation(
                summary: "Run one of the project's \(kind) and wait (`?include=state` adds the stored state)",
                query: ["include": ["type": "string", "enum": ["state"]]],
                body: bodies[kind]!.merging(["timeout": WorkflowRoutes.timeoutSchema]) { $1 },
                answers: asyncAnswers.map { $0 == 202 ? 200 : $0 } + [408], startsExecution: true,
                reportsOutcome: true)) { request, context in
                await APIRoutes.answer {
                    let id = try APIRoutes.parameter("id", context)
                    let includeState = try Self.includesState(request.uri.queryParameters.get("include"))
                    let body = try await APIRequestBody.read(request)
                    let timeout = try body.timeout()
                    let handle = try await executions.start { try await start(engine, id, body) }
                    guard let result = await handle.result(waitingAtMost: timeout) else {
                        return try await APIRoutes.timedOut(engine, execID: handle.execID, after: timeout)
                    }
                    var data: [String: JSONValue] = [
                        "exec_id": .string(result.execID), "status": .string(result.status.rawValue),
                        "output": result.output, "error": result.json["error"] ?? .null,
                    ]
                    // Reading the state back costs a store query: only when asked for.
                    if includeState {
                        data["state"] = try await APIRoutes.state(engine, execID: result.execID)
                    }
                    return APIResponse.outcome(result, subject: subject, data: .object(data))
                }
            }
        }
    }

    /// `?include=state`, or nothing.
    /// - Throws: `APIError` 400 naming `include` for any other value.
    static func includesState(_ text: String?) throws(APIError) -> Bool {
        guard let text else { return false }
        guard text == "state" else { throw APIError.badRequest("`include` can only be \"state\", got \"\(text)\"") }
        return true
    }
}
