import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// Reading executions from the store; signaling, canceling or resuming them here.
struct ExecutionRoutes {
    let engine: WorkflowEngine
    let observer: ExecutionObserver?

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v0/executions/workflows") { request, _ in
            await APIRoutes.answer {
                let limit = try Self.listLimit(request.uri.queryParameters.get("limit"))
                let records = try await engine.store.listWorkflows(limit: limit)
                return APIResponse.success(.ok, "workflow executions", .array(records.map(\.summaryJSON)))
            }
        }
        router.get("/api/v0/executions/workflows/:exec_id") { _, context in
            await APIRoutes.answer {
                let execID = try APIRoutes.parameter("exec_id", context)
                return APIResponse.success(.ok, "workflow execution", try await APIRoutes.state(engine, execID: execID))
            }
        }
        router.post("/api/v0/executions/workflows/:exec_id/signals") { request, context in
            await APIRoutes.answer {
                let execID = try APIRoutes.parameter("exec_id", context)
                let body = try await APIRequestBody.read(request)
                guard let name = try body.string("signal_name"), !name.isEmpty else {
                    throw APIError.badRequest("`signal_name` is required")
                }
                let payload = try body.object("payload")
                if await engine.signal(Signal(name: name, payload: payload), to: execID) == 0 {
                    throw try await Self.notRunning(engine, execID)
                }
                return APIResponse.success(.accepted, "signal sent", ["exec_id": .string(execID), "signal_name": .string(name)])
            }
        }
        // An execution interrupted by a crash or a stop continues from its checkpoints: no
        // completed task runs again.
        router.post("/api/v0/executions/workflows/:exec_id/resume") { _, context in
            await APIRoutes.answer {
                let execID = try APIRoutes.parameter("exec_id", context)
                switch try await engine.startResume(execID: execID, observer: observer) {
                case .started(let handle):
                    return APIResponse.success(.accepted, "execution resumed", [
                        "exec_id": .string(handle.execID), "exec_url": .string(APIRoutes.executionURL(handle.execID)),
                    ])
                case .finished(let result):
                    return APIResponse.failure(
                        APIError(.conflict, "ALREADY_FINISHED", "execution \"\(execID)\" already finished: \(result.status.rawValue)"),
                        data: result.json)
                }
            }
        }
        router.post("/api/v0/executions/workflows/:exec_id/cancel") { _, context in
            await APIRoutes.answer {
                let execID = try APIRoutes.parameter("exec_id", context)
                guard engine.cancel(execID: execID) else { throw try await Self.notRunning(engine, execID) }
                return APIResponse.success(.accepted, "cancel requested", ["exec_id": .string(execID)])
            }
        }
    }

    /// 404 for an id the store does not know, 409 for one that is not running in this server.
    static func notRunning(_ engine: WorkflowEngine, _ execID: String) async throws -> APIError {
        guard let record = try await engine.store.workflow(execID: execID) else {
            return .notFound("no execution \"\(execID)\"", kind: "unknown_execution")
        }
        return APIError(.conflict, "NOT_RUNNING",
                        "execution \"\(execID)\" is \(record.status.rawValue), not running in this server")
    }

    /// `?limit=N`: at most N executions, newest first; absent means all of them.
    /// - Throws: `APIError` 400 naming `limit` when it is not a whole number from 1 to 10,000.
    static func listLimit(_ text: String?) throws(APIError) -> Int? {
        guard let text else { return nil }
        guard let limit = Int(text), (1...10_000).contains(limit) else {
            throw APIError.badRequest("`limit` must be a whole number from 1 to 10000, got \"\(text)\"")
        }
        return limit
    }
}
