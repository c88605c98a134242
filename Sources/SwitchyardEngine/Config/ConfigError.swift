/// A problem in a project or workflow file: which file, where in the document, and what is wrong.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the problem is in, as the loader opened it (project directory joined with the name).
    public var file: String
    /// The place in the document, e.g. `tasks[2].routes.b`; empty for the file as a whole.
    public var path: String
    /// What is wrong.
    public var reason: String

    /// Creates an error.
    public init(file: String, path: String, reason: String) {
        self.file = file
        self.path = path
        self.reason = reason
    }

    /// `FILE: PATH: REASON` (or `FILE: REASON` when the problem is the whole file).
    public var description: String {
        path.isEmpty ? "\(file): \(reason)" : "\(file): \(path): \(reason)"
    }
}

/// Every problem found in a project, in file order. Thrown where all of them matter
/// (`switchyard validate`); its first problem is what a run reports.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    /// The problems, never empty.
    public var problems: [ConfigError]

    /// Creates the list.
    public init(_ problems: [ConfigError]) { self.problems = problems }

    /// One problem per line.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
