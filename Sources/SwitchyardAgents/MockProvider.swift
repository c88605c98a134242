import SwitchyardJSON
import SwitchyardRuntime

/// A deterministic, offline model (`provider: mock`) for tests and examples. The same request
/// always gets the same answer.
///
/// - **First turn, tools named:** when no assistant message exists yet and the first user
///   message names tools by id, it calls each named tool once, in the offered order, with ids
///   `mock_call_1`, `mock_call_2`, ... Arguments fill the tool schema's `required` properties:
///   from the task input's member of the same name when there is one, else the property's
///   `default`, first `enum` value, or a sample of its type (`"mock"`, `1`, `1.0`, `true`,
///   `[]`, `{}`).
/// - **Final answer:** `params.response` when set (a string is the text; any other JSON value is
///   sent as JSON). Otherwise, in JSON mode with an output schema, an object filling every
///   property of the schema from the input, then tool outputs (first match of the property name
///   whose value fits the property schema), else a sample of the property schema; in JSON mode
///   without a schema, `{"response": echo, "tool_results": {tool: output}}`; in text mode the
///   echo `mock response to: <prompt>` followed by one `<tool>: <output JSON>` line per tool
///   result.
public struct MockProvider: ChatProvider {
    /// The model entry (only `params.response` is read).
    public let config: ModelConfig

    /// Creates a mock model.
    public init(config: ModelConfig = ModelConfig(provider: "mock", model: "")) {
        self.config = config
    }

    /// Answers deterministically as described on the type.
    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let userText = request.messages.first(where: { $0.role == .user })?.content ?? ""
        let (prompt, input) = Self.split(userText)
        let answered = request.messages.contains { $0.role == .assistant }

        if !answered {
            let named = request.tools.filter { userText.contains($0.id) }
            if !named.isEmpty {
                let calls = named.enumerated().map { index, tool in
                    ChatToolCall(id: "mock_call_\(index + 1)", name: tool.id,
                                 arguments: Self.arguments(for: tool.inputSchema, input: input))
                }
                return ChatResponse(message: ChatMessage(role: .assistant, content: nil, toolCalls: calls),
                                    finishReason: "tool_calls")
            }
        }

        let results = Self.toolResults(in: request.messages)
        let text: String
        if let fixed = config.params["response"] {
            text = fixed.stringValue ?? fixed.jsonString
        } else if request.jsonMode || request.outputSchema != nil {
            text = Self.structuredAnswer(prompt: prompt, input: input, results: results,
                                         schema: request.outputSchema).jsonString
        } else {
            text = (["mock response to: \(prompt)"] + results.map { "\($0.tool): \($0.output.jsonString)" })
                .joined(separator: "\n")
        }
        return ChatResponse(message: ChatMessage(role: .assistant, content: text), finishReason: "stop")
    }

    /// The prompt and the input object of the runner's user message (`...\n\nInput: {...}`).
    private static func split(_ userText: String) -> (prompt: String, input: [String: JSONValue]) {
        guard let marker = userText.ranges(of: "Input: ").last else {
            return (firstParagraph(userText), [:])
        }
        let input = EmbeddedJSON.firstValue(in: String(userText[marker.upperBound...]))?.objectValue ?? [:]
        return (firstParagraph(String(userText[..<marker.lowerBound])), input)
    }

    private static func firstParagraph(_ text: String) -> String {
        var paragraph = text.split(separator: "\n\n").first ?? Substring(text)
        while paragraph.first?.isWhitespace == true { paragraph.removeFirst() }
        while paragraph.last?.isWhitespace == true { paragraph.removeLast() }
        return String(paragraph)
    }

    /// Tool outputs in the order they were appended, named by the call they answer.
    private static func toolResults(in messages: [ChatMessage]) -> [(tool: String, output: JSONValue)] {
        var names: [String: String] = [:]
        for call in messages.flatMap(\.toolCalls) { names[call.id] = call.name }
        return messages.compactMap { message in
            guard message.role == .tool, let callID = message.toolCallID else { return nil }
            let output = (try? JSONValue(parsing: message.content ?? "null")) ?? .string(message.content ?? "")
            return (names[callID] ?? callID, output)
        }
    }

    private static func arguments(for schema: JSONValue?, input: [String: JSONValue]) -> JSONValue {
        var arguments: [String: JSONValue] = [:]
        let properties = schema?["properties"]?.objectValue ?? [:]
        for key in schema?["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            arguments[key] = input[key] ?? sample(of: properties[key] ?? .emptyObject)
        }
        return .object(arguments)
    }

    private static func structuredAnswer(prompt: String, input: [String: JSONValue],
                                         results: [(tool: String, output: JSONValue)],
                                         schema: JSONValue?) -> JSONValue {
        guard let schema else {
            var answer: [String: JSONValue] = ["response": .string("mock response to: \(prompt)")]
            if !results.isEmpty {
                var byTool: [String: JSONValue] = [:]
                for result in results { byTool[result.tool] = result.output }
                answer["tool_results"] = .object(byTool)
            }
            return .object(answer)
        }
        guard let properties = schema["properties"]?.objectValue else { return sample(of: schema) }
        let sources = [input] + results.compactMap { $0.output.objectValue }
        var answer: [String: JSONValue] = [:]
        for (key, propertySchema) in properties {
            let found = sources.lazy.compactMap { $0[key] }
                .first { JSONSchemaValidator.errors(in: $0, against: propertySchema).isEmpty }
            answer[key] = found ?? sample(of: propertySchema)
        }
        return .object(answer)
    }

    /// A value that fits `schema`, the same every time.
    static func sample(of schema: JSONValue) -> JSONValue {
        if let value = schema["default"] ?? schema["const"] ?? schema["enum"]?.arrayValue?.first { return value }
        let type = schema["type"]?.stringValue ?? schema["type"]?.arrayValue?.first?.stringValue
        switch type {
        case "string": return "mock"
        case "integer": return .int(schema["minimum"]?.intValue ?? 1)
        case "number": return .double(schema["minimum"]?.doubleValue ?? 1.0)
        case "boolean": return true
        case "null": return .null
        case "array":
            let count = Int(schema["minItems"]?.intValue ?? 0)
            return .array(Array(repeating: sample(of: schema["items"] ?? .emptyObject), count: count))
        case "object":
            var object: [String: JSONValue] = [:]
            let properties = schema["properties"]?.objectValue ?? [:]
            for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                object[key] = sample(of: properties[key] ?? .emptyObject)
            }
            return .object(object)
        default: return .emptyObject
        }
    }
}
