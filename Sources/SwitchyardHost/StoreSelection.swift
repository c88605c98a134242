import Foundation
import Synchronization
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardPostgres

/// Which execution store a `ProjectHost` records workflows in.
///
/// A struct with factory members rather than a public enum, so that further stores can be added
/// without breaking a host's code. The CLI's `--store URL` and `$SWITCHYARD_STORE` go through
/// `parse(_:)`: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB` or `sqlite:PATH`.
public struct StoreSelection: Sendable {
    enum Choice: Sendable {
        case projectDefault
        case sqlite(path: String)
        case postgres(url: PostgresStoreURL)
        case instance(any ExecutionStore)
    }

    let choice: Choice

    /// The project's own store: the one its project file names with `store:`, else its SQLite
    /// file `DIR/.switchyard/state.sqlite` (the CLI's store).
    public static let projectDefault = StoreSelection(choice: .projectDefault)

    /// A SQLite file at `path` (created, with its directory, when missing).
    public static func sqlite(path: String) -> StoreSelection { StoreSelection(choice: .sqlite(path: path)) }

    /// A PostgreSQL database (docs/POSTGRES.md): several switchyard processes may share it. The
    /// schema is created or migrated when the store opens.
    /// - Throws: `HostError` `.store` naming the URL (password hidden) and what is malformed.
    public static func postgres(url: String) throws(HostError) -> StoreSelection {
        do { return StoreSelection(choice: .postgres(url: try PostgresStoreURL(parsing: url))) } catch {
            throw HostError(.store, "\(error)")
        }
    }

    /// The environment variable that selects a store when no `--store` is given.
    public static let environmentVariable = "SWITCHYARD_STORE"

    /// A store named by text: `postgres://…` (or `postgresql://…`), or `sqlite:PATH` (a relative
    /// PATH is taken from the current directory).
    /// - Throws: `HostError` `.store` naming the text (any password hidden) and the forms accepted.
    public static func parse(_ text: String) throws(HostError) -> StoreSelection {
        if PostgresStoreURL.isPostgres(text) { return try postgres(url: text) }
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }  // sqlite:///abs/path
            guard !path.isEmpty else { throw HostError(.store, "\(text): sqlite:PATH needs a PATH") }
            return sqlite(path: path)
        }
        throw HostError(.store, "\(PostgresStoreURL.redact(text)): not a store; use postgres://USER[:PASSWORD]@HOST[:PORT]/DB or sqlite:PATH")
    }

    /// What a command uses: `flag` (`--store`) if given, else `$SWITCHYARD_STORE` if set and not
    /// empty, else the project's own store (its `store:`, else its SQLite file).
    /// - Throws: `HostError` `.store` for a value `parse(_:)` refuses (naming where it came from).
    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(HostError) -> StoreSelection {
        if let flag { return try parse(flag) }
        if let text = environment[environmentVariable], !text.isEmpty {
            do { return try parse(text) } catch {
                throw HostError(.store, "$\(environmentVariable): \(error.message)")
            }
        }
        return .projectDefault
    }

    /// A store the host created itself (any `ExecutionStore`: a test double, a remote store).
    public static func store(_ store: any ExecutionStore) -> StoreSelection { StoreSelection(choice: .instance(store)) }

    /// `DIR/.switchyard/state.sqlite`, with `directory` kept as given (so messages show it as
    /// the user wrote it).
    public static func defaultSQLitePath(forProject directory: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + ".switchyard/state.sqlite"
    }

    /// The SQLite file this selection names for a project in `directory`; `nil` for a store instance.
    public func sqlitePath(forProject directory: String) -> String? {
        switch choice {
        case .projectDefault: return Self.defaultSQLitePath(forProject: directory)
        case .sqlite(let path): return path
        case .instance, .postgres: return nil
        }
    }

    /// Where the store is, as messages show it: the SQLite file, or the URL with its password hidden.
    public func location(forProject directory: String) -> String {
        switch choice {
        case .postgres(let url): return url.redacted
        case .instance(let store): return (store as? PostgresExecutionStore)?.location ?? "the host's store"
        default: return sqlitePath(forProject: directory) ?? ""
        }
    }

    /// Opens the store for a project in `directory`.
    /// - Throws: `HostError` `.store` naming the file (locked, not a database, not writable).
    public func open(forProject directory: String) throws(HostError) -> any ExecutionStore {
        switch choice {
        case .instance(let store): return store
        // The pool connects (and the schema migrates) in the background; `OnDemandStore.ready()` waits for it.
        case .postgres(let url): return PostgresExecutionStore(url: url)
        case .projectDefault, .sqlite: break
        }
        let path = sqlitePath(forProject: directory)!
        do { return try SQLiteExecutionStore(path: path) } catch let error as StoreError {
            throw HostError(.store, error.description)
        } catch {
            throw HostError(.store, "\(path): \(error)")
        }
    }
}

/// The store the engine writes to, opened on its first use: a host that only calls tools never
/// creates a state file, and one opened eagerly opens it at once to report a bad path early.
final class OnDemandStore: ExecutionStore {
    private let selection: StoreSelection
    private let projectDirectory: String
    private let opened = Mutex<(any ExecutionStore)?>(nil)

    init(_ selection: StoreSelection, projectDirectory: String) {
        self.selection = selection
        self.projectDirectory = projectDirectory
    }

    /// The store, opening it now if it is not open yet; a failed open is tried again next time.
    /// - Throws: `HostError` `.store`.
    func store() throws(HostError) -> any ExecutionStore {
        try opened.withLock { (opened: inout (any ExecutionStore)?) throws(HostError) -> any ExecutionStore in
            if let opened { return opened }
            let store = try selection.open(forProject: projectDirectory)
            opened = store
            return store
        }
    }

    /// Waits until an opened Postgres store has connected and migrated its schema, so that a
    /// wrong URL, password or schema version fails a command's open and not its first write.
    /// - Throws: `HostError` `.store` with the store's reason.
    func ready() async throws(HostError) {
        guard let store = opened.withLock({ $0 }) as? PostgresExecutionStore else { return }
        do { try await store.ready() } catch { throw HostError(.store, "\(error)") }
    }

    /// Closes an opened store that holds connections (Postgres); a SQLite file needs nothing.
    func close() async {
        guard let store = opened.withLock({ $0 }) as? PostgresExecutionStore else { return }
        await store.close()
    }

    /// The store for one engine call; a failed open reaches the engine's caller as the
    /// `HostError`, before any task runs (the first store use of a run or resume is its first step).
    private func openedStore() throws -> any ExecutionStore { try store() }

    func insertWorkflow(_ record: WorkflowExecutionRecord) async throws {
        try await openedStore().insertWorkflow(record)
    }

    func updateWorkflow(execID: String, status: ExecutionStatus, output: JSONValue?, error: JSONValue?) async throws {
        try await openedStore().updateWorkflow(execID: execID, status: status, output: output, error: error)
    }

    func workflow(execID: String) async throws -> WorkflowExecutionRecord? {
        try await openedStore().workflow(execID: execID)
    }

    func listWorkflows(limit: Int?) async throws -> [WorkflowExecutionRecord] {
        try await openedStore().listWorkflows(limit: limit)
    }

    func listWorkflows(_ filter: ExecutionListFilter) async throws -> [WorkflowExecutionRecord] {
        try await openedStore().listWorkflows(filter)
    }

    func saveTask(_ record: TaskExecutionRecord) async throws {
        try await openedStore().saveTask(record)
    }

    func tasks(workflowExecID: String) async throws -> [TaskExecutionRecord] {
        try await openedStore().tasks(workflowExecID: workflowExecID)
    }
}
