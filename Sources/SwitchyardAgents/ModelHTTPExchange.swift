import AsyncHTTPClient
import Logging
import SwitchyardJSON

/// One provider endpoint's JSON-over-HTTP exchange, shared by every wire protocol: POSTs a JSON
/// body with the protocol's headers, tries again after a 429, a 5xx or a network failure, and
/// returns the parsed JSON answer.
struct ModelHTTPExchange: Sendable {
    /// The full URL requests go to.
    let endpoint: String
    /// How many times a request is tried again.
    let maxRetries: Int
    /// The longest one HTTP exchange may take.
    let requestTimeout: Duration
    /// The largest response body accepted.
    let maxResponseBytes: Int
    let httpClient: HTTPClient
    let logger: Logger

    /// `base` without trailing slashes, then `path`.
    static func endpoint(base: String, path: String) -> String {
        var trimmed = Substring(base)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed) + path
    }

    /// Sends `body`, trying again (up to `maxRetries`) after a 429, a 5xx or a network failure:
    /// after the server's `Retry-After` when it gives one (at most 30 s), else after 0.25 s,
    /// 0.5 s, 1 s, ... (at most 8 s, ±20%).
    /// - Throws: `AgentError` `.http` (non-2xx, with the provider's error message), `.network`,
    ///   `.timeout`, `.canceled` or `.protocol` (a body that is not JSON or is too large); after
    ///   retries, the last failure, saying how many attempts were made.
    func send(_ body: JSONValue, headers: [(String, String)]) async throws(AgentError) -> JSONValue {
        var attempt = 1
        while true {
            do {
                return try await sendOnce(body, headers: headers)
            } catch {
                guard error.retryable, attempt <= maxRetries else { throw error.final(after: attempt) }
                let delay = error.retryAfter.map { min($0, .seconds(30)) } ?? Self.backoff(attempt: attempt)
                logger.warning("retrying a model request", metadata: [
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

    /// Statuses that say "later", not "never" (Anthropic's 529 "overloaded" among them).
    static let retryableStatuses: Set<UInt> = [429, 500, 502, 503, 504, 529]

    private func sendOnce(_ body: JSONValue, headers: [(String, String)]) async throws(AttemptFailure) -> JSONValue {
        var httpRequest = HTTPClientRequest(url: endpoint)
        httpRequest.method = .POST
        httpRequest.headers.add(name: "Content-Type", value: "application/json")
        httpRequest.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { httpRequest.headers.add(name: name, value: value) }
        httpRequest.body = .bytes(body.jsonBytes)
        ModelCallTracing.inject(into: &httpRequest)

        let status: UInt
        var retryAfter: Duration?
        var bytes: [UInt8] = []
        do {
            let response = try await httpClient.execute(
                httpRequest, timeout: .nanoseconds(requestTimeout.totalNanoseconds), logger: logger)
            status = response.status.code
            retryAfter = response.headers.first(name: "Retry-After").flatMap(Int64.init).map { .seconds(max(0, $0)) }
            for try await chunk in response.body {
                guard bytes.count + chunk.readableBytes <= maxResponseBytes else {
                    throw AgentError(.protocol, "response from \(endpoint) exceeds \(maxResponseBytes) bytes")
                }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as AgentError {
            throw AttemptFailure(error: error, retryable: false)
        } catch {
            let failure = transportError(error)
            throw AttemptFailure(error: failure, retryable: failure.code == .network)
        }
        guard (200..<300).contains(status) else {
            throw AttemptFailure(
                error: AgentError(.http, "HTTP \(status) from \(endpoint): \(Self.errorMessage(in: bytes))"),
                retryable: Self.retryableStatuses.contains(status), retryAfter: retryAfter)
        }
        do {
            let json = try JSONValue(parsing: bytes)
            ModelCallTracing.recordUsage(in: json)
            return json
        } catch {
            throw AttemptFailure(
                error: AgentError(.protocol, "response from \(endpoint) is not JSON: \(Self.snippet(bytes))"),
                retryable: false)
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

    /// The provider's own explanation of an error response: `error.message` (OpenAI and
    /// Anthropic), a bare `error` string, or the start of the body.
    static func errorMessage(in body: [UInt8]) -> String {
        if let json = try? JSONValue(parsing: body) {
            if let message = json["error"]?["message"]?.stringValue { return message }
            if let message = json["error"]?.stringValue { return message }
            if let message = json["message"]?.stringValue { return message }
        }
        let text = snippet(body)
        return text.isEmpty ? "(empty body)" : text
    }

    static func snippet(_ body: [UInt8]) -> String {
        String(decoding: body.prefix(500), as: UTF8.self)
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
