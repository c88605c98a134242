import SwitchyardJSON

/// The context templates and conditions are evaluated over: the names a workflow sees, with a
/// value of every JSON type, so paths and functions have something to find.
public let fuzzContext: JSONValue = [
    "input": [
        "name": "Ada", "count": 3, "ratio": 2.5, "flag": true, "nothing": nil,
        "list": [1, 2.5, "x", nil, true, [1, 2], ["k": "v"]],
        "map": ["a": 1, "b": [1, 2], "c": ["d": "e"]],
    ],
    "with": ["limit": 10, "query": "plugin runtimes"],
    "tasks": ["fetch": ["output": ["items": ["a", "b", "c"], "text": "hello, world", "count": 2]]],
    "signal": ["payload": ["approved": true]],
    "workflow": ["id": "digest", "input": ["topic": "fuzzing"]],
    "item": "a", "index": 0,
    "env": ["HOME": "/root"],
]
