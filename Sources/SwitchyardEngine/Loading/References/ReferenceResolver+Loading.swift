import SwitchyardJSON

extension ReferenceResolver {
    /// `document` from `file` with its directives evaluated as the loader needs it: `local::`
    /// the document, `global::` the project file, `resource::` the resources registered so far.
    /// - Throws: `ConfigError` naming the directive, its place and its chain.
    static func resolving(_ document: JSONValue, file: String, global: JSONValue?, resources: ResourceRegistry? = nil)
        throws(ConfigError) -> JSONValue {
        guard containsDirective(document) else { return document }
        var resolver = ReferenceResolver(global: global, resources: resources.map(lookup))
        return try resolver.resolve(document, file: file)
    }

    /// A `resource::TYPE::SELECTOR` lookup over `registry`: SELECTOR is `#(id=="ID")` or
    /// `#(id=='ID')` or `ID`, optionally followed by `.PATH` into the resource (compozy's
    /// `ParseResourceSelector`).
    static func lookup(_ registry: ResourceRegistry) -> ResourceLookup {
        { (type: String, selector: String) throws(DirectiveFailure) -> JSONValue in
            guard let kind = ResourceRegistry.Kind(resourceName: type) else {
                throw DirectiveFailure("unknown resource type \"\(type)\"")
            }
            let (id, rest) = try splitSelector(selector)
            guard let entry = registry.resource(kind, id: id) else {
                throw DirectiveFailure("resource \(kind.rawValue) \"\(id)\" not found "
                    + "(resources come from autoload and the project's declarations)")
            }
            guard !rest.isEmpty else { return entry.value }
            let path: GJSONPath
            do throws(GJSONPath.SyntaxError) { path = try GJSONPath(rest) } catch {
                throw DirectiveFailure("invalid path \(rest): \(error.reason)")
            }
            guard let value = path.value(in: entry.value) else {
                throw DirectiveFailure("path \(rest) not found in resource \(kind.rawValue) \"\(id)\"")
            }
            return value
        }
    }

    private static func splitSelector(_ selector: String) throws(DirectiveFailure) -> (id: String, rest: String) {
        guard selector.hasPrefix("#(") else {
            let parts = selector.split(separator: ".", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
        guard let close = selector.firstIndex(of: ")") else {
            throw DirectiveFailure("invalid resource selector \(selector): no closing \")\"")
        }
        let condition = selector[selector.index(selector.startIndex, offsetBy: 2)..<close]
        guard condition.hasPrefix("id=="), condition.count > 6, let quote = condition.dropFirst(4).first,
              quote == "\"" || quote == "'", condition.last == quote else {
            throw DirectiveFailure("invalid resource selector \(selector): expected #(id==\"ID\")")
        }
        let id = String(condition.dropFirst(5).dropLast())
        var rest = String(selector[selector.index(after: close)...])
        if rest.hasPrefix(".") { rest.removeFirst() }
        return (id, rest)
    }
}
