import PostgresNIO
import SwitchyardEngine
import SwitchyardJSON

/// Rows to records and records to statements, shared by the store and its lease and signal parts.
enum PostgresRows {
    static let workflowColumns = "exec_id, workflow_id, status, input, output, error, created_at, updated_at"
    static let taskColumns = """
        task_exec_id, task_id, workflow_exec_id, path, parent, status, input, output, error, created_at, updated_at, \
        started_at, ended_at, attempts, usage
        """

    /// The insert-or-replace of one task checkpoint (its place `(workflow_exec_id, path)` is the key).
    static func upsertTask(_ record: TaskExecutionRecord) -> PostgresQuery {
        """
        INSERT INTO task_executions (\(unescaped: taskColumns))
        VALUES (\(record.taskExecID), \(record.taskID), \(record.workflowExecID), \(record.path), \(record.parent),
                \(record.status.rawValue), \(record.input.jsonString), \(record.output?.jsonString),
                \(record.error?.jsonString), \(record.createdAt), \(record.updatedAt), \(record.startedAt),
                \(record.endedAt), \(record.attempts), \(record.usage?.jsonString))
        ON CONFLICT (workflow_exec_id, path) DO UPDATE SET
            task_exec_id = excluded.task_exec_id, task_id = excluded.task_id, parent = excluded.parent,
            status = excluded.status, input = excluded.input, output = excluded.output, error = excluded.error,
            updated_at = excluded.updated_at, started_at = excluded.started_at, ended_at = excluded.ended_at,
            attempts = excluded.attempts, usage = excluded.usage
        """
    }

    /// The same upsert, written only if `owner` holds the execution's lease: the lease row is
    /// locked (`FOR SHARE`) by the statement that writes, and a row comes back only when it wrote.
    static func upsertTask(_ record: TaskExecutionRecord, fencedBy owner: LeaseOwner) -> PostgresQuery {
        """
        WITH fence AS (
            SELECT 1 FROM execution_leases WHERE exec_id = \(record.workflowExecID) AND owner = \(owner.id) FOR SHARE
        )
        INSERT INTO task_executions (\(unescaped: taskColumns))
        SELECT \(record.taskExecID), \(record.taskID), \(record.workflowExecID), \(record.path), \(record.parent),
               \(record.status.rawValue), \(record.input.jsonString), \(record.output?.jsonString),
               \(record.error?.jsonString), \(record.createdAt), \(record.updatedAt), \(record.startedAt),
               \(record.endedAt), \(record.attempts), \(record.usage?.jsonString)
        WHERE EXISTS (SELECT 1 FROM fence)
        ON CONFLICT (workflow_exec_id, path) DO UPDATE SET
            task_exec_id = excluded.task_exec_id, task_id = excluded.task_id, parent = excluded.parent,
            status = excluded.status, input = excluded.input, output = excluded.output, error = excluded.error,
            updated_at = excluded.updated_at, started_at = excluded.started_at, ended_at = excluded.ended_at,
            attempts = excluded.attempts, usage = excluded.usage
        RETURNING 1
        """
    }

    static func workflows(_ rows: PostgresRowSequence) async throws -> [WorkflowExecutionRecord] {
        var records: [WorkflowExecutionRecord] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            records.append(WorkflowExecutionRecord(
                execID: try cells["exec_id"].decode(String.self), workflowID: try cells["workflow_id"].decode(String.self),
                status: ExecutionStatus(rawValue: try cells["status"].decode(String.self)) ?? .pending,
                input: json(try cells["input"].decode(String?.self)) ?? .emptyObject,
                output: json(try cells["output"].decode(String?.self)), error: json(try cells["error"].decode(String?.self)),
                createdAt: try cells["created_at"].decode(String.self), updatedAt: try cells["updated_at"].decode(String.self)))
        }
        return records
    }

    static func tasks(_ rows: PostgresRowSequence) async throws -> [TaskExecutionRecord] {
        var records: [TaskExecutionRecord] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            records.append(TaskExecutionRecord(
                taskExecID: try cells["task_exec_id"].decode(String.self), taskID: try cells["task_id"].decode(String.self),
                workflowExecID: try cells["workflow_exec_id"].decode(String.self), path: try cells["path"].decode(String.self),
                parent: try cells["parent"].decode(String?.self),
                status: ExecutionStatus(rawValue: try cells["status"].decode(String.self)) ?? .pending,
                input: json(try cells["input"].decode(String?.self)) ?? .emptyObject,
                output: json(try cells["output"].decode(String?.self)), error: json(try cells["error"].decode(String?.self)),
                createdAt: try cells["created_at"].decode(String.self), updatedAt: try cells["updated_at"].decode(String.self),
                startedAt: try cells["started_at"].decode(String?.self), endedAt: try cells["ended_at"].decode(String?.self),
                attempts: try cells["attempts"].decode(Int.self),
                usage: json(try cells["usage"].decode(String?.self))))
        }
        return records
    }

    /// Stored JSON text as a value (text that does not parse comes back as a string, as in SQLite).
    static func json(_ text: String?) -> JSONValue? {
        guard let text else { return nil }
        return (try? JSONValue(parsing: text)) ?? .string(text)
    }
}

/// Database errors as `StoreError`s: the server's own message and SQLSTATE for a failed
/// statement, the reason for a connection that could not be made (never the password).
enum PostgresErrors {
    static func storeError(_ error: any Error, location: String) -> StoreError {
        if let error = error as? StoreError { return error }
        // A transaction's failure wraps the error of the step that failed (ours, or the server's).
        if let error = error as? PostgresTransactionError,
           let cause = error.closureError ?? error.beginError ?? error.commitError {
            return storeError(cause, location: location)
        }
        guard let error = error as? PSQLError else { return StoreError(.query, location: location, message: "\(error)") }
        switch error.code {
        case .server:
            let message = error.serverInfo?[.message] ?? "the server refused the statement"
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            // 28xxx: invalid authorization (wrong password, unknown role); 3D000: no such database.
            let sqlState = error.serverInfo?[.sqlState] ?? ""
            let kind: StoreError.Kind = sqlState.hasPrefix("28") || sqlState == "3D000" ? .unavailable
                : sqlState == "55P03" || sqlState == "40P01" ? .locked : .query
            return StoreError(kind, location: location, message: message + state)
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
             .sslUnsupported, .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            let cause = error.underlying.map { ": \($0)" } ?? ""
            return StoreError(.unavailable, location: location, message: "cannot use the database (\(error.code))\(cause)")
        default:
            return StoreError(.query, location: location, message: "\(error.code)")
        }
    }
}
