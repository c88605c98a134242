import SwitchyardAgents
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// A provider that says "later" (429, 5xx) or drops the connection is tried again, within the
/// model's `max_retries`; other failures are not.
@Suite("Chat-completion retries against a real server", .slow, .tags(.slow), .timeLimit(.minutes(1)))
struct AgentRetryTests {
    let runner = AgentRunner()

    func requestCount(_ server: FakeOpenAIServer) throws -> Int { try server.requests().count }

    func run(_ agent: AgentDefinition) async throws -> JSONValue {
        try await runner.run(agent: agent, actionID: nil, prompt: "Hi", input: .emptyObject, tools: [], timeout: nil)
    }

    @Test func twoServerErrorsAreRetriedAway() async throws {
        try await withFakeOpenAIServer { server in
            let output = try await run(fakeAgent("flaky-2", server: server))
            #expect(output == ["response": "recovered"])
            let requests3 = try requestCount(server)
            #expect(requests3 == 3)
        }
    }

    @Test func retriesStopAtMaxRetriesAndSayHowManyAttemptsWereMade() async throws {
        try await withFakeOpenAIServer { server in
            let error = await agentError { try await run(fakeAgent("flaky-9", server: server)) }
            #expect(error?.code == .http)
            let message = error?.message ?? ""
            #expect(message.contains("HTTP 503"))
            #expect(message.contains("(3 attempts)"))
            let requests3 = try requestCount(server)
            #expect(requests3 == 3)

            var once = fakeAgent("flaky-1", server: server)
            once.model.maxRetries = 0
            let single = await agentError { try await run(once) }?.message ?? ""
            #expect(single.contains("HTTP 503"))
            let requests4 = try requestCount(server)
            #expect(requests4 == 4, "max_retries 0: one attempt")
        }
    }

    @Test func a429WaitsForRetryAfter() async throws {
        try await withFakeOpenAIServer { server in
            let clock = ContinuousClock()
            var output: JSONValue = .null
            let elapsed = try await clock.measure { output = try await run(fakeAgent("rate-limited", server: server)) }
            #expect(output == ["response": "admitted"])
            let requests2 = try requestCount(server)
            #expect(requests2 == 2)
            // Retry-After: 1 was honoured rather than the 0.25 s backoff.
            #expect(elapsed >= .milliseconds(950))
        }
    }

    @Test func aClientErrorIsNotRetried() async throws {
        try await withFakeOpenAIServer { server in
            let message = await agentError { try await run(fakeAgent("no-such-script", server: server)) }?.message ?? ""
            #expect(message.contains("HTTP 400"))
            let requests1 = try requestCount(server)
            #expect(requests1 == 1)
        }
    }

    @Test func maxRetriesIsReadAndChecked() throws {
        let model = try ModelConfig(json: ["provider": "openai", "model": "gpt", "max_retries": 5], at: "models[0]")
        #expect(model.maxRetries == 5)
        #expect(try ModelConfig(json: ["provider": "openai", "model": "gpt"], at: "models[0]").maxRetries == 2)
        #expect {
            _ = try ModelConfig(json: ["provider": "openai", "model": "gpt", "max_retries": -1], at: "models[3]")
        } throws: { "\($0)".contains("models[3].max_retries") }
    }
}
