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

        @OptionGroup var display: DisplayOptions

        func run() async throws {
            try logs.bootstrap(defaultLevel: .error)
            let inputValue = try RunCommand.parseInput(input)
            // Only the tool's adapter loads, and no store file is created.
            let host = try await ProjectHost.openForCommand(project, loading: .onFirstUse)
            var budget: Duration?
            do {
                if let timeout {
                    guard let parsed = GoDuration.parse(timeout) else {
                        throw CommandFailure.usage("--timeout: \"\(timeout)\" is not a duration (e.g. 500ms, 30s, 2m)")
                    }
                    budget = parsed
                }
                // A runtime tool needs the entrypoint: a missing one is exit 2, as in `run` and `validate`.
                if host.tools.first(where: { $0.id == toolID })?.adapterKey == "runtime" {
                    try WorkflowSession.checkEntrypoint(host.project)
                }
            } catch {
                await host.shutdown()
                throw error
            }
            let showsLogs = !display.quiet
            let outcome: Result<JSONValue, HostError>
            do {
                outcome = .success(try await host.callTool(toolID, input: inputValue, timeout: budget) { event in
                    if showsLogs, case .log(let level, let line) = event { ToolLogEcho.show(level, line, toolID: toolID) }
                })
            } catch {
                outcome = .failure(error)
            }
            await host.shutdown()
            switch outcome {
            case .success(let output): print(output.jsonString)
            case .failure(let error): throw Self.failure(error, verbose: display.verbose)
            }
        }
    }
}

extension ToolsCommand.Call {
    /// A call that could not start because of what the user named or configured (an unknown
    /// tool, an undeclared or unloadable adapter, an input the tool's `input:` schema or the
    /// adapter's configuration refuses) is exit 2, as the same conditions are in `run`; a call
    /// that ran and failed is exit 1. The line is one line unless `verbose`, which adds the
    /// tool's captured stderr.
    static func failure(_ error: HostError, verbose: Bool) -> CommandFailure {
        let configuration: Set<HostError.Code> = [.unknownTool, .undeclaredAdapter, .invalidInput, .adapterLoad]
        var line = DisplayText.oneLine(error.description, verbose: verbose)
        if verbose, let details = error.toolError?.details, !details.isEmpty { line += "\n" + details }
        return CommandFailure(line: line, exitCode: configuration.contains(error.code) ? 2 : 1,
                              kind: error.toolError?.kind.rawValue ?? error.code.rawValue)
    }
}
