import SwitchyardAgents
import SwitchyardJSON
import Testing

@Suite("The mock provider", .timeLimit(.minutes(1)))
struct MockProviderTests {
    let runner = AgentRunner()

    func mockAgent(actions: [AgentAction] = [], params: JSONValue = .emptyObject) -> AgentDefinition {
        AgentDefinition(id: "mocked", instructions: "Be helpful.",
                        model: ModelConfig(provider: "mock", model: "", params: params),
                        actions: actions, toolIDs: ["add"])
    }

    @Test func callsNamedToolsWithInputArgumentsThenEchoesDeterministically() async throws {
        let recorder = ToolCallRecorder()
        var outputs: [JSONValue] = []
        for _ in 0..<2 {
            outputs.append(try await runner.run(
                agent: mockAgent(), actionID: nil, prompt: "Use add on the numbers", input: ["a": 2, "b": 3, "c": 9],
                tools: [addTool(recorder: recorder)], timeout: nil))
        }
        #expect(outputs[0] == ["response": "mock response to: Use add on the numbers\nadd: {\"sum\":5}"])
        #expect(outputs[1] == outputs[0])
        #expect(recorder.calls == [["a": 2, "b": 3], ["a": 2, "b": 3]])
    }

    @Test func doesNotCallToolsThePromptDoesNotName() async throws {
        let recorder = ToolCallRecorder()
        let output = try await runner.run(agent: mockAgent(), actionID: nil, prompt: "Just talk",
                                          input: .emptyObject, tools: [addTool(recorder: recorder)], timeout: nil)
        #expect(output == ["response": "mock response to: Just talk"])
        #expect(recorder.calls.isEmpty)
    }

    @Test func samplesArgumentsForRequiredFieldsMissingFromTheInput() async throws {
        let recorder = ToolCallRecorder()
        _ = try await runner.run(agent: mockAgent(), actionID: nil, prompt: "add", input: ["a": 7],
                                 tools: [addTool(recorder: recorder)], timeout: nil)
        #expect(recorder.calls == [["a": 7, "b": 1]])
    }

    @Test func fillsTheOutputSchemaFromInputAndToolResults() async throws {
        let schema: JSONValue = [
            "type": "object",
            "properties": ["sum": ["type": "integer"], "a": ["type": "integer"], "label": ["type": "string"],
                           "mode": ["enum": ["fast", "slow"]]],
            "required": ["sum", "label"],
        ]
        let action = AgentAction(id: "total", prompt: "Call add", outputSchema: schema)
        let output = try await runner.run(agent: mockAgent(actions: [action]), actionID: "total", prompt: nil,
                                          input: ["a": 4, "b": 5], tools: [addTool(recorder: ToolCallRecorder())],
                                          timeout: nil)
        #expect(output == ["sum": 9, "a": 4, "label": "mock", "mode": "fast"])
    }

    @Test func jsonModeWithoutSchemaReportsToolResults() async throws {
        let action = AgentAction(id: "raw", prompt: "Call add please", jsonMode: true)
        let output = try await runner.run(agent: mockAgent(actions: [action]), actionID: "raw", prompt: nil,
                                          input: ["a": 1, "b": 1], tools: [addTool(recorder: ToolCallRecorder())],
                                          timeout: nil)
        #expect(output == ["response": "mock response to: Call add please", "tool_results": ["add": ["sum": 2]]])
    }

    @Test func paramsResponseFixesTheAnswer() async throws {
        let fixed = try await runner.run(agent: mockAgent(params: ["response": "fixed text"]), actionID: nil,
                                         prompt: "Anything", input: .emptyObject,
                                         tools: [addTool(recorder: ToolCallRecorder())], timeout: nil)
        #expect(fixed == ["response": "fixed text"])

        let action = AgentAction(id: "json", prompt: "Anything", jsonMode: true)
        let structured = try await runner.run(agent: mockAgent(actions: [action], params: ["response": ["ok": true]]),
                                              actionID: "json", prompt: nil, input: .emptyObject,
                                              tools: [addTool(recorder: ToolCallRecorder())], timeout: nil)
        #expect(structured == ["ok": true])
    }
}
