import SwitchyardJSON

/// Which LLM an agent talks to and how: compozy's model object (`core.ProviderConfig`)
/// `{provider, model, api_key, api_url, organization, params}`, or its `provider:model` shorthand.
public struct ModelConfig: Sendable, Hashable {
    /// The provider name, lowercased: `anthropic`, `openai`, an OpenAI-compatible name (`groq`,
    /// `openrouter`, `deepseek`, `xai`, `cerebras`, `ollama`, or any with `api_url`), or `mock`.
    public var provider: String
    /// The provider's model name (`gpt-4o-mini`, `llama3.1`); may be empty for `mock`.
    public var model: String
    /// The API key, already rendered by the engine; sent as `Authorization: Bearer` (Anthropic:
    /// `x-api-key`).
    public var apiKey: String?
    /// The API base URL (without `/chat/completions`); `nil` takes the provider's default.
    public var apiURL: String?
    /// The organization id sent as `OpenAI-Organization` (OpenAI-compatible providers only).
    public var organization: String?
    /// compozy's generation parameters (`temperature`, `max_tokens`, `stop_words`, `top_p`,
    /// `seed`, ...), sent as each protocol carries them (`PromptParams`).
    public var params: JSONValue
    /// How many times a request is tried again after a 429, a 5xx or a network failure.
    public var maxRetries: Int

    /// Creates a configuration from its parts.
    public init(provider: String, model: String, apiKey: String? = nil, apiURL: String? = nil,
                organization: String? = nil, params: JSONValue = .emptyObject, maxRetries: Int = 2) {
        self.provider = provider.lowercased()
        self.model = model
        self.apiKey = apiKey
        self.apiURL = apiURL
        self.organization = organization
        self.params = params
        self.maxRetries = maxRetries
    }

    /// Reads a model object as written in a project or agent file.
    /// - Parameters:
    ///   - json: The model object.
    ///   - path: Where it sits (`agents[0].model`), used in error messages.
    /// - Throws: `AgentError` `.invalidConfig` naming the offending field.
    public init(json: JSONValue, at path: String) throws(AgentError) {
        self = try readingConfig { () throws(FieldProblem) in
            let fields = try FieldReader(json, at: path)
            let provider = try fields.requiredString("provider").lowercased()
            let model = try fields.string("model") ?? ""
            if model.isEmpty && provider != "mock" { throw FieldProblem(fields.path("model"), .missing) }
            let retries = try fields.parsed("max_retries", { $0.intValue.flatMap { (0...10).contains($0) ? Int($0) : nil } },
                                            otherwise: { "expected an integer from 0 to 10, got \($0)" })
            let params = try fields.object("params")
            if let params { try PromptParams.validate(params) }
            return ModelConfig(provider: provider, model: model, apiKey: try fields.string("api_key"),
                               apiURL: try fields.string("api_url"), organization: try fields.string("organization"),
                               params: params?.value ?? .emptyObject, maxRetries: retries ?? 2)
        }
    }

    /// Splits compozy's `provider:model` shorthand (`openai:gpt-4o`, `ollama:llama3:8b`) at its
    /// first colon; `nil` when `reference` has no colon or an empty side.
    public static func shorthand(_ reference: String) -> (provider: String, model: String)? {
        guard let colon = reference.firstIndex(of: ":") else { return nil }
        let provider = reference[..<colon].filter { !$0.isWhitespace }
        let model = reference[reference.index(after: colon)...].filter { !$0.isWhitespace }
        guard !provider.isEmpty, !model.isEmpty, !provider.contains("/") else { return nil }
        return (provider.lowercased(), model)
    }

    /// `provider/model`, as error messages name the model.
    public var displayName: String { model.isEmpty ? provider : "\(provider)/\(model)" }
}
