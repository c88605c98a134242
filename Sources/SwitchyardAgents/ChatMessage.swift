import SwitchyardJSON

/// Who wrote a chat message.
public enum ChatRole: String, Sendable, Hashable {
    case system, user, assistant, tool
}

/// A tool call the model asked for.
public struct ChatToolCall: Sendable, Hashable {
    /// The provider's id for the call, echoed in the tool message that answers it.
    public var id: String
    /// The tool id (the function name).
    public var name: String
    /// The arguments: a JSON object when the model produced valid JSON, else the raw text as a
    /// `.string` (the runner reports that back to the model as an error).
    public var arguments: JSONValue

    /// Creates a call.
    public init(id: String, name: String, arguments: JSONValue) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// One message of a conversation, in the shape every supported provider shares.
public struct ChatMessage: Sendable, Hashable {
    /// The author.
    public var role: ChatRole
    /// The text; `nil` for an assistant message that only calls tools.
    public var content: String?
    /// The tool calls of an assistant message.
    public var toolCalls: [ChatToolCall]
    /// For a `tool` message: the call it answers.
    public var toolCallID: String?

    /// Creates a message.
    public init(role: ChatRole, content: String?, toolCalls: [ChatToolCall] = [], toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    /// A system message.
    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: text) }
    /// A user message.
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: text) }
    /// A tool result answering `callID`; `output` is sent as JSON text.
    public static func toolResult(callID: String, output: JSONValue) -> ChatMessage {
        ChatMessage(role: .tool, content: output.jsonString, toolCallID: callID)
    }
}
