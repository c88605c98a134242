import Foundation
import SwitchyardJSON

/// Keeps the environment's secrets out of stored state, errors and logs (issue #9 item 4).
///
/// A secret is the value of a variable from the `.env` layer (the project's `.env` file, or an
/// exported variable the project names as `.env.NAME`) whose name says it holds one
/// (`namesSecret`: `…KEY…`, `…TOKEN…`, `…SECRET…`, `…PASSWORD…`, …) and that no `env:` block
/// overrides. Values shorter than `minimumLength` are left alone: replacing every `dev` or `1`
/// in stored state would destroy it. Each occurrence becomes `placeholder`.
public struct SecretRedactor: Sendable {
    /// What a secret's value is replaced with.
    public static let placeholder = "[REDACTED]"
    /// Shorter values are not treated as secrets.
    public static let minimumLength = 6
    /// Name fragments (compared in upper case) that mark a variable as a secret.
    static let secretNameFragments = ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL",
                                      "AUTH", "PRIVATE", "COOKIE", "SESSION", "DSN", "CERT"]

    /// The secret values, longest first (so one that contains another is replaced whole).
    public let secrets: [String]

    /// A redactor of `secrets` (short and duplicate values dropped).
    public init(secrets: some Sequence<String>) {
        self.secrets = Set(secrets).filter { $0.utf8.count >= Self.minimumLength }
            .sorted { $0.utf8.count > $1.utf8.count }
    }

    /// A redactor with no secrets: every call returns its argument.
    public static let none = SecretRedactor(secrets: [])

    /// Whether there is nothing to redact.
    public var isEmpty: Bool { secrets.isEmpty }

    /// Whether a variable named `name` holds a secret.
    public static func namesSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return secretNameFragments.contains { upper.contains($0) }
    }

    /// `text` with every secret replaced.
    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Self.placeholder)
        }
        return result
    }

    /// `value` with every secret replaced in its strings and member names.
    public func redact(_ value: JSONValue) -> JSONValue {
        guard !secrets.isEmpty else { return value }
        switch value {
        case .string(let text): return .string(redact(text))
        case .array(let items): return .array(items.map { redact($0) })
        case .object(let members):
            var redacted: [String: JSONValue] = [:]
            redacted.reserveCapacity(members.count)
            for (key, member) in members { redacted[redact(key)] = redact(member) }
            return .object(redacted)
        default: return value
        }
    }

    /// `value`, when there is one, redacted.
    func redact(_ value: JSONValue?) -> JSONValue? { value.map(redact) }
}

/// The store as a run with secrets writes to it: every task record's input, output and error,
/// and the workflow's output and error, pass through the redactor first. Reads pass through.
struct RedactingExecutionStore: ReadingThroughStore {
    let base: any ExecutionStore
    let redactor: SecretRedactor
    var readBase: any ExecutionStore { base }

    /// `base` itself when there is nothing to redact, else `base` behind a redactor.
    static func wrap(_ base: any ExecutionStore, _ redactor: SecretRedactor) -> any ExecutionStore {
        redactor.isEmpty ? base : RedactingExecutionStore(base: base, redactor: redactor)
    }

    func insertWorkflow(_ record: WorkflowExecutionRecord) async throws {
        var redacted = record
        redacted.output = redactor.redact(record.output)
        redacted.error = redactor.redact(record.error)
        try await base.insertWorkflow(redacted)
    }

    func updateWorkflow(execID: String, status: ExecutionStatus, output: JSONValue?, error: JSONValue?) async throws {
        try await base.updateWorkflow(execID: execID, status: status, output: redactor.redact(output),
                                      error: redactor.redact(error))
    }

    func saveTask(_ record: TaskExecutionRecord) async throws {
        var redacted = record
        redacted.input = redactor.redact(record.input)
        redacted.output = redactor.redact(record.output)
        redacted.error = redactor.redact(record.error)
        try await base.saveTask(redacted)
    }

}

extension ExecutionEvent {
    /// The event with the secrets in its error messages, tool log lines and progress replaced:
    /// what the log and every observer (terminal display, event stream) get.
    func redacted(by redactor: SecretRedactor) -> ExecutionEvent {
        switch self {
        case .taskFinished(let execID, let taskID, let path, let status, let error):
            return .taskFinished(execID: execID, taskID: taskID, path: path, status: status,
                                 error: error.map { TaskFailure(redactor.redact($0.message), kind: $0.kind) })
        case .toolFailed(let execID, let taskID, let error):
            var redacted = error
            redacted.message = redactor.redact(error.message)
            redacted.details = error.details.map { redactor.redact($0) }
            return .toolFailed(execID: execID, taskID: taskID, error: redacted)
        case .toolLog(let execID, let taskID, let level, let message):
            return .toolLog(execID: execID, taskID: taskID, level: level, message: redactor.redact(message))
        case .toolProgress(let execID, let taskID, let progress):
            return .toolProgress(execID: execID, taskID: taskID, progress: redactor.redact(progress))
        default:
            return self
        }
    }
}
