import ArgumentParser
import Foundation
import SwitchyardEngine
import SwitchyardHost
import SwitchyardJSON

/// `switchyard run WORKFLOW_ID [--project DIR] [--input JSON] [--json] [--quiet | -v]`.
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

    @OptionGroup var display: DisplayOptions

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        try logs.bootstrap(defaultLevel: .error)
        let inputValue = try Self.parseInput(input)
        try await WorkflowSession(project: project, json: json, display: display, store: try storeOptions.selection()).run(workflowID: workflowID, input: inputValue)
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
