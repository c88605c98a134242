import ArgumentParser
import Foundation
import SwitchyardHost

/// `switchyard validate [--project DIR]`: parses and checks every project and workflow file,
/// printing every problem (`FILE: PATH: REASON`, one per line on stderr); exit 2 if any.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Parses and checks every project and workflow file.")

    @Option(help: "The project directory.")
    var project: String = "."

    func run() async throws {
        let validation = ProjectHost.validate(directory: project)
        let (config, problems) = (validation.project, validation.problems)
        for problem in problems { printError("error: \(problem)") }
        if !problems.isEmpty { throw ExitCode(2) }
        let workflows = config?.workflows.map(\.id).joined(separator: ", ") ?? ""
        print("ok: \(config?.file ?? project): \(config?.workflows.count ?? 0) workflow(s) (\(workflows))")
    }
}
