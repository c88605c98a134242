/// What was wrong with one field of a configuration document, and where: the `(path, reason)`
/// a `FieldReader` produces. Each caller wraps it in its own error type and wording (the loader's
/// `FILE: PATH: REASON`, an agent's `AgentError`, the API's 400), so the reasons are structured
/// rather than text.
public struct FieldProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the field was refused.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// A required field is absent or null.
        case missing
        /// A required string is `""`.
        case empty
        /// The field holds another type of value than the one expected.
        case wrongType(expected: FieldType, found: JSONValue)
        /// A string outside a closed set of names (`field` is the member's key).
        case notOneOf(field: String, found: String, allowed: [String])
        /// A caller's own check failed; the text says why.
        case invalid(String)

        /// The reason in the words of a YAML configuration file, as `switchyard validate` prints
        /// it: `is required`, `expected a mapping, found string`, ...
        public var description: String {
            switch self {
            case .missing: return "is required"
            case .empty: return "must not be empty"
            case .wrongType(let expected, let found): return "expected \(expected.yamlPhrase), found \(found.typeName)"
            case .notOneOf(let field, let found, let allowed):
                return "unknown \(field) \"\(found)\" (expected one of: \(allowed.joined(separator: ", ")))"
            case .invalid(let text): return text
            }
        }
    }

    /// Where the field sits, e.g. `tools[2].ffi`; empty for the document itself.
    public var path: String
    /// Why it was refused.
    public var reason: Reason

    /// Creates a problem.
    public init(_ path: String, _ reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// `PATH: REASON` (or just the reason at the root).
    public var description: String { path.isEmpty ? reason.description : "\(path): \(reason)" }
}

/// The kinds of value a `FieldReader` accessor expects.
public enum FieldType: String, Sendable, Hashable, CaseIterable {
    /// A JSON string.
    case string
    /// A whole number.
    case integer
    /// Any number.
    case number
    /// `true` or `false`.
    case boolean
    /// A JSON object (a YAML mapping).
    case object
    /// A JSON array (a YAML list).
    case array

    /// The type with an article, in YAML's words: `a mapping`, `a list`, `true or false`.
    public var yamlPhrase: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .number: return "a number"
        case .boolean: return "true or false"
        case .object: return "a mapping"
        case .array: return "a list"
        }
    }

    /// The type with an article, in JSON's words: `an object`, `an array`, `a boolean`.
    public var jsonPhrase: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .number: return "a number"
        case .boolean: return "a boolean"
        case .object: return "an object"
        case .array: return "an array"
        }
    }
}

/// Problems collected while reading a whole document, for callers that report every problem
/// (`switchyard validate`) instead of stopping at the first.
public struct FieldProblems: Sendable {
    /// Every problem so far, in the order the fields were read.
    public private(set) var all: [FieldProblem] = []

    /// Creates an empty collection.
    public init() {}

    /// Whether nothing was wrong so far.
    public var isEmpty: Bool { all.isEmpty }

    /// Adds a problem.
    public mutating func record(_ problem: FieldProblem) { all.append(problem) }

    /// Adds a caller's own finding at `path`.
    public mutating func record(_ path: String, _ reason: String) { all.append(FieldProblem(path, .invalid(reason))) }

    /// Runs one read: its value, or `nil` with the problem recorded, so reading goes on.
    public mutating func read<Value>(_ read: () throws(FieldProblem) -> Value?) -> Value? {
        do { return try read() } catch {
            all.append(error)
            return nil
        }
    }
}
