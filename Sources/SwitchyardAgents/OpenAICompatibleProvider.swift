import AsyncHTTPClient
import Logging
import SwitchyardJSON

/// Talks to OpenAI's chat-completions API or any server speaking it (ollama, vLLM, groq,
/// openrouter, LM Studio, ...): `POST {api_url}/chat/completions`.
///
/// Each call sends `Authorization: Bearer {api_key}` (when a key is set), the conversation, the
/// tools in OpenAI's `{"type":"function"}` form, `response_format: {"type":"json_object"}` in
/// JSON mode, and the model's `params` merged into the body. Cancelling the calling task
/// cancels the HTTP request.
public struct OpenAICompatibleProvider: ChatProvider {
    /// Base URLs of the providers that have a well-known one; any other provider needs `api_url`.
    public static let defaultBaseURLs: [String: String] = [
        "openai": "https://api.openai.com/v1",
        "ollama": "http://localhost:11434/v1",
        "groq": "https://api.groq.com/openai/v1",
        "openrouter": "https://openrouter.ai/api/v1",
    ]

    /// The model this provider calls.
    public let config: ModelConfig
    /// The full chat-completions URL.
    public let endpoint: String
    /// The longest one HTTP exchange may take.
    public let requestTimeout: Duration
    /// The largest response body accepted.
    public let maxResponseBytes: Int
    private let httpClient: HTTPClient
    private let logger: Logger

    /// Creates a provider for `config`.
    /// - Parameters:
    ///   - config: The model; its `apiURL`, else the provider's well-known base URL, is used.
    ///   - httpClient: The client to send requests with (`AgentRunner.defaultHTTPClient` by default).
    ///   - logger: Receives one debug line per request.
    ///   - requestTimeout: The longest one HTTP exchange may take.
    ///   - maxResponseBytes: The largest response body accepted.
    /// - Throws: `AgentError` `.unsupportedProvider` when there is no URL to call.
    public init(config: ModelConfig, httpClient: HTTPClient = AgentRunner.defaultHTTPClient,
                logger: Logger = Logger(label: "switchyard.agents.openai"),
                requestTimeout: Duration = .seconds(600), maxResponseBytes: Int = 16 << 20) throws(AgentError) {
        guard let base = config.apiURL ?? Self.defaultBaseURLs[config.provider], !base.isEmpty else {
            throw AgentError(
                .unsupportedProvider,
                "provider '\(config.provider)' is not supported without api_url; use openai, "
                    + "an OpenAI-compatible server with api_url, or mock",
                model: config.displayName)
        }
        var trimmed = Substring(base)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        self.config = config
        self.endpoint = String(trimmed) + "/chat/completions"
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.httpClient = httpClient
        self.logger = logger
    }

    /// Sends one chat-completions request, trying again (up to the model's `max_retries`) after
    /// a 429, a 5xx or a network failure: after the server's `Retry-After` when it gives one
    /// (at most 30 s), else after 0.25 s, 0.5 s, 1 s, ... (at most 8 s, ±20%).
    /// - Throws: `AgentError` `.http` (non-2xx, with the provider's error message), `.network`,
    ///   `.timeout`, `.canceled` or `.protocol` (an answer that is not a chat completion); after
    ///   retries, the last failure, saying how many attempts were made.
    func completeWithRetries(_ request: ChatRequest) async throws -> ChatResponse {
        var attempt = 1
        while true {
            do {
                return try await completeOnce(request)
            } catch {
                guard error.retryable, attempt <= config.maxRetries else { throw error.final(after: attempt) }
                let delay = error.retryAfter.map { min($0, .seconds(30)) } ?? Self.backoff(attempt: attempt)
                logger.warning("retrying a chat completion", metadata: [
                    "endpoint": "\(endpoint)", "attempt": "\(attempt)", "after": "\(delay)", "error": "\(error.error.message)",
                ])
                do { try await Task.sleep(for: delay) } catch {
                    throw AgentError(.canceled, "request to \(endpoint) was cancelled")
                }
            }
            attempt += 1
        }
    }

    /// 0.25 s doubled per attempt, at most 8 s, with ±20% jitter so clients spread out.
    static func backoff(attempt: Int) -> Duration {
        let base = min(0.25 * Double(1 << min(attempt - 1, 10)), 8)
        return .milliseconds(Int64(base * Double.random(in: 0.8...1.2) * 1000))
    }

    /// One attempt's failure, and whether trying again may help.
    struct AttemptFailure: Error {
        var error: AgentError
        var retryable: Bool
        var retryAfter: Duration? = nil

        /// The error to report once no attempt is left, saying how many were made.
        func final(after attempts: Int) -> AgentError {
            var error = self.error
            if attempts > 1 { error.message += " (\(attempts) attempts)" }
            return error
        }
    }

    /// Statuses that say "later", not "never".
    static let retryableStatuses: Set<UInt> = [429, 500, 502, 503, 504]

    private func completeOnce(_ request: ChatRequest) async throws(AttemptFailure) -> ChatResponse {
        var httpRequest = HTTPClientRequest(url: endpoint)
        httpRequest.method = .POST
        httpRequest.headers.add(name: "Content-Type", value: "application/json")
        httpRequest.headers.add(name: "Accept", value: "application/json")
        if let apiKey = config.apiKey, !apiKey.isEmpty {
            httpRequest.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        }
        httpRequest.body = .bytes(requestBody(for: request).jsonBytes)
        ModelCallTracing.inject(into: &httpRequest)
        logger.debug("chat completion", metadata: [
            "endpoint": "\(endpoint)", "model": "\(config.model)", "messages": "\(request.messages.count)",
        ])

        let status: UInt
        var retryAfter: Duration?
        var body: [UInt8] = []
        do {
            let response = try await httpClient.execute(
                httpRequest, timeout: .nanoseconds(requestTimeout.totalNanoseconds), logger: logger)
            status = response.status.code
            retryAfter = response.headers.first(name: "Retry-After").flatMap(Int64.init).map { .seconds(max(0, $0)) }
            for try await chunk in response.body {
                guard body.count + chunk.readableBytes <= maxResponseBytes else {
                    throw AgentError(.protocol, "response from \(endpoint) exceeds \(maxResponseBytes) bytes")
                }
                body.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as AgentError {
            throw AttemptFailure(error: error, retryable: false)
        } catch {
            let failure = transportError(error)
            throw AttemptFailure(error: failure, retryable: failure.code == .network)
        }
        guard (200..<300).contains(status) else {
            throw AttemptFailure(
                error: AgentError(.http, "HTTP \(status) from \(endpoint): \(Self.errorMessage(in: body))"),
                retryable: Self.retryableStatuses.contains(status), retryAfter: retryAfter)
        }
        do {
            let json: JSONValue
            do { json = try JSONValue(parsing: body) } catch {
                throw AgentError(.protocol, "response from \(endpoint) is not JSON: \(Self.snippet(body))")
            }
            ModelCallTracing.recordUsage(in: json)
            return try Self.decodeResponse(json, from: endpoint)
        } catch {
            throw AttemptFailure(error: error as? AgentError ?? AgentError(.protocol, "\(error)"), retryable: false)
        }
    }

    /// Turns a client failure into a clear `AgentError`.
    private func transportError(_ error: any Error) -> AgentError {
        if error is CancellationError || Task.isCancelled {
            return AgentError(.canceled, "request to \(endpoint) was cancelled")
        }
        if let clientError = error as? HTTPClientError {
            if clientError == .deadlineExceeded || clientError == .readTimeout || clientError == .writeTimeout {
                return AgentError(.timeout, "request to \(endpoint) timed out after \(requestTimeout)")
            }
            if clientError == .connectTimeout {
                return AgentError(.timeout, "connecting to \(endpoint) timed out")
            }
            if clientError == .cancelled {
                return AgentError(.canceled, "request to \(endpoint) was cancelled")
            }
        }
        return AgentError(.network, "request to \(endpoint) failed: \(error)")
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating at `Int64.max`.
    var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).overflow ? .max
            : scaled + attoseconds / 1_000_000_000
    }
}
