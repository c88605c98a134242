import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// `POST /api/v0/workflows/{id}/executions[/sync]`: starts a workflow; the sync form waits for
/// its end (at most `timeout` seconds) and answers from the result in memory, not the store.
struct WorkflowRoutes {
    let engine: WorkflowEngine
    let observer: ExecutionObserver?

    func register(on router: Router<BasicRequestContext>) {
        router.post("/api/v0/workflows/:id/executions") { request, context in
            await APIRoutes.answer {
                let workflowID = try APIRoutes.parameter("id", context)
                let body = try await APIRequestBody.read(request)
                let handle = try await engine.start(workflowID: workflowID, input: try body.object("input"), observer: observer)
                return APIResponse.success(.accepted, "workflow execution started", [
                    "exec_id": .string(handle.execID), "exec_url": .string(APIRoutes.executionURL(handle.execID)),
                    "workflow_id": .string(workflowID),
                ])
            }
        }
        router.post("/api/v0/workflows/:id/executions/sync") { request, context in
            await APIRoutes.answer {
                let workflowID = try APIRoutes.parameter("id", context)
                let body = try await APIRequestBody.read(request)
                let timeout = try body.timeout()
                let handle = try await engine.start(workflowID: workflowID, input: try body.object("input"), observer: observer)
                guard let result = await handle.result(waitingAtMost: timeout) else {
                    return try await APIRoutes.timedOut(engine, execID: handle.execID, after: timeout)
                }
                return APIResponse.success(.ok, "workflow execution finished", [
                    "workflow": result.json, "output": result.output, "exec_id": .string(result.execID),
                ])
            }
        }
    }
}
