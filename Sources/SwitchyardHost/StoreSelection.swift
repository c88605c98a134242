import Foundation
import Synchronization
import SwitchyardEngine
import SwitchyardJSON

/// Which execution store a `ProjectHost` records workflows in.
///
/// A struct with factory members rather than a public enum, so that further stores (Postgres)
/// can be added without breaking a host's code.
public struct StoreSelection: Sendable {
    enum Choice: Sendable {
        case projectDefault
        case sqlite(path: String)
        case instance(any ExecutionStore)
    }

    let choice: Choice

    /// The project's own SQLite file, `DIR/.switchyard/state.sqlite` (the CLI's store).
    public static let projectDefault = StoreSelection(choice: .projectDefault)

    /// A SQLite file at `path` (created, with its directory, when missing).
    public static func sqlite(path: String) -> StoreSelection { StoreSelection(choice: .sqlite(path: path)) }

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
        case .instance: return nil
        }
    }

    /// Opens the store for a project in `directory`.
    /// - Throws: `HostError` `.store` naming the file (locked, not a database, not writable).
    public func open(forProject directory: String) throws(HostError) -> any ExecutionStore {
        if case .instance(let store) = choice { return store }
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

    func saveTask(_ record: TaskExecutionRecord) async throws {
        try await openedStore().saveTask(record)
    }

    func tasks(workflowExecID: String) async throws -> [TaskExecutionRecord] {
        try await openedStore().tasks(workflowExecID: workflowExecID)
    }
}
