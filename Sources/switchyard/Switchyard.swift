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
    /// 2 usage or configuration error (one line on stderr). With `--json`, an error that ends the
    /// command before its own JSON is also one object on stdout: `{"error": {"kind", "message"}}`.
    static func main() async {
        // A second parse, for the error style only: the instance that runs is sent to its task.
        let style = (try? parseAsRoot()).flatMap(ErrorStyle.init(of:)) ?? ErrorStyle(arguments: CommandLine.arguments)
        do {
            var command = try parseAsRoot()
            if let asyncCommand = command as? any AsyncParsableCommand {
                try await CommandTracing.run(asyncCommand)
            } else {
                try command.run()
            }
        } catch {
            report(error, style: style)
        }
    }

    /// Prints `error` as `style` says and exits with its code.
    private static func report(_ error: any Error, style: ErrorStyle) -> Never {
        if let failure = error as? CommandFailure {
            style.report(failure)
            Foundation.exit(failure.exitCode)
        }
        let code = exitCode(for: error)
        if code.rawValue == 0 {
            exit(withError: error)
        }
        let message = fullMessage(for: error)
        if code == .validationFailure || code.rawValue == 64 {
            let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
            style.report(CommandFailure(line: "error: " + firstLine, exitCode: 2, kind: CommandFailure.usageKind))
            Foundation.exit(2)
        }
        exit(withError: error)
    }
}

/// An error the CLI reports as one stderr line with a chosen exit code.
struct CommandFailure: Error {
    /// The whole stderr line, e.g. `error[timeout]: ...` or `switchyard.yaml: tools[2].id: ...`.
    var line: String
    /// 1 when the workflow/tool ran and failed; 2 for usage or configuration errors.
    var exitCode: Int32
    /// The `error.kind` of `--json` outputs: a tool error kind (`timeout`, `load`, ...), a host
    /// error code (`unknown_workflow`, `project_config`, `store`, ...) or `usage`.
    var kind: String?
    /// The command already printed its JSON (with `error.kind`): no second object on stdout.
    var reportedAsJSON = false

    init(line: String, exitCode: Int32, kind: String? = nil) {
        self.line = line
        self.exitCode = exitCode
        self.kind = kind
    }

    /// The kind of a flag or argument the command refuses.
    static let usageKind = "usage"

    static func usage(_ message: String) -> CommandFailure {
        CommandFailure(line: "error: " + message, exitCode: 2, kind: usageKind)
    }

    /// The line without its `error: ` or `error[KIND]: ` prefix.
    var message: String {
        if line.hasPrefix("error: ") { return String(line.dropFirst(7)) }
        if line.hasPrefix("error["), let end = line.range(of: "]: ") { return String(line[end.upperBound...]) }
        return line
    }
}
