import ArgumentParser
import Foundation

/// The `switchyard` command line: thin wrappers that parse flags and call the modules.
@main
struct Switchyard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "Runs compozy-compatible agentic workflows on pluggable runtime adapters.",
        version: SwitchyardVersion.number,
        subcommands: [
            RunCommand.self, ResumeCommand.self, ExecutionsCommand.self, ToolsCommand.self,
            PluginCommand.self, ValidateCommand.self, ServeCommand.self,
        ])

    /// Maps outcomes to the contract's exit codes: 0 success, 1 the workflow or tool failed,
    /// 2 usage or configuration error (one line on stderr).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await CommandTracing.traced(for: command) { try await asyncCommand.run() }
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data((failure.line + "\n").utf8))
            Foundation.exit(failure.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code.rawValue == 0 {
                exit(withError: error)
            }
            let message = fullMessage(for: error)
            if code == .validationFailure || code.rawValue == 64 {
                let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
                FileHandle.standardError.write(Data(("error: " + firstLine + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// An error the CLI reports as one stderr line with a chosen exit code.
struct CommandFailure: Error {
    /// The whole stderr line, e.g. `error[timeout]: ...` or `switchyard.yaml: tools[2].id: ...`.
    var line: String
    /// 1 when the workflow/tool ran and failed; 2 for usage or configuration errors.
    var exitCode: Int32

    static func usage(_ message: String) -> CommandFailure { CommandFailure(line: "error: " + message, exitCode: 2) }
}
