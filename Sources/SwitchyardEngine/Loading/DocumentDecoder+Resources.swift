import SwitchyardJSON

extension DocumentDecoder {
    /// `autoload:`, checked as compozy's `autoload.Config.Validate` checks it: `include` is
    /// required when `enabled`, and no pattern may be empty.
    mutating func autoload(_ root: FieldReader) -> AutoloadConfig? {
        guard let fields = mapping(root, "autoload") else { return nil }
        checkKeys(fields, known: KnownKeys.autoload, in: "autoload")
        var config = AutoloadConfig(enabled: bool(fields, "enabled") ?? false, strict: bool(fields, "strict") ?? false,
                                    watchEnabled: bool(fields, "watch_enabled") ?? false)
        config.include = patterns(fields, "include")
        config.exclude = patterns(fields, "exclude")
        // An entry refused above is reported as itself; only a missing or empty list is this problem.
        if config.enabled, (fields.members["include"]?.arrayValue ?? []).isEmpty {
            fail(fields.path("include"), "autoload.include patterns are required when autoload is enabled")
        }
        return config
    }

    private mutating func patterns(_ fields: FieldReader, _ key: String) -> [String] {
        var patterns: [String] = []
        for (path, value) in elements(fields, key) {
            guard let pattern = value.stringValue else {
                fail(path, "expected a glob pattern string")
                continue
            }
            // Kept (discovery skips it) so later patterns keep their index in problems.
            if pattern.trimmingWhitespace.isEmpty { fail(path, "empty \(key) pattern is not allowed") }
            patterns.append(pattern)
        }
        return patterns
    }

    /// A `schemas:` list (project or workflow): each entry a JSON Schema mapping with the `id`
    /// other fields refer to it by. Reports entries that are not mappings, have no id, or repeat one.
    mutating func schemaDeclarations(_ fields: FieldReader) -> [(id: String, value: JSONValue, path: String)] {
        var declared: [(id: String, value: JSONValue, path: String)] = []
        var seen: [String: String] = [:]
        for (path, value) in elements(fields, "schemas") {
            guard let schema = mapping(value, at: path) else {
                if value.isNull { fail(path, "expected a schema mapping, found null") }
                continue
            }
            guard let id = string(schema, "id", required: true) else { continue }
            if let earlier = seen[id.lowercased()] {
                fail(schema.path("id"), "duplicate schema id \"\(id)\" (first at \(earlier))")
                continue
            }
            seen[id.lowercased()] = path
            declared.append((id, value, path))
        }
        return declared
    }

    /// Registers what the project file declares by id besides its tools: schemas, models with an
    /// `id` and `memories:` entries (read further by the agents side when it supports them).
    mutating func registerProjectResources(_ project: inout ProjectConfig, _ root: FieldReader) {
        for (id, value, path) in schemaDeclarations(root) {
            project.resources.register(.init(kind: .schema, id: id, value: value, file: file, path: path, origin: .projectFile))
        }
        for (path, value) in elements(root, "models") {
            guard let id = value["id"]?.stringValue, !id.isEmpty else { continue }
            if let earlier = project.resources.register(.init(kind: .model, id: id, value: value, file: file, path: path,
                                                              origin: .projectFile)) {
                fail(FieldReader.join(path, "id"), "duplicate model id \"\(id)\" (first at \(earlier.path))")
            }
        }
        for (path, value) in elements(root, "memories") {
            guard let memory = mapping(value, at: path), let id = string(memory, "id", required: true) else { continue }
            if let earlier = project.resources.register(.init(kind: .memory, id: id, value: value, file: file, path: path,
                                                              origin: .projectFile)) {
                fail(memory.path("id"), "duplicate memory id \"\(id)\" (first at \(earlier.path))")
            }
        }
    }
}
