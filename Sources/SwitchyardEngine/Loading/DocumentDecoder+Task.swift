import SwitchyardJSON

extension DocumentDecoder {
    /// Decodes one task. `templatedID` allows a templated id (a collection's `task`).
    mutating func task(_ value: JSONValue, at path: String, templatedID: Bool = false) -> TaskConfig? {
        guard let fields = mapping(value, at: path) else {
            if value.isNull { fail(path, "expected a task mapping, found null") }
            return nil
        }
        checkKeys(fields, known: KnownKeys.task, in: "a task")
        let id = string(fields, "id", required: !templatedID) ?? (templatedID ? "{{ .index }}" : "")
        let type = enumValue(fields, "type", as: TaskType.self) ?? .basic
        var task = TaskConfig(id: id, type: type, path: path)
        task.raw = value
        task.with = fields.members["with"]
        task.inputSchema = fields.members["input"]
        task.outputSchema = fields.members["output"]
        task.env = environment(fields, "env")
        task.outputs = fields.members["outputs"]
        task.onSuccess = transition(fields, "on_success")
        task.onError = transition(fields, "on_error")
        task.isFinal = bool(fields, "final") ?? false
        task.timeout = duration(fields, "timeout")
        task.retryPolicy = retryPolicy(fields)
        task.condition = string(fields, "condition")
        task.sleep = duration(fields, "sleep")
        task.tool = reference(fields, "tool")
        task.agent = reference(fields, "agent")
        task.action = string(fields, "action")
        task.prompt = string(fields, "prompt")
        task.modelConfig = fields.members["model_config"]
        task.strategy = enumValue(fields, "strategy", as: ParallelStrategy.self) ?? .waitAll
        task.maxWorkers = int(fields, "max_workers")
        if let workers = task.maxWorkers, workers < 0 { fail(fields.path("max_workers"), "must be 0 or more") }
        task.items = fields.members["items"]
        task.filter = string(fields, "filter")
        task.itemVar = string(fields, "item_var") ?? "item"
        task.indexVar = string(fields, "index_var") ?? "index"
        task.mode = enumValue(fields, "mode", as: CollectionMode.self) ?? .parallel
        task.batch = int(fields, "batch")
        task.waitFor = string(fields, "wait_for")
        task.onTimeout = string(fields, "on_timeout")

        for (childPath, child) in elements(fields, "tasks") {
            if let child = self.task(child, at: childPath) { task.tasks.append(child) }
        }
        if let template = fields["task"] {
            task.task = self.task(template, at: fields.path("task"), templatedID: true)
        }
        if let processor = fields["processor"] {
            task.processor = self.task(processor, at: fields.path("processor"), templatedID: true)
        }
        if let routes = mapping(fields, "routes") {
            for key in routes.members.keys.sorted() {
                let routePath = routes.path(key)
                switch routes.members[key]! {
                case .string(let target): task.routes.append(Route(key: key, target: .taskID(target)))
                case .object:
                    if let inline = self.task(routes.members[key]!, at: routePath) {
                        task.routes.append(Route(key: key, target: .inline(inline)))
                    }
                default: fail(routePath, "expected a task id or an inline task")
                }
            }
        }
        if let signal = mapping(fields, "signal") {
            checkKeys(signal, known: KnownKeys.signal, in: "a task's signal")
            let id = string(signal, "id", required: true) ?? ""
            task.signal = SignalSpec(id: id, payload: signal.members["payload"] ?? .emptyObject)
        }
        checkTypeFields(task, fields)
        return task
    }

    private mutating func checkTypeFields(_ task: TaskConfig, _ fields: FieldReader) {
        switch task.type {
        case .basic:
            if task.tool == nil, task.agent == nil, task.prompt == nil {
                fail(fields.path, "a basic task needs a tool, an agent, or a prompt")
            }
            switch task.modelConfig {
            case nil, .string?, .object?: break
            case let other?:
                fail(fields.path("model_config"), "expected a project model id or a model mapping, found \(other.typeName)")
            }
            if task.tool != nil, task.agent != nil { fail(fields.path, "a basic task has either a tool or an agent, not both") }
        case .router:
            if task.condition == nil { fail(fields.path("condition"), "is required for a router") }
            if !fields.contains("routes") { fail(fields.path("routes"), "is required for a router") }
        case .parallel, .composite:
            if task.tasks.isEmpty, !fields.contains("tasks") {
                fail(fields.path("tasks"), "is required for a \(task.type.rawValue) task")
            }
        case .collection:
            checkCollectionItems(task.items, fields)
            for (key, name) in [("item_var", task.itemVar), ("index_var", task.indexVar)] where fields.contains(key) {
                if let reason = Self.collectionVariableProblem(name, key: key, other: key == "item_var" ? task.indexVar : task.itemVar) {
                    fail(fields.path(key), reason)
                }
            }
            if !fields.contains("task") { fail(fields.path("task"), "is required for a collection") }
            if let batch = task.batch, batch < 0 { fail(fields.path("batch"), "must be 0 or more") }
        case .aggregate:
            if task.outputs == nil { fail(fields.path("outputs"), "is required for an aggregate task") }
        case .wait:
            if task.waitFor == nil { fail(fields.path("wait_for"), "is required for a wait task") }
        case .signal:
            if !fields.contains("signal") { fail(fields.path("signal"), "is required for a signal task") }
        }
    }

    /// `items`: a list, an object, a template, or a literal string compozy would parse (a JSON
    /// list or object, or a range such as `"1..5"`).
    private mutating func checkCollectionItems(_ items: JSONValue?, _ fields: FieldReader) {
        switch items {
        case nil: fail(fields.path("items"), "is required for a collection")
        case .string(let text)? where !text.contains("{{"):
            if case .failure(let problem) = CollectionItems.literal(text) { fail(fields.path("items"), problem.reason) }
        case .string?, .array?, .object?: break
        case let other?:
            fail(fields.path("items"), "expected a list, a JSON array string, a range or a template, found \(other.typeName)")
        }
    }

    /// Context names an `item_var`/`index_var` would hide.
    static let reservedCollectionVariables: Set<String> = [
        "workflow", "tasks", "input", "with", "env", "project", "output", "parent", "signal", "children", "status",
    ]

    /// Why `name` cannot be a collection's `key` (`item_var` or `index_var`), or `nil`.
    static func collectionVariableProblem(_ name: String, key: String, other: String) -> String? {
        let isName = name.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
            && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        if !isName {
            return "\"\(name)\" is not a name a template can use (ASCII letters, digits and _, not starting with a digit)"
        }
        if reservedCollectionVariables.contains(name) { return "\"\(name)\" would hide the template context's .\(name)" }
        let clashing = key == "item_var" ? "index" : "item"
        if name == clashing || name == other { return "\"\(name)\" would hide .\(name == other ? other : clashing)" }
        return nil
    }

    private mutating func transition(_ fields: FieldReader, _ key: String) -> Transition? {
        guard let members = mapping(fields, key) else { return nil }
        checkKeys(members, known: KnownKeys.transition, in: key)
        return Transition(next: string(members, "next"), with: members.members["with"])
    }

    private mutating func retryPolicy(_ fields: FieldReader) -> RetryPolicy? {
        let config = mapping(fields, "config") ?? FieldReader(members: [:], at: fields.path("config"))
        checkKeys(config, known: KnownKeys.globalOptions, in: "a task's config")
        checkOptionKeys(config)
        if let policy = mapping(config, "retry_policy") {
            var result = RetryPolicy(maximumAttempts: int(policy, "maximum_attempts") ?? 3)
            if let initial = duration(policy, "initial_interval") { result.initialInterval = initial }
            if let coefficient = policy.members["backoff_coefficient"] {
                if let factor = coefficient.doubleValue, factor >= 1 { result.backoffCoefficient = factor }
                else { fail(policy.path("backoff_coefficient"), "expected a number of at least 1") }
            }
            result.maximumInterval = duration(policy, "maximum_interval")
            if result.maximumAttempts < 1 { fail(policy.path("maximum_attempts"), "must be at least 1") }
            return result
        }
        if let retries = int(fields, "retries") {
            if retries < 0 { fail(fields.path("retries"), "must be 0 or more") }
            return RetryPolicy(maximumAttempts: max(1, retries + 1))
        }
        return nil
    }
}
