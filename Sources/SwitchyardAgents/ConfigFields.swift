import SwitchyardJSON

/// Typed reads of configuration members that fail with an error naming the exact field.
struct ConfigFields {
    let members: [String: JSONValue]
    /// Where the object sits in the project (`agents[0].model`), for error messages.
    let path: String

    init(_ value: JSONValue, at path: String) throws(AgentError) {
        guard let members = value.objectValue else {
            throw AgentError(.invalidConfig, "\(path): expected an object, got \(value.typeName)")
        }
        self.members = members
        self.path = path
    }

    /// A string member; `nil` when absent or null.
    func string(_ key: String) throws(AgentError) -> String? {
        switch members[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?:
            throw AgentError(.invalidConfig, "\(path).\(key): expected a string, got \(other.typeName)")
        }
    }

    /// A string member that must be present and non-empty.
    func requiredString(_ key: String) throws(AgentError) -> String {
        guard let text = try string(key), !text.isEmpty else {
            throw AgentError(.invalidConfig, "\(path).\(key): required string is missing")
        }
        return text
    }

    /// A boolean member; `nil` when absent or null.
    func bool(_ key: String) throws(AgentError) -> Bool? {
        switch members[key] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case let other?:
            throw AgentError(.invalidConfig, "\(path).\(key): expected a boolean, got \(other.typeName)")
        }
    }

    /// An integer member; `nil` when absent or null.
    func int(_ key: String) throws(AgentError) -> Int? {
        switch members[key] {
        case nil, .null?: return nil
        case let value?:
            guard let number = value.intValue, let exact = Int(exactly: number) else {
                throw AgentError(.invalidConfig, "\(path).\(key): expected an integer, got \(value.typeName)")
            }
            return exact
        }
    }

    /// An object member; `nil` when absent or null.
    func object(_ key: String) throws(AgentError) -> JSONValue? {
        switch members[key] {
        case nil, .null?: return nil
        case .object(let inner)?: return .object(inner)
        case let other?:
            throw AgentError(.invalidConfig, "\(path).\(key): expected an object, got \(other.typeName)")
        }
    }

    /// An array member; empty when absent or null.
    func array(_ key: String) throws(AgentError) -> [JSONValue] {
        switch members[key] {
        case nil, .null?: return []
        case .array(let elements)?: return elements
        case let other?:
            throw AgentError(.invalidConfig, "\(path).\(key): expected an array, got \(other.typeName)")
        }
    }
}
