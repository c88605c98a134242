import SwitchyardJSON

extension DocumentReader {
    /// Decodes one task. `templatedID` allows a templated id (a collection's `task`).
    mutating func task(_ value: JSONValue, at path: String, templatedID: Bool = false) -> TaskConfig? {
        guard let object = object(value, at: path) else {
            if value.isNull { fail(path, "expected a task mapping, found null") }
            return nil
        }
        let id = string(object, "id", at: path, required: !templatedID) ?? (templatedID ? "{{ .index }}" : "")
        let type = enumValue(object, "type", at: path, as: TaskType.self) ?? .basic
        var task = TaskConfig(id: id, type: type, path: path)
        task.raw = value
        task.with = object["with"]
        task.env = stringMap(object, "env", at: path)
        task.outputs = object["outputs"]
        task.onSuccess = transition(object, "on_success", at: path)
        task.onError = transition(object, "on_error", at: path)
        task.isFinal = bool(object, "final", at: path) ?? false
        task.timeout = duration(object, "timeout", at: path)
        task.retryPolicy = retryPolicy(object, at: path)
        task.condition = string(object, "condition", at: path)
        task.sleep = duration(object, "sleep", at: path)
        task.tool = reference(object, "tool", at: path)
        task.agent = reference(object, "agent", at: path)
        task.action = string(object, "action", at: path)
        task.prompt = string(object, "prompt", at: path)
        task.strategy = enumValue(object, "strategy", at: path, as: ParallelStrategy.self) ?? .waitAll
        task.maxWorkers = int(object, "max_workers", at: path)
        if let workers = task.maxWorkers, workers < 0 { fail(Self.join(path, "max_workers"), "must be 0 or more") }
        task.items = object["items"]
        task.filter = string(object, "filter", at: path)
        task.itemVar = string(object, "item_var", at: path) ?? "item"
        task.indexVar = string(object, "index_var", at: path) ?? "index"
        task.mode = enumValue(object, "mode", at: path, as: CollectionMode.self) ?? .parallel
        task.batch = int(object, "batch", at: path)
        task.waitFor = string(object, "wait_for", at: path)
        task.onTimeout = string(object, "on_timeout", at: path)

        for (index, child) in array(object, "tasks", at: path).enumerated() {
            if let child = self.task(child, at: "\(Self.join(path, "tasks"))[\(index)]") { task.tasks.append(child) }
        }
        if let template = object["task"], !template.isNull {
            task.task = self.task(template, at: Self.join(path, "task"), templatedID: true)
        }
        if let processor = object["processor"], !processor.isNull {
            task.processor = self.task(processor, at: Self.join(path, "processor"), templatedID: true)
        }
        if let routes = self.object(object["routes"], at: Self.join(path, "routes")) {
            for key in routes.keys.sorted() {
                let routePath = Self.join(Self.join(path, "routes"), key)
                switch routes[key]! {
                case .string(let target): task.routes.append(Route(key: key, target: .taskID(target)))
                case .object:
                    if let inline = self.task(routes[key]!, at: routePath) {
                        task.routes.append(Route(key: key, target: .inline(inline)))
                    }
                default: fail(routePath, "expected a task id or an inline task")
                }
            }
        }
        if let signal = self.object(object["signal"], at: Self.join(path, "signal")) {
            let signalPath = Self.join(path, "signal")
            let id = string(signal, "id", at: signalPath, required: true) ?? ""
            task.signal = SignalSpec(id: id, payload: signal["payload"] ?? .emptyObject)
        }
        checkTypeFields(task, object, at: path)
        return task
    }

    private mutating func checkTypeFields(_ task: TaskConfig, _ object: [String: JSONValue], at path: String) {
        switch task.type {
        case .basic:
            if task.tool == nil, task.agent == nil {
                fail(path, "a basic task needs a tool or an agent")
            }
            if task.tool != nil, task.agent != nil { fail(path, "a basic task has either a tool or an agent, not both") }
        case .router:
            if task.condition == nil { fail(Self.join(path, "condition"), "is required for a router") }
            if object["routes"] == nil { fail(Self.join(path, "routes"), "is required for a router") }
        case .parallel, .composite:
            if task.tasks.isEmpty, object["tasks"] == nil { fail(Self.join(path, "tasks"), "is required for a \(task.type.rawValue) task") }
        case .collection:
            if task.items == nil { fail(Self.join(path, "items"), "is required for a collection") }
            if object["task"] == nil { fail(Self.join(path, "task"), "is required for a collection") }
            if let batch = task.batch, batch < 0 { fail(Self.join(path, "batch"), "must be 0 or more") }
        case .aggregate:
            if task.outputs == nil { fail(Self.join(path, "outputs"), "is required for an aggregate task") }
        case .wait:
            if task.waitFor == nil { fail(Self.join(path, "wait_for"), "is required for a wait task") }
        case .signal:
            if object["signal"] == nil { fail(Self.join(path, "signal"), "is required for a signal task") }
        }
    }

    private mutating func transition(_ object: [String: JSONValue], _ key: String, at path: String) -> Transition? {
        let transitionPath = Self.join(path, key)
        guard let members = self.object(object[key], at: transitionPath) else { return nil }
        return Transition(next: string(members, "next", at: transitionPath), with: members["with"])
    }

    private mutating func retryPolicy(_ object: [String: JSONValue], at path: String) -> RetryPolicy? {
        let configPath = Self.join(path, "config")
        let config = self.object(object["config"], at: configPath) ?? [:]
        if let policy = self.object(config["retry_policy"], at: Self.join(configPath, "retry_policy")) {
            let policyPath = Self.join(configPath, "retry_policy")
            var result = RetryPolicy(maximumAttempts: int(policy, "maximum_attempts", at: policyPath) ?? 3)
            if let initial = duration(policy, "initial_interval", at: policyPath) { result.initialInterval = initial }
            if let coefficient = policy["backoff_coefficient"] {
                if let factor = coefficient.doubleValue, factor >= 1 { result.backoffCoefficient = factor }
                else { fail(Self.join(policyPath, "backoff_coefficient"), "expected a number of at least 1") }
            }
            result.maximumInterval = duration(policy, "maximum_interval", at: policyPath)
            if result.maximumAttempts < 1 { fail(Self.join(policyPath, "maximum_attempts"), "must be at least 1") }
            return result
        }
        if let retries = int(object, "retries", at: path) {
            if retries < 0 { fail(Self.join(path, "retries"), "must be 0 or more") }
            return RetryPolicy(maximumAttempts: max(1, retries + 1))
        }
        return nil
    }
}
