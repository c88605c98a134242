import Foundation
import SwitchyardJSON
import Yams

/// Reads a YAML file into a `JSONValue`, keeping YAML's scalar types (int, float, bool, null).
enum YAMLDocument {
    /// Reads and parses `file`.
    /// - Throws: `ConfigError` naming the file when it cannot be read or is not YAML.
    static func load(file: String) throws(ConfigError) -> JSONValue {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigError(file: file, path: "", reason: "cannot read the file (\(Self.reason(error)))")
        }
        return try parse(text, file: file)
    }

    /// Parses YAML `text` that came from `file`.
    /// - Throws: `ConfigError` with the parser's line and column.
    static func parse(_ text: String, file: String) throws(ConfigError) -> JSONValue {
        do {
            guard let node = try Yams.compose(yaml: text) else { return .emptyObject }
            return value(of: node)
        } catch {
            let reason = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw ConfigError(file: file, path: "", reason: "not valid YAML: \(reason)")
        }
    }

    static func value(of node: Node) -> JSONValue {
        switch node {
        case .scalar:
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(node.string ?? "")
            case .int: return node.int.map { .int(Int64($0)) } ?? .string(node.string ?? "")
            case .float: return node.float.map(JSONValue.double) ?? .string(node.string ?? "")
            default: return .string(node.string ?? "")
            }
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, item) in mapping {
                members[key.string ?? "\(key)"] = value(of: item)
            }
            return .object(members)
        case .sequence(let sequence):
            return .array(sequence.map(value(of:)))
        case .alias:
            return .null
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
