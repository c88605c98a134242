import SwitchyardJSON

/// A tool an adapter offers.
public struct ToolDescriptor: Sendable, Hashable {
    /// The tool id, as workflows name it.
    public var id: String
    /// What the tool does (shown to agents as the function description).
    public var description: String
    /// JSON Schema of the input object; `nil` accepts anything.
    public var inputSchema: JSONValue?
    /// JSON Schema of the output object; `nil` promises nothing.
    public var outputSchema: JSONValue?

    /// Creates a descriptor.
    public init(id: String, description: String = "", inputSchema: JSONValue? = nil, outputSchema: JSONValue? = nil) {
        self.id = id
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
    }
}

/// One tool call, as the engine asks for it.
public struct ToolCallRequest: Sendable {
    /// The tool to run.
    public var toolID: String
    /// The tool's input: a JSON object.
    public var input: JSONValue
    /// The tool's declared `config`: a JSON object.
    public var config: JSONValue
    /// Environment variables applied for this call only.
    public var env: [String: String]
    /// The call's time budget; `nil` takes the adapter's default.
    public var timeout: Duration?

    /// Creates a request.
    public init(toolID: String, input: JSONValue = .emptyObject, config: JSONValue = .emptyObject,
                env: [String: String] = [:], timeout: Duration? = nil) {
        self.toolID = toolID
        self.input = input
        self.config = config
        self.env = env
        self.timeout = timeout
    }
}

/// Severity of a log event from an adapter.
public enum ToolLogLevel: Int32, Sendable, Comparable {
    case trace = 0, debug, info, warning, error

    public static func < (lhs: ToolLogLevel, rhs: ToolLogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a call's stream yields. The stream ends after exactly one `.result`, or throws exactly one
/// `ToolError`.
public enum ToolEvent: Sendable, Hashable {
    /// A progress report (compozy's `ctx.progress(obj)`).
    case progress(JSONValue)
    /// A line for the host log.
    case log(ToolLogLevel, String)
    /// The call's output: always a JSON object. The last event.
    case result(JSONValue)
}

/// A runtime adapter as the engine sees it: a set of tools and a way to call them.
///
/// Every call ends exactly once: its stream yields zero or more `.progress`/`.log` events, then
/// either one `.result` and finishes, or throws one `ToolError`. Cancelling the task that
/// iterates the stream cancels the call; the adapter still waits for the call's resources
/// (processes, descriptors, readers) before the stream finishes.
public protocol ToolAdapter: Sendable {
    /// The adapter's id (`bun`, `ffi`, or the `id` of an `adapters:` entry).
    var id: String { get }

    /// The tools this adapter offers.
    /// - Throws: `ToolError` when the adapter cannot say.
    func describe() async throws -> [ToolDescriptor]

    /// Starts a call and returns its event stream.
    func call(_ request: ToolCallRequest) -> AsyncThrowingStream<ToolEvent, any Error>

    /// Runs a call to its end and returns its output, passing progress and log events to
    /// `onEvent`. The default consumes `call(_:)`; an adapter may answer without a stream.
    /// - Throws: `ToolError` with the call's error kind.
    func run(_ request: ToolCallRequest, onEvent: (ToolEvent) -> Void) async throws -> JSONValue

    /// Stops accepting calls and releases the adapter's resources (workers, instances).
    func shutdown() async
}

extension ToolAdapter {
    /// Runs a call to its end and returns its output, passing progress and log events to
    /// `onEvent`.
    /// - Throws: `ToolError` with the call's error kind.
    public func run(_ request: ToolCallRequest) async throws -> JSONValue {
        try await run(request, onEvent: { _ in })
    }

    /// Runs a call through `call(_:)` to its end; see the requirement.
    public func run(_ request: ToolCallRequest, onEvent: (ToolEvent) -> Void) async throws -> JSONValue {
        do {
            for try await event in call(request) {
                if case .result(let output) = event { return output }
                onEvent(event)
            }
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError(.protocol, "\(error)", toolID: request.toolID)
        }
        // A stream ends early without an error only when the consuming task was canceled
        // before it could wait for the outcome.
        if Task.isCancelled { throw ToolError(.canceled, "the call was canceled", toolID: request.toolID) }
        throw ToolError(.protocol, "the call ended without a result", toolID: request.toolID)
    }

    /// Default: nothing to release.
    public func shutdown() async {}
}
