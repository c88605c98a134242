import Foundation
import Synchronization
import SwitchyardEngine
import SwitchyardRuntime

/// One project, ready to run: its configuration, its adapters, its execution store and a
/// `WorkflowEngine` over them. This is the type a host that embeds Switchyard uses, and what the
/// `switchyard` CLI and `switchyard serve` are built on.
///
/// ```swift
/// let host = try await ProjectHost.open(directory: "path/to/project")
/// let result = try await host.run(workflowID: "digest", input: ["topic": "adapters"])
/// let output = try await host.callTool("word_count", input: ["text": "one two"])
/// await host.shutdown()
/// ```
///
/// - Important: Call `shutdown()` when done: it stops the adapters' worker processes and
///   destroys their instances. A host that is dropped without it leaves them to process exit.
///
/// Every method may be called from any task, concurrently; the host is `Sendable`.
public final class ProjectHost: Sendable {
    /// How a host is opened.
    public struct Options: Sendable {
        /// Where executions are recorded (default: the project file's `store:`, else
        /// `DIR/.switchyard/state.sqlite`).
        public var store: StoreSelection = .projectDefault
        /// Directories searched for adapter libraries before the default ones (relative ones
        /// against the current directory). An embedding host's own executable directory holds no
        /// `lib<name>.so`, so it passes the directory that does here (or sets
        /// `$SWITCHYARD_ADAPTER_PATH`).
        public var adapterDirectories: [String] = []
        /// Whether the running executable's directory is searched for adapter libraries
        /// (where `swift build` puts them next to `switchyard`).
        public var searchesExecutableDirectory = true
        /// Where `$SWITCHYARD_ADAPTER_PATH` is read from (default: the process environment).
        public var environment: [String: String] = ProcessInfo.processInfo.environment
        /// When the store opens and the adapters load (default: `.eager`).
        public var loading: Loading = .eager
        /// Runs workflow agent tasks; `nil` makes them fail with "agents are not supported yet".
        public var agents: (any AgentExecutor)? = WorkflowAgentExecutor()
        /// Children a collection runs at once when it sets no `max_workers`.
        public var defaultCollectionWorkers = 32

        /// The defaults: the project's SQLite store, the standard adapter directories, eager loading.
        public init() {}
    }

    /// When a host opens its store and loads its adapters.
    public enum Loading: Sendable, Hashable {
        /// At `open`: the store opens and every adapter the project's tools need loads, so a
        /// missing library or an unwritable store fails `open` (what `switchyard run` does).
        case eager
        /// Each on its first use: a host that only calls one tool loads only that tool's adapter
        /// and never creates a store file (what `switchyard tools call` does). A load failure is
        /// then the failure of the call that needed it.
        case onFirstUse
    }

    /// The project this host runs.
    public let project: ProjectConfig
    /// The engine, for what the host does not wrap (`startTask`, `startAgent`, `startResume`).
    /// It shares the host's adapters and store; `shutdown()` stops them for both.
    public let engine: WorkflowEngine
    /// How the host was opened.
    public let options: Options
    let adapters: ProjectAdapters
    let store: OnDemandStore
    private let shutdownTask = Mutex<Task<Void, Never>?>(nil)

    private init(project: ProjectConfig, options: Options) {
        self.project = project
        self.options = options
        let locator = AdapterLocator(projectDirectory: project.directory, extraDirectories: options.adapterDirectories,
                                     searchesExecutableDirectory: options.searchesExecutableDirectory,
                                     environment: options.environment)
        adapters = ProjectAdapters(project: project, locator: locator)
        store = OnDemandStore(options.store, projectDirectory: project.directory)
        engine = WorkflowEngine(project: project, adapters: adapters.onDemandAdapters, store: store,
                                agents: options.agents, defaultCollectionWorkers: options.defaultCollectionWorkers)
    }

    /// Opens the project in `directory`: reads its project file and every workflow file it lists.
    /// - Throws: `HostError` `.projectConfig` (`FILE: PATH: REASON`); with `.eager` loading also
    ///   `.store` (naming the store file) and `.adapterLoad` (naming the library).
    public static func open(directory: String, options: Options = Options()) async throws(HostError) -> ProjectHost {
        let project: ProjectConfig
        do { project = try ProjectLoader.load(directory: directory) } catch { throw HostError(error) }
        return try await open(project: project, options: options)
    }

    /// Opens a project built in code (or loaded and then changed). Relative paths in it (the
    /// runtime entrypoint, adapter libraries, the default store) resolve against `project.directory`.
    /// - Throws: `HostError` `.projectConfig` for a malformed `store:`; with `.eager` loading,
    ///   `.store` or `.adapterLoad`.
    public static func open(project: ProjectConfig, options: Options = Options()) async throws(HostError) -> ProjectHost {
        var options = options
        options.store = try options.store.resolved(for: project)
        let host = ProjectHost(project: project, options: options)
        guard options.loading == .eager else { return host }
        var failure: HostError?
        do {
            _ = try host.store.store()
            try await host.store.ready()
        } catch { failure = error }
        if failure == nil {
            do { try host.adapters.loadAll() } catch { failure = HostError(.adapterLoad, toolError: error) }
        }
        if let failure {
            await host.shutdown()
            throw failure
        }
        return host
    }

    /// Parses and checks every project and workflow file in `directory` without loading
    /// anything, collecting every problem (`switchyard validate`).
    public static func validate(directory: String) -> ProjectValidation {
        var (project, problems) = ProjectLoader.validate(directory: directory)
        if let project {
            do { _ = try StoreSelection.declared(in: project) } catch { problems.append(error) }
        }
        return ProjectValidation(project: project, problems: problems)
    }

    /// Every directory searched for adapter libraries, in search order.
    public var adapterDirectories: [String] { adapters.locator.directories }

    /// The keys of the adapters the project's tools use (`runtime`, `ffi`, `adapters:` ids), in load order.
    public var adapterKeys: [String] { adapters.keys }

    /// Makes the engine lease the executions it starts or resumes (a one-shot `run`/`resume`):
    /// renewed while they run, so a process that dies leaves them to a serving process (after
    /// the lease's TTL) or to a `resume` on this host (at once), and a resume of an execution
    /// another live process holds is refused. Nothing is claimed besides. A store that cannot
    /// lease leaves the engine as it is.
    /// - Throws: `HostError` `.store` when the store cannot be opened.
    public func leaseOwnExecutions() throws(HostError) {
        guard let leasing = try executionStore() as? any ExecutionLeasing else { return }
        engine.takeOwnership(store: leasing, configuration: OwnershipConfiguration(recovers: false))
    }

    /// The execution store, opening it now if it is not open yet.
    /// - Throws: `HostError` `.store` naming the file.
    public func executionStore() throws(HostError) -> any ExecutionStore { try store.store() }

    /// Whether `shutdown()` was called.
    public var isShutDown: Bool { shutdownTask.withLock { $0 != nil } }

    /// Cancels every execution still running in this host, then shuts every loaded adapter down
    /// (each waits for its calls' resources: worker processes, instances). Idempotent: later and
    /// concurrent calls wait for the same shutdown. Afterwards runs and tool calls fail with
    /// `HostError` `.shutDown`.
    public func shutdown() async {
        let task = shutdownTask.withLock { task in
            if let task { return task }
            let started = Task { [engine, adapters, store] in
                for execID in engine.runningExecutions { engine.cancel(execID: execID) }
                await adapters.shutdown()
                // Leases stop being renewed; any still held go back to other processes.
                await engine.ownership?.stop(grace: .zero)
                await store.close()
            }
            task = started
            return started
        }
        await task.value
    }

    /// - Throws: `HostError` `.shutDown` once `shutdown()` was called.
    func checkOpen() throws(HostError) {
        if isShutDown { throw HostError(.shutDown, "the project host of \"\(project.name)\" is shut down") }
    }
}

/// What `ProjectHost.validate(directory:)` found.
public struct ProjectValidation: Sendable {
    /// The project as far as it could be read; `nil` when there is no project file.
    public let project: ProjectConfig?
    /// Every problem, in file order (`FILE: PATH: REASON` each).
    public let problems: [ConfigError]

    /// Whether the project has no problem at all.
    public var isValid: Bool { problems.isEmpty }
}
