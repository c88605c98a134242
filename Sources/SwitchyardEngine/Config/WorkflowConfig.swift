import SwitchyardJSON

/// A workflow file in compozy's schema.
public struct WorkflowConfig: Sendable {
    /// `id`.
    public var id: String
    /// `version`.
    public var version: String
    /// `description`.
    public var description: String
    /// `config.input`: JSON Schema of the workflow input, if declared.
    public var inputSchema: JSONValue?
    /// `config.env`.
    public var env: [String: String]
    /// `config.timeout`: the whole run's time budget; past it the run ends TIMED_OUT.
    public var timeout: Duration?
    /// `tools` declared in this file.
    public var tools: [ToolConfig]
    /// `agents` declared in this file, as written (the agents module reads them).
    public var agents: [JSONValue]
    /// `triggers`.
    public var triggers: [JSONValue]
    /// `tasks`, in file order; the first one is where a run starts.
    public var tasks: [TaskConfig]
    /// `outputs`: templates for the workflow output; `nil` means `{taskID: {output}}`.
    public var outputs: JSONValue?
    /// The file this workflow came from.
    public var file: String
    /// `schedule`: when `serve` starts this workflow by itself.
    public var schedule: WorkflowSchedule?
    /// `schemas`: this workflow's schemas by id, seen before the project's.
    public var schemas: [String: JSONValue] = [:]

    /// Creates a workflow.
    public init(id: String, version: String = "", description: String = "", inputSchema: JSONValue? = nil,
                env: [String: String] = [:], timeout: Duration? = nil, tools: [ToolConfig] = [],
                agents: [JSONValue] = [], triggers: [JSONValue] = [], tasks: [TaskConfig] = [],
                outputs: JSONValue? = nil, file: String = "") {
        self.id = id
        self.version = version
        self.description = description
        self.inputSchema = inputSchema
        self.env = env
        self.timeout = timeout
        self.tools = tools
        self.agents = agents
        self.triggers = triggers
        self.tasks = tasks
        self.outputs = outputs
        self.file = file
    }

    /// Applies the input schema's `properties.*.default` to the missing members of `input`.
    public func inputWithDefaults(_ input: JSONValue) -> JSONValue {
        guard let properties = inputSchema?["properties"]?.objectValue else { return input }
        var members = input.objectValue ?? [:]
        for (name, schema) in properties where members[name] == nil {
            if let fallback = schema["default"] { members[name] = fallback }
        }
        if input.objectValue == nil, !input.isNull, members.isEmpty { return input }
        return .object(members)
    }
}
