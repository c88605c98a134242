import SwitchyardJSON

/// A CEL condition (the subset compozy uses) parsed once and evaluated many times over a JSON
/// context whose top-level keys are the names (`signal`, `input`, `with`, `tasks`, `workflow`,
/// `item`, `index`, `env`, `output`, …).
///
/// Hand-written: no CEL library exists for Swift in the package mirror. Supported: literals
/// (int, double, '…'/"…"/triple-quoted/raw strings, true/false/null, lists, maps), `a.b`,
/// `a["k"]`, `a[0]`, `== != < <= > >=` (ints and doubles compare by value; strings by bytes),
/// `&& || !` (CEL semantics: `false && <error>` is false either way round), `in` (list
/// membership, map key), `+ - * / %`, `?:`, `size()` as function or method, `has(a.b)`,
/// `startsWith`/`endsWith`/`contains`/`matches`, `int()`/`double()`/`string()`/`type()`, and
/// the macros `all`, `exists`, `exists_one`, `filter`, `map`. Unknown names and missing fields
/// fail naming the path, except inside `has()`. Values of different types are unequal rather
/// than an error (CEL's heterogeneous equality).
public struct ConditionExpression: Sendable {
    /// How deeply an expression may nest, counting parentheses, list/map literals, calls and
    /// each chained operator or member step (`a && b && c` is three levels): deeper expressions
    /// fail to parse, because parsing and evaluating recurse once per level.
    public static let maxNestingDepth = 100

    /// The condition text.
    public let source: String
    private let root: ConditionNode

    /// Parses `source`.
    /// - Throws: `ConditionError` with the column of the problem.
    public init(parsing source: String) throws(ConditionError) {
        self.source = source
        let bytes = Array(source.utf8)
        do {
            var lexer = ConditionLexer(bytes)
            var parser = ConditionParser(lexemes: try lexer.tokens(), bytes: bytes)
            root = try parser.parse()
        } catch {
            let column = error.offset.map {
                String(decoding: bytes[..<min($0, bytes.count)], as: UTF8.self).unicodeScalars.count + 1
            }
            throw ConditionError(reason: error.reason, expression: source, column: column)
        }
    }

    /// The value of the expression.
    /// - Throws: `ConditionError` naming the missing path or the failing operation.
    public func evaluate(_ context: JSONValue) throws(ConditionError) -> JSONValue {
        var evaluator = ConditionEvaluator(context: context)
        do {
            return try evaluator.evaluate(root)
        } catch {
            throw ConditionError(reason: error.reason, expression: source)
        }
    }

    /// Whether the expression holds.
    /// - Throws: `ConditionError` when evaluation fails or the result is not a boolean
    ///   (`evaluated to string, expected bool`).
    public func isTrue(_ context: JSONValue) throws(ConditionError) -> Bool {
        let value = try evaluate(context)
        guard case .bool(let flag) = value else {
            throw ConditionError(reason: "evaluated to \(value.typeName), expected bool", expression: source)
        }
        return flag
    }
}
