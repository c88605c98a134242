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
            summary: "Start a workflow", body: ["input": Self.objectSchema],
            answers: [202, 404, 422], startsExecution: true)) { request, context in
            await APIRoutes.answer {
                let workflowID = try APIRoutes.parameter("id", context)
                let body = try await APIRequestBody.read(request)
                let input = try body.object("input")
                let handle = try await executions.start {
                    try await engine.start(workflowID: workflowID, input: input, observer: observer)
                }
                return APIResponse.success(.accepted, "workflow execution started", [
                    "exec_id": .string(handle.execID), "exec_url": .string(APIRoutes.executionURL(handle.execID)),
                    "workflow_id": .string(workflowID),
                ])
            }
        }
        routes.add(.post, "/api/v0/workflows/:id/executions/sync", APIOperation(
            summary: "Run a workflow and wait for its end (timeout: seconds, default 60, at most 300)",
            body: ["input": Self.objectSchema, "timeout": Self.timeoutSchema],
            answers: [200, 404, 408, 422], startsExecution: true, reportsOutcome: true)) { request, context in
            await APIRoutes.answer {
                let workflowID = try APIRoutes.parameter("id", context)
                let body = try await APIRequestBody.read(request)
                let timeout = try body.timeout()
                let input = try body.object("input")
                let handle = try await executions.start {
                    try await engine.start(workflowID: workflowID, input: input, observer: observer)
                }
                guard let result = await handle.result(waitingAtMost: timeout) else {
                    return try await APIRoutes.timedOut(engine, execID: handle.execID, after: timeout)
                }
                return APIResponse.outcome(result, subject: "workflow", data: [
                    "workflow": result.json, "output": result.output, "exec_id": .string(result.execID),
                ])
            }
        }
    }
}
