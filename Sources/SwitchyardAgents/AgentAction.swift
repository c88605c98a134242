import SwitchyardJSON

/// One named task an agent can perform: compozy's `actions[]` entry.
public struct AgentAction: Sendable, Hashable {
    /// The action id, as tasks name it (`action: summarize`).
    public var id: String
    /// The instruction sent as the user message.
    public var prompt: String
    /// JSON Schema the task input must match; `nil` accepts anything.
    public var inputSchema: JSONValue?
    /// JSON Schema the final answer must match; turns on structured output.
    public var outputSchema: JSONValue?
    /// Asks the provider for a JSON answer even without an output schema.
    public var jsonMode: Bool
    /// The ids of the tools this action adds to the agent's (action-level `tools`).
    public var toolIDs: [String]

    /// Creates an action.
    public init(id: String, prompt: String, inputSchema: JSONValue? = nil, outputSchema: JSONValue? = nil,
                jsonMode: Bool = false, toolIDs: [String] = []) {
        self.id = id
        self.prompt = prompt
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.jsonMode = jsonMode
        self.toolIDs = toolIDs
    }

    /// Reads an `actions[]` entry.
    /// - Throws: `AgentError` `.invalidConfig` naming the offending field.
    public init(json: JSONValue, at path: String) throws(AgentError) {
        self = try readingConfig { () throws(FieldProblem) in
            let fields = try FieldReader(json, at: path)
            return AgentAction(id: try fields.requiredString("id"), prompt: try fields.string("prompt") ?? "",
                               inputSchema: try fields.object("input")?.value,
                               outputSchema: try fields.object("output")?.value,
                               jsonMode: try fields.bool("json_mode") ?? false,
                               toolIDs: try declaredToolIDs(in: fields.elements("tools")))
        }
    }

    /// Whether the final answer is parsed as JSON (an output schema or `json_mode`).
    public var wantsStructuredOutput: Bool { jsonMode || outputSchema != nil }
}

/// The ids of a `tools` list holding tool id strings or tool objects (an object contributes its
/// `id`; the engine resolves the tool itself), without repeats, in declaration order.
func declaredToolIDs(in entries: [(path: String, value: JSONValue)]) throws(FieldProblem) -> [String] {
    var ids: [String] = []
    for (path, entry) in entries {
        var id = entry.stringValue
        if id == nil { id = try FieldReader(entry, at: path).requiredString("id") }
        guard let id else { continue }
        if !ids.contains(id) { ids.append(id) }
    }
    return ids
}
