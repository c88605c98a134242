import Foundation
import SwitchyardEngine
import SwitchyardHost

extension ProjectHost {
    /// Opens the project for a command; a failure is the one-line exit-2 error the host names
    /// (`error: FILE: PATH: REASON`, `error: STORE: ...`, `error[load]: ...`).
    static func openForCommand(_ directory: String, loading: Loading = .eager) async throws -> ProjectHost {
        var options = Options()
        options.loading = loading
        do { return try await open(directory: directory, options: options) } catch {
            throw CommandFailure(line: error.description, exitCode: 2)
        }
    }
}

/// How `run` and `resume` show an execution: progress on stderr, the result on stdout, and the
/// contract's exit code.
enum WorkflowReport {
    /// Progress lines on stderr when it is a terminal; `error[KIND]: ...` for every failed
    /// tool call either way.
    static func progressObserver() -> ExecutionObserver {
        let live = isatty(STDERR_FILENO) == 1
        return { event in
            switch event {
            case .toolFailed(_, _, let error): printError(error.description)
            case .taskStarted(_, _, let path) where live: printError("  ... \(path)")
            case .taskRestored(_, _, let path, let status) where live: printError("  = \(path) \(status.rawValue) (checkpoint)")
            case .taskFinished(_, _, let path, let status, let error) where live:
                printError("  \(status == .success ? "ok" : "!!") \(path) \(status.rawValue)"
                           + (error.map { ": \($0.message)" } ?? ""))
            default: break
            }
        }
    }

    /// Prints the result and maps it to the exit code: 0 on SUCCESS, else 1 with one stderr line.
    static func report(_ result: WorkflowResult, json: Bool, subject: String) throws {
        if json {
            print(result.json.jsonString)
        } else {
            print(result.output.jsonString)
        }
        guard result.status == .success else {
            let message = result.error?["message"]?.stringValue ?? "no detail"
            throw CommandFailure(line: "error: \(subject) \(result.status.rawValue) (exec \(result.execID)): \(message)",
                                 exitCode: 1)
        }
        if !json, isatty(STDERR_FILENO) == 1 { printError("\(subject) SUCCESS (exec \(result.execID))") }
    }

    /// Maps a refused run or resume to its exit-2 line: the input's problems name `--input`,
    /// the others the argument (`flag`) they are about; store failures name the store file.
    static func failure(_ error: HostError, flag: String) -> CommandFailure {
        switch error.code {
        case .invalidInput: return CommandFailure.usage("--input: \(error.message)")
        case .store, .other: return CommandFailure(line: error.description, exitCode: 2)
        default: return CommandFailure.usage("\(flag): \(error.message)")
        }
    }
}

/// Writes one line to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
