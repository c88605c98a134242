import SwitchyardJSON

/// A loaded project: `compozy.yaml` / `switchyard.yaml` plus every workflow file it lists.
public struct ProjectConfig: Sendable {
    /// `name`.
    public var name: String
    /// `version`.
    public var version: String
    /// The project directory every relative path is resolved against.
    public var directory: String
    /// The project file that was read (directory joined with its name).
    public var file: String
    /// `runtime`: how tools without an `adapter` run.
    public var runtime: RuntimeConfig
    /// `tools` declared in the project file.
    public var tools: [ToolConfig]
    /// `adapters`: libraries loaded with dlopen that serve `adapter: ID` tools.
    public var adapters: [AdapterConfig]
    /// `models`, kept as written for the agents module.
    public var models: [JSONValue]
    /// The workflows listed under `workflows: [{source}]`, in order.
    public var workflows: [WorkflowConfig]
    /// Project-wide environment variables (`env`), the lowest layer of a task's env.
    public var env: [String: String]
    /// The values of `env` that are secrets (`SecretRedactor`): kept out of stored state, errors and logs.
    public var secrets: [String] = []
    /// `autoload:` as written; nil when the project file has none.
    public var autoload: AutoloadConfig?
    /// `store:` as written: the execution store the project records in when neither `--store`
    /// nor `$SWITCHYARD_STORE` names one (checked and resolved by the host; may hold a password,
    /// so never print it); nil when the project file has none.
    public var store: String?
    /// Every resource by kind and id: the project file's, the workflows', the autoloaded ones.
    public var resources = ResourceRegistry()
    /// What the loader skipped without failing (autoload files in non-strict mode), for
    /// `switchyard validate` to print as warnings.
    public var warnings: [ConfigError] = []

    /// Creates a project.
    public init(name: String, version: String = "", directory: String, file: String = "",
                runtime: RuntimeConfig = RuntimeConfig(), tools: [ToolConfig] = [],
                adapters: [AdapterConfig] = [], models: [JSONValue] = [],
                workflows: [WorkflowConfig] = [], env: [String: String] = [:]) {
        self.name = name
        self.version = version
        self.directory = directory
        self.file = file
        self.runtime = runtime
        self.tools = tools
        self.adapters = adapters
        self.models = models
        self.workflows = workflows
        self.env = env
    }

    /// The workflow with `id`, if the project has one.
    public func workflow(_ id: String) -> WorkflowConfig? {
        workflows.first { $0.id == id }
    }

    /// The tools a workflow sees: the project's, then its own (its own winning on a clash).
    public func tools(visibleTo workflow: WorkflowConfig?) -> [String: ToolConfig] {
        var byID: [String: ToolConfig] = [:]
        for tool in tools { byID[tool.id] = tool }
        for tool in workflow?.tools ?? [] { byID[tool.id] = tool }
        return byID
    }

    /// `{name, version}` as the `.project` template variable.
    public var templateValue: JSONValue {
        ["name": .string(name), "version": .string(version)]
    }
}

/// `runtime:` — the project's runtime for tools without an `adapter`.
///
/// The engine reads only what the host needs to start the runtime adapter: where the tools
/// module and the runtime binary are (paths it resolves against the project directory), the
/// call deadline and the output limit. Every other option (`mode`, `workers`, `permissions`,
/// ...) is the adapter's own: it travels in `raw` unchecked, and the adapter's config reader
/// refuses a bad one, naming the field, when the adapter is created.
public struct RuntimeConfig: Sendable {
    /// `type`: `bun` (default), `node` or `deno`; the adapter checks the value.
    public var type: String
    /// `entrypoint`: the module exporting the tools, relative to the project directory.
    public var entrypoint: String?
    /// The entrypoints looked for when none is written: compozy's default (`engine/project/config.go`),
    /// then the file its examples use.
    public static let defaultEntrypoints = ["tools.ts", "entrypoint.ts"]
    /// `executable`: an explicit path to the runtime binary, relative to the project directory.
    public var executable: String?
    /// `tool_execution_timeout`: the default deadline of each call.
    public var toolExecutionTimeout: Duration?
    /// `max_output_bytes`: the most output one call may produce.
    public var maxOutputBytes: Int?
    /// The whole `runtime:` mapping as written, passed to the adapter.
    public var raw: JSONValue

    /// Creates a runtime configuration; the adapter's own options go in `raw`.
    public init(type: String = "bun", entrypoint: String? = nil, executable: String? = nil,
                toolExecutionTimeout: Duration? = nil, maxOutputBytes: Int? = nil,
                raw: JSONValue = .emptyObject) {
        self.type = type
        self.entrypoint = entrypoint
        self.executable = executable
        self.toolExecutionTimeout = toolExecutionTimeout
        self.maxOutputBytes = maxOutputBytes
        self.raw = raw
    }

    /// `mode` as written in `raw` (unchecked: the adapter refuses a bad one).
    public var mode: String? { raw["mode"]?.stringValue }
    /// `workers` as written in `raw` (unchecked: the adapter refuses a bad one).
    public var workers: Int? { raw["workers"]?.intValue.flatMap { Int(exactly: $0) } }
    /// `permissions` as written in `raw`, the strings among them (unchecked: the adapter
    /// refuses a bad list).
    public var permissions: [String] { raw["permissions"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}

/// One `adapters:` entry: a library loaded with dlopen that serves `adapter: ID` tools.
public struct AdapterConfig: Sendable {
    /// `id`, as tools name it in `adapter:`.
    public var id: String
    /// `library`: a path (relative to the project directory) or a bare `lib<name>.so` name.
    public var library: String
    /// `config`, passed to the adapter when it is created.
    public var config: JSONValue
    /// `sha256`: the hex digest the library file must have; `nil` when not pinned.
    public var sha256: String?
    /// `isolation`: where the library runs.
    public var isolation: AdapterIsolation
    /// `limits`: what an isolated adapter's helper process may use.
    public var limits: IsolationLimits

    /// Creates an adapter entry.
    public init(id: String, library: String, config: JSONValue = .emptyObject, sha256: String? = nil,
                isolation: AdapterIsolation = .inProcess, limits: IsolationLimits = IsolationLimits()) {
        self.id = id
        self.library = library
        self.config = config
        self.sha256 = sha256
        self.isolation = isolation
        self.limits = limits
    }
}

/// Where an `adapters:` library runs.
public enum AdapterIsolation: String, Sendable, CaseIterable {
    /// Loaded into the host process with dlopen (the default: fastest, shares its fate).
    case inProcess = "in_process"
    /// In the host process like `in_process`, but `start_call` runs on the calling thread: no
    /// thread hand-off per call, and a `start_call` that blocks holds its caller. For plugins
    /// trusted not to block.
    case inline
    /// Loaded by a helper process the host starts: a crash fails only that helper's calls.
    case process
}

/// `limits:` of an isolated adapter; `nil` means the system's default.
public struct IsolationLimits: Sendable, Equatable {
    /// `memory_mb`: the helper's address-space limit (RLIMIT_AS), in MiB.
    public var memoryMB: Int?
    /// `cpu_seconds`: the helper's CPU-time limit (RLIMIT_CPU).
    public var cpuSeconds: Int?
    /// `open_files`: the helper's descriptor limit (RLIMIT_NOFILE).
    public var openFiles: Int?
    /// `max_in_flight`: calls the helper runs at once; more fail with `busy`.
    public var maxInFlight: Int?

    /// Creates limits; every one defaults to the system's.
    public init(memoryMB: Int? = nil, cpuSeconds: Int? = nil, openFiles: Int? = nil, maxInFlight: Int? = nil) {
        self.memoryMB = memoryMB
        self.cpuSeconds = cpuSeconds
        self.openFiles = openFiles
        self.maxInFlight = maxInFlight
    }
}

/// A tool declaration, from the project file or a workflow file.
public struct ToolConfig: Sendable {
    /// `id`.
    public var id: String
    /// `description`.
    public var description: String
    /// `input`: JSON Schema of the input, if declared.
    public var input: JSONValue?
    /// `output`: JSON Schema of the output, if declared.
    public var output: JSONValue?
    /// `config`: passed to every call.
    public var config: JSONValue
    /// `env`: applied for each call.
    public var env: [String: String]
    /// `timeout` for each call.
    public var timeout: Duration?
    /// `adapter`: `nil` for the project runtime, `ffi`, or an `adapters:` id.
    public var adapter: String?
    /// `ffi`: the symbol description for `adapter: ffi` tools.
    public var ffi: JSONValue?
    /// `with`: default input, under what each call gives (compozy's `tool.Config.With`).
    public var with: JSONValue?
    /// `execute`: the tool's own module (an absolute path), for a runtime tool the entrypoint
    /// does not export (compozy's per-tool modules).
    public var execute: String?
    /// The file that declares the tool.
    public var file: String
    /// Where the tool sits in that file (`tools[2]`; empty for an autoloaded tool file).
    public var path: String = ""

    /// Creates a tool declaration.
    public init(id: String, description: String = "", input: JSONValue? = nil, output: JSONValue? = nil,
                config: JSONValue = .emptyObject, env: [String: String] = [:], timeout: Duration? = nil,
                adapter: String? = nil, ffi: JSONValue? = nil, file: String = "") {
        self.id = id
        self.description = description
        self.input = input
        self.output = output
        self.config = config
        self.env = env
        self.timeout = timeout
        self.adapter = adapter
        self.ffi = ffi
        self.file = file
    }

    /// The key of the adapter that serves this tool: `runtime` when `adapter` is absent.
    public var adapterKey: String { adapter ?? "runtime" }

    /// A call's input over the tool's `with` defaults (the call's members win, one level deep,
    /// as compozy merges them).
    public func inputOverDefaults(_ input: JSONValue) -> JSONValue {
        guard let defaults = with?.objectValue, !defaults.isEmpty else { return input }
        guard let given = input.objectValue else { return input }
        return .object(defaults.merging(given) { _, call in call })
    }
}
