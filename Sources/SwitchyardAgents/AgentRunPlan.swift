import SwitchyardJSON
import SwitchyardRuntime

/// Everything one run needs that does not change between iterations, worked out once before
/// the loop: the opening messages, the tool table and what the final answer must be.
struct AgentRunPlan: Sendable {
    let agentID: String
    let maxIterations: Int
    let openingMessages: [ChatMessage]
    let descriptors: [ToolDescriptor]
    let toolsByID: [String: AgentTool]
    let structured: Bool
    let outputSchema: JSONValue?
    let schemaValidator: AgentRunner.SchemaValidator

    /// - Throws: `AgentError` `.unknownAction` (bad action id, or no action and no prompt),
    ///   `.invalidInput` (input against the action's schema), `.toolNotFound`.
    init(agent: AgentDefinition, actionID: String?, prompt: String?, input: JSONValue, tools: [AgentTool],
         schemaValidator: @escaping AgentRunner.SchemaValidator) throws(AgentError) {
        let action = try actionID.map { id throws(AgentError) in try agent.action(id) }
        let freePrompt = prompt.flatMap { $0.isEmpty ? nil : $0 }
        guard action != nil || freePrompt != nil else {
            throw AgentError(.unknownAction, "neither an action nor a prompt was given")
        }
        if let schema = action?.inputSchema {
            let problems = schemaValidator(input, schema)
            if !problems.isEmpty {
                throw AgentError(.invalidInput, "input does not match the action's input schema: "
                                    + problems.joined(separator: "; "))
            }
        }
        var toolsByID: [String: AgentTool] = [:]
        for tool in tools { toolsByID[tool.descriptor.id] = tool }
        if let missing = agent.toolIDs.first(where: { toolsByID[$0] == nil }) {
            throw AgentError(.toolNotFound, "tool '\(missing)' is listed by the agent but was not provided")
        }
        if let missing = action?.toolIDs.first(where: { toolsByID[$0] == nil }) {
            throw AgentError(.toolNotFound, "tool '\(missing)' is listed by the action but was not provided")
        }

        self.agentID = agent.id
        self.maxIterations = max(1, agent.maxIterations)
        self.structured = action?.wantsStructuredOutput ?? false
        self.outputSchema = action?.outputSchema
        self.descriptors = tools.map(\.descriptor)
        self.toolsByID = toolsByID
        self.schemaValidator = schemaValidator

        var opening: [ChatMessage] = []
        if !agent.instructions.isEmpty { opening.append(.system(agent.instructions)) }
        let task = [action?.prompt, freePrompt].compactMap { $0?.isEmpty == false ? $0 : nil }
        var user = task.joined(separator: "\n\n")
        if input != .null && input != .emptyObject {
            user += (user.isEmpty ? "" : "\n\n") + "Input: " + input.jsonString
        }
        if structured {
            user += "\n\n" + Self.formatInstruction(outputSchema)
        }
        opening.append(.user(user))
        self.openingMessages = opening
    }

    /// Tells the model the answer's shape; also satisfies OpenAI's rule that JSON mode requests
    /// mention JSON.
    static func formatInstruction(_ schema: JSONValue?) -> String {
        guard let schema else { return "Respond with only a JSON object." }
        return "Respond with only a JSON value matching this JSON Schema: " + schema.jsonString
    }
}
