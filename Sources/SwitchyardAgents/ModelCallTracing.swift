import AsyncHTTPClient
import SwitchyardJSON
import Tracing

/// A span per model call (docs/TRACING.md), named and attributed after OpenTelemetry's GenAI
/// conventions (`chat MODEL`, `gen_ai.*`), and the W3C trace context on the provider request.
enum ModelCallTracing {
    /// The model call's span while its HTTP exchanges run, so the response's token usage lands on it.
    @TaskLocal static var span: (any Span)?

    /// `body` (one model call, retries included) inside a client span; the span is the trace
    /// context that `inject` puts on each HTTP request.
    static func traced(_ config: ModelConfig, _ body: () async throws -> ChatResponse) async throws -> ChatResponse {
        try await withSpan("chat \(config.model)", ofKind: .client) { span in
            guard span.isRecording else { return try await body() }
            span.attributes["gen_ai.operation.name"] = "chat"
            span.attributes["gen_ai.provider.name"] = config.provider
            span.attributes["gen_ai.request.model"] = config.model
            do {
                let response = try await $span.withValue(span) { try await body() }
                if let reason = response.finishReason { span.attributes["gen_ai.response.finish_reasons"] = [reason] }
                return response
            } catch {
                let agentError = error as? AgentError
                span.attributes["error.type"] = agentError?.code.name ?? "\(type(of: error))"
                span.setStatus(SpanStatus(code: .error, message: agentError?.message ?? "\(error)"))
                throw error
            }
        }
    }

    /// Adds `traceparent` (and `tracestate`) for the current span; nothing when tracing is off.
    static func inject(into request: inout HTTPClientRequest) {
        guard let context = InstrumentationContext.current else { return }
        InstrumentationSystem.instrument.inject(context, into: &request, using: HTTPRequestHeaderInjector())
    }

    /// Token usage and the answering model from a provider response, when it says.
    static func recordUsage(in response: JSONValue) {
        guard let span, span.isRecording else { return }
        if let model = response["model"]?.stringValue { span.attributes["gen_ai.response.model"] = model }
        guard let usage = response["usage"] else { return }
        // OpenAI's names, else Anthropic's.
        if let input = (usage["prompt_tokens"] ?? usage["input_tokens"])?.intValue {
            span.attributes["gen_ai.usage.input_tokens"] = input
        }
        if let output = (usage["completion_tokens"] ?? usage["output_tokens"])?.intValue {
            span.attributes["gen_ai.usage.output_tokens"] = output
        }
    }
}

/// Writes trace-context headers into an AsyncHTTPClient request.
struct HTTPRequestHeaderInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout HTTPClientRequest) {
        carrier.headers.replaceOrAdd(name: key, value: value)
    }
}

extension OpenAICompatibleProvider {
    /// Sends one chat-completions request (with its retries, see `completeWithRetries`) inside a
    /// `chat MODEL` span, the provider request carrying that span's `traceparent`.
    /// - Throws: `AgentError`, as `completeWithRetries`.
    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        try await ModelCallTracing.traced(config) { try await completeWithRetries(request) }
    }
}

extension AnthropicProvider {
    /// Sends one Messages request (with its retries) inside a `chat MODEL` span, the provider
    /// request carrying that span's `traceparent`.
    /// - Throws: `AgentError`, as `completeWithRetries`.
    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        try await ModelCallTracing.traced(config) { try await completeWithRetries(request) }
    }
}
