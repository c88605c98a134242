import SwitchyardAgents
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

@Suite("AgentRunner against a real chat-completions server", .slow, .tags(.slow), .timeLimit(.minutes(1)))
struct AgentRunnerHTTPTests {
    let runner = AgentRunner()

    @Test func plainTextBecomesResponseAndCarriesInstructionsInputAndAuth() async throws {
        try await withFakeOpenAIServer { server in
            let output = try await runner.run(agent: fakeAgent("echo", server: server), actionID: nil,
                                              prompt: "Say hi", input: ["name": "Ada"], tools: [], timeout: nil)
            #expect(output == ["response": "echo: Say hi\n\nInput: {\"name\":\"Ada\"}"])

            let requests = try server.requests()
            try #require(requests.count == 1)
            #expect(requests[0]["path"] == "/v1/chat/completions")
            #expect(requests[0]["authorization"] == "Bearer sk-test")
            let sent = messages(of: requests[0])
            #expect(sent.first == ["role": "system", "content": "You are terse."])
            #expect(sent.last?["role"] == "user")
            #expect(requests[0]["body"]?["model"] == "echo")
            #expect(requests[0]["body"]?["tools"] == nil)
            #expect(requests[0]["body"]?["response_format"] == nil)
        }
    }

    @Test func toolLoopRunsTheToolAndSendsItsResultBack() async throws {
        try await withFakeOpenAIServer { server in
            let recorder = ToolCallRecorder()
            let output = try await runner.run(
                agent: fakeAgent("tool-add", server: server, toolIDs: ["add"]), actionID: nil,
                prompt: "Add 2 and 3", input: .emptyObject, tools: [addTool(recorder: recorder)], timeout: nil)

            #expect(output == ["response": "sum is {\"sum\":5}"])
            #expect(recorder.calls == [["a": 2, "b": 3]])
            let requests = try server.requests()
            try #require(requests.count == 2)
            let offered = requests[0]["body"]?["tools"]?.arrayValue?.first
            #expect(offered?["type"] == "function")
            #expect(offered?["function"]?["name"] == "add")
            #expect(offered?["function"]?["parameters"] == addSchema)
            let second = messages(of: requests[1])
            #expect(second.last == ["role": "tool", "tool_call_id": "call_1", "content": "{\"sum\":5}"])
            let assistant = second.first { $0["role"] == "assistant" }
            #expect(assistant?["tool_calls"]?.arrayValue?.first?["function"]?["name"] == "add")
        }
    }

    @Test func aThrowingToolBecomesAnErrorMessageTheModelSees() async throws {
        try await withFakeOpenAIServer { server in
            let recorder = ToolCallRecorder()
            let output = try await runner.run(
                agent: fakeAgent("tool-add", server: server, toolIDs: ["add"]), actionID: nil,
                prompt: "Add 2 and 3", input: .emptyObject, tools: [addTool(recorder: recorder, failing: true)],
                timeout: nil)

            #expect(output == ["response": "sum is {\"error\":\"the adder is broken\"}"])
            let requests = try server.requests()
            try #require(requests.count == 2)
            #expect(messages(of: requests[1]).last?["content"] == "{\"error\":\"the adder is broken\"}")
        }
    }

    @Test func endlessToolCallsStopAtMaxIterations() async throws {
        try await withFakeOpenAIServer { server in
            let recorder = ToolCallRecorder()
            let error = await agentError {
                try await runner.run(
                    agent: fakeAgent("always-tool", server: server, toolIDs: ["add"], maxIterations: 3),
                    actionID: nil, prompt: "Loop", input: .emptyObject, tools: [addTool(recorder: recorder)],
                    timeout: nil)
            }
            #expect(error?.code == .maxIterations)
            #expect(error?.message == "max tool iterations reached without final response")
            #expect(error?.agentID == "helper")
            #expect(try server.requests().count == 3)
            // `{}` breaks the schema (a and b are required): the tool never ran, the model was told.
            #expect(recorder.calls.isEmpty)
            let toolMessage = try messages(of: server.requests()[1]).last?["content"]?.stringValue ?? ""
            #expect(toolMessage.contains("$.a: required property is missing"))
        }
    }

    @Test func jsonModeExtractsTheValueFromProseAndFences() async throws {
        try await withFakeOpenAIServer { server in
            let action = AgentAction(id: "answer", prompt: "Answer", jsonMode: true)
            let output = try await runner.run(
                agent: fakeAgent("fenced-json", server: server, actions: [action]), actionID: "answer",
                prompt: nil, input: .emptyObject, tools: [], timeout: nil)
            #expect(output == ["answer": 42, "note": "a } in a string"])
            let request = try #require(try server.requests().first)
            #expect(request["body"]?["response_format"] == ["type": "json_object"])
        }
    }

    @Test func anAnswerBreakingTheOutputSchemaIsReaskedWithTheValidationError() async throws {
        try await withFakeOpenAIServer { server in
            let schema: JSONValue = [
                "type": "object", "properties": ["answer": ["type": "integer"]], "required": ["answer"],
            ]
            let action = AgentAction(id: "answer", prompt: "Answer", outputSchema: schema)
            let output = try await runner.run(
                agent: fakeAgent("schema-retry", server: server, actions: [action]), actionID: "answer",
                prompt: nil, input: .emptyObject, tools: [], timeout: nil)
            #expect(output == ["answer": 42])

            let requests = try server.requests()
            try #require(requests.count == 2)
            let reask = messages(of: requests[1]).last?["content"]?.stringValue ?? ""
            #expect(reask.contains("did not match the output schema"))
            #expect(reask.contains("$.answer: expected integer, got string"))
        }
    }

    @Test func anAnswerThatNeverValidatesFailsWhenTheBudgetRunsOut() async throws {
        try await withFakeOpenAIServer { server in
            let schema: JSONValue = ["type": "object", "properties": ["answer": ["type": "integer"]]]
            let action = AgentAction(id: "answer", prompt: "Answer", outputSchema: schema)
            let error = await agentError {
                try await runner.run(
                    agent: fakeAgent("schema-retry", server: server, actions: [action], maxIterations: 1),
                    actionID: "answer", prompt: nil, input: .emptyObject, tools: [], timeout: nil)
            }
            #expect(error?.code == .invalidOutput)
            #expect(error?.message.contains("$.answer: expected integer, got string") == true)
            #expect(error?.actionID == "answer")
        }
    }

    @Test func http500NamesTheStatusAndTheProvidersMessage() async throws {
        try await withFakeOpenAIServer { server in
            let error = await agentError {
                try await runner.run(agent: fakeAgent("error-500", server: server), actionID: nil, prompt: "Hi",
                                     input: .emptyObject, tools: [], timeout: nil)
            }
            #expect(error?.code == .http)
            #expect(error?.message.contains("HTTP 500") == true)
            #expect(error?.message.contains("the model is overloaded") == true)
            #expect(error?.description.contains("model 'vllm/error-500'") == true)
        }
    }

    @Test func aBodyThatIsNotJSONIsAProtocolError() async throws {
        try await withFakeOpenAIServer { server in
            let error = await agentError {
                try await runner.run(agent: fakeAgent("not-json", server: server), actionID: nil, prompt: "Hi",
                                     input: .emptyObject, tools: [], timeout: nil)
            }
            #expect(error?.code == .protocol)
            #expect(error?.message.contains("<html>surprise</html>") == true)
        }
    }

    @Test func paramsAreMergedIntoTheRequestAndStreamIsDropped() async throws {
        try await withFakeOpenAIServer { server in
            let params: JSONValue = ["temperature": 0.2, "max_tokens": 64, "stream": true, "model": "ignored"]
            _ = try await runner.run(agent: fakeAgent("echo", server: server, params: params), actionID: nil,
                                     prompt: "Hi", input: .emptyObject, tools: [], timeout: nil)
            let body = try #require(try server.requests().first?["body"])
            #expect(body["temperature"] == 0.2)
            #expect(body["max_tokens"] == 64)
            #expect(body["stream"] == nil)
            #expect(body["model"] == "echo")
        }
    }

    @Test func cancellingTheCallerEndsTheRunPromptly() async throws {
        try await withFakeOpenAIServer { server in
            let agent = fakeAgent("slow", server: server)
            let run = Task {
                try await runner.run(agent: agent, actionID: nil, prompt: "Hi", input: .emptyObject, tools: [],
                                     timeout: nil)
            }
            try await server.waitForRequests(1)
            run.cancel()
            // The server answers after 120 s; the suite's one-minute limit proves the run ended first.
            let error = await agentError { try await run.value }
            #expect(error?.code == .canceled)
        }
    }

    @Test func aRunTimeoutEndsTheRunWithTimeout() async throws {
        try await withFakeOpenAIServer { server in
            let error = await agentError {
                try await runner.run(agent: fakeAgent("slow", server: server), actionID: nil, prompt: "Hi",
                                     input: .emptyObject, tools: [], timeout: .milliseconds(300))
            }
            #expect(error?.code == .timeout)
            #expect(error?.message.contains("timed out") == true)
        }
    }

    @Test func anUnreachableServerIsANetworkError() async throws {
        let model = ModelConfig(provider: "openai", model: "gpt", apiURL: "http://127.0.0.1:1/v1")
        let agent = AgentDefinition(id: "offline", instructions: "", model: model)
        let error = await agentError {
            try await runner.run(agent: agent, actionID: nil, prompt: "Hi", input: .emptyObject, tools: [],
                                 timeout: nil)
        }
        #expect(error?.code == .network)
        #expect(error?.message.contains("http://127.0.0.1:1/v1/chat/completions") == true)
    }
}
