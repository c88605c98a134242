import SwitchyardJSON
import SwitchyardRuntime

/// One tool the agent may call: its description (function name = `descriptor.id`, parameters =
/// `descriptor.inputSchema`) and how to run it.
///
/// The engine builds these from the agent's `tools`, typically wrapping
/// `ToolAdapter.run(ToolCallRequest(toolID:input:...))`. `invoke` receives the model's arguments
/// (a JSON object, already checked against the input schema) and returns the tool's output.
/// It should honour task cancellation: a cancelled or timed-out run cancels it.
public struct AgentTool: Sendable {
    /// The tool as the model sees it.
    public var descriptor: ToolDescriptor
    /// Runs the tool. A thrown error is reported to the model as `{"error": "..."}`.
    public var invoke: @Sendable (JSONValue) async throws -> JSONValue

    /// Creates a tool.
    public init(descriptor: ToolDescriptor, invoke: @escaping @Sendable (JSONValue) async throws -> JSONValue) {
        self.descriptor = descriptor
        self.invoke = invoke
    }
}
