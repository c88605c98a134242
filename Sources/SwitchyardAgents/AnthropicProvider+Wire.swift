import SwitchyardJSON
import SwitchyardRuntime

/// The Anthropic Messages JSON, written and read over `JSONValue` like the OpenAI wire.
extension AnthropicProvider {
    /// The request body: `params` as compozy's Anthropic client sends them (`temperature`,
    /// `max_tokens`, `stop_words` as `stop_sequences`, `top_p`, `top_k`), the system text on
    /// top, the conversation as Messages content blocks, and the tools.
    func requestBody(for request: ChatRequest) -> JSONValue {
        var body = PromptParams.wireFields(config.params, fields: PromptParams.anthropicFields, passThrough: false)
        body["model"] = .string(config.model)
        if body["max_tokens"] == nil { body["max_tokens"] = .int(Int64(Self.defaultMaxTokens)) }
        let system = request.messages.filter { $0.role == .system }.compactMap(\.content)
        if !system.isEmpty { body["system"] = .string(system.joined(separator: "\n\n")) }
        body["messages"] = .array(Self.encode(conversation: request.messages.filter { $0.role != .system }))
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map(Self.encode(tool:)))
        }
        return .object(body)
    }

    /// The conversation as Messages turns. Tool results become `tool_result` blocks of a user
    /// turn; consecutive turns of the same role are merged (the API wants them alternating).
    static func encode(conversation: [ChatMessage]) -> [JSONValue] {
        var turns: [(role: String, blocks: [JSONValue])] = []
        for message in conversation {
            let role = message.role == .assistant ? "assistant" : "user"
            var blocks: [JSONValue] = []
            if message.role == .tool {
                blocks.append([
                    "type": "tool_result", "tool_use_id": .string(message.toolCallID ?? ""),
                    "content": .string(message.content ?? ""),
                ])
            } else {
                if let text = message.content, !text.isEmpty { blocks.append(["type": "text", "text": .string(text)]) }
                for call in message.toolCalls {
                    let input = call.arguments.objectValue != nil ? call.arguments : .emptyObject
                    blocks.append(["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": input])
                }
            }
            if blocks.isEmpty { continue }
            if turns.last?.role == role { turns[turns.count - 1].blocks += blocks } else { turns.append((role, blocks)) }
        }
        return turns.map { ["role": .string($0.role), "content": .array($0.blocks)] }
    }

    static func encode(tool: ToolDescriptor) -> JSONValue {
        let schema = tool.inputSchema ?? ["type": "object", "properties": .emptyObject]
        var json: [String: JSONValue] = ["name": .string(tool.id), "input_schema": schema]
        if !tool.description.isEmpty { json["description"] = .string(tool.description) }
        return .object(json)
    }

    /// Reads a Messages response: its `text` blocks joined, its `tool_use` blocks as tool calls,
    /// `stop_reason`, and `usage` (`input_tokens`, `output_tokens`, `cache_read_input_tokens`).
    /// - Throws: `AgentError` `.protocol` when the shape is not a Messages response.
    static func decodeResponse(_ json: JSONValue, from endpoint: String) throws(AgentError) -> ChatResponse {
        guard let blocks = json["content"]?.arrayValue else {
            throw AgentError(.protocol, "response from \(endpoint) has no content array: \(json.jsonString.prefix(300))")
        }
        var texts: [String] = []
        var toolCalls: [ChatToolCall] = []
        for (index, block) in blocks.enumerated() {
            switch block["type"]?.stringValue {
            case "text": texts.append(block["text"]?.stringValue ?? "")
            case "tool_use":
                guard let name = block["name"]?.stringValue else {
                    throw AgentError(.protocol, "response from \(endpoint): content[\(index)] tool_use has no name")
                }
                let id = block["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "toolu_\(index)"
                toolCalls.append(ChatToolCall(id: id, name: name, arguments: block["input"] ?? .emptyObject))
            default: continue  // thinking and other blocks carry nothing the runner uses
            }
        }
        let content = texts.isEmpty ? nil : texts.joined()
        return ChatResponse(message: ChatMessage(role: .assistant, content: content, toolCalls: toolCalls),
                            finishReason: json["stop_reason"]?.stringValue, usage: usage(in: json["usage"]))
    }

    static func usage(in usage: JSONValue?) -> TokenUsage? {
        guard let usage, let input = usage["input_tokens"]?.intValue else { return nil }
        let cached = usage["cache_read_input_tokens"]?.intValue.map { Int($0) }
        return TokenUsage(promptTokens: Int(input), completionTokens: Int(usage["output_tokens"]?.intValue ?? 0),
                          cachedPromptTokens: cached)
    }
}
