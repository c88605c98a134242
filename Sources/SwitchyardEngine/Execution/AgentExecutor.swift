import SwitchyardJSON
import SwitchyardRuntime

/// One agent task, as the engine hands it to an `AgentExecutor`.
public struct AgentTaskRequest: Sendable {
    /// The agent declaration as written in the workflow (`id`, `instructions`, `model`, ...).
    public var agent: JSONValue
    /// `action`, when the task names one.
    public var action: String?
    /// `prompt`, when the task gives one.
    public var prompt: String?
    /// The task's rendered input (`with`).
    public var input: JSONValue
    /// The tools the workflow sees, by id.
    public var tools: [String: ToolConfig]
    /// The project's `models`.
    public var models: [JSONValue]
    /// The merged environment.
    public var env: [String: String]

    /// Creates a request.
    public init(agent: JSONValue, action: String?, prompt: String?, input: JSONValue,
                tools: [String: ToolConfig], models: [JSONValue], env: [String: String]) {
        self.agent = agent
        self.action = action
        self.prompt = prompt
        self.input = input
        self.tools = tools
        self.models = models
        self.env = env
    }
}

/// Runs agent tasks (the model/tool-calling loop). The agents module provides one; an engine
/// without it fails agent tasks with "agents are not supported yet".
public protocol AgentExecutor: Sendable {
    /// Runs the agent to its final answer and returns the task output (a JSON object).
    /// - Parameter adapters: the engine's adapters, for the tool calls the model asks for.
    /// - Throws: `TaskFailure` or `ToolError`; either fails the task.
    func run(_ request: AgentTaskRequest, adapters: [String: any ToolAdapter]) async throws -> JSONValue

    /// Runs the agent like `run`, also reporting the tokens its model calls used — on failure
    /// too (what the calls before it used). The engine records them as the task's `usage`.
    func runReportingUsage(_ request: AgentTaskRequest, adapters: [String: any ToolAdapter]) async -> AgentTaskResult
}

extension AgentExecutor {
    /// `run` with no usage reported, for executors that know none.
    public func runReportingUsage(_ request: AgentTaskRequest, adapters: [String: any ToolAdapter]) async -> AgentTaskResult {
        do {
            return AgentTaskResult(output: .success(try await run(request, adapters: adapters)), usage: UsageSummary())
        } catch {
            return AgentTaskResult(output: .failure(error), usage: UsageSummary())
        }
    }
}

/// What an agent task produced: its output or why it failed, and the tokens its model calls used
/// either way.
public struct AgentTaskResult: Sendable {
    /// The task output, or a `TaskFailure`/`ToolError`.
    public var output: Result<JSONValue, any Error>
    /// The tokens used, per provider and model.
    public var usage: UsageSummary

    /// Creates a result.
    public init(output: Result<JSONValue, any Error>, usage: UsageSummary) {
        self.output = output
        self.usage = usage
    }
}
