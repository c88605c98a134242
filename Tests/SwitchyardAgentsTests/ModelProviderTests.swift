import Synchronization
import SwitchyardRuntime
import SwitchyardAgents
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// compozy's model declarations on the real wire (issue #10 items 1–2): Anthropic's Messages API,
/// `params` as each protocol carries them, `provider:model`, per-provider URLs and headers, token
/// usage in compozy's `usage` shape, and one turn's tool calls running concurrently. Every request
/// goes to `Fixtures/fake_openai.py`, a real HTTP server on loopback that records what it got.
@Suite("Model providers against a real server", .slow, .tags(.slow), .timeLimit(.minutes(1)))
struct ModelProviderTests {
    let runner = AgentRunner()

    func anthropicAgent(_ model: String, server: FakeOpenAIServer, toolIDs: [String] = [],
                        params: JSONValue = .emptyObject) -> AgentDefinition {
        AgentDefinition(
            id: "claude-helper", instructions: "You are terse.",
            model: ModelConfig(provider: "anthropic", model: model, apiKey: "sk-ant-test", apiURL: server.baseURL,
                               params: params),
            actions: [], toolIDs: toolIDs)
    }

    @Test func anthropicGetsItsHeadersTopLevelSystemAndDefaultMaxTokens() async throws {
        try await withFakeOpenAIServer { server in
            let result = try await runner.runReportingUsage(
                agent: anthropicAgent("claude-echo", server: server), actionID: nil, prompt: "Say hi",
                input: .emptyObject, tools: [], timeout: nil)
            #expect(result.output == ["response": "echo: Say hi"])
            let requests = try server.requests()
            try #require(requests.count == 1)
            #expect(requests[0]["path"] == "/v1/messages")
            #expect(requests[0]["x_api_key"] == "sk-ant-test")
            #expect(requests[0]["anthropic_version"] == .string(AnthropicProvider.apiVersion))
            #expect(requests[0]["authorization"] == .null)
            let body = requests[0]["body"]
            #expect(body?["system"] == "You are terse.")
            #expect(body?["max_tokens"] == .int(Int64(AnthropicProvider.defaultMaxTokens)))
            #expect(body?["messages"]?.arrayValue?.map { $0["role"] } == ["user"])
            #expect(body?["messages"]?[0]?["content"]?[0]?["type"] == "text")
            #expect(result.usage.json == [[
                "provider": "anthropic", "model": "claude-echo", "prompt_tokens": 20, "completion_tokens": 7,
                "total_tokens": 27, "agent_ids": ["claude-helper"],
            ]])
        }
    }

    @Test func anthropicToolUseRunsTheToolAndSendsAToolResultBlock() async throws {
        try await withFakeOpenAIServer { server in
            let recorder = ToolCallRecorder()
            let result = try await runner.runReportingUsage(
                agent: anthropicAgent("claude-tool-add", server: server, toolIDs: ["add"]), actionID: nil,
                prompt: "Add 2 and 3", input: .emptyObject, tools: [addTool(recorder: recorder)], timeout: nil)
            #expect(result.output == ["response": "sum is {\"sum\":5}"])
            #expect(recorder.calls == [["a": 2, "b": 3]])
            let requests = try server.requests()
            try #require(requests.count == 2)
            #expect(requests[0]["body"]?["tools"] == [["name": "add", "description": "Adds two integers",
                                                       "input_schema": addSchema]])
            let turns = requests[1]["body"]?["messages"]?.arrayValue ?? []
            #expect(turns.map { $0["role"] } == ["user", "assistant", "user"])
            #expect(turns[1]["content"]?.arrayValue?.last == [
                "type": "tool_use", "id": "toolu_1", "name": "add", "input": ["a": 2, "b": 3],
            ])
            #expect(turns[2]["content"] == [["type": "tool_result", "tool_use_id": "toolu_1", "content": "{\"sum\":5}"]])
            // Two calls, each 20 in and 7 out, summed into one entry.
            #expect(result.usage.entries.map(\.tokens) == [TokenUsage(promptTokens: 40, completionTokens: 14)])
        }
    }

    @Test func paramsAreSentAsEachProtocolCarriesThem() async throws {
        let params: JSONValue = [
            "temperature": 0, "max_tokens": 100, "stop_words": ["END"], "top_k": 5, "top_p": 0.9, "seed": 0,
            "presence_penalty": 0.5, "response_format": ["type": "json_object"],
        ]
        try await withFakeOpenAIServer { server in
            _ = try await runner.run(agent: fakeAgent("echo", server: server, params: params), actionID: nil,
                                     prompt: "p", input: .emptyObject, tools: [], timeout: nil)
            _ = try await runner.run(agent: anthropicAgent("claude-echo", server: server, params: params),
                                     actionID: nil, prompt: "p", input: .emptyObject, tools: [], timeout: nil)
            let requests = try server.requests()
            try #require(requests.count == 2)
            let openAI = requests[0]["body"]
            // compozy: a zero means "not set" (seed), except temperature; top_k is not an OpenAI field.
            #expect(openAI?["temperature"] == 0)
            #expect(openAI?["max_tokens"] == 100)
            #expect(openAI?["stop"] == ["END"])
            #expect(openAI?["top_p"] == 0.9)
            #expect(openAI?["presence_penalty"] == 0.5)
            #expect(openAI?["seed"] == nil)
            #expect(openAI?["top_k"] == nil)
            #expect(openAI?["stop_words"] == nil)
            #expect(openAI?["response_format"] == ["type": "json_object"])
            let anthropic = requests[1]["body"]
            #expect(anthropic?["stop_sequences"] == ["END"])
            #expect(anthropic?["top_k"] == 5)
            #expect(anthropic?["max_tokens"] == 100)
            #expect(anthropic?["temperature"] == 0)
            #expect(anthropic?["presence_penalty"] == nil)
            #expect(anthropic?["response_format"] == nil)
        }
    }

    @Test func malformedParamsAreConfigErrorsNamingTheParameter() {
        let catalog = { (params: JSONValue) throws(AgentError) in
            try ModelCatalog(models: [["provider": "openai", "model": "gpt-4o", "params": params]])
        }
        #expect(throws: AgentError.self) { try catalog(["temperature": "hot"]) }
        do {
            _ = try catalog(["stop_words": ["END", 3]])
            Issue.record("a number among stop_words was accepted")
        } catch {
            #expect(error.code == .invalidConfig)
            #expect(error.message.contains("models[0].params.stop_words[1]"), "\(error.message)")
        }
    }

    @Test func providerColonModelShorthandAndTheDefaultsItTakes() throws {
        let catalog = try ModelCatalog(models: [
            ["provider": "openai", "model": "gpt-4o", "api_key": "sk-default", "default": true],
        ])
        let sameProvider = try catalog.resolve("openai:gpt-4o-mini", at: "agents[0].model")
        #expect(sameProvider.provider == "openai")
        #expect(sameProvider.model == "gpt-4o-mini")
        #expect(sameProvider.apiKey == "sk-default")
        let other = try catalog.resolve("ollama:llama3:8b", at: "agents[0].model")
        #expect(other.provider == "ollama")
        #expect(other.model == "llama3:8b")
        #expect(other.apiKey == nil)
        #expect(ModelConfig.shorthand("gpt-4o") == nil)
        #expect(ModelConfig.shorthand(":gpt") == nil)
    }

    @Test func compozysOlderAgentConfigBlockIsTheModel() throws {
        let agent = try AgentDefinition(
            json: ["id": "old", "config": ["provider": "groq", "model": "llama-3.1-8b-instant"],
                   "actions": [["id": "a", "prompt": "p", "tools": ["extra", ["id": "more"]]]], "tools": ["base"]],
            at: "agents[0]", models: ModelCatalog(models: []))
        #expect(agent.model.provider == "groq")
        #expect(agent.model.model == "llama-3.1-8b-instant")
        #expect(agent.toolIDs(for: "a") == ["base", "extra", "more"])
        #expect(agent.toolIDs(for: nil) == ["base"])
    }

    @Test func ollamaServerRootGetsV1AndOrganizationIsSent() async throws {
        try await withFakeOpenAIServer { server in
            let root = String(server.baseURL.dropLast("/v1".count))
            var agent = fakeAgent("echo", server: server)
            agent.model = ModelConfig(provider: "ollama", model: "echo", apiURL: root)
            _ = try await runner.run(agent: agent, actionID: nil, prompt: "p", input: .emptyObject, tools: [], timeout: nil)
            agent.model = ModelConfig(provider: "openai", model: "echo", apiKey: "sk", apiURL: server.baseURL,
                                      organization: "org-42")
            _ = try await runner.run(agent: agent, actionID: nil, prompt: "p", input: .emptyObject, tools: [], timeout: nil)
            let requests = try server.requests()
            try #require(requests.count == 2)
            #expect(requests[0]["path"] == "/v1/chat/completions")
            #expect(requests[0]["organization"] == .null)
            #expect(requests[1]["organization"] == "org-42")
        }
    }

    @Test func usageIsSummedOverTurnsAndKeptWhenTheRunFails() async throws {
        try await withFakeOpenAIServer { server in
            let ok = try await runner.runReportingUsage(
                agent: fakeAgent("tool-add", server: server, toolIDs: ["add"]), actionID: nil, prompt: "Add",
                input: .emptyObject, tools: [addTool(recorder: ToolCallRecorder())], timeout: nil)
            #expect(ok.usage.json == [[
                "provider": "vllm", "model": "tool-add", "prompt_tokens": 20, "completion_tokens": 10,
                "total_tokens": 30, "reasoning_tokens": 4, "agent_ids": ["helper"],
            ]])
            do {
                _ = try await runner.runReportingUsage(
                    agent: fakeAgent("always-tool", server: server, toolIDs: ["add"], maxIterations: 3),
                    actionID: nil, prompt: "Loop", input: .emptyObject, tools: [addTool(recorder: ToolCallRecorder())],
                    timeout: nil)
                Issue.record("an endless tool loop succeeded")
            } catch let error as AgentError {
                #expect(error.code == .maxIterations)
                #expect(error.usage.entries.map(\.tokens.totalTokens) == [45])
            }
        }
    }

    @Test(arguments: ["parallel", "claude-parallel"])
    func oneTurnsToolCallsRunConcurrently(model: String) async throws {
        try await withFakeOpenAIServer { server in
            // Each call waits until the other has started: run one after the other, the first
            // would wait out its 10 s and answer "alone".
            let started = Mutex(0)
            let tool = AgentTool(descriptor: ToolDescriptor(id: "probe", description: "", inputSchema: nil)) { input in
                started.withLock { $0 += 1 }
                for _ in 0..<1_000 where started.withLock({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
                let together = started.withLock { $0 } >= 2
                return ["n": input["n"] ?? .null, "together": .bool(together)]
            }
            var agent = model.hasPrefix("claude")
                ? anthropicAgent(model, server: server, toolIDs: ["probe"])
                : fakeAgent(model, server: server, toolIDs: ["probe"])
            agent.maxIterations = 3
            let output = try await runner.run(agent: agent, actionID: nil, prompt: "Both", input: .emptyObject,
                                              tools: [tool], timeout: nil)
            // Results go back in the order the model asked for them.
            #expect(output == ["response": "results: {\"n\":1,\"together\":true}|{\"n\":2,\"together\":true}"])
        }
    }
}
