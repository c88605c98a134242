/// Shared fixtures for the template tests (named *Tests.swift to stay inside the template area).
import SwitchyardJSON
@testable import SwitchyardTemplates

/// The context most template tests render over: the shape the engine builds.
let templateContext: JSONValue = [
    "workflow": ["id": "review", "input": ["topic": "cats"]],
    "tasks": [
        "my-task": ["output": ["list": [1, 2, 3], "score": 0.5, "name": "Ann", "nested": ["a": 1]]],
        "fetch": ["output": ["count": 3, "flag": true, "text": "true", "json": "[1,2]", "blank": "", "none": nil]],
    ],
    "input": [
        "name": "world", "count": 3, "ratio": 2.5, "big": 3.0, "items": ["a", "b", "c"],
        "map": ["b": 2, "a": 1], "empty": [:], "none": nil, "padded": "  hi  ", "zero": 0,
    ],
    "env": ["HOME": "/home/ann"],
]

func templateValue(_ source: String, _ context: JSONValue = templateContext) throws -> JSONValue {
    try Template(parsing: source).render(context)
}

func templateOutput(_ source: String, _ context: JSONValue = templateContext) throws -> String {
    try Template(parsing: source).renderText(context)
}

/// The error a template raises when parsing or rendering it, or nil when it succeeds.
func templateError(_ source: String, _ context: JSONValue = templateContext) -> TemplateError? {
    do {
        _ = try Template(parsing: source).renderText(context)
        return nil
    } catch {
        return error
    }
}
