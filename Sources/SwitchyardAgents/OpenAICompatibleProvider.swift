import AsyncHTTPClient
import Logging
import SwitchyardJSON

/// Talks to OpenAI's chat-completions API or any server speaking it (groq, openrouter,
/// deepseek, xai, cerebras, ollama, vLLM, LM Studio, ...): `POST {api_url}/chat/completions`.
///
/// Each call sends `Authorization: Bearer {api_key}` (when a key is set),
/// `OpenAI-Organization` (when `organization` is set), the conversation, the tools in OpenAI's
/// `{"type":"function"}` form, `response_format: {"type":"json_object"}` in JSON mode, and the
/// model's `params` as compozy sends them (`PromptParams`). Cancelling the calling task cancels
/// the HTTP request.
public struct OpenAICompatibleProvider: ChatProvider {
    /// The base URLs compozy uses for the providers that have one; any other provider needs
    /// `api_url`.
    public static let defaultBaseURLs: [String: String] = [
        "openai": "https://api.openai.com/v1",
        "ollama": "http://localhost:11434/v1",
        "groq": "https://api.groq.com/openai/v1",
        "openrouter": "https://openrouter.ai/api/v1",
        "deepseek": "https://api.deepseek.com/v1",
        "xai": "https://api.x.ai/v1",
        "cerebras": "https://api.cerebras.ai/v1",
    ]

    /// The model this provider calls.
    public let config: ModelConfig
    /// The full chat-completions URL.
    public var endpoint: String { exchange.endpoint }
    /// The longest one HTTP exchange may take.
    public var requestTimeout: Duration { exchange.requestTimeout }
    let exchange: ModelHTTPExchange

    /// Creates a provider for `config`.
    /// - Parameters:
    ///   - config: The model; its `apiURL`, else the provider's well-known base URL, is used.
    ///     An ollama `api_url` written as compozy writes it (the server root,
    ///     `http://host:11434`) gets ollama's OpenAI-compatible `/v1` appended.
    ///   - httpClient: The client to send requests with (`AgentRunner.defaultHTTPClient` by default).
    ///   - logger: Receives one debug line per request.
    ///   - requestTimeout: The longest one HTTP exchange may take.
    ///   - maxResponseBytes: The largest response body accepted.
    /// - Throws: `AgentError` `.unsupportedProvider` when there is no URL to call.
    public init(config: ModelConfig, httpClient: HTTPClient = AgentRunner.defaultHTTPClient,
                logger: Logger = Logger(label: "switchyard.agents.openai"),
                requestTimeout: Duration = .seconds(600), maxResponseBytes: Int = 16 << 20) throws(AgentError) {
        guard var base = config.apiURL ?? Self.defaultBaseURLs[config.provider], !base.isEmpty else {
            throw AgentError(
                .unsupportedProvider,
                "provider '\(config.provider)' is not supported without api_url; use one of "
                    + (Self.defaultBaseURLs.keys.sorted() + ["anthropic", "mock"]).sorted().joined(separator: ", ")
                    + ", or an OpenAI-compatible server with api_url",
                model: config.displayName)
        }
        if config.provider == "ollama", let apiURL = config.apiURL, Self.isServerRoot(apiURL) {
            base = ModelHTTPExchange.endpoint(base: apiURL, path: "/v1")
        }
        self.config = config
        self.exchange = ModelHTTPExchange(
            endpoint: ModelHTTPExchange.endpoint(base: base, path: "/chat/completions"), maxRetries: config.maxRetries,
            requestTimeout: requestTimeout, maxResponseBytes: maxResponseBytes, httpClient: httpClient, logger: logger)
    }

    /// Whether `url` is `scheme://host[:port]` with no path (or only `/`).
    private static func isServerRoot(_ url: String) -> Bool {
        guard let schemeEnd = url.range(of: "://") else { return false }
        return !url[schemeEnd.upperBound...].drop(while: { $0 != "/" }).contains { $0 != "/" }
    }

    /// Sends one chat-completions request (retries as `ModelHTTPExchange.send`).
    /// - Throws: `AgentError` `.http`, `.network`, `.timeout`, `.canceled` or `.protocol`
    ///   (an answer that is not a chat completion).
    func completeWithRetries(_ request: ChatRequest) async throws -> ChatResponse {
        var headers: [(String, String)] = []
        if let apiKey = config.apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
        if let organization = config.organization, !organization.isEmpty {
            headers.append(("OpenAI-Organization", organization))
        }
        exchange.logger.debug("chat completion", metadata: [
            "endpoint": "\(endpoint)", "model": "\(config.model)", "messages": "\(request.messages.count)",
        ])
        let json = try await exchange.send(requestBody(for: request), headers: headers)
        return try Self.decodeResponse(json, from: endpoint)
    }
}
