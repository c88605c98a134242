import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// `POST /api/v0/workflows/{id}/executions[/sync]`: starts a workflow; the sync form waits for
/// its end (at most `timeout` seconds) and answers from the result in memory, not the store.
struct WorkflowRoutes {
    let engine: WorkflowEngine
    let observer: ExecutionObserver?
    let executions: ExecutionGate

    /// `timeout` of the sync routes: seconds, above 0 and at most 300; null is the default 60 (APIRequestBody.timeout).
    static let timeoutSchema: JSONValue = [
        "type": "number", "nullable": true, "minimum": 0, "exclusiveMinimum": true, "maximum": 300,
    ]
    static let objectSchema: JSONValue = ["type": "object", "nullable": true]

    func register(on routes: APIRouteTable) {
        routes.add(.post, "/api/v0/workflows/:id/executions", APIOperation(
            summary: "Start a workflow (X-Idempotency-Key: a repeated key answers with its first execution)",
            headers: [IdempotentStart.header: IdempotentStart.schema], body: ["input": Self.objectSchema],
            answers: [202, 404, 409, 422], startsExecution: true)) { request, context in
            await APIRoutes.answer {
                let workflowID = try APIRoutes.parameter("id", context)
                let body = try await APIRequestBody.read(request)
                let input = try body.object("input")
                switch try await start(workflowID, input: input, key: try IdempotentStart.key(of: request)) {
                case .started(let handle):
                    return Self.accepted(handle.execID, workflowID: workflowID)
                case .replayed(let execID):
                    return IdempotentStart.markedReplayed(Self.accepted(execID, workflowID: workflowID))
                }
            }
        }
        routes.add(.post, "/api/v0/workflows/:id/executions/sync", APIOperation(
            summary: "Run a workflow and wait for its end (timeout: seconds, default 60, at most 300; X-Idempotency-Key as on the start)",
            headers: [IdempotentStart.header: IdempotentStart.schema],
            body: ["input": Self.objectSchema, "timeout": Self.timeoutSchema],
            answers: [200, 404, 408, 409, 422], startsExecution: true, reportsOutcome: true)) { request, context in
            await APIRoutes.answer {
                let workflowID = try APIRoutes.parameter("id", context)
                let body = try await APIRequestBody.read(request)
                let timeout = try body.timeout()
                let input = try body.object("input")
                let result: WorkflowResult?
                let execID: String
                var replayed = false
                switch try await start(workflowID, input: input, key: try IdempotentStart.key(of: request)) {
                case .started(let handle):
                    (execID, result) = (handle.execID, await handle.result(waitingAtMost: timeout))
                case .replayed(let id):
                    // Wherever it runs (or ran): the same wait as POST .../{exec_id}/wait.
                    (execID, result, replayed) = (id, try await engine.result(of: id, waitingAtMost: timeout), true)
                }
                guard let result else { return try await APIRoutes.timedOut(engine, execID: execID, after: timeout) }
                let response = APIResponse.outcome(result, subject: "workflow", data: [
                    "workflow": result.json, "output": result.output, "exec_id": .string(result.execID),
                ])
                return replayed ? IdempotentStart.markedReplayed(response) : response
            }
        }
    }

    /// Starts `workflowID`, or with `key` finds the execution the key already started.
    private func start(_ workflowID: String, input: JSONValue, key: String?) async throws -> IdempotentStart.Start {
        guard let key else {
            return .started(try await executions.start {
                try await engine.start(workflowID: workflowID, input: input, observer: observer)
            })
        }
        let execID = IdempotentStart.executionID(workflowID: workflowID, key: key)
        let recorded = engine.project.workflow(workflowID)?.inputWithDefaults(input.isNull ? .emptyObject : input) ?? input
        return try await IdempotentStart.start(engine, execID: execID, key: key, input: recorded) { execID in
            try await executions.start {
                try await engine.start(workflowID: workflowID, input: input, execID: execID, observer: observer)
            }
        }
    }

    private static func accepted(_ execID: String, workflowID: String) -> Response {
        APIResponse.success(.accepted, "workflow execution started", [
            "exec_id": .string(execID), "exec_url": .string(APIRoutes.executionURL(execID)),
            "workflow_id": .string(workflowID),
        ])
    }
}
