import SwitchyardJSON

/// A project's `models:` list, resolving the `model` field of an agent.
///
/// An agent's `model` is a string naming an entry (by `id`, else by its `model` name), compozy's
/// `provider:model` shorthand (`openai:gpt-4o`, when no entry has that name), an inline object,
/// or absent. The entry with `default: true` fills whatever the agent leaves out: the
/// whole model when absent; for an inline object, a missing `provider`, and, when the providers
/// agree, a missing `model`, `api_key`, `api_url` and `params` keys. A key for one service is
/// never sent to another.
public struct ModelCatalog: Sendable {
    /// The entries as written, each with the name it is referred to by.
    private let entries: [(name: String, json: JSONValue)]
    /// The entry marked `default: true`, if any.
    private let defaultEntry: JSONValue?

    /// Reads a `models:` list.
    /// - Parameters:
    ///   - models: The list (an array of model objects); `null` means none.
    ///   - path: Where the list sits (`models`), for error messages.
    /// - Throws: `AgentError` `.invalidConfig` for a malformed entry or two defaults.
    public init(models: JSONValue, at path: String = "models") throws(AgentError) {
        var entries: [(name: String, json: JSONValue)] = []
        var defaultEntry: JSONValue?
        let list: [JSONValue]
        switch models {
        case .null: list = []
        case .array(let elements): list = elements
        default: throw AgentError(.invalidConfig, "\(path): expected an array, got \(models.typeName)")
        }
        for (index, entry) in list.enumerated() {
            let entryPath = "\(path)[\(index)]"
            let fields = try readingConfig { () throws(FieldProblem) in try FieldReader(entry, at: entryPath) }
            _ = try ModelConfig(json: entry, at: entryPath)  // reject a malformed entry up front
            // An entry is referred to by its `id`, else by its model name.
            let name = try readingConfig { () throws(FieldProblem) in
                if let id = try fields.string("id") { return id }
                return try fields.requiredString("model")
            }
            if try readingConfig({ () throws(FieldProblem) in try fields.bool("default") }) == true {
                if defaultEntry != nil {
                    throw AgentError(.invalidConfig, "\(entryPath).default: more than one model has default: true")
                }
                defaultEntry = entry
            }
            entries.append((name, entry))
        }
        self.entries = entries
        self.defaultEntry = defaultEntry
    }

    /// Resolves an agent's `model` field.
    /// - Parameters:
    ///   - reference: A model id string, an inline model object, or `nil`/`null`.
    ///   - path: Where the reference sits (`agents[0].model`), for error messages.
    /// - Throws: `AgentError` `.invalidConfig` for an unknown id, a missing default, or a
    ///   malformed inline object.
    public func resolve(_ reference: JSONValue?, at path: String) throws(AgentError) -> ModelConfig {
        switch reference {
        case nil, .null?:
            guard let defaultEntry else {
                throw AgentError(.invalidConfig, "\(path): no model given and no project model has default: true")
            }
            return try ModelConfig(json: defaultEntry, at: path)
        case .string(let name)?:
            // A project entry's name wins over the shorthand (`llama3:8b` may be an entry's id).
            if !entries.contains(where: { $0.name == name }), let short = ModelConfig.shorthand(name) {
                let inline: [String: JSONValue] = ["provider": .string(short.provider), "model": .string(short.model)]
                return try ModelConfig(json: filledFromDefault(inline), at: path)
            }
            return try ModelConfig(json: try entry(named: name, at: path), at: path)
        case .object(let inline)?:
            if inline.count == 1, let name = inline["id"]?.stringValue {
                return try ModelConfig(json: try entry(named: name, at: path), at: path)
            }
            return try ModelConfig(json: filledFromDefault(inline), at: path)
        case let other?:
            throw AgentError(.invalidConfig, "\(path): expected a model id or object, got \(other.typeName)")
        }
    }

    private func entry(named name: String, at path: String) throws(AgentError) -> JSONValue {
        if let found = entries.first(where: { $0.name == name }) { return found.json }
        let known = entries.map(\.name).joined(separator: ", ")
        throw AgentError(.invalidConfig,
                         "\(path): unknown model '\(name)'; project models: \(known.isEmpty ? "(none)" : known)")
    }

    private func filledFromDefault(_ inline: [String: JSONValue]) -> JSONValue {
        guard let base = defaultEntry?.objectValue else { return .object(inline) }
        var merged = inline
        let sameProvider = inline["provider"] == nil
            || inline["provider"]?.stringValue?.lowercased() == base["provider"]?.stringValue?.lowercased()
        if merged["provider"] == nil { merged["provider"] = base["provider"] }
        // A different provider shares nothing else with the default: its model name, key, URL and
        // params would be wrong there.
        guard sameProvider else { return .object(merged) }
        for key in ["model", "api_key", "api_url", "organization", "max_retries"] where merged[key] == nil { merged[key] = base[key] }
        if let baseParams = base["params"]?.objectValue {
            var params = baseParams
            for (key, value) in inline["params"]?.objectValue ?? [:] { params[key] = value }
            merged["params"] = .object(params)
        }
        return .object(merged)
    }
}
