import ArgumentParser
import Foundation
import SwitchyardAgents
import SwitchyardEngine
import SwitchyardHost
import SwitchyardJSON
import SwitchyardRuntime

/// `switchyard run WORKFLOW_ID [--project DIR] [--input JSON] [--json]`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Runs a workflow to its end on the project's store.")

    @Argument(help: "The workflow id.")
    var workflowID: String

    @Option(help: "The project directory.")
    var project: String = "."

    @Option(help: "The workflow input as a JSON object.")
    var input: String?

    @Flag(help: "Print the result as one JSON object on stdout.")
    var json = false

    func run() async throws {
        let inputValue = try Self.parseInput(input)
        let session = try await EngineSession.open(projectDirectory: project)
        let outcome: Result<WorkflowResult, any Error>
        do {
            outcome = .success(try await session.engine.run(workflowID: workflowID, input: inputValue,
                                                            observer: EngineSession.progressObserver()))
        } catch {
            outcome = .failure(error)
        }
        await session.close()
        let result: WorkflowResult
        do { result = try outcome.get() } catch { throw EngineSession.failure(error, flag: workflowID) }
        try EngineSession.report(result, json: json, subject: "workflow \"\(workflowID)\"")
    }

    static func parseInput(_ text: String?) throws -> JSONValue {
        guard let text else { return .emptyObject }
        let value: JSONValue
        do { value = try JSONValue(parsing: text) } catch {
            throw CommandFailure.usage("--input: not valid JSON: \(error)")
        }
        guard value.objectValue != nil else {
            throw CommandFailure.usage("--input: expected a JSON object, got \(value.typeName)")
        }
        return value
    }
}

/// A loaded project, its adapters and an engine over the project's store.
struct EngineSession {
    let engine: WorkflowEngine
    let adapters: ProjectAdapters

    /// `DIR/.switchyard/state.sqlite`.
    static func storePath(_ directory: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + ".switchyard/state.sqlite"
    }

    /// Loads the project, opens the store, creates the adapters. Every failure is a one-line
    /// exit-2 error naming the file.
    static func open(projectDirectory: String) async throws -> EngineSession {
        let project: ProjectConfig
        do { project = try ProjectLoader.load(directory: projectDirectory) } catch {
            throw CommandFailure(line: "error: \(error.description)", exitCode: 2)
        }
        let store = try openStore(projectDirectory)
        let adapters: ProjectAdapters
        do { adapters = try await ProjectAdapters.load(for: project) } catch {
            throw CommandFailure(line: "\(error)".hasPrefix("error") ? "\(error)" : "error: \(error)", exitCode: 2)
        }
        let engine = WorkflowEngine(project: project, adapters: adapters.adapters, store: store,
                                    agents: WorkflowAgentExecutor())
        return EngineSession(engine: engine, adapters: adapters)
    }

    static func openStore(_ directory: String) throws -> SQLiteExecutionStore {
        do { return try SQLiteExecutionStore(path: storePath(directory)) } catch {
            throw CommandFailure(line: "error: \(error)", exitCode: 2)
        }
    }

    func close() async { await adapters.shutdown() }

    /// Progress lines on stderr when it is a terminal; `error[KIND]: ...` for every failed
    /// tool call either way.
    static func progressObserver() -> ExecutionObserver {
        let live = isatty(STDERR_FILENO) == 1
        return { event in
            switch event {
            case .toolFailed(_, _, let error): printError(error.description)
            case .taskStarted(_, _, let path) where live: printError("  ... \(path)")
            case .taskRestored(_, _, let path, let status) where live: printError("  = \(path) \(status.rawValue) (checkpoint)")
            case .taskFinished(_, _, let path, let status, let error) where live:
                printError("  \(status == .success ? "ok" : "!!") \(path) \(status.rawValue)"
                           + (error.map { ": \($0.message)" } ?? ""))
            default: break
            }
        }
    }

    /// Prints the result and maps it to the exit code: 0 on SUCCESS, else 1 with one stderr line.
    static func report(_ result: WorkflowResult, json: Bool, subject: String) throws {
        if json {
            print(result.json.jsonString)
        } else {
            print(result.output.jsonString)
        }
        guard result.status == .success else {
            let message = result.error?["message"]?.stringValue ?? "no detail"
            throw CommandFailure(line: "error: \(subject) \(result.status.rawValue) (exec \(result.execID)): \(message)",
                                 exitCode: 1)
        }
        if !json, isatty(STDERR_FILENO) == 1 { printError("\(subject) SUCCESS (exec \(result.execID))") }
    }

    /// Maps engine refusals to exit-2 lines.
    static func failure(_ error: any Error, flag: String) -> any Error {
        guard let error = error as? EngineError else {
            if let store = error as? StoreError { return CommandFailure(line: "error: \(store)", exitCode: 2) }
            return error
        }
        switch error.kind {
        case .invalidInput: return CommandFailure.usage("--input: \(error.message)")
        default: return CommandFailure.usage("\(flag): \(error.message)")
        }
    }
}

/// Writes one line to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
