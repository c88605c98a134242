import SwitchyardJSON

/// The OpenAPI 3 document served at `/api/v0/openapi.json`, written out by hand: the routes are
/// few and fixed by docs/HTTP-API.md, and a generator would add a build plugin for one document.
enum OpenAPIDocument {
    static let json: JSONValue = [
        "openapi": "3.0.3",
        "info": ["title": "Switchyard API", "version": "0",
                 "description": "Runs compozy-compatible workflows, tasks and agents. Every answer is an envelope."],
        "servers": [["url": "/api/v0"]],
        "security": [["bearer": []]],
        "components": [
            "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            "schemas": [
                "Envelope": object([
                    "status": ["type": "integer"], "message": ["type": "string"], "data": [:],
                    "error": ["nullable": true, "allOf": [["$ref": "#/components/schemas/Error"]]],
                ]),
                "Error": object(["code": ["type": "string"], "message": ["type": "string"], "kind": ["type": "string"]]),
            ],
        ],
        "paths": .object(paths),
    ]

    private static var paths: [String: JSONValue] {
        let execution = ["exec_id"]
        var paths: [String: JSONValue] = [
            "/health": ["get": operation("Health check (no API key needed)", security: false)],
            "/openapi.json": ["get": operation("This document")],
            "/workflows/{id}/executions": ["post": operation(
                "Start a workflow", path: ["id"], body: ["input": ["type": "object"]], answers: ["202", "400", "404"])],
            "/workflows/{id}/executions/sync": ["post": operation(
                "Run a workflow and wait for its end (timeout: seconds, default 60, at most 300)", path: ["id"],
                body: ["input": ["type": "object"], "timeout": ["type": "number"]], answers: ["200", "400", "404", "408"])],
            "/executions/workflows": ["get": operation(
                "List workflow executions, newest first", query: ["limit": ["type": "integer", "minimum": 1, "maximum": 10000]],
                answers: ["200", "400"])],
            "/executions/workflows/{exec_id}": ["get": operation(
                "An execution's status, output, error, timestamps and tasks", path: execution, answers: ["200", "404"])],
            "/executions/workflows/{exec_id}/signals": ["post": operation(
                "Send a signal to a running execution", path: execution,
                body: ["signal_name": ["type": "string"], "payload": ["type": "object"]], answers: ["202", "404", "409"])],
            "/executions/workflows/{exec_id}/cancel": ["post": operation(
                "Cancel a running execution", path: execution, answers: ["202", "404", "409"])],
            "/executions/workflows/{exec_id}/resume": ["post": operation(
                "Continue an interrupted execution from its checkpoints", path: execution, answers: ["202", "404", "409"])],
        ]
        for (kind, body) in [("tasks", ["with": ["type": "object"], "timeout": ["type": "number"]] as JSONValue),
                             ("agents", ["action": ["type": "string"], "prompt": ["type": "string"],
                                         "with": ["type": "object"], "timeout": ["type": "number"]])] {
            paths["/\(kind)/{id}/executions"] = ["post": operation(
                "Start one of the project's \(kind)", path: ["id"], body: body, answers: ["202", "400", "404"])]
            paths["/\(kind)/{id}/executions/sync"] = ["post": operation(
                "Run one of the project's \(kind) and wait (`?include=state` adds the stored state)", path: ["id"],
                body: body, answers: ["200", "400", "404", "408"])]
        }
        return paths
    }

    private static func object(_ properties: JSONValue) -> JSONValue { ["type": "object", "properties": properties] }

    private static func operation(_ summary: String, path: [String] = [], query: [String: JSONValue] = [:],
                                  body: JSONValue? = nil, answers: [String] = ["200"], security: Bool = true) -> JSONValue {
        var operation: [String: JSONValue] = ["summary": .string(summary)]
        let parameters: [JSONValue] =
            path.map { ["name": .string($0), "in": "path", "required": true, "schema": ["type": "string"]] }
            + query.keys.sorted().map { ["name": .string($0), "in": "query", "required": false, "schema": query[$0]!] }
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if let body {
            operation["requestBody"] = ["content": ["application/json": ["schema": object(body)]]]
        }
        var responses: [String: JSONValue] = [:]
        for code in answers {
            responses[code] = ["description": .string(code.hasPrefix("2") ? "the envelope with data" : "the envelope with error"),
                               "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Envelope"]]]]
        }
        if security { responses["401"] = ["description": "missing or wrong API key"] }
        operation["responses"] = .object(responses)
        if !security { operation["security"] = [] }
        return .object(operation)
    }
}
