import SwitchyardJSON

/// Reads typed fields out of a parsed document, recording every problem (with its path) instead
/// of stopping at the first, so `switchyard validate` can list them all.
struct DocumentReader {
    /// The file being read, named in every problem.
    let file: String
    /// Problems found so far.
    var problems: [ConfigError] = []

    init(file: String) { self.file = file }

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    mutating func fail(_ path: String, _ reason: String) {
        problems.append(ConfigError(file: file, path: path, reason: reason))
    }

    /// The mapping at `path`, or nil (with a problem when it is present but not a mapping).
    mutating func object(_ value: JSONValue?, at path: String) -> [String: JSONValue]? {
        guard let value, !value.isNull else { return nil }
        guard let members = value.objectValue else {
            fail(path, "expected a mapping, found \(value.typeName)")
            return nil
        }
        return members
    }

    mutating func array(_ object: [String: JSONValue], _ key: String, at path: String) -> [JSONValue] {
        guard let value = object[key], !value.isNull else { return [] }
        guard let items = value.arrayValue else {
            fail(Self.join(path, key), "expected a list, found \(value.typeName)")
            return []
        }
        return items
    }

    mutating func string(_ object: [String: JSONValue], _ key: String, at path: String,
                         required: Bool = false) -> String? {
        guard let value = object[key], !value.isNull else {
            if required { fail(Self.join(path, key), "is required") }
            return nil
        }
        switch value {
        case .string(let text):
            if required, text.isEmpty { fail(Self.join(path, key), "must not be empty") }
            return text
        case .int, .double, .bool: return value.jsonString
        default:
            fail(Self.join(path, key), "expected a string, found \(value.typeName)")
            return nil
        }
    }

    mutating func int(_ object: [String: JSONValue], _ key: String, at path: String) -> Int? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let number = value.intValue else {
            fail(Self.join(path, key), "expected an integer, found \(value.typeName)")
            return nil
        }
        return Int(number)
    }

    mutating func bool(_ object: [String: JSONValue], _ key: String, at path: String) -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let flag = value.boolValue else {
            fail(Self.join(path, key), "expected true or false, found \(value.typeName)")
            return nil
        }
        return flag
    }

    mutating func duration(_ object: [String: JSONValue], _ key: String, at path: String) -> Duration? {
        guard let value = object[key], !value.isNull else { return nil }
        if let text = value.stringValue, let duration = GoDuration.parse(text) { return duration }
        fail(Self.join(path, key), "bad duration \(value.jsonString): expected a Go duration like \"30s\", \"1m30s\" or \"500ms\"")
        return nil
    }

    /// A `{NAME: value}` map of strings; numbers and booleans are written as text.
    mutating func stringMap(_ object: [String: JSONValue], _ key: String, at path: String) -> [String: String] {
        guard let members = self.object(object[key], at: Self.join(path, key)) else { return [:] }
        var result: [String: String] = [:]
        for (name, value) in members {
            switch value {
            case .string(let text): result[name] = text
            case .int, .double, .bool: result[name] = value.jsonString
            case .null: result[name] = ""
            default: fail(Self.join(Self.join(path, key), name), "expected a string, found \(value.typeName)")
            }
        }
        return result
    }

    mutating func enumValue<T: RawRepresentable & CaseIterable>(
        _ object: [String: JSONValue], _ key: String, at path: String, as: T.Type
    ) -> T? where T.RawValue == String {
        guard let text = string(object, key, at: path) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            fail(Self.join(path, key), "unknown \(key) \"\(text)\" (expected one of: \(allowed))")
            return nil
        }
        return value
    }

    /// `tool: ID` or `tool: {id: ID}`.
    mutating func reference(_ object: [String: JSONValue], _ key: String, at path: String) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        if let text = value.stringValue { return text }
        if let id = value["id"]?.stringValue { return id }
        fail(Self.join(path, key), "expected an id or a mapping with an id")
        return nil
    }
}
