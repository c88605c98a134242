import Foundation
import SwitchyardEngine
import SwitchyardHost

extension ProjectHost {
    /// Opens the project for a command; a failure is the one-line exit-2 error the host names
    /// (`error: FILE: PATH: REASON`, `error: STORE: ...`, `error[load]: ...`).
    static func openForCommand(_ directory: String, loading: Loading = .eager,
                               store: StoreSelection = .projectDefault) async throws -> ProjectHost {
        var options = Options()
        options.store = store
        options.loading = loading
        do { return try await open(directory: directory, options: options) } catch {
            throw CommandFailure(line: error.description, exitCode: 2,
                                 kind: error.toolError?.kind.rawValue ?? error.code.rawValue)
        }
    }
}

/// How `run` and `resume` report an execution's end: the result on stdout and the contract's
/// exit code.
enum WorkflowReport {
    /// Prints the result and maps it to the exit code: 0 on SUCCESS, else 1 after one stderr line
    /// `error: workflow "ID" STATUS (exec EXEC_ID): MESSAGE` (the message's first line, unless `verbose`).
    static func report(_ result: WorkflowResult, json: Bool, verbose: Bool, subject: String) throws {
        if json {
            print(result.json.jsonString)
        } else {
            print(result.output.jsonString)
        }
        guard result.status == .success else {
            let message = result.error?["message"]?.stringValue ?? "no detail"
            var failure = CommandFailure(
                line: "error: \(subject) \(result.status.rawValue) (exec \(result.execID)): "
                    + DisplayText.oneLine(message, verbose: verbose),
                exitCode: 1, kind: result.errorKind)
            // The result object on stdout already carries `error.kind`.
            failure.reportedAsJSON = json
            throw failure
        }
    }

    /// Maps a refused run or resume to its exit-2 line: the input's problems name `--input`,
    /// the others the argument (`flag`) they are about; store failures name the store file.
    static func failure(_ error: HostError, flag: String) -> CommandFailure {
        let kind = error.toolError?.kind.rawValue ?? error.code.rawValue
        switch error.code {
        case .invalidInput: return CommandFailure(line: "error: --input: \(error.message)", exitCode: 2, kind: kind)
        case .store, .other: return CommandFailure(line: error.description, exitCode: 2, kind: kind)
        default: return CommandFailure(line: "error: \(flag): \(error.message)", exitCode: 2, kind: kind)
        }
    }
}

/// Writes one line to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
