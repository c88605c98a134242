import SwitchyardJSON
import SwitchyardRuntime

/// The OpenAI chat-completions JSON, written and read by hand over `JSONValue`: the wire format is
/// small, and keeping it in `JSONValue` lets `params` merge into the body without a Codable model
/// that would drop the fields it does not know.
extension OpenAICompatibleProvider {
    /// The request body: `params` as compozy's OpenAI client sends them (`PromptParams`), then
    /// the fields this runner owns on top.
    ///
    /// `stream` is dropped from `params`: the runner reads one complete answer.
    func requestBody(for request: ChatRequest) -> JSONValue {
        var body = PromptParams.wireFields(config.params, fields: PromptParams.openAIFields, passThrough: true)
        body["model"] = .string(config.model)
        body["messages"] = .array(request.messages.map(Self.encode(message:)))
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map(Self.encode(tool:)))
        }
        // A `response_format` in params (for example a `json_schema` one) takes precedence.
        if request.jsonMode && body["response_format"] == nil {
            body["response_format"] = ["type": "json_object"]
        }
        return .object(body)
    }

    static func encode(message: ChatMessage) -> JSONValue {
        var json: [String: JSONValue] = ["role": .string(message.role.rawValue)]
        json["content"] = message.content.map(JSONValue.string) ?? .null
        if !message.toolCalls.isEmpty {
            json["tool_calls"] = .array(message.toolCalls.map { call -> JSONValue in
                let arguments = call.arguments.stringValue ?? call.arguments.jsonString
                return [
                    "id": .string(call.id), "type": "function",
                    "function": ["name": .string(call.name), "arguments": .string(arguments)],
                ]
            })
        }
        if let toolCallID = message.toolCallID { json["tool_call_id"] = .string(toolCallID) }
        return .object(json)
    }

    static func encode(tool: ToolDescriptor) -> JSONValue {
        // OpenAI requires an object schema for parameters; a tool without one takes any object.
        let parameters = tool.inputSchema ?? ["type": "object", "properties": .emptyObject]
        var function: [String: JSONValue] = ["name": .string(tool.id), "parameters": parameters]
        if !tool.description.isEmpty { function["description"] = .string(tool.description) }
        return ["type": "function", "function": .object(function)]
    }

    /// Reads `choices[0].message` of a chat completion.
    /// - Throws: `AgentError` `.protocol` when the shape is not a chat completion.
    static func decodeResponse(_ json: JSONValue, from endpoint: String) throws(AgentError) -> ChatResponse {
        guard let choice = json["choices"]?.arrayValue?.first, let message = choice["message"] else {
            throw AgentError(.protocol,
                             "response from \(endpoint) has no choices[0].message: \(json.jsonString.prefix(300))")
        }
        var toolCalls: [ChatToolCall] = []
        for (index, call) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
            guard let function = call["function"], let name = function["name"]?.stringValue else {
                throw AgentError(.protocol, "response from \(endpoint): tool_calls[\(index)] has no function.name")
            }
            let id = call["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "call_\(index)"
            toolCalls.append(ChatToolCall(id: id, name: name, arguments: decodeArguments(function["arguments"])))
        }
        return ChatResponse(
            message: ChatMessage(role: .assistant, content: text(of: message["content"]), toolCalls: toolCalls),
            finishReason: choice["finish_reason"]?.stringValue, usage: usage(in: json["usage"]))
    }

    /// `usage` of a chat completion: `prompt_tokens`, `completion_tokens`, `total_tokens`, and
    /// the reasoning and cached counts in `completion_tokens_details` / `prompt_tokens_details`.
    static func usage(in usage: JSONValue?) -> TokenUsage? {
        guard let usage, let prompt = usage["prompt_tokens"]?.intValue else { return nil }
        let count = { (value: JSONValue?) in value?.intValue.map { Int($0) } }
        return TokenUsage(promptTokens: Int(prompt), completionTokens: count(usage["completion_tokens"]) ?? 0,
                          totalTokens: count(usage["total_tokens"]),
                          reasoningTokens: count(usage["completion_tokens_details"]?["reasoning_tokens"]),
                          cachedPromptTokens: count(usage["prompt_tokens_details"]?["cached_tokens"]))
    }

    /// Arguments arrive as JSON text (OpenAI) or, from some servers, as an object already.
    private static func decodeArguments(_ value: JSONValue?) -> JSONValue {
        switch value {
        case nil, .null?: return .emptyObject
        case .string(let text)?:
            if text.allSatisfy(\.isWhitespace) { return .emptyObject }
            return (try? JSONValue(parsing: text)) ?? .string(text)
        case let other?: return other
        }
    }

    /// `content` is a string, or (some servers) an array of `{type: "text", text}` parts.
    private static func text(of content: JSONValue?) -> String? {
        switch content {
        case .string(let text)?: return text
        case .array(let parts)?:
            return parts.compactMap { $0["text"]?.stringValue ?? $0.stringValue }.joined()
        default: return nil
        }
    }
}
