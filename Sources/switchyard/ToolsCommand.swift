import ArgumentParser
import Foundation
import SwitchyardEngine
import SwitchyardHost
import SwitchyardJSON

/// `switchyard tools call TOOL_ID`: runs one tool through its adapter.
struct ToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools", abstract: "Works with the project's tools.", subcommands: [Call.self])

    struct Call: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Runs one tool through its adapter; stdout is the tool's output JSON object.")

        @Argument(help: "The tool id, as declared in the project or a workflow file.")
        var toolID: String
        @Option(help: "The project directory.")
        var project: String = "."
        @Option(help: "The tool input, a JSON object.")
        var input: String = "{}"
        @Option(help: "The call's time budget, e.g. 500ms, 30s, 2m.")
        var timeout: String?

        @OptionGroup var logs: LogOptions

        func run() async throws {
            try logs.bootstrap(defaultLevel: .warning)
            let inputValue = try RunCommand.parseInput(input)
            // Only the tool's adapter loads, and no store file is created.
            let host = try await ProjectHost.openForCommand(project, loading: .onFirstUse)
            var budget: Duration?
            if let timeout {
                guard let parsed = GoDuration.parse(timeout) else {
                    await host.shutdown()
                    throw CommandFailure.usage("--timeout: \"\(timeout)\" is not a duration (e.g. 500ms, 30s, 2m)")
                }
                budget = parsed
            }
            let outcome: Result<JSONValue, HostError>
            do {
                outcome = .success(try await host.callTool(toolID, input: inputValue, timeout: budget) { event in
                    if case .log(let level, let line) = event { ToolLogEcho.show(level, line, toolID: toolID) }
                })
            } catch {
                outcome = .failure(error)
            }
            await host.shutdown()
            switch outcome {
            case .success(let output): print(output.jsonString)
            case .failure(let error):
                // A tool naming an undeclared adapter, an adapter refusing its configuration (e.g.
                // the runtime's `mode`) or an input the tool's `input:` schema refuses is a usage or
                // configuration error; the rest ran (or tried to) and failed.
                let misconfigured = error.code == .undeclaredAdapter || error.code == .invalidInput
                    || (error.code == .adapterLoad && error.toolError?.kind == .invalidInput)
                throw CommandFailure(line: error.description, exitCode: misconfigured ? 2 : 1)
            }
        }
    }
}
