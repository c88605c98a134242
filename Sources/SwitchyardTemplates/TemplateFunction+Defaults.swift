import SwitchyardJSON

/// sprig's defaults, JSON, flow and reflection functions past `default`/`empty`/`coalesce`/
/// `toJson`/`fromJson`/`ternary`. Go type names are the ones compozy's values have: JSON
/// integers are `int`, other numbers `float64`, lists `[]interface {}`, objects
/// `map[string]interface {}`.
extension TemplateFunction {
    func callDefaults(_ args: [JSONValue]) throws(TemplateFailure) -> JSONValue? {
        switch self {
        case .all:
            return .bool(args.allSatisfy(\.isTemplateTruthy))
        case .any:
            return .bool(args.contains(where: \.isTemplateTruthy))
        case .compact, .mustCompact:
            try requireArguments(args, 1)
            return .array(try listArgument(args[0], "compact").filter(\.isTemplateTruthy))
        case .toRawJson, .mustToJson, .mustToRawJson:
            try requireArguments(args, 1)
            return .string(args[0].jsonString)
        case .toPrettyJson, .mustToPrettyJson:
            try requireArguments(args, 1)
            var text = ""
            appendPretty(args[0], indent: "", to: &text)
            return .string(text)
        case .mustFromJson:
            return try TemplateFunction.fromJson.call(args, lenient: false)
        case .deepCopy, .mustDeepCopy:
            // Values are immutable here, so a copy is the value itself.
            try requireArguments(args, 1)
            return args[0]
        case .fail:
            try requireArguments(args, 1)
            throw TemplateFailure(reason: textArgument(args[0]))
        case .typeOf:
            try requireArguments(args, 1)
            return .string(goTypeName(args[0]))
        case .kindOf:
            try requireArguments(args, 1)
            return .string(goKindName(args[0]))
        case .typeIs, .typeIsLike:
            try requireArguments(args, 2)
            let wanted = textArgument(args[0]), actual = goTypeName(args[1])
            return .bool(wanted == actual || (self == .typeIsLike && wanted == "*" + actual))
        case .kindIs:
            try requireArguments(args, 2)
            return .bool(textArgument(args[0]) == goKindName(args[1]))
        case .deepEqual:
            // reflect.DeepEqual: an int never equals a float64, unlike `eq`.
            try requireArguments(args, 2)
            return .bool(args[0] == args[1])
        default:
            return nil
        }
    }
}

/// Go's `%T` of the value compozy would hold.
func goTypeName(_ value: JSONValue) -> String {
    switch value {
    case .null: return "<nil>"
    case .bool: return "bool"
    case .int: return "int"
    case .double: return "float64"
    case .string: return "string"
    case .array: return "[]interface {}"
    case .object: return "map[string]interface {}"
    }
}

/// Go's `reflect.Kind` name of the value compozy would hold.
func goKindName(_ value: JSONValue) -> String {
    switch value {
    case .null: return "invalid"
    case .array: return "slice"
    case .object: return "map"
    default: return goTypeName(value)
    }
}

/// Go's `json.MarshalIndent(value, "", "  ")`: sorted keys, `"key": value`, empty containers inline.
private func appendPretty(_ value: JSONValue, indent: String, to text: inout String) {
    switch value {
    case .array(let elements) where !elements.isEmpty:
        text += "[\n"
        for (position, element) in elements.enumerated() {
            text += indent + "  "
            appendPretty(element, indent: indent + "  ", to: &text)
            text += position + 1 < elements.count ? ",\n" : "\n"
        }
        text += indent + "]"
    case .object(let members) where !members.isEmpty:
        text += "{\n"
        let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for (position, key) in keys.enumerated() {
            text += indent + "  " + JSONValue.string(key).jsonString + ": "
            appendPretty(members[key]!, indent: indent + "  ", to: &text)
            text += position + 1 < keys.count ? ",\n" : "\n"
        }
        text += indent + "}"
    default:
        text += value.jsonString
    }
}
