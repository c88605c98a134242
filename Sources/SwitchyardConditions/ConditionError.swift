/// A condition that failed to parse or to evaluate: the reason, the expression, and for syntax
/// errors the column (1-based, counting Unicode scalars from the start of the expression).
public struct ConditionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; evaluation errors name the path (`no such key "x" at tasks.x`).
    public var reason: String
    /// The condition text.
    public var expression: String
    /// Where a syntax error was found.
    public var column: Int?

    /// Creates an error.
    /// - Parameters:
    ///   - reason: what went wrong.
    ///   - expression: the condition text.
    ///   - column: 1-based column of a syntax error.
    public init(reason: String, expression: String, column: Int? = nil) {
        self.reason = reason
        self.expression = expression
        self.column = column
    }

    /// `condition "<text>": <reason>[ at column N]`.
    public var description: String {
        let shown = expression.count > 120 ? String(expression.prefix(117)) + "..." : expression
        let position = column.map { " at column \($0)" } ?? ""
        return "condition \"\(shown)\": \(reason)\(position)"
    }
}

/// A failure before it is tied to the expression text; `offset` is a byte offset.
struct ConditionFailure: Error {
    var reason: String
    var offset: Int?
}
