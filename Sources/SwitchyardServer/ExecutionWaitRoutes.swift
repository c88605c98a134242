import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// `POST /api/v0/executions/workflows/{exec_id}/wait`: waits (at most `timeout` seconds) for the
/// end of an execution already started, by this server or by another process on the same store,
/// and answers as the sync start does. One this server runs is awaited in memory; any other one
/// from the store, woken by the store's notifier the moment the process running it records its
/// end (docs/SCALE-OUT.md, cross-process events).
struct ExecutionWaitRoutes {
    let engine: WorkflowEngine

    func register(on routes: APIRouteTable) {
        let engine = self.engine
        routes.add(.post, "/api/v0/executions/workflows/:exec_id/wait", APIOperation(
            summary: "Wait for the end of a started execution, run by this server or another on the same store (timeout: seconds, default 60, at most 300)",
            body: ["timeout": WorkflowRoutes.timeoutSchema],
            answers: [200, 404, 408], reportsOutcome: true)) { request, context in
            await APIRoutes.answer {
                let execID = try APIRoutes.parameter("exec_id", context)
                let timeout = try await APIRequestBody.read(request).timeout()
                guard let result = try await engine.result(of: execID, waitingAtMost: timeout) else {
                    return try await APIRoutes.timedOut(engine, execID: execID, after: timeout)
                }
                return APIResponse.outcome(result, subject: "workflow", data: [
                    "workflow": result.json, "output": result.output, "exec_id": .string(result.execID),
                ])
            }
        }
    }
}
