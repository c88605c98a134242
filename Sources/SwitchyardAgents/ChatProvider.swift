import SwitchyardJSON
import SwitchyardRuntime

/// One model call: the conversation so far and what the model may do next.
public struct ChatRequest: Sendable {
    /// The conversation, oldest first.
    public var messages: [ChatMessage]
    /// The tools the model may call (function name = id, parameters = input schema).
    public var tools: [ToolDescriptor]
    /// Asks for a JSON answer (`response_format: {"type": "json_object"}`).
    public var jsonMode: Bool
    /// The schema the final answer must match, when the action declares one.
    public var outputSchema: JSONValue?

    /// Creates a request.
    public init(messages: [ChatMessage], tools: [ToolDescriptor] = [], jsonMode: Bool = false,
                outputSchema: JSONValue? = nil) {
        self.messages = messages
        self.tools = tools
        self.jsonMode = jsonMode
        self.outputSchema = outputSchema
    }
}

/// The model's answer to one `ChatRequest`.
public struct ChatResponse: Sendable {
    /// The assistant message: tool calls, or a final text.
    public var message: ChatMessage
    /// The provider's `finish_reason` (`stop`, `tool_calls`, `length`), when given.
    public var finishReason: String?
    /// The tokens the call used, when the provider reported them.
    public var usage: TokenUsage?

    /// Creates a response.
    public init(message: ChatMessage, finishReason: String? = nil, usage: TokenUsage? = nil) {
        self.message = message
        self.finishReason = finishReason
        self.usage = usage
    }
}

/// A chat-completions backend.
///
/// Implementations throw `AgentError` (`.http`, `.network`, `.timeout`, `.canceled`,
/// `.protocol`) and stop work promptly when the calling task is cancelled.
public protocol ChatProvider: Sendable {
    /// Sends one request and returns the model's answer.
    /// - Throws: `AgentError`.
    func complete(_ request: ChatRequest) async throws -> ChatResponse
}
