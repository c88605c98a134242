import ArgumentParser
import Foundation
import SwitchyardHost

/// `switchyard validate [--project DIR] [--skip-runtime]`: parses and checks every project and
/// workflow file, then (unless `--skip-runtime`) loads the adapters the tools use and checks the
/// entrypoint's exports, printing every problem (`FILE: PATH: REASON`, one per line on stderr); exit 2 if any.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Parses and checks every project and workflow file.")

    @Option(help: "The project directory.")
    var project: String = "."

    @Flag(help: "Check the files only: load no adapter and start no runtime.")
    var skipRuntime = false

    @OptionGroup var logs: LogOptions

    func run() async throws {
        try logs.bootstrap(defaultLevel: .error)
        let validation = ProjectHost.validate(directory: project)
        var (config, problems) = (validation.project, validation.problems)
        // Only a project whose files are valid is loaded: its entrypoint, adapters and exports.
        if problems.isEmpty, !skipRuntime, let config { problems = await ProjectHost.runtimeProblems(in: config) }
        for warning in config?.warnings ?? [] { printError("warning: \(warning)") }  // autoload files skipped (non-strict)
        for problem in problems { printError("error: \(problem)") }
        if !problems.isEmpty { throw ExitCode(2) }
        let workflows = config?.workflows.map(\.id).joined(separator: ", ") ?? ""
        print("ok: \(config?.file ?? project): \(config?.workflows.count ?? 0) workflow(s) (\(workflows))")
    }
}
