import SwitchyardRuntime

/// Why an agent run, or the reading of an agent's configuration, failed.
///
/// `message` is the bare reason (for example exactly "max tool iterations reached without final
/// response"); `description` adds the agent, action and model it concerns.
public struct AgentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. A struct, not an enum, so new kinds do not break callers' switches.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's stable name (`http`, `max_iterations`, ...).
        public let name: String

        private init(_ name: String) { self.name = name }

        /// The agent or model configuration is malformed (a field is missing or has the wrong type).
        public static let invalidConfig = Code("invalid_config")
        /// The model's provider is neither `anthropic`, `openai`, OpenAI-compatible, nor `mock`.
        public static let unsupportedProvider = Code("unsupported_provider")
        /// The requested action id is not declared by the agent, or neither action nor prompt was given.
        public static let unknownAction = Code("unknown_action")
        /// The agent lists a tool the caller did not supply.
        public static let toolNotFound = Code("tool_not_found")
        /// The input does not match the action's input schema.
        public static let invalidInput = Code("invalid_input")
        /// The provider answered with a non-2xx HTTP status.
        public static let http = Code("http")
        /// The provider could not be reached or the connection failed.
        public static let network = Code("network")
        /// The provider's answer is not a chat completion this runner understands.
        public static let `protocol` = Code("protocol")
        /// The run or one request exceeded its time budget.
        public static let timeout = Code("timeout")
        /// The calling task was cancelled.
        public static let canceled = Code("canceled")
        /// The model kept calling tools until `max_iterations` ran out.
        public static let maxIterations = Code("max_iterations")
        /// The model's final answer never parsed and validated against the output schema.
        public static let invalidOutput = Code("invalid_output")

        /// The code's name.
        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// The bare reason.
    public var message: String
    /// The agent concerned, when known.
    public var agentID: String?
    /// The action concerned, when known.
    public var actionID: String?
    /// The model concerned (`provider/model`), when known.
    public var model: String?
    /// The tokens the run's model calls used before it failed (empty when none answered).
    public var usage = UsageSummary()

    /// Creates an error.
    public init(_ code: Code, _ message: String, agentID: String? = nil, actionID: String? = nil,
                model: String? = nil) {
        self.code = code
        self.message = message
        self.agentID = agentID
        self.actionID = actionID
        self.model = model
    }

    /// The message prefixed with the agent, action and model it concerns.
    public var description: String {
        var context: [String] = []
        if let agentID { context.append("agent '\(agentID)'") }
        if let actionID { context.append("action '\(actionID)'") }
        if let model { context.append("model '\(model)'") }
        return context.isEmpty ? message : "\(context.joined(separator: ", ")): \(message)"
    }

    /// The same error with missing context filled in from the run it happened in.
    func inContext(agentID: String, actionID: String?, model: String) -> AgentError {
        var copy = self
        copy.agentID = copy.agentID ?? agentID
        copy.actionID = copy.actionID ?? actionID
        copy.model = copy.model ?? model
        return copy
    }
}
