/// A JSON Schema validator for the subset agents' schemas use: `type` (one or a list),
/// `enum`, `const`, `properties`, `required`, `additionalProperties` (boolean or schema),
/// `items`, `minItems`/`maxItems`, `minLength`/`maxLength`, `minimum`/`maximum`,
/// `anyOf`/`oneOf`/`allOf`. Other keywords are ignored (accepted).
///
/// Hand-written because the package mirror has no JSON Schema library. Used for workflow input,
/// agent action input and output, and tool schemas.
public enum JSONSchemaValidator {
    /// The ways `value` breaks `schema`, each naming the JSON path (`$.items[2].name`); empty when
    /// it matches.
    public static func errors(in value: JSONValue, against schema: JSONValue, at root: String = "$") -> [String] {
        var errors: [String] = []
        check(value, against: schema, at: root, into: &errors)
        return errors
    }

    private static func check(_ value: JSONValue, against schema: JSONValue, at path: String,
                              into errors: inout [String]) {
        if schema == .bool(false) { errors.append("\(path): no value is allowed here"); return }
        guard let rules = schema.objectValue else { return }
        if let types = rules["type"], !matchesType(value, types) {
            errors.append("\(path): expected \(typeList(types)), got \(value.typeName)")
            return
        }
        if let allowed = rules["enum"]?.arrayValue, !allowed.contains(where: { equal($0, value) }) {
            errors.append("\(path): \(value.jsonString) is not one of \(JSONValue.array(allowed).jsonString)")
        }
        if let constant = rules["const"], !equal(constant, value) {
            errors.append("\(path): expected \(constant.jsonString), got \(value.jsonString)")
        }
        checkObject(value, rules, at: path, into: &errors)
        checkArray(value, rules, at: path, into: &errors)
        checkScalar(value, rules, at: path, into: &errors)
        checkCombinators(value, rules, at: path, into: &errors)
    }

    private static func checkObject(_ value: JSONValue, _ rules: [String: JSONValue], at path: String,
                                    into errors: inout [String]) {
        guard let members = value.objectValue else { return }
        for key in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[key] == nil {
            errors.append("\(path).\(key): required property is missing")
        }
        let properties = rules["properties"]?.objectValue ?? [:]
        for key in members.keys.sorted() {
            guard let member = members[key] else { continue }
            if let propertySchema = properties[key] {
                check(member, against: propertySchema, at: "\(path).\(key)", into: &errors)
            } else if let additional = rules["additionalProperties"] {
                if additional == .bool(false) {
                    errors.append("\(path).\(key): property is not allowed")
                } else {
                    check(member, against: additional, at: "\(path).\(key)", into: &errors)
                }
            }
        }
    }

    private static func checkArray(_ value: JSONValue, _ rules: [String: JSONValue], at path: String,
                                   into errors: inout [String]) {
        guard let elements = value.arrayValue else { return }
        if let minimum = rules["minItems"]?.intValue, elements.count < minimum {
            errors.append("\(path): expected at least \(minimum) items, got \(elements.count)")
        }
        if let maximum = rules["maxItems"]?.intValue, elements.count > maximum {
            errors.append("\(path): expected at most \(maximum) items, got \(elements.count)")
        }
        if let itemSchema = rules["items"], itemSchema.objectValue != nil || itemSchema.boolValue != nil {
            for (index, element) in elements.enumerated() {
                check(element, against: itemSchema, at: "\(path)[\(index)]", into: &errors)
            }
        }
    }

    private static func checkScalar(_ value: JSONValue, _ rules: [String: JSONValue], at path: String,
                                    into errors: inout [String]) {
        if let text = value.stringValue {
            if let minimum = rules["minLength"]?.intValue, text.count < minimum {
                errors.append("\(path): expected at least \(minimum) characters, got \(text.count)")
            }
            if let maximum = rules["maxLength"]?.intValue, text.count > maximum {
                errors.append("\(path): expected at most \(maximum) characters, got \(text.count)")
            }
        }
        if let number = value.doubleValue {
            if let minimum = rules["minimum"]?.doubleValue, number < minimum {
                errors.append("\(path): \(value.jsonString) is less than the minimum \(minimum)")
            }
            if let maximum = rules["maximum"]?.doubleValue, number > maximum {
                errors.append("\(path): \(value.jsonString) is greater than the maximum \(maximum)")
            }
        }
    }

    private static func checkCombinators(_ value: JSONValue, _ rules: [String: JSONValue], at path: String,
                                         into errors: inout [String]) {
        for schema in rules["allOf"]?.arrayValue ?? [] {
            check(value, against: schema, at: path, into: &errors)
        }
        for keyword in ["anyOf", "oneOf"] {
            guard let options = rules[keyword]?.arrayValue else { continue }
            let matching = options.filter { Self.errors(in: value, against: $0).isEmpty }.count
            if matching == 0 {
                errors.append("\(path): matches none of the \(keyword) schemas")
            } else if keyword == "oneOf" && matching > 1 {
                errors.append("\(path): matches \(matching) of the oneOf schemas, expected exactly one")
            }
        }
    }

    private static func matchesType(_ value: JSONValue, _ types: JSONValue) -> Bool {
        let names = types.arrayValue?.compactMap(\.stringValue) ?? [types.stringValue ?? ""]
        return names.contains { name in
            switch name {
            case "integer": return value.intValue != nil
            case "number": return value.doubleValue != nil
            default: return value.typeName == name
            }
        }
    }

    private static func typeList(_ types: JSONValue) -> String {
        types.arrayValue?.compactMap(\.stringValue).joined(separator: " or ") ?? types.stringValue ?? "?"
    }

    /// JSON equality, where `1` and `1.0` are the same number.
    private static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return lhs == rhs
    }
}
