import AsyncHTTPClient
import Logging
import SwitchyardJSON

/// Runs agents: calls the model, runs the tools it asks for, and returns the final answer.
///
/// One run is a loop of at most `agent.maxIterations` model calls:
/// 1. The model gets the system message (`instructions`), the user message (the action's
///    prompt and/or the free prompt, then `Input: {...}`), the conversation so far, and the
///    tools (function name = tool id, parameters = its input schema).
/// 2. If it asks for tool calls, they run concurrently (as compozy runs one turn's calls) and
///    their outputs are appended as `tool` messages in the order the model asked for them. A call that fails (unknown tool, arguments that are not JSON or break the
///    tool's input schema, or a tool that throws) becomes `{"error": "..."}` so the model
///    can recover; only cancellation ends the run.
/// 3. Otherwise its text is the final answer: `{"response": text}`; or, with an output schema or
///    `json_mode`, the first JSON value in the text, validated against the schema. A
///    non-object value is returned as `{"response": value}`. An answer that does not parse or
///    validate is re-asked with the problem appended, while iterations remain.
///
/// Running out of iterations fails with "max tool iterations reached without final response"
/// (`.maxIterations`), or `.invalidOutput` when the last answer was a rejected final one.
public struct AgentRunner: Sendable {
    /// Checks a value against a JSON Schema, returning the problems (empty when it matches).
    public typealias SchemaValidator = @Sendable (_ value: JSONValue, _ schema: JSONValue) -> [String]

    let httpClient: HTTPClient
    let logger: Logger
    let schemaValidator: SchemaValidator

    /// Creates a runner.
    /// - Parameters:
    ///   - httpClient: The client OpenAI-compatible providers send requests with
    ///     (`defaultHTTPClient` unless given).
    ///   - logger: Receives a debug line per model call and per tool call.
    ///   - schemaValidator: Validates action inputs, tool arguments and structured answers;
    ///     the built-in `JSONSchemaValidator` subset by default.
    public init(httpClient: HTTPClient = AgentRunner.defaultHTTPClient,
                logger: Logger = Logger(label: "switchyard.agents"),
                schemaValidator: @escaping SchemaValidator = { JSONSchemaValidator.errors(in: $0, against: $1) }) {
        self.httpClient = httpClient
        self.logger = logger
        self.schemaValidator = schemaValidator
    }

    /// The provider for a model: `MockProvider` for `mock`, `AnthropicProvider` for
    /// `anthropic`, else `OpenAICompatibleProvider`.
    /// - Throws: `AgentError` `.unsupportedProvider` for a provider with no known URL and no `api_url`.
    public func provider(for model: ModelConfig) throws(AgentError) -> any ChatProvider {
        switch model.provider {
        case "mock": return MockProvider(config: model)
        case "anthropic": return AnthropicProvider(config: model, httpClient: httpClient, logger: logger)
        default: return try OpenAICompatibleProvider(config: model, httpClient: httpClient, logger: logger)
        }
    }

    /// Runs the agent for `action` (by id) or a free `prompt`, with `input` (the task's rendered
    /// `with`), to a final output object.
    /// - Parameters:
    ///   - agent: The agent, model resolved.
    ///   - actionID: The action to perform; its prompt comes first in the user message.
    ///   - prompt: A free prompt; alone, or after the action's prompt when both are given.
    ///   - input: The task input, validated against the action's input schema.
    ///   - tools: One `AgentTool` per id in `agent.toolIDs` and the action's `toolIDs` (extra
    ///     tools are offered too).
    ///   - timeout: The budget for the whole run (model calls and tool calls); `nil` for none.
    /// - Returns: `{"response": text}` or the validated structured answer.
    /// - Throws: `AgentError`, with the agent, action and model filled in.
    public func run(agent: AgentDefinition, actionID: String?, prompt: String?, input: JSONValue,
                    tools: [AgentTool], timeout: Duration?) async throws -> JSONValue {
        try await runReportingUsage(agent: agent, actionID: actionID, prompt: prompt, input: input, tools: tools,
                                    timeout: timeout).output
    }

    /// Runs the agent against a given provider (for custom backends).
    /// - Throws: `AgentError`, with the agent, action and model filled in.
    public func run(agent: AgentDefinition, actionID: String?, prompt: String?, input: JSONValue,
                    tools: [AgentTool], timeout: Duration?, provider: any ChatProvider) async throws -> JSONValue {
        try await runReportingUsage(agent: agent, actionID: actionID, prompt: prompt, input: input, tools: tools,
                                    timeout: timeout, provider: provider).output
    }

    /// Runs the agent like `run`, also returning the tokens its model calls used.
    /// - Parameter provider: The backend; `nil` takes `provider(for: agent.model)`.
    /// - Throws: `AgentError`, with the agent, action and model filled in and `usage` holding the
    ///   tokens of the calls made before the failure.
    public func runReportingUsage(agent: AgentDefinition, actionID: String?, prompt: String?, input: JSONValue,
                                  tools: [AgentTool], timeout: Duration?,
                                  provider: (any ChatProvider)? = nil) async throws -> AgentRunResult {
        let meter = UsageMeter(provider: agent.model.provider, model: agent.model.model, agentID: agent.id)
        func failure(_ error: AgentError) -> AgentError {
            var error = error.inContext(agentID: agent.id, actionID: actionID, model: agent.model.displayName)
            error.usage = meter.summary
            return error
        }
        do {
            let chosen = try provider ?? self.provider(for: agent.model)
            let plan = try AgentRunPlan(agent: agent, actionID: actionID, prompt: prompt, input: input,
                                        tools: tools, schemaValidator: schemaValidator)
            let output: JSONValue
            if let timeout {
                output = try await withTimeLimit(timeout) { try await converse(plan, provider: chosen, meter: meter) }
            } else {
                output = try await converse(plan, provider: chosen, meter: meter)
            }
            return AgentRunResult(output: output, usage: meter.summary)
        } catch let error as AgentError {
            throw failure(error)
        } catch {
            // Only cancellation reaches here: providers and tools' failures are AgentErrors or
            // tool messages.
            throw failure(AgentError(.canceled, Task.isCancelled ? "the run was cancelled" : "\(error)"))
        }
    }

    /// Runs `body`, cancelling it and failing with `.timeout` when `limit` passes first.
    private func withTimeLimit(_ limit: Duration,
                               _ body: @escaping @Sendable () async throws -> JSONValue) async throws -> JSONValue {
        try await withThrowingTaskGroup(of: JSONValue.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw AgentError(.timeout, "the run timed out after \(limit)")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }
}
