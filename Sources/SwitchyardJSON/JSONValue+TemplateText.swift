import Foundation

/// How templates and conditions print values, compare them and decide truth (Go's rules,
/// adapted to JSON). `package`: shared by the template and condition modules, not public API.
extension JSONValue {
    /// The text an action prints: strings as-is, numbers Go-style (`3`, not `3.0`), booleans as
    /// `true`/`false`, null as nothing (Go would print `<no value>`, which no workflow wants in a
    /// prompt), arrays and objects as compact JSON with sorted keys (Go prints `map[…]`, which
    /// nothing downstream can parse).
    package var templateText: String {
        switch self {
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return Self.goNumberText(number)
        case .string(let text): return text
        case .array, .object: return jsonString
        }
    }

    /// Go `%v` for a float64: integral values below 1e21 without a fraction or exponent.
    package static func goNumberText(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "+Inf" : "-Inf" }
        if number.rounded() == number, abs(number) < 1e21 {
            if let exact = Int64(exactly: number) { return String(exact) }
            return String(format: "%.0f", number)
        }
        return "\(number)"
    }

    /// Go's truth: false, 0, "", null, and empty arrays and objects are false.
    package var isTemplateTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        case .double(let number): return number != 0
        case .string(let text): return !text.isEmpty
        case .array(let elements): return !elements.isEmpty
        case .object(let members): return !members.isEmpty
        }
    }

    /// The typed-result rule for rendered text: JSON-looking text (first non-space `[` or `{`)
    /// that parses becomes that value, `true`/`false` become booleans, anything else stays text.
    package static func typedTemplateResult(_ text: String) -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed == "true" { return .bool(true) }
        if trimmed == "false" { return .bool(false) }
        if let first = trimmed.utf8.first, first == UInt8(ascii: "[") || first == UInt8(ascii: "{"),
            let parsed = try? JSONValue(parsing: trimmed)
        {
            return parsed
        }
        return .string(text)
    }

    /// Equality where `1 == 1.0` (JSON does not distinguish them), recursively.
    package func templateEquals(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.int(let left), .int(let right)): return left == right
        case (.int, .double), (.double, .int), (.double, .double):
            return doubleValue == other.doubleValue
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.templateEquals($1) }
        case (.object(let left), .object(let right)):
            return left.count == right.count
                && left.allSatisfy { key, value in right[key].map { value.templateEquals($0) } ?? false }
        default: return self == other
        }
    }
}

/// Go's `strconv.Quote`: printable text kept, quotes, backslashes and control characters escaped.
package func goQuoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        case "\r": result += "\\r"
        case "\u{07}": result += "\\a"
        case "\u{08}": result += "\\b"
        case "\u{0C}": result += "\\f"
        case "\u{0B}": result += "\\v"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                result += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result + "\""
}

extension JSONValue {
    /// Ordering for `lt`/`gt` and CEL `<`/`>`: numbers by value (int and double mix), strings by
    /// bytes; `nil` for values of incompatible types.
    package func templateOrder(_ other: JSONValue) -> Int? {
        switch (self, other) {
        case (.int(let a), .int(let b)): return a < b ? -1 : a > b ? 1 : 0
        case (.int, .double), (.double, .int), (.double, .double):
            let (a, b) = (doubleValue!, other.doubleValue!)
            return a < b ? -1 : a > b ? 1 : 0
        case (.string(let a), .string(let b)):
            if a == b { return 0 }
            return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
        default:
            return nil
        }
    }
}
