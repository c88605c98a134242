import AsyncHTTPClient
import Logging
import SwitchyardJSON

/// Talks to Anthropic's Messages API: `POST {api_url}/messages` (`https://api.anthropic.com/v1`
/// unless `api_url` says otherwise), with `x-api-key` and `anthropic-version` headers.
///
/// The system message travels as the top-level `system` field, tools as
/// `{name, description, input_schema}`, tool calls as `tool_use` content blocks and their results
/// as `tool_result` blocks in the next user message. The Messages API has no JSON mode (compozy
/// does not ask for one either): structured answers rely on the prompt's format instruction and
/// the runner's validation. Cancelling the calling task cancels the HTTP request.
public struct AnthropicProvider: ChatProvider {
    /// Anthropic's API base URL.
    public static let defaultBaseURL = "https://api.anthropic.com/v1"
    /// The `anthropic-version` header every request carries.
    public static let apiVersion = "2023-06-01"
    /// `max_tokens` is required by the Messages API; compozy's Anthropic client sends this much
    /// when `params.max_tokens` is not set.
    public static let defaultMaxTokens = 2048

    /// The model this provider calls.
    public let config: ModelConfig
    /// The full Messages URL.
    public var endpoint: String { exchange.endpoint }
    let exchange: ModelHTTPExchange

    /// Creates a provider for `config`.
    /// - Parameters:
    ///   - config: The model (`provider: anthropic`); `apiURL` replaces the default base URL.
    ///   - httpClient: The client to send requests with.
    ///   - logger: Receives one debug line per request.
    ///   - requestTimeout: The longest one HTTP exchange may take.
    ///   - maxResponseBytes: The largest response body accepted.
    public init(config: ModelConfig, httpClient: HTTPClient = AgentRunner.defaultHTTPClient,
                logger: Logger = Logger(label: "switchyard.agents.anthropic"),
                requestTimeout: Duration = .seconds(600), maxResponseBytes: Int = 16 << 20) {
        self.config = config
        let base = config.apiURL.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultBaseURL
        self.exchange = ModelHTTPExchange(
            endpoint: ModelHTTPExchange.endpoint(base: base, path: "/messages"), maxRetries: config.maxRetries,
            requestTimeout: requestTimeout, maxResponseBytes: maxResponseBytes, httpClient: httpClient, logger: logger)
    }

    /// Sends one Messages request (retries as `ModelHTTPExchange.send`).
    /// - Throws: `AgentError` `.http`, `.network`, `.timeout`, `.canceled` or `.protocol`
    ///   (an answer that is not a Messages response).
    func completeWithRetries(_ request: ChatRequest) async throws -> ChatResponse {
        var headers = [("anthropic-version", Self.apiVersion)]
        if let apiKey = config.apiKey, !apiKey.isEmpty { headers.append(("x-api-key", apiKey)) }
        exchange.logger.debug("anthropic message", metadata: [
            "endpoint": "\(endpoint)", "model": "\(config.model)", "messages": "\(request.messages.count)",
        ])
        let json = try await exchange.send(requestBody(for: request), headers: headers)
        return try Self.decodeResponse(json, from: endpoint)
    }
}
