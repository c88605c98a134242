import Synchronization
import SwitchyardAgents
import SwitchyardJSON
import SwitchyardTestSupport
import SwitchyardRuntime

/// Records every input a test tool was called with.
final class ToolCallRecorder: Sendable {
    private let inputs = Mutex<[JSONValue]>([])

    /// The inputs so far, in call order.
    var calls: [JSONValue] { inputs.withLock { $0 } }

    func record(_ input: JSONValue) { inputs.withLock { $0.append(input) } }
}

struct ToolFailure: Error, CustomStringConvertible {
    var description: String { "the adder is broken" }
}

/// The input schema of the `add` tool.
let addSchema: JSONValue = [
    "type": "object",
    "properties": ["a": ["type": "integer"], "b": ["type": "integer"]],
    "required": ["a", "b"],
]

/// A real `add` tool: `{a, b}` → `{"sum": a + b}`; throws `ToolFailure` when `failing`.
func addTool(recorder: ToolCallRecorder, failing: Bool = false) -> AgentTool {
    AgentTool(descriptor: ToolDescriptor(id: "add", description: "Adds two integers", inputSchema: addSchema)) { input in
        recorder.record(input)
        if failing { throw ToolFailure() }
        let sum = (input["a"]?.intValue ?? 0) + (input["b"]?.intValue ?? 0)
        return ["sum": .int(sum)]
    }
}

/// An agent whose model is the fake server's scripted `model`.
func fakeAgent(_ model: String, server: FakeOpenAIServer, actions: [AgentAction] = [], toolIDs: [String] = [],
               maxIterations: Int = 5, params: JSONValue = .emptyObject) -> AgentDefinition {
    AgentDefinition(
        id: "helper", instructions: "You are terse.",
        model: ModelConfig(provider: "vllm", model: model, apiKey: "sk-test", apiURL: server.baseURL, params: params),
        actions: actions, toolIDs: toolIDs, maxIterations: maxIterations)
}

/// Runs `body` and returns the `AgentError` it throws, or `nil` when it throws none.
func agentError(_ body: () async throws -> JSONValue) async -> AgentError? {
    do {
        _ = try await body()
        return nil
    } catch let error as AgentError {
        return error
    } catch {
        return AgentError(.protocol, "unexpected error type: \(error)")
    }
}

/// The messages of a recorded request.
func messages(of request: JSONValue) -> [JSONValue] {
    request["body"]?["messages"]?.arrayValue ?? []
}
