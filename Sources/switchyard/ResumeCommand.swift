import ArgumentParser
import SwitchyardEngine
import SwitchyardHost

/// `switchyard resume EXEC_ID [--project DIR] [--json]`: continues an interrupted execution
/// from its checkpoints; completed tasks are not run again.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Continues an interrupted execution; completed tasks are not run again.")

    @Argument(help: "The execution id.")
    var execID: String

    @Option(help: "The project directory.")
    var project: String = "."

    @Flag(help: "Print the result as one JSON object on stdout.")
    var json = false

    @OptionGroup var logs: LogOptions

    @OptionGroup var display: DisplayOptions

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        try logs.bootstrap(defaultLevel: .error)
        try await WorkflowSession(project: project, json: json, display: display, store: try storeOptions.selection()).resume(execID: execID)
    }
}
