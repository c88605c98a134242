import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// Reading executions from the store; signaling, canceling or resuming them here.
struct ExecutionRoutes {
    let engine: WorkflowEngine
    let observer: ExecutionObserver?
    let executions: ExecutionGate

    func register(on routes: APIRouteTable) {
        let execution = "/api/v0/executions/workflows/:exec_id"
        routes.add(.get, "/api/v0/executions/workflows", APIOperation(
            summary: "List workflow executions, newest first; filter by workflow_id and status; page with limit and after",
            query: ["limit": ["type": "integer", "minimum": 1, "maximum": 10000],
                    "workflow_id": ["type": "string", "minLength": 1],
                    "status": ["type": "string", "enum": .array(ExecutionStatus.allCases.map { .string($0.rawValue) })],
                    "after": ["type": "string", "minLength": 1]],
            answers: [200, 400])) { request, _ in
            await APIRoutes.answer {
                let records = try await engine.store.listWorkflows(try Self.listFilter(request.uri.queryParameters))
                return APIResponse.success(.ok, "workflow executions", .array(records.map(\.summaryJSON)))
            }
        }
        routes.add(.get, execution, APIOperation(
            summary: "An execution's status, output, error, timestamps and tasks", answers: [200, 404])) { _, context in
            await APIRoutes.answer {
                let execID = try APIRoutes.parameter("exec_id", context)
                return APIResponse.success(.ok, "workflow execution", try await APIRoutes.state(engine, execID: execID))
            }
        }
        routes.add(.post, execution + "/signals", APIOperation(
            summary: "Send a signal to an execution that has not ended, wherever it runs (kept until its wait task takes it)",
            body: ["signal_name": ["type": "string", "minLength": 1], "payload": ["type": "object", "nullable": true]],
            required: ["signal_name"], answers: [202, 404, 409])) { request, context in
            await APIRoutes.answer {
                let execID = try APIRoutes.parameter("exec_id", context)
                let body = try await APIRequestBody.read(request)
                guard let name = try body.string("signal_name"), !name.isEmpty else {
                    throw APIError.badRequest("`signal_name` is required")
                }
                let payload = try body.object("payload")
                // Stored for the execution wherever it runs (or resumes): WorkflowEngine+CrossProcess.
                if try await !engine.postSignal(Signal(name: name, payload: payload), to: execID) {
                    throw try await Self.notRunning(engine, execID)
                }
                // compozy answers `data: {message}` (SignalResponse); the ids come along.
                return APIResponse.success(.accepted, "signal sent", [
                    "exec_id": .string(execID), "signal_name": .string(name), "message": "Signal sent successfully",
                ])
            }
        }
        // An execution interrupted by a crash or a stop continues from its checkpoints: no
        // completed task runs again.
        routes.add(.post, execution + "/pause", APIOperation(
            summary: "Pause an execution running in this server: its running tasks finish, no next task starts until resume",
            answers: [202, 404, 409])) { _, context in
            await APIRoutes.answer {
                let execID = try APIRoutes.parameter("exec_id", context)
                switch try await engine.pause(execID: execID) {
                case .paused:
                    return APIResponse.success(.accepted, "workflow execution paused",
                                               ["exec_id": .string(execID), "status": "PAUSED"])
                case .alreadyPaused:
                    throw APIError(.conflict, "ALREADY_PAUSED", "execution \"\(execID)\" is paused already")
                case .notRunning:
                    throw try await Self.notRunning(engine, execID)
                }
            }
        }
        routes.add(.post, execution + "/resume", APIOperation(
            summary: "Resume a paused execution, or continue an interrupted one from its checkpoints",
            answers: [202, 404, 409, 422], startsExecution: true)) { _, context in
            await APIRoutes.answer {
                let execID = try APIRoutes.parameter("exec_id", context)
                if try await engine.unpause(execID: execID) {
                    return APIResponse.success(.accepted, "execution resumed", [
                        "exec_id": .string(execID), "exec_url": .string(APIRoutes.executionURL(execID)),
                    ])
                }
                try executions.reserve()
                let start: WorkflowEngine.ResumeStart
                do { start = try await engine.startResume(execID: execID, observer: observer) } catch {
                    executions.release()
                    throw error
                }
                if case .started(let handle) = start { executions.hold(until: handle) } else { executions.release() }
                switch start {
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
        routes.add(.post, execution + "/cancel", APIOperation(
            summary: "Cancel a running execution", answers: [202, 404, 409])) { _, context in
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

    /// `?workflow_id=ID&status=STATUS&limit=N&after=EXEC_ID`: executions of that workflow, with that
    /// status, at most N, those after that execution in the list (the last `exec_id` of the page before).
    /// - Throws: `APIError` 400 naming the parameter that is wrong.
    static func listFilter(_ query: Parameters) throws(APIError) -> ExecutionListFilter {
        var filter = ExecutionListFilter(limit: try listLimit(query.get("limit")))
        func text(_ name: String) throws(APIError) -> String? {
            guard let value = query.get(name) else { return nil }
            guard !value.isEmpty else { throw APIError.badRequest("`\(name)` must not be empty") }
            return value
        }
        filter.workflowID = try text("workflow_id")
        filter.after = try text("after")
        if let status = try text("status") {
            guard let known = ExecutionStatus(rawValue: status.uppercased()) else {
                let names = ExecutionStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.badRequest("`status` must be one of \(names), got \"\(status)\"")
            }
            filter.status = known
        }
        return filter
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
