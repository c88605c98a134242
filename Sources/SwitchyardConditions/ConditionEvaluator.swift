import Foundation
import SwitchyardJSON

/// Evaluates a condition tree. Errors name the path as written (`tasks.review.output.score`).
struct ConditionEvaluator {
    private let context: JSONValue
    /// Comprehension variables, innermost last; they shadow context names.
    private var locals: [(name: String, value: JSONValue)] = []

    init(context: JSONValue) { self.context = context }

    mutating func evaluate(_ node: ConditionNode) throws(ConditionFailure) -> JSONValue {
        switch node {
        case .literal(let value):
            return value
        case .identifier, .select, .index:
            switch try lookup(node) {
            case .found(let value): return value
            case .missing(let reason): throw ConditionFailure(reason: reason)
            }
        case .list(let elements):
            var values: [JSONValue] = []
            for element in elements { values.append(try evaluate(element)) }
            return .array(values)
        case .map(let entries):
            var members: [String: JSONValue] = [:]
            for entry in entries {
                let key = try evaluate(entry.key)
                guard case .string(let name) = key else {
                    throw ConditionFailure(reason: "map keys must be strings here, got \(key.typeName)")
                }
                members[name] = try evaluate(entry.value)
            }
            return .object(members)
        case .not(let operand):
            return .bool(!(try boolean(try evaluate(operand), for: "!")))
        case .negate(let operand):
            switch try evaluate(operand) {
            case .int(let value):
                guard value != .min else { throw ConditionFailure(reason: "integer overflow") }
                return .int(-value)
            case .double(let value): return .double(-value)
            case let value: throw ConditionFailure(reason: "no such overload: -\(value.typeName)")
            }
        case .and(let left, let right):
            return try logical(left, right, decisive: false)
        case .or(let left, let right):
            return try logical(left, right, decisive: true)
        case .conditional(let condition, let whenTrue, let whenFalse):
            return try boolean(try evaluate(condition), for: "?:") ? try evaluate(whenTrue) : try evaluate(whenFalse)
        case .has(let target):
            if case .found = try lookup(target) { return true }
            return false
        case .binary(let op, let left, let right):
            return try apply(op, try evaluate(left), try evaluate(right))
        case .call(let function, let arguments):
            var values: [JSONValue] = []
            for argument in arguments { values.append(try evaluate(argument)) }
            return try call(function, values)
        case .comprehension(let macro, let range, let variable, let body):
            return try comprehend(macro, range: try evaluate(range), variable: variable, body: body)
        }
    }

    // MARK: Names and paths

    private enum Lookup {
        case found(JSONValue)
        /// Why the path does not resolve (a missing key, a field of null or of a scalar).
        case missing(String)
    }

    /// Resolves an identifier/select/index chain. A missing link is reported, not thrown, so
    /// `has()` can answer false; type errors (indexing a number) still throw.
    private mutating func lookup(_ node: ConditionNode) throws(ConditionFailure) -> Lookup {
        switch node {
        case .identifier(let name):
            if let local = locals.last(where: { $0.name == name }) { return .found(local.value) }
            guard let value = context[name] else {
                let known = context.objectValue?.keys.sorted().joined(separator: ", ") ?? ""
                return .missing("unknown identifier \(quoteForMessage(name)) (available: \(known))")
            }
            return .found(value)
        case .select(let base, let name):
            let parent = try lookup(base)
            guard case .found(let value) = parent else { return parent }
            switch value {
            case .object(let members):
                guard let member = members[name] else {
                    return .missing("no such key \(quoteForMessage(name)) at \(describe(node))")
                }
                return .found(member)
            case .null:
                return .missing("no such key \(quoteForMessage(name)) at \(describe(node)) (\(describe(base)) is null)")
            default:
                throw ConditionFailure(
                    reason: "cannot select field \(quoteForMessage(name)) from \(value.typeName) at \(describe(node))")
            }
        case .index(let base, let keyNode):
            let parent = try lookup(base)
            guard case .found(let value) = parent else { return parent }
            let key = try evaluate(keyNode)
            switch (value, key) {
            case (.object(let members), .string(let name)):
                guard let member = members[name] else {
                    return .missing("no such key \(quoteForMessage(name)) at \(describe(node))")
                }
                return .found(member)
            case (.array(let elements), _):
                guard let position = key.intValue else {
                    throw ConditionFailure(reason: "list index must be an int, got \(key.typeName) at \(describe(node))")
                }
                guard position >= 0, position < elements.count else {
                    return .missing("index \(position) out of range (size \(elements.count)) at \(describe(node))")
                }
                return .found(elements[Int(position)])
            case (.null, _):
                return .missing("no such key \(key.jsonString) at \(describe(node)) (\(describe(base)) is null)")
            default:
                throw ConditionFailure(
                    reason: "cannot index \(value.typeName) with \(key.typeName) at \(describe(node))")
            }
        default:
            return .found(try evaluate(node))
        }
    }

    /// The path as written, for messages.
    private func describe(_ node: ConditionNode) -> String {
        switch node {
        case .identifier(let name): return name
        case .select(let base, let name): return "\(describe(base)).\(name)"
        case .index(let base, .literal(let key)): return "\(describe(base))[\(key.jsonString)]"
        case .index(let base, _): return "\(describe(base))[…]"
        default: return "(…)"
        }
    }

    // MARK: Operators

    /// CEL's commutative `&&`/`||`: a decisive operand (false for `&&`, true for `||`) wins even
    /// when the other side fails; otherwise the first failure is raised.
    private mutating func logical(_ left: ConditionNode, _ right: ConditionNode, decisive: Bool)
        throws(ConditionFailure) -> JSONValue
    {
        let symbol = decisive ? "||" : "&&"
        let leftResult: Result<Bool, ConditionFailure>
        do {
            leftResult = .success(try boolean(try evaluate(left), for: symbol))
        } catch {
            leftResult = .failure(error)
        }
        if case .success(decisive) = leftResult { return .bool(decisive) }
        let rightValue: Bool
        do {
            rightValue = try boolean(try evaluate(right), for: symbol)
        } catch {
            if case .failure(let leftError) = leftResult { throw leftError }
            throw error
        }
        if rightValue == decisive { return .bool(decisive) }
        if case .failure(let leftError) = leftResult { throw leftError }
        return .bool(!decisive)
    }

    private func boolean(_ value: JSONValue, for symbol: String) throws(ConditionFailure) -> Bool {
        guard case .bool(let flag) = value else {
            throw ConditionFailure(reason: "\(symbol) needs bool operands, got \(value.typeName) \(value.jsonString)")
        }
        return flag
    }

    private func apply(_ op: ConditionOperator, _ left: JSONValue, _ right: JSONValue) throws(ConditionFailure)
        -> JSONValue
    {
        switch op {
        case .equal: return .bool(left.templateEquals(right))
        case .notEqual: return .bool(!left.templateEquals(right))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let order: Int
            if case .bool(let a) = left, case .bool(let b) = right {
                order = a == b ? 0 : (a ? 1 : -1)
            } else {
                guard let ordered = left.templateOrder(right) else {
                    throw ConditionFailure(reason: "no such overload: \(left.typeName) \(op.rawValue) \(right.typeName)")
                }
                order = ordered
            }
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .contained:
            switch right {
            case .array(let elements): return .bool(elements.contains { left.templateEquals($0) })
            case .object(let members):
                guard case .string(let key) = left else { return false }
                return .bool(members[key] != nil)
            default:
                throw ConditionFailure(reason: "no such overload: \(left.typeName) in \(right.typeName)")
            }
        case .plus, .minus, .times, .divide, .remainder:
            return try arithmetic(op, left, right)
        }
    }

    private func arithmetic(_ op: ConditionOperator, _ left: JSONValue, _ right: JSONValue)
        throws(ConditionFailure) -> JSONValue
    {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            let result: (partialValue: Int64, overflow: Bool)
            switch op {
            case .plus: result = a.addingReportingOverflow(b)
            case .minus: result = a.subtractingReportingOverflow(b)
            case .times: result = a.multipliedReportingOverflow(by: b)
            case .divide, .remainder:
                guard b != 0 else { throw ConditionFailure(reason: op == .divide ? "division by zero" : "modulus by zero") }
                result = op == .divide ? a.dividedReportingOverflow(by: b) : a.remainderReportingOverflow(dividingBy: b)
            default: result = (0, true)
            }
            guard !result.overflow else { throw ConditionFailure(reason: "integer overflow") }
            return .int(result.partialValue)
        case (.int, .double), (.double, .int), (.double, .double):
            let (a, b) = (left.doubleValue!, right.doubleValue!)
            switch op {
            case .plus: return .double(a + b)
            case .minus: return .double(a - b)
            case .times: return .double(a * b)
            case .divide: return .double(a / b)
            default: break
            }
        case (.string(let a), .string(let b)) where op == .plus:
            return .string(a + b)
        case (.array(let a), .array(let b)) where op == .plus:
            return .array(a + b)
        default:
            break
        }
        throw ConditionFailure(reason: "no such overload: \(left.typeName) \(op.rawValue) \(right.typeName)")
    }

    // MARK: Functions and macros

    private func call(_ function: ConditionFunction, _ arguments: [JSONValue]) throws(ConditionFailure) -> JSONValue {
        switch function {
        case .size:
            switch arguments[0] {
            case .string(let text): return .int(Int64(text.unicodeScalars.count))
            case .array(let elements): return .int(Int64(elements.count))
            case .object(let members): return .int(Int64(members.count))
            default: throw ConditionFailure(reason: "no such overload: size(\(arguments[0].typeName))")
            }
        case .startsWith, .endsWith, .contains, .matches:
            guard case .string(let text) = arguments[0], case .string(let pattern) = arguments[1] else {
                throw ConditionFailure(
                    reason: "no such overload: \(arguments[0].typeName).\(function.rawValue)(\(arguments[1].typeName))")
            }
            switch function {
            case .startsWith: return .bool(text.hasPrefix(pattern))
            case .endsWith: return .bool(text.hasSuffix(pattern))
            case .contains: return .bool(pattern.isEmpty || text.contains(pattern))
            default:
                // RE2 in CEL; NSRegularExpression agrees on the common syntax.
                guard let regex = try? NSRegularExpression(pattern: pattern) else {
                    throw ConditionFailure(reason: "invalid regular expression \(quoteForMessage(pattern))")
                }
                let range = NSRange(text.startIndex..., in: text)
                return .bool(regex.firstMatch(in: text, range: range) != nil)
            }
        case .int:
            switch arguments[0] {
            case .int: return arguments[0]
            case .double(let value):
                guard let truncated = Int64(exactly: value.rounded(.towardZero)) else {
                    throw ConditionFailure(reason: "int(\(value)) out of range")
                }
                return .int(truncated)
            case .string(let text):
                guard let value = Int64(text) else { throw ConditionFailure(reason: "int(\(quoteForMessage(text))) is not an integer") }
                return .int(value)
            default: throw ConditionFailure(reason: "no such overload: int(\(arguments[0].typeName))")
            }
        case .double:
            switch arguments[0] {
            case .int(let value): return .double(Double(value))
            case .double: return arguments[0]
            case .string(let text):
                guard let value = Double(text) else { throw ConditionFailure(reason: "double(\(quoteForMessage(text))) is not a number") }
                return .double(value)
            default: throw ConditionFailure(reason: "no such overload: double(\(arguments[0].typeName))")
            }
        case .string:
            if case .string = arguments[0] { return arguments[0] }
            return .string(arguments[0].templateText)
        case .type:
            switch arguments[0] {
            case .null: return "null_type"
            case .bool: return "bool"
            case .int: return "int"
            case .double: return "double"
            case .string: return "string"
            case .array: return "list"
            case .object: return "map"
            }
        }
    }

    private mutating func comprehend(
        _ macro: ConditionMacro, range: JSONValue, variable: String, body: ConditionNode
    ) throws(ConditionFailure) -> JSONValue {
        let elements: [JSONValue]
        switch range {
        case .array(let list): elements = list
        case .object(let members): elements = members.keys.sorted().map { .string($0) }
        default: throw ConditionFailure(reason: "\(macro.rawValue)() needs a list or map, got \(range.typeName)")
        }
        var matches = 0
        var collected: [JSONValue] = []
        for element in elements {
            locals.append((variable, element))
            let result: JSONValue
            do {
                result = try evaluate(body)
            } catch {
                locals.removeLast()
                throw error
            }
            locals.removeLast()
            if macro == .map {
                collected.append(result)
                continue
            }
            let holds = try boolean(result, for: "\(macro.rawValue)()")
            switch macro {
            case .all where !holds: return false
            case .exists where holds: return true
            case .filter where holds: collected.append(element)
            case .existsOne where holds: matches += 1
            default: break
            }
        }
        switch macro {
        case .all: return true
        case .exists: return false
        case .existsOne: return .bool(matches == 1)
        case .filter, .map: return .array(collected)
        }
    }
}
