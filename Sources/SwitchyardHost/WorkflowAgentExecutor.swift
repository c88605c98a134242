import SwitchyardAgents
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardTemplates

/// Runs workflow agent tasks (`agent:` + `action:` or `prompt:`) with an `AgentRunner`: resolves
/// the agent's model from the project's `models:`, offers it the workflow's declared tools, and
/// runs each tool call the model asks for through the engine's adapters.
public struct WorkflowAgentExecutor: AgentExecutor {
    let runner: AgentRunner

    /// Creates an executor over `runner`.
    public init(runner: AgentRunner = AgentRunner()) {
        self.runner = runner
    }

    /// Runs the agent to its final answer.
    /// - Throws: `TaskFailure` naming the agent, action and what failed.
    public func run(_ request: AgentTaskRequest, adapters: [String: any ToolAdapter]) async throws -> JSONValue {
        try await runReportingUsage(request, adapters: adapters).output.get()
    }

    /// Runs the agent to its final answer, with the tokens its model calls used (also when it
    /// failed after some calls).
    public func runReportingUsage(_ request: AgentTaskRequest, adapters: [String: any ToolAdapter]) async -> AgentTaskResult {
        let agentID = request.agent["id"]?.stringValue ?? "?"
        do {
            // Model settings may read the environment (`api_key: "{{ .env.OPENAI_API_KEY }}"`).
            let context: JSONValue = ["env": .object(request.env.mapValues(JSONValue.string))]
            let models = try TemplateRenderer.render(.array(request.models), context: context)
            var agent = request.agent.objectValue ?? [:]
            for key in ["model", "config"] {
                if let model = agent[key] { agent[key] = try TemplateRenderer.render(model, context: context) }
            }
            let catalog = try ModelCatalog(models: models)
            let definition = try AgentDefinition(json: .object(agent), at: "agents[\(agentID)]", models: catalog)
            // The agent's tools, then the action's own (compozy's action-level `tools`), their
            // `config`/`env` templates rendered with `.env` (what model fields see too).
            var tools: [AgentTool] = []
            for toolID in definition.toolIDs(for: request.action) {
                guard var tool = request.tools[toolID], let adapter = adapters[tool.adapterKey] else { continue }
                tool.config = try TemplateRenderer.render(tool.config, context: context)
                tool.env = try tool.env.mapValues { value in
                    value.contains("{{") ? try TemplateRenderer.render(.string(value), context: context).stringValue ?? value : value
                }
                tools.append(Self.agentTool(tool, adapter: adapter, env: request.env))
            }
            let result = try await runner.runReportingUsage(agent: definition, actionID: request.action,
                                                            prompt: request.prompt, input: request.input,
                                                            tools: tools, timeout: nil)
            return AgentTaskResult(output: .success(result.output), usage: result.usage)
        } catch let error as AgentError {
            let failure = TaskFailure("agent \"\(agentID)\": \(error.description)", kind: error.code.toolErrorKind)
            return AgentTaskResult(output: .failure(failure), usage: error.usage)
        } catch let error as TemplateError {
            return AgentTaskResult(output: .failure(TaskFailure("agent \"\(agentID)\": \(error.description)")),
                                   usage: UsageSummary())
        } catch {
            return AgentTaskResult(output: .failure(error), usage: UsageSummary())
        }
    }

    /// A declared tool as the model sees it (name = id, parameters = input schema), called
    /// through its adapter with the tool's config, env and timeout.
    static func agentTool(_ tool: ToolConfig, adapter: any ToolAdapter, env: [String: String]) -> AgentTool {
        let descriptor = ToolDescriptor(id: tool.id, description: tool.description,
                                        inputSchema: tool.input, outputSchema: tool.output)
        let environment = env.merging(tool.env) { _, own in own }
        return AgentTool(descriptor: descriptor) { arguments in
            let input = tool.inputOverDefaults(arguments)
            // A schema failure goes back to the model like any tool error, so it can correct its call.
            try tool.checkInput(input)
            // Its own `execute_tool` span, under the agent task's span, like a task's tool call.
            let call = TracedToolCall(execID: nil, adapter: adapter, tool: tool, taskID: nil)
            let output = try await call.run(ToolCallRequest(toolID: tool.id, input: input, config: tool.config,
                                                            env: environment, timeout: tool.timeout)) { _ in }
            try tool.checkOutput(output)
            return output
        }
    }
}

extension AgentError.Code {
    /// The contract's error kind for an agent failure.
    var toolErrorKind: ToolError.Kind {
        switch self {
        case .timeout: return .timeout
        case .canceled: return .canceled
        case .invalidInput, .invalidConfig: return .invalidInput
        case .toolNotFound, .unknownAction: return .notFound
        case .protocol: return .protocol
        default: return .toolError
        }
    }
}
