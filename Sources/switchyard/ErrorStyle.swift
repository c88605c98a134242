import ArgumentParser
import Foundation
import SwitchyardJSON

/// A command that says how its errors are shown: `--json` adds the error object on stdout,
/// `-v` shows a multi-line error in full.
protocol ReportsErrors {
    var errorStyle: ErrorStyle { get }
}

/// How `Switchyard.main` prints a `CommandFailure`.
struct ErrorStyle: Sendable {
    var json = false
    var verbose = false

    init(json: Bool, verbose: Bool) {
        self.json = json
        self.verbose = verbose
    }

    /// Before (or without) a parsed command, from the raw arguments: a usage error of
    /// `run ... --json` is still reported as JSON.
    init(arguments: [String]) {
        json = arguments.contains("--json")
        verbose = arguments.contains("-v") || arguments.contains("--verbose")
    }

    /// The style `command` asks for, if it says.
    init?(of command: any ParsableCommand) {
        guard let reporting = command as? any ReportsErrors else { return nil }
        self = reporting.errorStyle
    }

    /// One line on stderr (the first line of a longer message unless `verbose`), and with
    /// `json` one `{"error": {"kind", "message"}}` object on stdout.
    func report(_ failure: CommandFailure) {
        printError(DisplayText.oneLine(failure.line, verbose: verbose))
        guard json, !failure.reportedAsJSON else { return }
        let object: JSONValue = ["error": ["kind": .string(failure.kind ?? "error"), "message": .string(failure.message)]]
        print(object.jsonString)
    }
}

extension RunCommand: ReportsErrors {
    var errorStyle: ErrorStyle { ErrorStyle(json: json, verbose: display.verbose) }
}

extension ResumeCommand: ReportsErrors {
    var errorStyle: ErrorStyle { ErrorStyle(json: json, verbose: display.verbose) }
}

extension ToolsCommand.Call: ReportsErrors {
    var errorStyle: ErrorStyle { ErrorStyle(json: false, verbose: display.verbose) }
}

extension PluginCheckCommand: ReportsErrors {
    var errorStyle: ErrorStyle { ErrorStyle(json: json, verbose: false) }
}

extension ExecutionsCommand.List: ReportsErrors {
    var errorStyle: ErrorStyle { ErrorStyle(json: json, verbose: false) }
}

extension ExecutionsCommand.Show: ReportsErrors {
    var errorStyle: ErrorStyle { ErrorStyle(json: json, verbose: false) }
}
