import SwitchyardJSON

/// The whole-workflow checks that need more than one field: unknown task ids in transitions and
/// routes, duplicate task ids, cycles, plus everything the compiler finds (template and
/// condition syntax, unknown tools and agents).
enum WorkflowValidator {
    static func problems(in workflow: WorkflowConfig, project: ProjectConfig) -> [ConfigError] {
        var problems: [ConfigError] = []
        let file = workflow.file
        // Every task id in the tree must be unique: `.tasks.ID` would otherwise be ambiguous.
        var seen: [String: String] = [:]
        func collect(_ task: TaskConfig) {
            if !task.id.contains("{{"), !task.id.isEmpty {
                if let earlier = seen[task.id] {
                    problems.append(ConfigError(file: file, path: FieldReader.join(task.path, "id"),
                                                reason: "duplicate task id \"\(task.id)\" (first at \(earlier))"))
                } else {
                    seen[task.id] = task.path
                }
            }
            if let problem = promptOnlyModelProblem(task, models: project.models) {
                problems.append(ConfigError(file: file, path: problem.path, reason: problem.reason))
            }
            task.tasks.forEach(collect)
            for route in task.routes { if case .inline(let inline) = route.target { collect(inline) } }
            if let template = task.task { collect(template) }
            if let processor = task.processor { collect(processor) }
        }
        workflow.tasks.forEach(collect)

        let topLevel = Set(workflow.tasks.map(\.id))
        var edges: [String: [String]] = [:]
        func checkTarget(_ target: String?, at path: String, from owner: String) {
            guard let target else { return }
            if topLevel.contains(target) {
                edges[owner, default: []].append(target)
            } else {
                problems.append(ConfigError(file: file, path: path, reason: "unknown task id \"\(target)\""))
            }
        }
        func checkTransitions(_ task: TaskConfig, owner: String) {
            checkTarget(task.onSuccess?.next, at: FieldReader.join(task.path, "on_success.next"), from: owner)
            checkTarget(task.onError?.next, at: FieldReader.join(task.path, "on_error.next"), from: owner)
            checkTarget(task.onTimeout, at: FieldReader.join(task.path, "on_timeout"), from: owner)
            for route in task.routes {
                let path = FieldReader.join(FieldReader.join(task.path, "routes"), route.key)
                switch route.target {
                case .taskID(let id): checkTarget(id, at: path, from: owner)
                case .inline(let inline): checkTransitions(inline, owner: owner)
                }
            }
        }
        workflow.tasks.forEach { checkTransitions($0, owner: $0.id) }
        problems += TransitionCycles.find(edges: edges, order: workflow.tasks).map {
            ConfigError(file: file, path: $0.path, reason: "cycle in next/routes: \($0.cycle.joined(separator: " -> "))")
        }
        problems += CompiledWorkflow.compile(workflow, project: project).1
        if let schema = workflow.inputSchema, schema.objectValue == nil {
            problems.append(ConfigError(file: file, path: "config.input", reason: "expected a JSON Schema mapping"))
        }
        // compozy's ScheduleValidator: the schedule's input, with the schema's defaults, must pass.
        if let schedule = workflow.schedule, let schema = workflow.inputSchema, schema.objectValue != nil {
            let input = workflow.inputWithDefaults(schedule.input)
            for problem in InputSchemaValidator.problems(in: input, schema: schema, at: "schedule.input") {
                problems.append(ConfigError(file: file, path: "schedule.input", reason: "schedule input validation error: \(problem)"))
            }
        }
        return problems
    }

    /// A basic task's `model_config` names a project model (by `id`, else by its `model` name) or
    /// is inline; a prompt-only task without one needs a project model with `default: true`.
    static func promptOnlyModelProblem(_ task: TaskConfig, models: [JSONValue]) -> (path: String, reason: String)? {
        guard task.type == .basic, task.tool == nil else { return nil }
        if task.agent != nil, task.modelConfig == nil { return nil }
        guard task.agent != nil || task.prompt != nil else { return nil }
        switch task.modelConfig {
        case .string(let name)?:
            let names = models.compactMap { $0["id"]?.stringValue ?? $0["model"]?.stringValue }
            if names.contains(name) { return nil }
            let known = names.isEmpty ? "none" : names.joined(separator: ", ")
            return (FieldReader.join(task.path, "model_config"), "unknown model \"\(name)\" (project models: \(known))")
        case .object?:
            return nil
        default:
            if models.contains(where: { $0["default"] == .bool(true) }) { return nil }
            return (FieldReader.join(task.path, "prompt"),
                    "a prompt-only task needs model_config or a project model with default: true")
        }
    }
}
