import ArgumentParser
import Foundation
import SwitchyardEngine
import SwitchyardHost
import SwitchyardJSON

/// `switchyard executions list|show`: reads the project's store; `watch` follows a server's stream.
struct ExecutionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "executions", abstract: "Lists and shows workflow executions in the project's store.",
        subcommands: [List.self, Show.self, ExecutionsWatchCommand.self])

    /// `executions list [--project DIR] [--workflow ID] [--status STATUS] [--limit N] [--after EXEC_ID] [--json]`:
    /// newest first; the next page is `--after` the last exec id of this one.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Lists executions, newest first.")

        @Option(help: "The project directory.")
        var project: String = "."

        @Option(help: "Only executions of this workflow.")
        var workflow: String?

        @Option(help: "Only executions with this status (SUCCESS, FAILED, TIMED_OUT, CANCELED, RUNNING, WAITING, PENDING, PAUSED).")
        var status: String?

        @Option(help: "At most this many.")
        var limit: Int?

        @Option(help: "The page after this execution (the last exec id of the page before).")
        var after: String?

        @Flag(help: "Print a JSON array of {exec_id, workflow_id, status, created_at, updated_at}.")
        var json = false

        func run() async throws {
            var filter = ExecutionListFilter(workflowID: workflow, limit: limit, after: after)
            if let limit, limit < 1 { throw CommandFailure.usage("--limit: must be at least 1, got \(limit)") }
            if let status {
                guard let known = ExecutionStatus(rawValue: status.uppercased()) else {
                    let names = ExecutionStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    throw CommandFailure.usage("--status: \"\(status)\" is not one of \(names)")
                }
                filter.status = known
            }
            let records: [WorkflowExecutionRecord]
            if projectStoreExists(project) {
                let store = try openStore(project)
                do { records = try await store.listWorkflows(filter) } catch {
                    throw CommandFailure(line: "error: \(error)", exitCode: 2)
                }
            } else {
                records = []
            }
            if json {
                print(JSONValue.array(records.map(\.summaryJSON)).jsonString)
                return
            }
            for record in records {
                print("\(record.execID)  \(record.workflowID)  \(record.status.rawValue)  \(record.createdAt)  \(record.updatedAt)")
            }
        }
    }

    /// `executions show EXEC_ID [--project DIR] [--json]`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Shows one execution and its tasks.")

        @Argument(help: "The execution id.")
        var execID: String

        @Option(help: "The project directory.")
        var project: String = "."

        @Flag(help: "Print {exec_id, workflow_id, status, output, error, created_at, updated_at, tasks} as one JSON object.")
        var json = false

        func run() async throws {
            let path = projectStoreSelection(project).sqlitePath(forProject: project) ?? "the project's store"
            guard projectStoreExists(project) else {
                throw CommandFailure.usage("\(execID): no execution with this id (no store at \(path))")
            }
            let store = try openStore(project)
            let record: WorkflowExecutionRecord
            let tasks: [TaskExecutionRecord]
            do {
                guard let found = try await store.workflow(execID: execID) else {
                    throw CommandFailure.usage("\(execID): no execution with this id in \(path)")
                }
                record = found
                tasks = try await store.tasks(workflowExecID: execID)
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure(line: "error: \(error)", exitCode: 2)
            }
            let result = WorkflowResult(execID: record.execID, workflowID: record.workflowID, status: record.status,
                                        output: record.output ?? .null, error: record.error)
            if json {
                // run --json's members, then the history: timestamps and each task with its
                // start, end, duration and attempts.
                var members = result.json.objectValue ?? [:]
                members["created_at"] = .string(record.createdAt)
                members["updated_at"] = .string(record.updatedAt)
                members["tasks"] = .array(tasks.map(\.json))
                if let usage = tasks.executionUsage { members["usage"] = usage }
                print(JSONValue.object(members).jsonString)
                return
            }
            print("exec_id:     \(record.execID)")
            print("workflow_id: \(record.workflowID)")
            print("status:      \(record.status.rawValue)")
            print("created_at:  \(record.createdAt)")
            print("updated_at:  \(record.updatedAt)")
            print("input:       \(record.input.jsonString)")
            print("output:      \((record.output ?? .null).jsonString)")
            if let error = record.error { print("error:       \(error["message"]?.stringValue ?? error.jsonString)") }
            print("tasks:")
            for task in tasks {
                var line = "  \(task.path)  \(task.status.rawValue)  \(task.startedAt ?? task.createdAt)"
                    + "  \(task.durationMilliseconds.map { "\($0)ms" } ?? "-")"
                if task.attempts > 1 { line += "  \(task.attempts) attempts" }
                if let error = task.error { line += "  \(error["message"]?.stringValue ?? error.jsonString)" }
                print(line)
            }
        }
    }
}

/// The project's own store (read by `executions`): the one its project file names (`store:`, or
/// compozy's `database:`), else its default file; a failure is one exit-2 line naming the file.
func openStore(_ projectDirectory: String) throws -> any ExecutionStore {
    do { return try projectStoreSelection(projectDirectory).open(forProject: projectDirectory) } catch {
        throw CommandFailure(line: error.description, exitCode: 2)
    }
}

/// The store the project file declares, else the default file. A project that does not load
/// falls back to the default: listing what ran must not depend on every file being valid now.
func projectStoreSelection(_ projectDirectory: String) -> StoreSelection {
    guard let project = try? ProjectLoader.load(directory: projectDirectory),
          let declared = try? StoreSelection.declared(in: project) else { return .projectDefault }
    return declared
}

/// Whether there is a store to read: a server store always, a SQLite file once it exists.
func projectStoreExists(_ projectDirectory: String) -> Bool {
    guard let path = projectStoreSelection(projectDirectory).sqlitePath(forProject: projectDirectory) else { return true }
    return FileManager.default.fileExists(atPath: path)
}
