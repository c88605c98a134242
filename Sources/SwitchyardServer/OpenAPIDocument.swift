import SwitchyardJSON

/// The OpenAPI 3 document served at `/api/v0/openapi.json`, built from the route table, so it
/// lists exactly the routes the router has, each with every status it can answer. The security
/// scheme is declared only when the server has an API key.
enum OpenAPIDocument {
    /// Statuses every operation may answer: a store failure, a connection beyond the cap.
    static let sharedAnswers = [500, 503]

    static func json(routes: [APIRoute], secured: Bool) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for route in routes where route.path.hasPrefix(APIRoutes.prefix + "/") {
            var item = paths[route.documentedPath]?.objectValue ?? [:]
            item[route.method.rawValue.lowercased()] = operation(route, secured: secured)
            paths[route.documentedPath] = .object(item)
        }
        var components: [String: JSONValue] = ["schemas": schemas]
        var document: [String: JSONValue] = [
            "openapi": "3.0.3",
            "info": ["title": "Switchyard API", "version": "0",
                     "description": "Runs compozy-compatible workflows, tasks and agents. Every answer is an envelope."],
            "servers": [["url": .string(APIRoutes.prefix)]],
            "paths": .object(paths),
        ]
        if secured {
            components["securitySchemes"] = ["bearer": ["type": "http", "scheme": "bearer"]]
            document["security"] = [["bearer": []]]
        }
        document["components"] = .object(components)
        return .object(document)
    }

    private static let schemas: JSONValue = [
        "Envelope": [
            "type": "object", "required": ["status", "message", "data", "error"],
            "properties": ["status": ["type": "integer"], "message": ["type": "string"], "data": [:],
                           "error": ["type": "object", "nullable": true, "enum": [.null]]],
        ],
        "Outcome": [
            "type": "object", "required": ["status", "message", "data", "error"],
            "properties": ["status": ["type": "integer"], "message": ["type": "string"], "data": [:],
                           "error": ["anyOf": [["$ref": "#/components/schemas/Error"],
                                               ["type": "object", "nullable": true, "enum": [.null]]]]],
        ],
        "Failure": [
            "type": "object", "required": ["status", "message", "data", "error"],
            "properties": ["status": ["type": "integer"], "message": ["type": "string"], "data": [:],
                           "error": ["$ref": "#/components/schemas/Error"]],
        ],
        "Error": [
            "type": "object", "required": ["code", "message", "kind"],
            "properties": ["code": ["type": "string"], "message": ["type": "string"], "kind": ["type": "string"]],
        ],
    ]

    private static func operation(_ route: APIRoute, secured: Bool) -> JSONValue {
        let spec = route.operation
        var operation: [String: JSONValue] = ["summary": .string(spec.summary)]
        let pathNames = route.path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
        let parameters: [JSONValue] =
            pathNames.map { ["name": .string($0), "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]] }
            + spec.query.keys.sorted().map { ["name": .string($0), "in": "query", "required": false, "schema": spec.query[$0]!] }
            + spec.headers.keys.sorted().map { ["name": .string($0), "in": "header", "required": false, "schema": spec.headers[$0]!] }
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        var answers = spec.answers + sharedAnswers
        if let body = spec.body {
            var schema: [String: JSONValue] = ["type": "object", "properties": .object(body)]
            if !spec.required.isEmpty { schema["required"] = .array(spec.required.map { .string($0) }) }
            schema.merge(spec.bodyConstraints) { _, added in added }
            // An absent body is `{}`: it is valid unless a field is required.
            operation["requestBody"] = ["required": .bool(!spec.required.isEmpty || !spec.bodyConstraints.isEmpty),
                                        "content": ["application/json": ["schema": .object(schema)]]]
            answers += [400, 413]
        }
        let keyed = secured && spec.needsKey
        if keyed { answers.append(401) }
        var responses: [String: JSONValue] = [:]
        for status in Set(answers).sorted() { responses[String(status)] = response(status, route: route) }
        operation["responses"] = .object(responses)
        if secured && !spec.needsKey { operation["security"] = [] }
        return .object(operation)
    }

    private static func response(_ status: Int, route: APIRoute) -> JSONValue {
        if status == 204 { return ["description": "done; no content"] }
        let document = route.path == APIRoutes.prefix + "/openapi.json" && status == 200
        let envelope = status >= 300 ? "Failure" : route.operation.reportsOutcome && status == 200 ? "Outcome" : "Envelope"
        let schema: JSONValue = document ? ["type": "object"] : ["$ref": .string("#/components/schemas/\(envelope)")]
        let streams = route.operation.eventStream && status == 200
        var response: [String: JSONValue] = [
            "description": .string(streams ? "the events as text/event-stream" : description(status)),
            // Schemathesis checks each event (its `id`, `event` and `data` fields) against this.
            "content": streams ? ["text/event-stream": ["schema": [
                "type": "object", "required": ["data"],
                "properties": ["id": ["type": "string"], "event": ["type": "string"], "data": ["type": "string"]],
            ]]]
                : ["application/json": ["schema": schema]],
        ]
        if status == 503 {
            response["headers"] = ["Retry-After": ["description": "seconds to wait before retrying",
                                                   "schema": ["type": "integer"]]]
        }
        return .object(response)
    }

    private static func description(_ status: Int) -> String {
        switch status {
        case 200, 202: "the envelope with data"
        case 204: "done; no content"
        case 400: "a malformed body, field or query parameter"
        case 401: "missing or wrong API key"
        case 404: "unknown workflow, task, agent or execution"
        case 408: "the sync wait ran out; the run goes on"
        case 409: "the execution is not in a state for this"
        case 413: "the body is over 16 MiB"
        case 422: "the workflow's configuration has problems"
        case 500: "an internal error, e.g. of the store"
        case 503: "too many executions or connections at once; retry after Retry-After seconds"
        default: "the envelope with error"
        }
    }
}
