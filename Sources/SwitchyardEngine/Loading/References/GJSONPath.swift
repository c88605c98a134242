import SwitchyardJSON

/// The part of GJSON's path syntax compozy's `$ref`/`$use` paths use (`pkg/ref` resolves them with
/// `tidwall/gjson`): dotted keys with `\.` escapes, array indexes, `#` (length), `#.field` (the
/// field of every element), queries `#(field op value)` (first match) and `#(…)#` (all matches),
/// with `==`, `!=`, `<`, `<=`, `>`, `>=`, `%` and `!%` (wildcard match). Modifiers (`@`) and
/// wildcard keys are not supported and are reported as such.
struct GJSONPath: Sendable, Equatable {
    /// One step of a path.
    enum Component: Sendable, Equatable {
        /// A member name (or, on an array, an index written in decimal).
        case key(String)
        /// `#`: the length of an array, or, when more follows, the rest applied to each element.
        case each
        /// `#(…)`: the first element that matches; with `all`, `#(…)#`, every one.
        case query(Query, all: Bool)
    }

    /// A query's condition: `left op right`, or `left` alone for "exists".
    struct Query: Sendable, Equatable {
        var left: [Component]
        var operation: String?
        var right: JSONValue?
    }

    /// Why a path cannot be parsed.
    struct SyntaxError: Error, Equatable {
        var reason: String
    }

    var components: [Component]

    /// Parses `text`.
    init(_ text: String) throws(SyntaxError) {
        guard !text.isEmpty else { throw SyntaxError(reason: "the path is empty") }
        components = try Self.parse(Array(text))
    }

    /// A path of the given steps (a JSON pointer's keys).
    init(components: [Component]) { self.components = components }

    /// The value at this path in `root`, or nil when there is none.
    func value(in root: JSONValue) -> JSONValue? {
        Self.walk(root, components[...])
    }

    // MARK: - Evaluation

    private static func walk(_ value: JSONValue, _ rest: ArraySlice<Component>) -> JSONValue? {
        guard let component = rest.first else { return value }
        let after = rest.dropFirst()
        switch component {
        case .key(let name):
            switch value {
            case .object(let members):
                return members[name].flatMap { walk($0, after) }
            case .array(let elements):
                guard let index = Int(name), index >= 0, index < elements.count else { return nil }
                return walk(elements[index], after)
            default:
                return nil
            }
        case .each:
            guard case .array(let elements) = value else { return nil }
            if after.isEmpty { return .int(Int64(elements.count)) }
            return .array(elements.compactMap { walk($0, after) })
        case .query(let query, let all):
            guard case .array(let elements) = value else { return nil }
            let matching = elements.filter { matches($0, query) }
            if all { return .array(after.isEmpty ? matching : matching.compactMap { walk($0, after) }) }
            return matching.first.flatMap { walk($0, after) }
        }
    }

    private static func matches(_ element: JSONValue, _ query: Query) -> Bool {
        guard let left = walk(element, query.left[...]) else { return false }
        // A query without an operator asks only that the field exist.
        guard let operation = query.operation, let right = query.right else { return true }
        switch (left, right) {
        case (.string(let text), _):
            let pattern = right.stringValue ?? scalarText(right)
            return compare(text, pattern, operation)
        case (.int, _), (.double, _):
            guard let number = left.doubleValue, let other = right.doubleValue ?? Double(scalarText(right)) else {
                return false
            }
            return compare(number, other, operation)
        case (.bool(let flag), _):
            let text = flag ? "true" : "false"
            return compare(text, scalarText(right), operation)
        case (.null, _):
            return compare("null", scalarText(right), operation)
        default:
            return false
        }
    }

    private static func scalarText(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .null: return "null"
        default: return ""
        }
    }

    private static func compare<T: Comparable>(_ left: T, _ right: T, _ operation: String) -> Bool {
        switch operation {
        case "==", "=": return left == right
        case "!=": return left != right
        case "<": return left < right
        case "<=": return left <= right
        case ">": return left > right
        case ">=": return left >= right
        case "%", "!%":
            guard let text = left as? String, let pattern = right as? String else { return false }
            let found = WildcardPattern.matches(Array(text), Array(pattern))
            return operation == "%" ? found : !found
        default: return false
        }
    }

    // MARK: - Parsing

    private static func parse(_ characters: [Character]) throws(SyntaxError) -> [Component] {
        var components: [Component] = []
        var index = 0
        while index <= characters.count {
            if index < characters.count, characters[index] == "#" {
                let next = index + 1
                if next == characters.count || characters[next] == "." {
                    components.append(.each)
                    index = next + 1
                    continue
                }
                if characters[next] == "(" {
                    let close = try closingParenthesis(characters, from: next)
                    let query = try parseQuery(Array(characters[(next + 1)..<close]))
                    var end = close + 1
                    let all = end < characters.count && characters[end] == "#"
                    if all { end += 1 }
                    components.append(.query(query, all: all))
                    guard end == characters.count || characters[end] == "." else {
                        throw SyntaxError(reason: "expected \".\" after the query at character \(end + 1)")
                    }
                    index = end + 1
                    continue
                }
            }
            var key = ""
            while index < characters.count, characters[index] != "." {
                let character = characters[index]
                if character == "\\", index + 1 < characters.count {
                    key.append(characters[index + 1])
                    index += 2
                    continue
                }
                if character == "@" && key.isEmpty {
                    throw SyntaxError(reason: "GJSON modifiers (\"@…\") are not supported")
                }
                if character == "*" || character == "?" {
                    throw SyntaxError(reason: "wildcard keys (\"*\", \"?\") are not supported")
                }
                key.append(character)
                index += 1
            }
            guard !key.isEmpty else { throw SyntaxError(reason: "empty key at character \(index + 1)") }
            components.append(.key(key))
            index += 1
        }
        return components
    }

    private static func closingParenthesis(_ characters: [Character], from open: Int) throws(SyntaxError) -> Int {
        var depth = 0
        var quote: Character?
        var index = open
        while index < characters.count {
            let character = characters[index]
            if let active = quote {
                if character == "\\" { index += 1 } else if character == active { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        throw SyntaxError(reason: "the query at character \(open) has no closing \")\"")
    }

    private static let operations = ["==", "!=", "<=", ">=", "!%", "<", ">", "%", "="]

    private static func parseQuery(_ characters: [Character]) throws(SyntaxError) -> Query {
        var quote: Character?
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if let active = quote {
                if character == active { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if let operation = operations.first(where: { starts(characters, at: index, with: $0) }) {
                let leftText = String(characters[..<index]).trimmingWhitespace
                let rightText = String(characters[(index + operation.count)...]).trimmingWhitespace
                let left = leftText.isEmpty ? [] : try parse(Array(leftText))
                return Query(left: left, operation: operation, right: try literal(rightText))
            }
            index += 1
        }
        let text = String(characters).trimmingWhitespace
        guard !text.isEmpty else { throw SyntaxError(reason: "an empty query \"#()\"") }
        return Query(left: try parse(Array(text)), operation: nil, right: nil)
    }

    private static func starts(_ characters: [Character], at index: Int, with operation: String) -> Bool {
        let operationCharacters = Array(operation)
        guard index + operationCharacters.count <= characters.count else { return false }
        return Array(characters[index..<(index + operationCharacters.count)]) == operationCharacters
    }

    private static func literal(_ text: String) throws(SyntaxError) -> JSONValue {
        if let first = text.first, first == "\"" || first == "'" {
            guard text.count >= 2, text.last == first else {
                throw SyntaxError(reason: "unterminated string \(text) in a query")
            }
            var unescaped = ""
            var escaping = false
            for character in text.dropFirst().dropLast() {
                if escaping { unescaped.append(character); escaping = false } else if character == "\\" {
                    escaping = true
                } else {
                    unescaped.append(character)
                }
            }
            return .string(unescaped)
        }
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            if let number = Int64(text) { return .int(number) }
            if let number = Double(text) { return .double(number) }
            guard !text.isEmpty else { throw SyntaxError(reason: "a query compares with nothing") }
            return .string(text)
        }
    }
}

/// GJSON's `%` pattern: `*` any run of characters, `?` any one character.
enum WildcardPattern {
    static func matches(_ text: [Character], _ pattern: [Character]) -> Bool {
        var textIndex = 0, patternIndex = 0
        var starAt: Int?, resumeAt = 0
        while textIndex < text.count {
            if patternIndex < pattern.count, pattern[patternIndex] == "?" || pattern[patternIndex] == text[textIndex] {
                textIndex += 1
                patternIndex += 1
            } else if patternIndex < pattern.count, pattern[patternIndex] == "*" {
                starAt = patternIndex
                resumeAt = textIndex
                patternIndex += 1
            } else if let star = starAt {
                patternIndex = star + 1
                resumeAt += 1
                textIndex = resumeAt
            } else {
                return false
            }
        }
        while patternIndex < pattern.count, pattern[patternIndex] == "*" { patternIndex += 1 }
        return patternIndex == pattern.count
    }
}
