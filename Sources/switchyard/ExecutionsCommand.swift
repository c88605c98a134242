import ArgumentParser
import Foundation
import SwitchyardEngine
import SwitchyardHost
import SwitchyardJSON

/// `switchyard executions list|show`: reads the project's store.
struct ExecutionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "executions", abstract: "Lists and shows workflow executions in the project's store.",
        subcommands: [List.self, Show.self])

    /// `executions list [--project DIR] [--json]`: newest first.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Lists executions, newest first.")

        @Option(help: "The project directory.")
        var project: String = "."

        @Flag(help: "Print a JSON array of {exec_id, workflow_id, status, created_at, updated_at}.")
        var json = false

        func run() async throws {
            let records: [WorkflowExecutionRecord]
            if FileManager.default.fileExists(atPath: StoreSelection.defaultSQLitePath(forProject: project)) {
                let store = try openStore(project)
                do { records = try await store.listWorkflows(limit: nil) } catch {
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

        @Flag(help: "Print {exec_id, workflow_id, status, output, error} as one JSON object.")
        var json = false

        func run() async throws {
            let path = StoreSelection.defaultSQLitePath(forProject: project)
            guard FileManager.default.fileExists(atPath: path) else {
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
                print(result.json.jsonString)
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
                var line = "  \(task.path)  \(task.status.rawValue)  \(task.updatedAt)"
                if let error = task.error { line += "  \(error["message"]?.stringValue ?? error.jsonString)" }
                print(line)
            }
        }
    }
}

/// The project's own store (read by `executions`, which loads no project); a failure is one
/// exit-2 line naming the file.
private func openStore(_ projectDirectory: String) throws -> any ExecutionStore {
    do { return try StoreSelection.projectDefault.open(forProject: projectDirectory) } catch {
        throw CommandFailure(line: error.description, exitCode: 2)
    }
}
