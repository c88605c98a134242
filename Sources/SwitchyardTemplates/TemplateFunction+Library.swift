import Foundation
import SwitchyardJSON

/// The function bodies. Arguments arrive evaluated, the piped value last (Go's rule).
extension TemplateFunction {
    /// Calls the function. `and`/`or` short-circuit in the evaluator and land here only with all
    /// arguments. `lenient` makes `index` return null for a missing key instead of failing.
    func call(_ args: [JSONValue], lenient: Bool) throws(TemplateFailure) -> JSONValue {
        switch self {
        case .default:
            guard let fallback = args.first else { throw arity("at least 1") }
            guard args.count > 1 else { return fallback }
            let given = args[args.count - 1]
            return given.isTemplateTruthy ? given : fallback
        case .empty:
            try expect(1)
            return .bool(!args[0].isTemplateTruthy)
        case .coalesce:
            return args.first { $0.isTemplateTruthy } ?? .null
        case .and:
            guard !args.isEmpty else { throw arity("at least 1") }
            return args.first { !$0.isTemplateTruthy } ?? args[args.count - 1]
        case .or:
            guard !args.isEmpty else { throw arity("at least 1") }
            return args.first { $0.isTemplateTruthy } ?? args[args.count - 1]
        case .not:
            try expect(1)
            return .bool(!args[0].isTemplateTruthy)
        case .index:
            return try indexed(args, lenient: lenient)
        case .len:
            try expect(1)
            switch args[0] {
            case .null: return 0
            case .string(let text): return .int(Int64(text.unicodeScalars.count))
            case .array(let elements): return .int(Int64(elements.count))
            case .object(let members): return .int(Int64(members.count))
            default: throw TemplateFailure(reason: "len of \(args[0].typeName)")
            }
        case .eq:
            guard args.count >= 2 else { throw arity("at least 2") }
            return .bool(args.dropFirst().contains { args[0].templateEquals($0) })
        case .ne:
            try expect(2)
            return .bool(!args[0].templateEquals(args[1]))
        case .lt, .gt, .le, .ge:
            try expect(2)
            let order = try compare(args[0], args[1])
            switch self {
            case .lt: return .bool(order < 0)
            case .gt: return .bool(order > 0)
            case .le: return .bool(order <= 0)
            default: return .bool(order >= 0)
            }
        case .printf:
            guard case .string(let format)? = args.first else { throw TemplateFailure(reason: "format must be a string") }
            return .string(try goFormat(format, Array(args.dropFirst())))
        case .print:
            return .string(goPrint(args))
        case .println:
            return .string(args.map(\.templateText).joined(separator: " ") + "\n")
        case .toJson:
            try expect(1)
            return .string(args[0].jsonString)
        case .fromJson:
            try expect(1)
            let text = try string(args[0])
            do {
                return try JSONValue(parsing: text)
            } catch {
                throw TemplateFailure(reason: "invalid JSON: \(error)")
            }
        case .toString:
            try expect(1)
            return .string(args[0].templateText)
        case .toInt, .int:
            try expect(1)
            return .int(try integer(args[0]))
        case .toFloat, .float64:
            try expect(1)
            return .double(try number(args[0]).doubleValue ?? 0)
        case .upper:
            try expect(1)
            return .string(args[0].templateText.uppercased())
        case .lower:
            try expect(1)
            return .string(args[0].templateText.lowercased())
        case .trim:
            try expect(1)
            return .string(args[0].templateText.trimmingCharacters(in: .whitespacesAndNewlines))
        case .trimPrefix:
            try expect(2)
            let (prefix, text) = (args[0].templateText, args[1].templateText)
            return .string(text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text)
        case .trimSuffix:
            try expect(2)
            let (suffix, text) = (args[0].templateText, args[1].templateText)
            return .string(text.hasSuffix(suffix) ? String(text.dropLast(suffix.count)) : text)
        case .quote:
            return .string(args.filter { !$0.isNull }.map { goQuoted($0.templateText) }.joined(separator: " "))
        case .squote:
            return .string(args.filter { !$0.isNull }.map { "'\($0.templateText)'" }.joined(separator: " "))
        case .join:
            try expect(2)
            let separator = args[0].templateText
            switch args[1] {
            case .array(let elements):
                let parts = elements.filter { !$0.isNull }.map(\.templateText)
                let total = parts.reduce(separator.utf8.count * Swift.max(parts.count - 1, 0)) { $0 + $1.utf8.count }
                try TemplateLimits.checkSize(total, what: "the joined text")
                return .string(parts.joined(separator: separator))
            case .string(let text): return .string(text)
            default: throw TemplateFailure(reason: "cannot join \(args[1].typeName)")
            }
        case .contains:
            try expect(2)
            return .bool(args[1].templateText.contains(args[0].templateText) || args[0].templateText.isEmpty)
        case .hasPrefix:
            try expect(2)
            return .bool(args[1].templateText.hasPrefix(args[0].templateText))
        case .hasSuffix:
            try expect(2)
            return .bool(args[1].templateText.hasSuffix(args[0].templateText))
        case .replace:
            try expect(3)
            let (old, new, text) = (args[0].templateText, args[1].templateText, args[2].templateText)
            try checkReplacementSize(text, old: old, new: new)
            return .string(text.replacingOccurrences(of: old, with: new))
        case .splitList:
            try expect(2)
            let parts = args[1].templateText.components(separatedBy: args[0].templateText)
            return .array(parts.map { .string($0) })
        case .repeat:
            try expect(2)
            let count = try integer(args[0])
            guard count >= 0 else { throw TemplateFailure(reason: "negative count \(count)") }
            let unit = args[1].templateText
            if unit.isEmpty { return "" }  // String(repeating:) would still count to a huge count
            try TemplateLimits.checkRepeated(unit.utf8.count, count: count, what: "the repeated text")
            return .string(String(repeating: unit, count: Int(count)))
        case .add, .mul:
            guard !args.isEmpty else { throw arity("at least 1") }
            var total = try number(args[0])
            for argument in args.dropFirst() {
                total = try arithmetic(total, try number(argument))
            }
            return total
        case .sub, .div, .mod:
            try expect(2)
            return try arithmetic(try number(args[0]), try number(args[1]))
        case .ternary:
            try expect(3)
            return args[2].isTemplateTruthy ? args[0] : args[1]
        case .list:
            return .array(args)
        case .dict:
            guard args.count.isMultiple(of: 2) else { throw TemplateFailure(reason: "needs key/value pairs") }
            var members: [String: JSONValue] = [:]
            for pair in stride(from: 0, to: args.count, by: 2) {
                members[args[pair].templateText] = args[pair + 1]
            }
            return .object(members)
        case .keys:
            var names: [String] = []
            for argument in args {
                guard case .object(let members) = argument else {
                    throw TemplateFailure(reason: "keys of \(argument.typeName)")
                }
                names.append(contentsOf: members.keys)
            }
            return .array(names.sorted().map { .string($0) })
        case .hasKey:
            try expect(2)
            guard case .object(let members) = args[0] else { return false }
            return .bool(members[args[1].templateText] != nil)
        case .first, .last:
            try expect(1)
            switch args[0] {
            case .array(let elements): return (self == .first ? elements.first : elements.last) ?? .null
            case .null: return .null
            default: throw TemplateFailure(reason: "\(rawValue) of \(args[0].typeName)")
            }
        default:
            return try callFamily(args)
        }

        func expect(_ count: Int) throws(TemplateFailure) {
            guard args.count == count else { throw arity("\(count)") }
        }
        func arity(_ wanted: String) -> TemplateFailure {
            TemplateFailure(reason: "wrong number of arguments: want \(wanted), got \(args.count)")
        }
    }

    /// `index x k1 k2 …`: object keys and array positions, one step per key.
    private func indexed(_ args: [JSONValue], lenient: Bool) throws(TemplateFailure) -> JSONValue {
        guard var current = args.first else {
            throw TemplateFailure(reason: "wrong number of arguments: want at least 1, got 0")
        }
        for key in args.dropFirst() {
            switch (current, key) {
            case (.object(let members), .string(let name)):
                guard let value = members[name] else {
                    if lenient { return .null }
                    throw TemplateFailure(reason: "missing key \(goQuoted(name))")
                }
                current = value
            case (.array(let elements), _):
                guard let position = key.intValue else {
                    throw TemplateFailure(reason: "cannot index array with \(key.typeName)")
                }
                guard position >= 0, position < elements.count else {
                    if lenient { return .null }
                    throw TemplateFailure(reason: "index out of range: \(position)")
                }
                current = elements[Int(position)]
            case (.null, _):
                if lenient { return .null }
                throw TemplateFailure(reason: "missing key \(key.templateText) (indexing null)")
            default:
                throw TemplateFailure(reason: "cannot index \(current.typeName) with \(key.typeName)")
            }
        }
        return current
    }

    private func arithmetic(_ left: JSONValue, _ right: JSONValue) throws(TemplateFailure) -> JSONValue {
        if case .int(let a) = left, case .int(let b) = right {
            let result: (partialValue: Int64, overflow: Bool)
            switch self {
            case .add: result = a.addingReportingOverflow(b)
            case .sub: result = a.subtractingReportingOverflow(b)
            case .mul: result = a.multipliedReportingOverflow(by: b)
            default:
                guard b != 0 else { throw TemplateFailure(reason: "division by zero") }
                result = self == .div ? a.dividedReportingOverflow(by: b) : a.remainderReportingOverflow(dividingBy: b)
            }
            guard !result.overflow else { throw TemplateFailure(reason: "integer overflow") }
            return .int(result.partialValue)
        }
        let a = left.doubleValue ?? 0
        let b = right.doubleValue ?? 0
        switch self {
        case .add: return .double(a + b)
        case .sub: return .double(a - b)
        case .mul: return .double(a * b)
        case .div:
            guard b != 0 else { throw TemplateFailure(reason: "division by zero") }
            return .double(a / b)
        default:
            guard b != 0 else { throw TemplateFailure(reason: "division by zero") }
            return .double(a.truncatingRemainder(dividingBy: b))
        }
    }
}

/// A number from a number or numeric text (sprig converts text too).
func number(_ value: JSONValue) throws(TemplateFailure) -> JSONValue {
    switch value {
    case .int, .double: return value
    case .string(let text):
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let exact = Int64(trimmed) { return .int(exact) }
        if let approximate = Double(trimmed) { return .double(approximate) }
    default: break
    }
    throw TemplateFailure(reason: "expected a number, got \(value.typeName) \(value.jsonString)")
}

/// An integer: integral numbers, truncated doubles, numeric text, booleans as 0/1, null as 0.
func integer(_ value: JSONValue) throws(TemplateFailure) -> Int64 {
    switch value {
    case .null: return 0
    case .bool(let flag): return flag ? 1 : 0
    default:
        let numeric = try number(value)
        if let exact = numeric.intValue { return exact }
        guard let double = numeric.doubleValue, let truncated = Int64(exactly: double.rounded(.towardZero)) else {
            throw TemplateFailure(reason: "\(value.jsonString) does not fit an integer")
        }
        return truncated
    }
}

func string(_ value: JSONValue) throws(TemplateFailure) -> String {
    guard case .string(let text) = value else {
        throw TemplateFailure(reason: "expected a string, got \(value.typeName)")
    }
    return text
}

/// Ordering for `lt`/`gt`/`le`/`ge`: see ``JSONValue/templateOrder(_:)``.
func compare(_ left: JSONValue, _ right: JSONValue) throws(TemplateFailure) -> Int {
    guard let order = left.templateOrder(right) else {
        throw TemplateFailure(reason: "incompatible types for comparison: \(left.typeName) and \(right.typeName)")
    }
    return order
}

/// Go's `print`: operands concatenated, with a space between two operands when neither is text.
func goPrint(_ args: [JSONValue]) -> String {
    var result = ""
    for (position, argument) in args.enumerated() {
        if position > 0, argument.stringValue == nil, args[position - 1].stringValue == nil { result += " " }
        result += argument.templateText
    }
    return result
}

/// Fails before `replace` builds a result over the size limit: only when the worst case (every
/// position a match) is over it are the real matches counted.
private func checkReplacementSize(_ text: String, old: String, new: String) throws(TemplateFailure) {
    let textBytes = text.utf8.count, oldBytes = old.utf8.count, newBytes = new.utf8.count
    guard oldBytes > 0, newBytes > oldBytes else { return }
    let growth = newBytes - oldBytes
    guard textBytes + (textBytes / oldBytes) * growth > TemplateLimits.maxRenderedBytes else { return }
    var matches = 0
    var searchRange = text.startIndex..<text.endIndex
    while let found = text.range(of: old, range: searchRange) {
        matches += 1
        searchRange = found.upperBound..<text.endIndex
    }
    try TemplateLimits.checkSize(textBytes + matches * growth, what: "the replaced text")
}
