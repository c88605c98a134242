import Hummingbird
import SwitchyardEngine
import SwitchyardJSON

/// compozy's workflow-definition reads (`engine/workflow/router/workflows.go`, `execs.go`):
/// `GET /workflows` (a page of the project's workflows, `q` an id prefix), `GET /workflows/{id}`
/// (`expand=tasks,agents,tools` for the objects instead of their ids) and
/// `GET /workflows/{id}/executions` (that workflow's executions, newest first). The workflows
/// are the ones the server loaded; compozy's `PUT`/`DELETE` of stored definitions are not here
/// (a Switchyard project is its files).
struct WorkflowDefinitionRoutes {
    let engine: WorkflowEngine

    /// compozy's page sizes for workflow lists.
    static let defaultLimit = 50
    static let maxLimit = 500
    /// `expand`: a comma-separated list of the collections.
    static let expandSchema: JSONValue = ["type": "string", "pattern": "^(tasks|agents|tools)(,(tasks|agents|tools))*$"]

    func register(on routes: APIRouteTable) {
        routes.add(.get, "/api/v0/workflows", APIOperation(
            summary: "List the project's workflows (q: id prefix; limit: page size, default 50, at most 500; expand)",
            query: ["limit": ["type": "integer", "minimum": 1, "maximum": .int(Int64(Self.maxLimit))],
                    "q": ["type": "string"], "expand": Self.expandSchema],
            answers: [200, 400])) { request, _ in
            await APIRoutes.answer {
                let query = request.uri.queryParameters
                let limit = try Self.limit(query.get("limit"))
                let expand = try Self.expansions(query.get("expand"))
                let prefix = query.get("q") ?? ""
                let matching = engine.project.workflows.filter { $0.id.hasPrefix(prefix) }
                let page = matching.prefix(limit).map { Self.dto($0, expanding: expand) }
                return APIResponse.success(.ok, "workflows retrieved", [
                    "workflows": .array(Array(page)),
                    "page": ["limit": .int(Int64(limit)), "total": .int(Int64(matching.count))],
                ])
            }
        }
        routes.add(.get, "/api/v0/workflows/:id", APIOperation(
            summary: "A workflow's definition: id, version, description, input schema and its tasks, agents and tools (ids, or objects with expand)",
            query: ["expand": Self.expandSchema], answers: [200, 400, 404])) { request, context in
            await APIRoutes.answer {
                let workflow = try Self.workflow(engine, try APIRoutes.parameter("id", context))
                let expand = try Self.expansions(request.uri.queryParameters.get("expand"))
                return APIResponse.success(.ok, "workflow retrieved", Self.dto(workflow, expanding: expand))
            }
        }
        routes.add(.get, "/api/v0/workflows/:id/executions", APIOperation(
            summary: "A workflow's executions, newest first (status, limit and after as on /executions/workflows)",
            query: ["limit": ["type": "integer", "minimum": 1, "maximum": 10000],
                    "status": ["type": "string", "enum": .array(ExecutionStatus.allCases.map { .string($0.rawValue) })],
                    "after": ["type": "string", "minLength": 1]],
            answers: [200, 400, 404])) { request, context in
            await APIRoutes.answer {
                let workflow = try Self.workflow(engine, try APIRoutes.parameter("id", context))
                var filter = try ExecutionRoutes.listFilter(request.uri.queryParameters)
                filter.workflowID = workflow.id
                let records = try await engine.store.listWorkflows(filter)
                return APIResponse.success(.ok, "workflow executions retrieved",
                                           ["executions": .array(records.map(\.summaryJSON))])
            }
        }
    }

    /// The workflow the server loaded with `id`.
    /// - Throws: `APIError` 404 naming the id and the known ones.
    static func workflow(_ engine: WorkflowEngine, _ id: String) throws(APIError) -> WorkflowConfig {
        guard let workflow = engine.project.workflow(id) else {
            let known = engine.project.workflows.map(\.id).joined(separator: ", ")
            throw APIError.notFound("no workflow \"\(id)\"; the project has: \(known.isEmpty ? "(none)" : known)",
                                    kind: "unknown_workflow")
        }
        return workflow
    }

    /// compozy's `WorkflowDTO`: the collections as ids, or as objects when expanded.
    static func dto(_ workflow: WorkflowConfig, expanding expand: Set<String>) -> JSONValue {
        var dto: [String: JSONValue] = [
            "id": .string(workflow.id),
            "tasks": expand.contains("tasks") ? .array(workflow.tasks.map(\.raw)) : .array(workflow.tasks.map { .string($0.id) }),
            "agents": expand.contains("agents") ? .array(workflow.agents) : .array(workflow.agents.compactMap { $0["id"] }),
            "tools": expand.contains("tools") ? .array(workflow.tools.map(toolJSON)) : .array(workflow.tools.map { .string($0.id) }),
        ]
        if !workflow.version.isEmpty { dto["version"] = .string(workflow.version) }
        if !workflow.description.isEmpty { dto["description"] = .string(workflow.description) }
        if let schema = workflow.inputSchema { dto["config"] = ["input": schema] }
        return .object(dto)
    }

    private static func toolJSON(_ tool: ToolConfig) -> JSONValue {
        var json: [String: JSONValue] = ["id": .string(tool.id)]
        if !tool.description.isEmpty { json["description"] = .string(tool.description) }
        if let input = tool.input { json["input"] = input }
        if let output = tool.output { json["output"] = output }
        return .object(json)
    }

    /// `expand=tasks,agents`: which collections come as objects (the names exactly, comma-separated).
    /// - Throws: `APIError` 400 naming what is not one of them.
    static func expansions(_ value: String?) throws(APIError) -> Set<String> {
        guard let value else { return [] }
        let names = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let known: Set<String> = ["tasks", "agents", "tools"]
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw APIError.badRequest("`expand` may name tasks, agents and tools (comma-separated), got \"\(unknown)\"")
        }
        return Set(names)
    }

    /// `limit`: 1…500, default 50.
    static func limit(_ value: String?) throws(APIError) -> Int {
        guard let value else { return defaultLimit }
        guard let limit = Int(value), (1...maxLimit).contains(limit) else {
            throw APIError.badRequest("`limit` must be an integer from 1 to \(maxLimit), got \"\(value)\"")
        }
        return limit
    }
}
