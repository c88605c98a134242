import ArgumentParser
import Foundation
import SwitchyardEngine
import SwitchyardHost
import SwitchyardJSON

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

    @OptionGroup var logs: LogOptions

    func run() async throws {
        try logs.bootstrap(defaultLevel: .warning)
        let inputValue = try Self.parseInput(input)
        let host = try await ProjectHost.openForCommand(project)
        let outcome: Result<WorkflowResult, HostError>
        do {
            outcome = .success(try await host.run(workflowID: workflowID, input: inputValue,
                                                  observer: WorkflowReport.progressObserver()))
        } catch {
            outcome = .failure(error)
        }
        await host.shutdown()
        let result: WorkflowResult
        do { result = try outcome.get() } catch { throw WorkflowReport.failure(error, flag: workflowID) }
        try WorkflowReport.report(result, json: json, subject: "workflow \"\(workflowID)\"")
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
