import SwitchyardEngine
import SwitchyardJSON
import SwitchyardRuntime

extension ProjectHost {
    /// Every tool the project declares: its own and each workflow's (a workflow's wins on a clash).
    public var tools: [ToolConfig] { project.allTools }

    /// The declared tools as descriptors (id, description, input and output schema), read from
    /// the configuration alone: nothing is loaded.
    public var declaredTools: [ToolDescriptor] {
        tools.map { ToolDescriptor(id: $0.id, description: $0.description, inputSchema: $0.input, outputSchema: $0.output) }
    }

    /// What each adapter the project uses says it offers, by adapter key (loading the adapters
    /// not loaded yet).
    /// - Throws: `HostError` `.adapterLoad` when an adapter cannot be loaded, `.toolFailed` when
    ///   one cannot say, `.shutDown`.
    public func describeTools() async throws(HostError) -> [String: [ToolDescriptor]] {
        var described: [String: [ToolDescriptor]] = [:]
        for key in adapterKeys {
            let adapter = try loadedAdapter(key)
            do { described[key] = try await adapter.describe() } catch {
                throw HostError(.toolFailed, toolError: error as? ToolError ?? ToolError(.protocol, "\(error)"))
            }
        }
        return described
    }

    /// Runs one declared tool through its adapter, loading only that adapter if it is not loaded
    /// yet (what `switchyard tools call` does). The call gets the tool's declared `config`, `env`
    /// and `timeout`.
    /// - Parameters:
    ///   - timeout: the call's time budget, overriding the tool's `timeout`.
    ///   - onEvent: receives the call's `.progress` and `.log` events as they come.
    /// - Returns: the tool's output, a JSON object.
    /// - Throws: `HostError` with `toolError` set: `.unknownTool` (kind `not_found`, the message
    ///   lists the declared tools), `.undeclaredAdapter` (`not_found`), `.adapterLoad` (`load`,
    ///   `abi`, `invalid_input`), `.invalidInput` (the input fails the tool's `input:` schema;
    ///   nothing is called), `.toolFailed` (the call's kind: `timeout`, `tool_error`, ... — also
    ///   `tool_error` for a result that fails the tool's `output:` schema); or `.shutDown`.
    public func callTool(_ toolID: String, input: JSONValue = .emptyObject, timeout: Duration? = nil,
                         onEvent: (ToolEvent) -> Void = { _ in }) async throws(HostError) -> JSONValue {
        try checkOpen()
        let declared = tools
        guard let tool = declared.first(where: { $0.id == toolID }) else {
            let known = declared.map(\.id).sorted().joined(separator: ", ")
            throw HostError(.unknownTool, toolError: ToolError(
                .notFound, "unknown tool \"\(toolID)\"; declared tools: \(known)", toolID: toolID))
        }
        guard adapterKeys.contains(tool.adapterKey) else {
            throw HostError(.undeclaredAdapter, toolError: ToolError(
                .notFound, "tool \"\(toolID)\" names adapter \"\(tool.adapterKey)\", which the project does not declare",
                toolID: toolID))
        }
        let input = tool.inputOverDefaults(input)
        do { try tool.checkInput(input) } catch {
            let named = ToolError(error.kind, "tool \"\(toolID)\": \(error.message)", toolID: toolID)
            throw HostError(.invalidInput, named.message, toolError: named)
        }
        let adapter = try loadedAdapter(tool.adapterKey)
        let request = ToolCallRequest(toolID: tool.id, input: input, config: tool.config, env: tool.env,
                                      timeout: timeout ?? tool.timeout)
        do {
            let output = try await adapter.run(request, onEvent: onEvent)
            try tool.checkOutput(output)
            return output
        } catch let error as ToolError {
            throw HostError(.toolFailed, toolError: error)
        } catch {
            throw HostError(.toolFailed, toolError: ToolError(.protocol, "\(error)", toolID: toolID))
        }
    }

    /// The adapter for `key`, loaded now if need be.
    /// - Throws: `HostError` `.adapterLoad`, or `.shutDown`.
    private func loadedAdapter(_ key: String) throws(HostError) -> any ToolAdapter {
        do { return try adapters.adapter(key) } catch {
            try checkOpen()
            throw HostError(.adapterLoad, toolError: error)
        }
    }
}
