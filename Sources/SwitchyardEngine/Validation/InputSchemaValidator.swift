import SwitchyardJSON

/// Checks a value against the JSON Schema subset workflow inputs use: `type`, `properties`,
/// `required`, `enum`, `minimum`/`maximum`, `minLength`/`maxLength`, `minItems`/`maxItems`,
/// `items`, `additionalProperties: false`.
///
/// Hand-written because the package mirror has no JSON Schema library; input checks need only
/// this subset, and unknown keywords are ignored rather than guessed at.
public enum InputSchemaValidator {
    /// Every way `value` fails `schema`, each naming its place (`input.count: ...`).
    public static func problems(in value: JSONValue, schema: JSONValue, at path: String = "input") -> [String] {
        var problems: [String] = []
        check(value, schema, path, &problems)
        return problems
    }

    private static func check(_ value: JSONValue, _ schema: JSONValue, _ path: String, _ problems: inout [String]) {
        guard let rules = schema.objectValue else { return }
        if let type = rules["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? []
            if !allowed.isEmpty, !allowed.contains(where: { matches(value, type: $0) }) {
                problems.append("\(path): expected \(allowed.joined(separator: " or ")), found \(value.typeName)")
                return
            }
        }
        if let options = rules["enum"]?.arrayValue, !options.contains(where: { equal($0, value) }) {
            problems.append("\(path): \(value.jsonString) is not one of \(JSONValue.array(options).jsonString)")
        }
        if let number = value.doubleValue {
            if let minimum = rules["minimum"]?.doubleValue, number < minimum {
                problems.append("\(path): \(value.jsonString) is less than the minimum \(rules["minimum"]!.jsonString)")
            }
            if let maximum = rules["maximum"]?.doubleValue, number > maximum {
                problems.append("\(path): \(value.jsonString) is greater than the maximum \(rules["maximum"]!.jsonString)")
            }
        }
        if let text = value.stringValue {
            if let minimum = rules["minLength"]?.intValue, text.count < minimum {
                problems.append("\(path): shorter than \(minimum) characters")
            }
            if let maximum = rules["maxLength"]?.intValue, text.count > maximum {
                problems.append("\(path): longer than \(maximum) characters")
            }
        }
        if let items = value.arrayValue {
            if let minimum = rules["minItems"]?.intValue, items.count < minimum {
                problems.append("\(path): fewer than \(minimum) items")
            }
            if let maximum = rules["maxItems"]?.intValue, items.count > maximum {
                problems.append("\(path): more than \(maximum) items")
            }
            if let itemSchema = rules["items"] {
                for (index, item) in items.enumerated() { check(item, itemSchema, "\(path)[\(index)]", &problems) }
            }
        }
        if let members = value.objectValue {
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                problems.append("\(path).\(name): is required")
            }
            let properties = rules["properties"]?.objectValue ?? [:]
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[name] {
                    check(member, propertySchema, "\(path).\(name)", &problems)
                } else if rules["additionalProperties"] == .bool(false) {
                    problems.append("\(path).\(name): is not an allowed property")
                }
            }
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("integer", _): return value.intValue != nil
        case ("number", .int), ("number", .double): return true
        default: return type == value.typeName
        }
    }

    private static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return lhs == rhs
    }
}
