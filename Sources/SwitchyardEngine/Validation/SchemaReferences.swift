import SwitchyardJSON

/// Links schema ids: everywhere compozy accepts a schema id string instead of an inline schema
/// (its `resolveSchemaRef`: workflow `config.input`, trigger `schema`s, tool `input`/`output`,
/// agent action `input`/`output`, task `input`/`output`), the string is replaced by the schema
/// with that id, so everything after the loader sees an inline schema.
///
/// A workflow sees its own `schemas:` first, then the project's (the project file's `schemas:`
/// and autoloaded `resource: schema` files). An id found in neither is reported with the file
/// and field that named it and the ids there are; a value that is neither a string nor a
/// mapping is reported too.
enum SchemaReferences {
    /// Resolves every schema id in `project`, in place.
    /// - Returns: one problem per unknown id or malformed schema value.
    static func resolve(in project: inout ProjectConfig) -> [ConfigError] {
        var linker = SchemaLinker(scope: Dictionary(project.resources.all(.schema).map { ($0.id, $0.value) },
                                                    uniquingKeysWith: { first, _ in first }))
        for index in project.tools.indices { linker.link(&project.tools[index]) }
        // Autoloaded agents are given to every workflow later; link them once, naming their own file.
        for agent in project.resources.all(.agent) where agent.origin == .autoload {
            project.resources.replaceValue(of: .agent, id: agent.id, with: linker.linkAgent(agent.value, file: agent.file, at: ""))
        }
        for index in project.workflows.indices {
            var scoped = linker.within(project.workflows[index].schemas)
            scoped.link(&project.workflows[index])
            linker.problems += scoped.problems
        }
        return linker.problems
    }

    /// Links the schema ids of one task read after loading (an autoloaded task resource run on
    /// its own), against the project's schemas.
    /// - Returns: one problem per unknown id or malformed schema value.
    static func link(_ task: inout TaskConfig, file: String, in project: ProjectConfig) -> [ConfigError] {
        var linker = SchemaLinker(scope: Dictionary(project.resources.all(.schema).map { ($0.id, $0.value) },
                                                    uniquingKeysWith: { first, _ in first }))
        linker.link(&task, file: file)
        return linker.problems
    }
}

private struct SchemaLinker {
    let scope: [String: JSONValue]
    var problems: [ConfigError] = []

    init(scope: [String: JSONValue]) { self.scope = scope }

    /// The same linker seeing `schemas` before its own scope, with no problems yet.
    func within(_ schemas: [String: JSONValue]) -> SchemaLinker {
        SchemaLinker(scope: scope.merging(schemas) { _, own in own })
    }

    /// The schema `value` stands for: itself when inline, the declared schema for an id, nil
    /// (with a problem) for an unknown id or a value that is no schema.
    mutating func link(_ value: JSONValue?, file: String, at path: String) -> JSONValue? {
        guard let value, !value.isNull else { return nil }
        switch value {
        case .object:
            return value
        case .string(let id):
            if let schema = lookup(id) { return schema }
            let known = scope.keys.sorted()
            var reason = "unknown schema \"\(id)\" (declared schemas: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
            if let suggestion = KnownKeys.suggestion(for: id, among: Set(known)) { reason += " (did you mean \"\(suggestion)\"?)" }
            problems.append(ConfigError(file: file, path: path, reason: reason))
            return nil
        default:
            problems.append(ConfigError(file: file, path: path,
                                        reason: "expected a schema id or a JSON Schema mapping, found \(value.typeName)"))
            return nil
        }
    }

    /// Exact id first, then compozy's registry comparison (trimmed, any case).
    private func lookup(_ id: String) -> JSONValue? {
        if let schema = scope[id] { return schema }
        let key = id.trimmingWhitespace.lowercased()
        return scope.first { $0.key.lowercased() == key }?.value
    }

    mutating func link(_ tool: inout ToolConfig) {
        tool.input = link(tool.input, file: tool.file, at: FieldReader.join(tool.path, "input"))
        tool.output = link(tool.output, file: tool.file, at: FieldReader.join(tool.path, "output"))
    }

    /// The agent with its actions' `input`/`output` linked.
    mutating func linkAgent(_ agent: JSONValue, file: String, at path: String) -> JSONValue {
        guard var members = agent.objectValue, let actions = members["actions"]?.arrayValue else { return agent }
        var linked: [JSONValue] = []
        for (index, action) in actions.enumerated() {
            guard var fields = action.objectValue else { linked.append(action); continue }
            let actionPath = FieldReader.join(FieldReader.join(path, "actions"), index: index)
            for key in ["input", "output"] where fields[key] != nil {
                fields[key] = link(fields[key], file: file, at: FieldReader.join(actionPath, key)) ?? .null
            }
            linked.append(.object(fields))
        }
        members["actions"] = .array(linked)
        return .object(members)
    }

    mutating func link(_ workflow: inout WorkflowConfig) {
        let file = workflow.file
        workflow.inputSchema = link(workflow.inputSchema, file: file, at: "config.input")
        for index in workflow.tools.indices { link(&workflow.tools[index]) }
        for (index, agent) in workflow.agents.enumerated() {
            workflow.agents[index] = linkAgent(agent, file: file, at: FieldReader.join("agents", index: index))
        }
        for (index, trigger) in workflow.triggers.enumerated() {
            workflow.triggers[index] = linkTrigger(trigger, file: file, at: FieldReader.join("triggers", index: index))
        }
        for index in workflow.tasks.indices { link(&workflow.tasks[index], file: file) }
    }

    /// A trigger with its `schema` and its webhook events' `schema`s linked.
    private mutating func linkTrigger(_ trigger: JSONValue, file: String, at path: String) -> JSONValue {
        guard var members = trigger.objectValue else { return trigger }
        if members["schema"] != nil { members["schema"] = link(members["schema"], file: file, at: FieldReader.join(path, "schema")) ?? .null }
        if var webhook = members["webhook"]?.objectValue, let events = webhook["events"]?.arrayValue {
            webhook["events"] = .array(events.enumerated().map { index, event in
                guard var fields = event.objectValue, fields["schema"] != nil else { return event }
                let eventPath = FieldReader.join(FieldReader.join(FieldReader.join(path, "webhook"), "events"), index: index)
                fields["schema"] = link(fields["schema"], file: file, at: FieldReader.join(eventPath, "schema")) ?? .null
                return .object(fields)
            })
            members["webhook"] = .object(webhook)
        }
        return .object(members)
    }

    /// A task's `input`/`output`, and those of every task inside it.
    mutating func link(_ task: inout TaskConfig, file: String) {
        task.inputSchema = link(task.inputSchema, file: file, at: FieldReader.join(task.path, "input"))
        task.outputSchema = link(task.outputSchema, file: file, at: FieldReader.join(task.path, "output"))
        for index in task.tasks.indices { link(&task.tasks[index], file: file) }
        if var template = task.task {
            link(&template, file: file)
            task.task = template
        }
        if var processor = task.processor {
            link(&processor, file: file)
            task.processor = processor
        }
        for index in task.routes.indices {
            if case .inline(var inline) = task.routes[index].target {
                link(&inline, file: file)
                task.routes[index].target = .inline(inline)
            }
        }
    }
}
