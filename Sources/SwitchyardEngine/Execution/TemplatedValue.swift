import SwitchyardJSON
import SwitchyardTemplates
import SwitchyardConditions

/// A JSON value whose strings were parsed as templates once, at load time, so rendering per
/// task or per collection item never parses again.
indirect enum TemplatedValue: Sendable {
    /// No template anywhere inside.
    case literal(JSONValue)
    /// A string holding at least one action.
    case template(Template)
    case array([TemplatedValue])
    case object([String: TemplatedValue])

    /// Parses every string inside `value`, recording syntax errors with their document path.
    static func compile(_ value: JSONValue, at path: String, file: String,
                        problems: inout [ConfigError]) -> TemplatedValue {
        switch value {
        case .string(let text):
            guard text.contains("{{") else { return .literal(value) }
            do {
                let template = try Template(parsing: text)
                return template.isLiteral ? .literal(value) : .template(template)
            } catch {
                problems.append(ConfigError(file: file, path: path, reason: "template error: \(error)"))
                return .literal(value)
            }
        case .array(let items):
            let compiled = items.enumerated().map { index, item in
                compile(item, at: "\(path)[\(index)]", file: file, problems: &problems)
            }
            if compiled.allSatisfy(\.isLiteral) { return .literal(value) }
            return .array(compiled)
        case .object(let members):
            var compiled: [String: TemplatedValue] = [:]
            for (key, item) in members {
                compiled[key] = compile(item, at: FieldReader.join(path, key), file: file, problems: &problems)
            }
            if compiled.values.allSatisfy(\.isLiteral) { return .literal(value) }
            return .object(compiled)
        default:
            return .literal(value)
        }
    }

    var isLiteral: Bool {
        if case .literal = self { return true }
        return false
    }

    /// Renders every template inside against `context`.
    /// - Throws: `TemplateError` (a missing key names its path).
    func render(_ context: JSONValue) throws(TemplateError) -> JSONValue {
        switch self {
        case .literal(let value): return value
        case .template(let template): return try template.render(context)
        case .array(let items):
            var rendered: [JSONValue] = []
            rendered.reserveCapacity(items.count)
            for item in items { rendered.append(try item.render(context)) }
            return .array(rendered)
        case .object(let members):
            var rendered: [String: JSONValue] = [:]
            rendered.reserveCapacity(members.count)
            for (key, item) in members { rendered[key] = try item.render(context) }
            return .object(rendered)
        }
    }
}

/// A yes/no test written either as a template (`{{ ... }}`, truthy when rendered) or as a CEL
/// expression — compozy files use both for `condition` and `filter`.
enum Predicate: Sendable {
    case template(Template)
    case expression(ConditionExpression)
    case constant(Bool)

    static func compile(_ text: String, at path: String, file: String, problems: inout [ConfigError]) -> Predicate {
        if text.contains("{{") {
            do {
                return .template(try Template(parsing: text))
            } catch {
                problems.append(ConfigError(file: file, path: path, reason: "template error: \(error)"))
            }
        } else {
            do {
                return .expression(try ConditionExpression(parsing: text))
            } catch {
                problems.append(ConfigError(file: file, path: path, reason: "condition error: \(error)"))
            }
        }
        return .constant(false)
    }

    /// Evaluates the test.
    /// - Throws: `TemplateError` or `ConditionError`.
    func isTrue(_ context: JSONValue) throws -> Bool {
        switch self {
        case .constant(let flag): return flag
        case .expression(let expression): return try expression.isTrue(context)
        case .template(let template): return Self.truthy(try template.render(context))
        }
    }

    /// Go template truthiness, plus the strings a template prints for false values.
    static func truthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        case .double(let number): return number != 0
        case .string(let text):
            let trimmed = text.trimmingWhitespace
            return !(trimmed.isEmpty || trimmed == "false" || trimmed == "0" || trimmed == "<no value>")
        case .array(let items): return !items.isEmpty
        case .object(let members): return !members.isEmpty
        }
    }
}
