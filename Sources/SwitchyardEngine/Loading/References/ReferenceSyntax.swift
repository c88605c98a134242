import Foundation

/// The text of a `$ref` or `$use` directive, parsed.
enum ReferenceSyntax: Equatable {
    /// compozy's current form `SCOPE::PATH[!merge:<OPTIONS>]` (scope `local`, `global` or
    /// `resource`, PATH a GJSON path; for `resource`, `TYPE::SELECTOR`).
    case scoped(scope: String, path: String, mergeOptions: String?)
    /// compozy's earlier form `[SOURCE::]PATH[!MODE]`: SOURCE a file (`./x.yaml`, `../x.yaml`,
    /// `/abs.yaml`) or `$global`; none for the current document; PATH a GJSON path (empty:
    /// the whole file) or a JSON pointer after `#` (`./x.yaml#/a/b`); MODE `merge` (the
    /// default), `replace` or `append`.
    case legacy(file: String?, global: Bool, path: Path, mode: String)

    /// A path of the earlier form.
    enum Path: Equatable {
        case gjson(String)
        case pointer(String)
    }

    static let scopes = ["local", "global", "resource"]
    static let components = ["agent", "tool", "task", "mcp"]

    /// Parses a `$ref` string; nil when it is neither form.
    static func reference(_ text: String) -> ReferenceSyntax? {
        scoped(text) ?? legacy(text)
    }

    /// Parses a `$use` string: `COMPONENT(SCOPE::PATH)[!merge:<OPTIONS>]`.
    static func use(_ text: String) -> (component: String, reference: ReferenceSyntax)? {
        let (body, options) = splitMergeOptions(text)
        guard let open = body.firstIndex(of: "("), body.hasSuffix(")") else { return nil }
        let component = String(body[..<open])
        guard components.contains(component) else { return nil }
        let inner = String(body[body.index(after: open)..<body.index(before: body.endIndex)])
        guard case .scoped(let scope, let path, nil)? = scoped(inner) else { return nil }
        return (component, .scoped(scope: scope, path: path, mergeOptions: options))
    }

    private static func scoped(_ text: String) -> ReferenceSyntax? {
        guard let scope = scopes.first(where: { text.hasPrefix($0 + "::") }) else { return nil }
        let (path, options) = splitMergeOptions(String(text.dropFirst(scope.count + 2)))
        guard !path.isEmpty else { return nil }
        return .scoped(scope: scope, path: path, mergeOptions: options)
    }

    /// `BODY!merge:<OPTIONS>` → (BODY, OPTIONS); (text, nil) when there is no such suffix.
    private static func splitMergeOptions(_ text: String) -> (String, String?) {
        guard text.hasSuffix(">"), let marker = text.range(of: "!merge:<", options: .backwards) else { return (text, nil) }
        let options = text[marker.upperBound..<text.index(before: text.endIndex)]
        guard !options.contains(">") else { return (text, nil) }
        return (String(text[..<marker.lowerBound]), String(options))
    }

    private static let legacyModes = ["merge", "replace", "append"]

    private static func legacy(_ text: String) -> ReferenceSyntax? {
        var body = text, mode = "merge"
        if let bang = text.lastIndex(of: "!") {
            let suffix = String(text[text.index(after: bang)...])
            guard legacyModes.contains(suffix) else { return nil }
            mode = suffix
            body = String(text[..<bang])
        }
        if body.hasPrefix("$global::") {
            let path = String(body.dropFirst("$global::".count))
            return path.isEmpty ? nil : .legacy(file: nil, global: true, path: .gjson(path), mode: mode)
        }
        if isFile(body) {
            if let hash = body.firstIndex(of: "#"), body[hash...].hasPrefix("#/") || body[hash...] == "#" {
                return .legacy(file: String(body[..<hash]), global: false, path: .pointer(String(body[body.index(after: hash)...])),
                               mode: mode)
            }
            let parts = body.components(separatedBy: "::")
            return .legacy(file: parts[0], global: false, path: .gjson(parts.dropFirst().joined(separator: "::")), mode: mode)
        }
        if body.hasPrefix("#/") {
            return .legacy(file: nil, global: false, path: .pointer(String(body.dropFirst())), mode: mode)
        }
        // A bare path into the current document; anything with "::" is an unknown scope.
        guard !body.isEmpty, !body.contains("::"), !body.contains(" ") else { return nil }
        return .legacy(file: nil, global: false, path: .gjson(body), mode: mode)
    }

    private static func isFile(_ text: String) -> Bool {
        text.hasPrefix("./") || text.hasPrefix("../") || text.hasPrefix("/")
    }

    /// A JSON pointer (RFC 6901, `/a/b~1c`) as GJSON components.
    static func pointerComponents(_ pointer: String) -> [GJSONPath.Component] {
        pointer.split(separator: "/", omittingEmptySubsequences: true).map {
            .key($0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~"))
        }
    }
}
