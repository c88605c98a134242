import Logging
import PostgresNIO
import SwitchyardEngine
import SwitchyardJSON

/// The execution store on PostgreSQL: many switchyard processes can share one database.
///
/// A pool of connections (`PostgresClient`) runs in a task this store owns; `close()` ends it and
/// its connections. Every write is one autocommitted statement (or one transaction), so it is
/// durable on the server when the call returns (with the server's default `synchronous_commit`).
/// The schema is created or migrated on the first use, inside one transaction.
public final class PostgresExecutionStore: ExecutionStore {
    /// The database's URL, the password hidden: what messages name.
    public let location: String
    let client: PostgresClient
    let logger: Logger
    /// The LISTEN/NOTIFY notifier (PostgresListenNotifier.swift); closed with the store.
    let listenNotifier: PostgresListenNotifier
    private let running: Task<Void, Never>
    private let schema: Task<Void, any Error>

    /// Opens a pool to `url` and starts migrating the schema; the first call waits for that.
    /// - Parameters:
    ///   - maximumConnections: the most connections the pool opens at once.
    ///   - logger: where the client logs its background work.
    ///   - listenHeartbeat: how often the `LISTEN` connection must answer a `SELECT 1` (within the
    ///     same time) before it counts as lost and is reconnected.
    public init(url: PostgresStoreURL, maximumConnections: Int = 10,
                logger: Logger = Logger(label: "switchyard.store.postgres"), listenHeartbeat: Duration = .seconds(10)) {
        var configuration = url.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        // The pool's own notices (a connection attempt cut short by close) are no news to a user.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        let location = url.redacted
        self.location = location
        self.client = client
        self.logger = logger
        listenNotifier = PostgresListenNotifier(url: url, location: location, logger: logger, heartbeat: listenHeartbeat)
        running = Task { await client.run() }
        schema = Task {
            do { try await PostgresSchema.migrate(url, location: location, logger: logger) } catch {
                throw PostgresErrors.storeError(error, location: location)
            }
        }
    }

    /// Opens the store at `url` and waits until its schema is ready.
    /// - Throws: `StoreError`: the URL is malformed, the server cannot be reached or refuses the
    ///   login (`.unavailable`), or the database is newer than this code (`.schemaTooNew`); the
    ///   pool is closed again then.
    public static func open(url: String, maximumConnections: Int = 10) async throws -> PostgresExecutionStore {
        let store = PostgresExecutionStore(url: try PostgresStoreURL(parsing: url), maximumConnections: maximumConnections)
        do {
            try await store.schema.value
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// Waits until the schema is ready (the first open migrates it).
    /// - Throws: `StoreError`.
    public func ready() async throws { try await schema.value }

    /// Closes the pool and the notifier's LISTEN connection: their connections and its background task end before this returns. Any
    /// call after this fails.
    public func close() async {
        await listenNotifier.close()
        running.cancel()
        await running.value
    }

    deinit {
        running.cancel()
        listenNotifier.stop()
    }

    /// Runs `body` once the schema is ready, with its errors as `StoreError`s naming this store.
    @discardableResult
    func perform<T>(_ body: () async throws -> T) async throws -> T {
        try await schema.value
        do { return try await body() } catch {
            throw PostgresErrors.storeError(error, location: location)
        }
    }

    /// Inserts a new workflow execution.
    public func insertWorkflow(_ record: WorkflowExecutionRecord) async throws {
        try await perform {
            try await client.query("""
                INSERT INTO workflow_executions (exec_id, workflow_id, status, input, output, error, created_at, updated_at)
                VALUES (\(record.execID), \(record.workflowID), \(record.status.rawValue), \(record.input.jsonString),
                        \(record.output?.jsonString), \(record.error?.jsonString), \(record.createdAt), \(record.updatedAt))
                """, logger: logger)
        }
    }

    /// Updates a workflow execution (and its `updated_at`).
    public func updateWorkflow(execID: String, status: ExecutionStatus, output: JSONValue?, error: JSONValue?) async throws {
        let now = Timestamp.now()
        try await perform {
            try await client.query("""
                UPDATE workflow_executions SET status = \(status.rawValue), output = \(output?.jsonString),
                    error = \(error?.jsonString), updated_at = \(now) WHERE exec_id = \(execID)
                """, logger: logger)
        }
    }

    /// The workflow execution `execID`, or `nil`.
    public func workflow(execID: String) async throws -> WorkflowExecutionRecord? {
        try await perform {
            try await PostgresRows.workflows(client.query(
                "SELECT \(unescaped: PostgresRows.workflowColumns) FROM workflow_executions WHERE exec_id = \(execID)",
                logger: logger)).first
        }
    }

    /// Workflow executions, newest first.
    public func listWorkflows(limit: Int?) async throws -> [WorkflowExecutionRecord] {
        try await listWorkflows(ExecutionListFilter(limit: limit))
    }

    /// Workflow executions passing `filter`, newest first, in SQL; `after` is a cursor (the page
    /// starts below that execution in the order; an unknown one is an empty page).
    public func listWorkflows(_ filter: ExecutionListFilter) async throws -> [WorkflowExecutionRecord] {
        var conditions: [String] = [], binds = PostgresBindings()
        func bind(_ value: String) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let workflowID = filter.workflowID { conditions.append("workflow_id = \(bind(workflowID))") }
        if let status = filter.status { conditions.append("status = \(bind(status.rawValue))") }
        if let after = filter.after {
            // Unknown cursor: the subquery is empty, the comparison null, the page empty.
            conditions.append(
                "(created_at, seq) < (SELECT created_at, seq FROM workflow_executions WHERE exec_id = \(bind(after)))")
        }
        var sql = "SELECT \(PostgresRows.workflowColumns) FROM workflow_executions"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY created_at DESC, seq DESC"
        if let limit = filter.limit {
            binds.append(limit)
            sql += " LIMIT $\(binds.count)"
        }
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await perform { try await PostgresRows.workflows(client.query(query, logger: logger)) }
    }

    /// Inserts or replaces a task execution (keyed by workflow execution and path).
    public func saveTask(_ record: TaskExecutionRecord) async throws {
        try await perform { try await client.query(PostgresRows.upsertTask(record), logger: logger) }
    }

    /// Every task execution of a workflow execution, in insertion order.
    public func tasks(workflowExecID: String) async throws -> [TaskExecutionRecord] {
        try await perform {
            try await PostgresRows.tasks(client.query(
                "SELECT \(unescaped: PostgresRows.taskColumns) FROM task_executions WHERE workflow_exec_id = \(workflowExecID) ORDER BY seq",
                logger: logger))
        }
    }
}
