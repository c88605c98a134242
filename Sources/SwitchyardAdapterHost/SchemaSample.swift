import SwitchyardJSON
import SwitchyardRuntime

/// A small input that satisfies a tool's `input` JSON Schema, so `plugin check` can call a tool
/// that (rightly) rejects `{}`.
///
/// It follows the keywords a tool's input schema usually has: `const`, `enum`, `default`,
/// `examples`, `type` (the first non-null one), `required` + `properties`, `minimum` /
/// `maximum` (and their exclusive forms), `minLength` / `maxLength`, `minItems` + `items`, and
/// the first branch of `anyOf` / `oneOf` / `allOf`. What it cannot honour (a `pattern`, a
/// `format`) may still be refused by the tool, which the check reports as the tool's own answer.
enum SchemaSample {
    /// A value for `schema`; `{}` for a missing or empty schema.
    static func value(for schema: JSONValue?, depth: Int = 0) -> JSONValue {
        guard let schema, case .object(let keywords) = schema, depth < 16 else { return .emptyObject }
        if let constant = keywords["const"] { return constant }
        if let first = keywords["enum"]?.arrayValue?.first { return first }
        if let fallback = keywords["default"] { return fallback }
        if let example = keywords["examples"]?.arrayValue?.first { return example }
        for branch in ["anyOf", "oneOf", "allOf"] {
            if let first = keywords[branch]?.arrayValue?.first { return value(for: first, depth: depth + 1) }
        }
        switch type(of: keywords) {
        case "string":
            let minimum = keywords["minLength"]?.intValue ?? 0
            let maximum = keywords["maxLength"]?.intValue ?? Int64.max
            let text = minimum > 10 ? String(repeating: "x", count: Int(min(minimum, 4096))) : "switchyard"
            return .string(String(text.prefix(Int(clamping: maximum))))
        case "integer":
            return .int(integer(keywords))
        case "number":
            if let minimum = keywords["minimum"]?.doubleValue { return .double(minimum) }
            if let maximum = keywords["maximum"]?.doubleValue, maximum < 1 { return .double(maximum) }
            return .int(1)
        case "boolean":
            return .bool(true)
        case "null":
            return .null
        case "array":
            let count = Int(min(keywords["minItems"]?.intValue ?? 0, 16))
            return .array((0..<count).map { _ in value(for: keywords["items"], depth: depth + 1) })
        default:
            let properties = keywords["properties"]?.objectValue ?? [:]
            let required = keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
            var members: [String: JSONValue] = [:]
            for name in required { members[name] = value(for: properties[name], depth: depth + 1) }
            return .object(members)
        }
    }

    /// The schema's type: the first non-null of `type`, else `object` when it has `properties`.
    private static func type(of keywords: [String: JSONValue]) -> String {
        switch keywords["type"] {
        case .string(let name): return name
        case .array(let names):
            let names = names.compactMap(\.stringValue)
            return names.first { $0 != "null" } ?? names.first ?? "object"
        default: return "object"
        }
    }

    /// 1, moved into `[minimum, maximum]` (exclusive bounds moved one step inwards).
    private static func integer(_ keywords: [String: JSONValue]) -> Int64 {
        var low = keywords["minimum"]?.doubleValue.map { Int64(exactly: $0.rounded(.up)) ?? Int64.min }
        if let exclusive = keywords["exclusiveMinimum"]?.doubleValue {
            low = Int64(exactly: exclusive.rounded(.down)).map { $0 &+ 1 }
        }
        var high = keywords["maximum"]?.doubleValue.map { Int64(exactly: $0.rounded(.down)) ?? Int64.max }
        if let exclusive = keywords["exclusiveMaximum"]?.doubleValue {
            high = Int64(exactly: exclusive.rounded(.up)).map { $0 &- 1 }
        }
        var chosen: Int64 = 1
        if let low, chosen < low { chosen = low }
        if let high, chosen > high { chosen = high }
        return chosen
    }
}
