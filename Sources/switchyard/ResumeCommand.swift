import ArgumentParser
import SwitchyardEngine

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

    func run() async throws {
        let session = try await EngineSession.open(projectDirectory: project)
        let outcome: Result<WorkflowResult, any Error>
        do {
            outcome = .success(try await session.engine.resume(execID: execID,
                                                               observer: EngineSession.progressObserver()))
        } catch {
            outcome = .failure(error)
        }
        await session.close()
        let result: WorkflowResult
        do { result = try outcome.get() } catch { throw EngineSession.failure(error, flag: execID) }
        try EngineSession.report(result, json: json, subject: "workflow \"\(result.workflowID)\"")
    }
}
