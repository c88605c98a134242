import SwitchyardEngine
import SwitchyardRuntime

/// Why a `ProjectHost` operation failed: a `Code` plus a message that names the file, library,
/// store path or id at fault. A struct with an extensible code, after swift-subprocess's
/// `SubprocessError`: new codes can be added without breaking a host's `switch`.
public struct HostError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's name.
        public let rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The name.
        public var description: String { rawValue }

        /// The project file is missing, unreadable or invalid (the message is `FILE: PATH: REASON`).
        public static let projectConfig = Code(rawValue: "project_config")
        /// The execution store cannot be opened or queried (the message names its path).
        public static let store = Code(rawValue: "store")
        /// An adapter library could not be found, loaded or configured (`toolError` has the kind:
        /// `load`, `abi`, `invalid_input`).
        public static let adapterLoad = Code(rawValue: "adapter_load")
        /// A tool names an adapter the project does not declare.
        public static let undeclaredAdapter = Code(rawValue: "undeclared_adapter")
        /// No tool with that id is declared (the message lists the declared ones).
        public static let unknownTool = Code(rawValue: "unknown_tool")
        /// The tool ran and failed: `toolError` has the contract's kind (`timeout`, `tool_error`, ...).
        public static let toolFailed = Code(rawValue: "tool_failed")
        /// No workflow with that id in the project (or, resuming a standalone execution, no such
        /// task or agent any more).
        public static let unknownWorkflow = Code(rawValue: "unknown_workflow")
        /// No execution with that id in the store.
        public static let unknownExecution = Code(rawValue: "unknown_execution")
        /// The execution already runs in this host.
        public static let alreadyRunning = Code(rawValue: "already_running")
        /// The input fails the workflow's input schema.
        public static let invalidInput = Code(rawValue: "invalid_input")
        /// The workflow has configuration problems the engine found when compiling it.
        public static let workflowConfig = Code(rawValue: "workflow_config")
        /// The host was shut down; it runs nothing more.
        public static let shutDown = Code(rawValue: "shut_down")
        /// A failure none of the other codes describe (the message says what it was).
        public static let other = Code(rawValue: "other")
    }

    /// What kind of failure this is.
    public var code: Code
    /// What was wrong and where: names the file, library, store path or id.
    public var message: String
    /// The adapter's or tool's own error, when the failure came from one: its `kind` is the
    /// contract's error kind (`error[KIND]` on the CLI) and `details` its captured stderr.
    public var toolError: ToolError?

    /// Creates an error.
    public init(_ code: Code, _ message: String, toolError: ToolError? = nil) {
        self.code = code
        self.message = message
        self.toolError = toolError
    }

    /// One line: `error[KIND]: message` when a tool or adapter failed, else `error: message`.
    public var description: String { toolError?.description ?? "error: \(message)" }
}

extension HostError {
    /// An adapter's or tool's error under `code`, keeping its kind and message.
    init(_ code: Code, toolError: ToolError) {
        self.init(code, toolError.message, toolError: toolError)
    }

    /// A project file problem.
    init(_ problem: ConfigError) {
        self.init(.projectConfig, problem.description)
    }

    /// The host error for what the engine or its store threw.
    static func from(engineFailure error: any Error) -> HostError {
        switch error {
        case let error as HostError: return error
        case let error as StoreError: return HostError(.store, error.description)
        case let error as EngineError:
            let codes: [EngineError.Kind: Code] = [
                .unknownWorkflow: .unknownWorkflow, .unknownExecution: .unknownExecution,
                .alreadyRunning: .alreadyRunning, .invalidInput: .invalidInput, .config: .workflowConfig,
                .unknownTask: .unknownWorkflow, .unknownAgent: .unknownWorkflow,
            ]
            return HostError(codes[error.kind] ?? .other, error.message)
        default: return HostError(.other, "\(error)")
        }
    }
}
