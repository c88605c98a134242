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

    /// The most values one YAML file may expand to, counting every use of an anchor again: an
    /// alias bomb ("billion laughs") is refused while it is walked, before it is built.
    static let maxExpandedValues = 1_000_000

    /// Parses YAML `text` that came from `file`.
    /// - Throws: `ConfigError` with the parser's line and column, or naming the path where the
    ///   document passed `maxExpandedValues`.
    static func parse(_ text: String, file: String) throws(ConfigError) -> JSONValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            let reason = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw ConfigError(file: file, path: "", reason: "not valid YAML: \(reason)")
        }
        guard let node else { return .emptyObject }
        var budget = maxExpandedValues
        do {
            return try value(of: node, budget: &budget)
        } catch {
            throw ConfigError(file: file, path: error.path, reason: "the YAML expands to more than \(maxExpandedValues) "
                + "values (the limit), counting each use of an anchor (alias) again")
        }
    }

    /// Where the walk ran out of budget; each level adds its key on the way out, so the path
    /// costs nothing unless the limit is hit.
    struct ExpansionLimitReached: Error {
        var path = ""

        /// The same point seen from the enclosing member (`key`) or element (`[index]`).
        func inside(_ step: String) -> ExpansionLimitReached {
            let separator = path.isEmpty || path.hasPrefix("[") ? "" : "."
            return ExpansionLimitReached(path: step + separator + path)
        }
    }

    static func value(of node: Node, budget: inout Int) throws(ExpansionLimitReached) -> JSONValue {
        budget -= 1
        guard budget >= 0 else { throw ExpansionLimitReached() }
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
                let name = key.string ?? "\(key)"
                do {
                    members[name] = try value(of: item, budget: &budget)
                } catch {
                    throw error.inside(name)
                }
            }
            return .object(members)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            elements.reserveCapacity(sequence.count)
            for (position, item) in sequence.enumerated() {
                do {
                    elements.append(try value(of: item, budget: &budget))
                } catch {
                    throw error.inside("[\(position)]")
                }
            }
            return .array(elements)
        case .alias:
            return .null
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
