import SwitchyardAgents
import SwitchyardJSON
import Testing

@Suite("Reading agents and models", .timeLimit(.minutes(1)))
struct AgentConfigurationTests {
    let models: JSONValue = [
        ["id": "fast", "provider": "openai", "model": "gpt-4o-mini", "api_key": "sk-1", "default": true,
         "params": ["temperature": 0.1, "max_tokens": 100]],
        ["id": "local", "provider": "ollama", "model": "llama3.1"],
    ]

    @Test func modelReferencesResolveByIDInlineAndDefault() throws {
        let catalog = try ModelCatalog(models: models)
        #expect(try catalog.resolve("local", at: "a.model")
            == ModelConfig(provider: "ollama", model: "llama3.1"))
        #expect(try catalog.resolve(nil, at: "a.model").model == "gpt-4o-mini")
        #expect(try catalog.resolve(["id": "local"], at: "a.model").provider == "ollama")

        let inline = try catalog.resolve(["model": "gpt-4o", "params": ["temperature": 0.9]], at: "a.model")
        #expect(inline == ModelConfig(provider: "openai", model: "gpt-4o", apiKey: "sk-1",
                                      apiURL: nil, params: ["temperature": 0.9, "max_tokens": 100]))

        // Another provider takes nothing but the gap-free fields it gave.
        let other = try catalog.resolve(["provider": "groq", "model": "llama-3.3"], at: "a.model")
        #expect(other == ModelConfig(provider: "groq", model: "llama-3.3"))
    }

    @Test func modelErrorsNameTheField() throws {
        let catalog = try ModelCatalog(models: models)
        let unknown = #expect(throws: AgentError.self) { try catalog.resolve("missing", at: "agents[0].model") }
        #expect(unknown?.message == "agents[0].model: unknown model 'missing'; project models: fast, local")
        let noModel = #expect(throws: AgentError.self) { try ModelConfig(json: ["provider": "openai"], at: "models[2]") }
        #expect(noModel?.message == "models[2].model: required string is missing")
        let noDefault = #expect(throws: AgentError.self) {
            try ModelCatalog(models: .null).resolve(nil, at: "agents[1].model")
        }
        #expect(noDefault?.message == "agents[1].model: no model given and no project model has default: true")
        let twoDefaults = #expect(throws: AgentError.self) {
            try ModelCatalog(models: [["provider": "mock", "id": "a", "default": true], ["provider": "mock", "id": "b", "default": true]])
        }
        #expect(twoDefaults?.message == "models[1].default: more than one model has default: true")
    }

    @Test func agentDefinitionReadsActionsToolsAndDefaults() throws {
        let json: JSONValue = [
            "id": "writer", "instructions": "Write well.", "model": "local",
            "actions": [["id": "draft", "prompt": "Draft it", "output": ["type": "object"], "json_mode": false]],
            "tools": ["search", ["id": "add"], ["id": "search"]],
        ]
        let agent = try AgentDefinition(json: json, at: "agents[0]", models: ModelCatalog(models: models))
        #expect(agent.id == "writer")
        #expect(agent.model.provider == "ollama")
        #expect(agent.toolIDs == ["search", "add"])
        #expect(agent.maxIterations == 5)
        #expect(agent.actions.first?.outputSchema == ["type": "object"])
        #expect(agent.actions.first?.wantsStructuredOutput == true)

        let badCount = #expect(throws: AgentError.self) {
            try AgentDefinition(json: ["id": "x", "max_iterations": "many"], at: "agents[3]",
                                models: ModelCatalog(models: models))
        }
        #expect(badCount?.message == "agents[3].max_iterations: expected an integer, got string")
        #expect(badCount?.code == .invalidConfig)
    }

    @Test func runRejectsUnknownActionsMissingToolsBadInputAndUnknownProviders() async {
        let runner = AgentRunner()
        let action = AgentAction(id: "sum", prompt: "Sum", inputSchema: addSchema)
        let agent = AgentDefinition(id: "calc", instructions: "", model: ModelConfig(provider: "mock", model: ""),
                                    actions: [action], toolIDs: ["add"])
        let tools = [addTool(recorder: ToolCallRecorder())]

        let unknown = await agentError {
            try await runner.run(agent: agent, actionID: "nope", prompt: nil, input: .emptyObject, tools: tools,
                                 timeout: nil)
        }
        #expect(unknown?.code == .unknownAction)
        #expect(unknown?.message == "unknown action 'nope'; declared actions: sum")

        let missingTool = await agentError {
            try await runner.run(agent: agent, actionID: "sum", prompt: nil, input: ["a": 1, "b": 2], tools: [],
                                 timeout: nil)
        }
        #expect(missingTool?.code == .toolNotFound)

        let badInput = await agentError {
            try await runner.run(agent: agent, actionID: "sum", prompt: nil, input: ["a": "one"], tools: tools,
                                 timeout: nil)
        }
        #expect(badInput?.code == .invalidInput)
        #expect(badInput?.message.contains("$.a: expected integer, got string") == true)
        #expect(badInput?.description.hasPrefix("agent 'calc', action 'sum', model 'mock': ") == true)

        var remote = agent
        remote.model = ModelConfig(provider: "bedrock", model: "claude")
        let unsupported = await agentError {
            try await runner.run(agent: remote, actionID: "sum", prompt: nil, input: ["a": 1, "b": 2], tools: tools,
                                 timeout: nil)
        }
        #expect(unsupported?.code == .unsupportedProvider)
    }
}
