import ArgumentParser
import Foundation

/// `--quiet` and `-v/--verbose` of `run`, `resume` and `tools call`: how much the command shows
/// on stderr besides its result.
struct DisplayOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "Print only the result and errors: no progress, no summary.")
    var quiet = false

    @Flag(name: [.short, .long],
          help: "Also print tool log lines and task timings when stderr is not a terminal, and the full detail of errors.")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
    }

    /// The display these flags select for a stderr that is (or is not) a terminal.
    func mode(terminal: Bool = DisplayMode.stderrIsTerminal) -> DisplayMode {
        if quiet { return .quiet }
        if terminal { return .live(verbose: verbose) }
        return .plain(verbose: verbose)
    }
}

/// What `run` and `resume` show on stderr while an execution runs.
enum DisplayMode: Equatable, Sendable {
    /// Only `error[KIND]:` lines and the final error line.
    case quiet
    /// Lines, never redrawn: by default only `error[KIND]:` lines (output piped to a file or a
    /// program stays as it was); with `verbose` also the exec id, task lines, tool log lines and
    /// the summary.
    case plain(verbose: Bool)
    /// A view redrawn in place on the terminal (ANSI), above which finished tasks are kept.
    case live(verbose: Bool)

    /// Whether stderr is a terminal. `TERM=dumb` counts as not one: it cannot move the cursor.
    static var stderrIsTerminal: Bool {
        isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// Whether error details (a tool's captured stderr, a long message's other lines) are shown.
    var verbose: Bool {
        switch self {
        case .quiet: false
        case .plain(let verbose), .live(let verbose): verbose
        }
    }
}
