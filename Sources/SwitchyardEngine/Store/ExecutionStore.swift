import SwitchyardJSON

/// Where workflow and task executions live. SQLite (`SQLiteExecutionStore`) is the embedded
/// default; the protocol is what a Postgres store implements.
///
/// Every write is durable when its call returns: the engine relies on that to checkpoint a
/// task before starting the next one.
public protocol ExecutionStore: Sendable {
    /// Inserts a new workflow execution.
    /// - Throws: `StoreError`.
    func insertWorkflow(_ record: WorkflowExecutionRecord) async throws

    /// Updates status, output and error of a workflow execution (and its `updated_at`).
    /// - Throws: `StoreError`.
    func updateWorkflow(execID: String, status: ExecutionStatus, output: JSONValue?, error: JSONValue?) async throws

    /// The workflow execution `execID`, or `nil`.
    /// - Throws: `StoreError`.
    func workflow(execID: String) async throws -> WorkflowExecutionRecord?

    /// Workflow executions, newest first.
    /// - Throws: `StoreError`.
    func listWorkflows(limit: Int?) async throws -> [WorkflowExecutionRecord]

    /// Workflow executions that pass `filter`, newest first, one page of them.
    /// - Throws: `StoreError`.
    func listWorkflows(_ filter: ExecutionListFilter) async throws -> [WorkflowExecutionRecord]

    /// Inserts or replaces a task execution (keyed by `workflowExecID` and `path`).
    /// - Throws: `StoreError`.
    func saveTask(_ record: TaskExecutionRecord) async throws

    /// Every task execution of a workflow execution, in creation order.
    /// - Throws: `StoreError`.
    func tasks(workflowExecID: String) async throws -> [TaskExecutionRecord]
}

extension ExecutionStore {
    /// Filters the whole list in memory: right for any store, and what one without a query of its
    /// own (a test double, a wrapper) answers. An `after` the list does not have is an empty page.
    public func listWorkflows(_ filter: ExecutionListFilter) async throws -> [WorkflowExecutionRecord] {
        var records = try await listWorkflows(limit: nil)[...]
        if let after = filter.after {
            guard let index = records.firstIndex(where: { $0.execID == after }) else { return [] }
            records = records[(index + 1)...]
        }
        let admitted = records.lazy.filter(filter.admits)
        return filter.limit.map { Array(admitted.prefix($0)) } ?? Array(admitted)
    }
}

/// A store failure: the store file is locked, corrupt, unreadable, or a query failed.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure.
    public struct Kind: RawRepresentable, Sendable, Hashable {
        /// The kind's name.
        public let rawValue: String
        /// Creates a kind.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Another process or connection holds the lock past the busy timeout.
        public static let locked = Kind(rawValue: "locked")
        /// The file is not a SQLite database, or is damaged.
        public static let corrupt = Kind(rawValue: "corrupt")
        /// The file or its directory cannot be opened or created.
        public static let unavailable = Kind(rawValue: "unavailable")
        /// Any other database error.
        public static let query = Kind(rawValue: "query")
    }

    /// What kind of failure.
    public var kind: Kind
    /// The store location (a file path or URL).
    public var location: String
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, location: String, message: String) {
        self.kind = kind
        self.location = location
        self.message = message
    }

    /// `LOCATION: MESSAGE`.
    public var description: String { "\(location): \(message)" }
}
