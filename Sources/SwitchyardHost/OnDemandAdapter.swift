import SwitchyardJSON
import SwitchyardRuntime

/// What the engine holds for each adapter key: the real adapter is loaded on the first call (or
/// is already there when the host loaded eagerly), and a load failure is that call's `ToolError`.
struct OnDemandAdapter: ToolAdapter {
    let id: String
    let adapters: ProjectAdapters

    func describe() async throws -> [ToolDescriptor] {
        try await adapters.adapter(id).describe()
    }

    func call(_ request: ToolCallRequest) -> AsyncThrowingStream<ToolEvent, any Error> {
        do {
            return try adapters.adapter(id).call(request)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error.withToolID(request.toolID)) }
        }
    }

    /// Forwards to the adapter's own `run`, which may answer without a stream.
    func run(_ request: ToolCallRequest, onEvent: (ToolEvent) -> Void) async throws -> JSONValue {
        let adapter: any ToolAdapter
        do { adapter = try adapters.adapter(id) } catch { throw error.withToolID(request.toolID) }
        return try await adapter.run(request, onEvent: onEvent)
    }

    /// Nothing: `ProjectAdapters.shutdown` shuts the real adapters down, once.
    func shutdown() async {}
}

extension ToolError {
    /// The error with `toolID` filled in when it names no tool yet.
    func withToolID(_ toolID: String) -> ToolError {
        var error = self
        if error.toolID == nil { error.toolID = toolID }
        return error
    }
}
