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

    func run() async throws {
        try logs.bootstrap(defaultLevel: .warning)
        let host = try await ProjectHost.openForCommand(project)
        let outcome: Result<WorkflowResult, HostError>
        do {
            outcome = .success(try await host.resume(execID: execID, observer: WorkflowReport.progressObserver()))
        } catch {
            outcome = .failure(error)
        }
        await host.shutdown()
        let result: WorkflowResult
        do { result = try outcome.get() } catch { throw WorkflowReport.failure(error, flag: execID) }
        try WorkflowReport.report(result, json: json, subject: "workflow \"\(result.workflowID)\"")
    }
}
