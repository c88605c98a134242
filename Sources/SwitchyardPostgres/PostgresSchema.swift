import Logging
import PostgresNIO
import SwitchyardEngine

/// The store's tables, created and migrated by the store itself. `switchyard_schema_version`
/// holds one row: the number of migrations applied. A database migrated by newer code (a higher
/// number) is refused rather than written with assumptions that may no longer hold.
enum PostgresSchema {
    /// One migration: statements run in order inside the migrating transaction (the extended
    /// protocol takes one statement per query).
    typealias Migration = [PostgresQuery]

    /// Every migration, oldest first; the schema version is how many have run. Append only.
    static let migrations: [Migration] = [
        // 1: executions and their tasks, with the task history (started/ended/attempts) that
        // SQLite added in its v2. `seq` is the insertion order (SQLite's rowid): the tie-break of
        // the newest-first list and the order of a run's tasks.
        [
            """
            CREATE TABLE workflow_executions (
                seq BIGSERIAL NOT NULL UNIQUE,
                exec_id TEXT PRIMARY KEY NOT NULL,
                workflow_id TEXT NOT NULL,
                status TEXT NOT NULL,
                input TEXT NOT NULL,
                output TEXT,
                error TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX workflow_executions_created ON workflow_executions (created_at, seq)",
            "CREATE INDEX workflow_executions_workflow ON workflow_executions (workflow_id, created_at, seq)",
            """
            CREATE TABLE task_executions (
                seq BIGSERIAL NOT NULL,
                task_exec_id TEXT NOT NULL,
                task_id TEXT NOT NULL,
                workflow_exec_id TEXT NOT NULL REFERENCES workflow_executions (exec_id) ON DELETE CASCADE,
                path TEXT NOT NULL,
                parent TEXT,
                status TEXT NOT NULL,
                input TEXT NOT NULL,
                output TEXT,
                error TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                started_at TEXT,
                ended_at TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (workflow_exec_id, path)
            )
            """,
        ],
        // 2: leases (ExecutionLeasing). Expiries are milliseconds on the server's clock, so
        // processes on different machines agree on them.
        [
            """
            CREATE TABLE execution_leases (
                exec_id TEXT PRIMARY KEY NOT NULL REFERENCES workflow_executions (exec_id) ON DELETE CASCADE,
                owner TEXT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX execution_leases_owner ON execution_leases (owner)",
            "CREATE INDEX workflow_executions_status ON workflow_executions (status, created_at, seq)",
        ],
        // 3: stored signals (SignalStore), and NOTIFYs on channel `switchyard_events` (payload
        // `KIND:EXEC_ID`, ExecutionWakeUp.wireText) sent at commit by the writes themselves: a
        // final status, a stored signal.
        [
            """
            CREATE TABLE signals (
                signal_id BIGSERIAL PRIMARY KEY,
                exec_id TEXT NOT NULL REFERENCES workflow_executions (exec_id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at TEXT NOT NULL,
                taken_at TEXT,
                taken_by TEXT,
                outcome TEXT
            )
            """,
            "CREATE INDEX signals_pending ON signals (exec_id, signal_id) WHERE taken_at IS NULL",
            """
            CREATE FUNCTION switchyard_notify_finished() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('switchyard_events', 'finished:' || NEW.exec_id); RETURN NULL; END $$
            """,
            """
            CREATE TRIGGER workflow_executions_finished AFTER UPDATE OF status ON workflow_executions FOR EACH ROW
            WHEN (NEW.status IN ('SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELED') AND OLD.status IS DISTINCT FROM NEW.status)
            EXECUTE FUNCTION switchyard_notify_finished()
            """,
            """
            CREATE FUNCTION switchyard_notify_signal() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('switchyard_events', 'signal:' || NEW.exec_id); RETURN NULL; END $$
            """,
            "CREATE TRIGGER signals_stored AFTER INSERT ON signals FOR EACH ROW EXECUTE FUNCTION switchyard_notify_signal()",
        ],
        // 4: NOTIFY `task:EXEC_ID` when a task is recorded or changes status (started, ended), so
        // an event stream on another process wakes instead of polling (Postgres folds the
        // NOTIFYs of one transaction with one payload into one).
        [
            """
            CREATE FUNCTION switchyard_notify_task() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('switchyard_events', 'task:' || NEW.workflow_exec_id); RETURN NULL; END $$
            """,
            """
            CREATE TRIGGER task_executions_recorded AFTER INSERT ON task_executions FOR EACH ROW
            EXECUTE FUNCTION switchyard_notify_task()
            """,
            """
            CREATE TRIGGER task_executions_status AFTER UPDATE OF status ON task_executions FOR EACH ROW
            WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION switchyard_notify_task()
            """,
        ],
        // 5: the token usage of a task's model calls (compozy's `usage` array); old rows have none.
        ["ALTER TABLE task_executions ADD COLUMN usage TEXT"],
        // 6: workflow schedules (ScheduleStore): one row per slot, its primary key the only way
        // to fire it, and the API's overrides; a partial index for the overlap check.
        [
            """
            CREATE TABLE schedule_slots (
                workflow_id TEXT NOT NULL,
                slot TEXT NOT NULL,
                exec_id TEXT NOT NULL,
                outcome TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                PRIMARY KEY (workflow_id, slot)
            )
            """,
            "CREATE INDEX schedule_slots_outcome ON schedule_slots (workflow_id, outcome, recorded_at)",
            "CREATE INDEX schedule_slots_exec ON schedule_slots (exec_id)",
            """
            CREATE INDEX workflow_executions_open ON workflow_executions (workflow_id)
            WHERE status IN ('PENDING', 'RUNNING', 'WAITING', 'PAUSED')
            """,
            """
            CREATE TABLE schedule_overrides (
                workflow_id TEXT PRIMARY KEY NOT NULL,
                enabled BOOLEAN,
                cron TEXT,
                deleted BOOLEAN NOT NULL DEFAULT FALSE,
                declaration_digest TEXT NOT NULL,
                modified_at TEXT NOT NULL
            )
            """,
        ],
    ]

    /// The version this code writes.
    static var currentVersion: Int { migrations.count }

    /// Any constant: the advisory lock that makes processes opening one database at once migrate it one at a time.
    private static let migrationLock: Int64 = 0x5357_5943_4844_0001

    /// Brings the database to `currentVersion`, in one transaction on a connection of its own:
    /// an unreachable server or a refused login fails here at once with the server's reason
    /// (the pool would retry in the background for a minute before failing a query).
    /// - Throws: `StoreError` `.schemaTooNew` when the database is newer than this code.
    static func migrate(_ url: PostgresStoreURL, location: String, logger: Logger) async throws {
        let configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            try await migrate(connection, location: location, logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private static func migrate(_ connection: PostgresConnection, location: String, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS switchyard_schema_version (version INTEGER NOT NULL)",
                                       logger: logger)
            var found = 0
            for try await version in try await connection.query(
                "SELECT COALESCE(MAX(version), 0) FROM switchyard_schema_version", logger: logger).decode(Int.self) {
                found = version
            }
            guard found <= currentVersion else {
                throw StoreError(.schemaTooNew, location: location, message: """
                    the database's schema is version \(found) but this switchyard knows only up to version \
                    \(currentVersion): it was migrated by a newer switchyard; use that version (or another database)
                    """)
            }
            guard found < currentVersion else { return }
            for migration in migrations[found...] {
                for statement in migration { try await connection.query(statement, logger: logger) }
            }
            try await connection.query("DELETE FROM switchyard_schema_version", logger: logger)
            try await connection.query("INSERT INTO switchyard_schema_version (version) VALUES (\(currentVersion))",
                                       logger: logger)
        }
    }
}

extension StoreError.Kind {
    /// The database was migrated by a newer version of switchyard than this one.
    public static let schemaTooNew = StoreError.Kind(rawValue: "schema_too_new")
}
