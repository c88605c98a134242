import SwitchyardJSON
import SwitchyardTemplates
import SwitchyardConditions

/// A workflow with every template and condition parsed and every tool id resolved: built once
/// per workflow and shared by all its runs.
final class CompiledWorkflow: Sendable {
    let config: WorkflowConfig
    /// Top-level tasks by id.
    let tasks: [String: CompiledTask]
    /// Where every run starts.
    let first: CompiledTask?
    let outputs: TemplatedValue?
    /// Project env under workflow env (both literal layers; task env is templated).
    let env: [String: String]
    let agents: [String: JSONValue]
    /// Set for a one-task execution (`startTask` / `startAgent`).
    let standalone: StandaloneTarget?
    /// The project's secrets, replaced in what a run stores, reports and logs.
    let redactor: SecretRedactor

    /// The id recorded in the store and the result: the workflow's, or `task:ID` / `agent:ID`.
    var executionWorkflowID: String { standalone?.executionWorkflowID ?? config.id }

    private init(config: WorkflowConfig, tasks: [String: CompiledTask], first: CompiledTask?,
                 outputs: TemplatedValue?, env: [String: String], agents: [String: JSONValue],
                 standalone: StandaloneTarget?, redactor: SecretRedactor) {
        self.config = config
        self.redactor = redactor
        self.standalone = standalone
        self.tasks = tasks
        self.first = first
        self.outputs = outputs
        self.env = env
        self.agents = agents
    }

    /// Compiles `workflow`; problems are template/condition syntax errors and unknown tools.
    static func compile(_ workflow: WorkflowConfig, project: ProjectConfig,
                        standalone: StandaloneTarget? = nil) -> (CompiledWorkflow, [ConfigError]) {
        var problems: [ConfigError] = []
        let tools = project.tools(visibleTo: workflow)
        var agents: [String: JSONValue] = [:]
        for agent in workflow.agents { if let id = agent["id"]?.stringValue { agents[id] = agent } }
        var compiler = TaskCompiler(file: workflow.file, tools: tools, agents: agents)
        var byID: [String: CompiledTask] = [:]
        var first: CompiledTask?
        for task in workflow.tasks {
            let compiled = compiler.compile(task)
            if byID[task.id] == nil { byID[task.id] = compiled }
            if first == nil { first = compiled }
        }
        problems += compiler.problems
        let outputs = workflow.outputs.map {
            TemplatedValue.compile($0, at: "outputs", file: workflow.file, problems: &problems)
        }
        let env = project.env.merging(workflow.env) { _, workflowValue in workflowValue }
        let compiled = CompiledWorkflow(config: workflow, tasks: byID, first: first, outputs: outputs,
                                        env: env, agents: agents, standalone: standalone,
                                        redactor: SecretRedactor(secrets: project.secrets))
        return (compiled, problems)
    }
}

/// What turns a compiled workflow into a one-task execution: a task or an agent run on its own,
/// inside its workflow's context.
struct StandaloneTarget: Sendable {
    /// `task:ID` or `agent:ID`.
    let executionWorkflowID: String
    /// The single task; its output is the execution's output.
    let taskID: String
    /// The task's input, replacing its own `with`; `nil` lets its `with` render as written.
    let taskInput: JSONValue?
}

/// One task, parsed: the engine never looks at template text again.
final class CompiledTask: Sendable {
    let config: TaskConfig
    var id: String { config.id }
    /// Set when the id itself is a template (a collection child).
    let idTemplate: Template?
    let with: TemplatedValue?
    let env: TemplatedValue?
    let outputs: TemplatedValue?
    let onSuccessWith: TemplatedValue?
    let onErrorWith: TemplatedValue?
    /// Skip test for ordinary tasks.
    let skipCondition: Predicate?
    /// Router: what yields the route key.
    let routeKey: RouteKey?
    /// Wait: the test on `signal`.
    let signalCondition: Predicate?
    let items: TemplatedValue?
    let filter: Predicate?
    let signalPayload: TemplatedValue?
    let children: [CompiledTask]
    let childTemplate: CompiledTask?
    let processor: CompiledTask?
    let routes: [(key: String, target: CompiledRoute)]
    let tool: ToolConfig?
    /// The tool's `config`/`env` when they hold templates (rendered per call); nil when literal.
    let toolTemplates: ToolTemplates?

    init(config: TaskConfig, idTemplate: Template?, with: TemplatedValue?, env: TemplatedValue?,
         outputs: TemplatedValue?, onSuccessWith: TemplatedValue?, onErrorWith: TemplatedValue?,
         skipCondition: Predicate?, routeKey: RouteKey?, signalCondition: Predicate?, items: TemplatedValue?,
         filter: Predicate?, signalPayload: TemplatedValue?, children: [CompiledTask],
         childTemplate: CompiledTask?, processor: CompiledTask?, routes: [(key: String, target: CompiledRoute)],
         tool: ToolConfig?, toolTemplates: ToolTemplates? = nil) {
        self.toolTemplates = toolTemplates
        self.config = config
        self.idTemplate = idTemplate
        self.with = with
        self.env = env
        self.outputs = outputs
        self.onSuccessWith = onSuccessWith
        self.onErrorWith = onErrorWith
        self.skipCondition = skipCondition
        self.routeKey = routeKey
        self.signalCondition = signalCondition
        self.items = items
        self.filter = filter
        self.signalPayload = signalPayload
        self.children = children
        self.childTemplate = childTemplate
        self.processor = processor
        self.routes = routes
        self.tool = tool
    }
}

/// A router's key: a template (`{{ .input.kind }}`) or a CEL expression (`input.kind`).
enum RouteKey: Sendable {
    case template(Template)
    case expression(ConditionExpression)

    /// The rendered or evaluated key.
    /// - Throws: `TemplateError` or `ConditionError`.
    func value(_ context: JSONValue) throws -> JSONValue {
        switch self {
        case .template(let template): return try template.render(context)
        case .expression(let expression): return try expression.evaluate(context)
        }
    }
}

/// Where a compiled route leads.
enum CompiledRoute: Sendable {
    case taskID(String)
    case inline(CompiledTask)
}

/// A tool's `config` and `env` with templates in them (compozy renders both with the task's
/// context before the call), compiled once per workflow.
struct ToolTemplates: Sendable {
    let config: TemplatedValue
    let env: TemplatedValue

    /// The rendered config, and the env members over `env`.
    /// - Throws: `TemplateError`.
    func render(_ context: JSONValue, over env: inout [String: String]) throws -> JSONValue {
        for (name, value) in try self.env.render(context).objectValue ?? [:] { env[name] = value.stringValue ?? value.jsonString }
        return try config.render(context)
    }
}

/// Walks a task tree, parsing templates and conditions and resolving tool references.
struct TaskCompiler {
    let file: String
    let tools: [String: ToolConfig]
    let agents: [String: JSONValue]
    var problems: [ConfigError] = []
    /// Each tool's templates, compiled when a task first names it (nil: all literal).
    private var toolTemplates: [String: ToolTemplates?] = [:]

    init(file: String, tools: [String: ToolConfig], agents: [String: JSONValue]) {
        self.file = file
        self.tools = tools
        self.agents = agents
    }

    private mutating func value(_ value: JSONValue?, _ path: String) -> TemplatedValue? {
        guard let value else { return nil }
        return TemplatedValue.compile(value, at: path, file: file, problems: &problems)
    }

    /// A literal `items` string (a JSON list or a range) is parsed once here, never per run; a bad
    /// one stays a string for the loader's validation error.
    private mutating func collectionItems(_ items: JSONValue?, _ path: String) -> TemplatedValue? {
        if case .string(let text)? = items, !text.contains("{{"), case .success(let list) = CollectionItems.literal(text) {
            return .literal(list)
        }
        return value(items, path)
    }

    /// `tool`'s config/env templates, compiled (and their problems reported) once per tool.
    private mutating func templates(of tool: ToolConfig) -> ToolTemplates? {
        if let known = toolTemplates[tool.id] { return known }
        let config = TemplatedValue.compile(tool.config, at: FieldReader.join(tool.path, "config"), file: tool.file,
                                            problems: &problems)
        let env = TemplatedValue.compile(.object(tool.env.mapValues(JSONValue.string)), at: FieldReader.join(tool.path, "env"),
                                         file: tool.file, problems: &problems)
        let compiled = config.isLiteral && env.isLiteral ? nil : ToolTemplates(config: config, env: env)
        toolTemplates[tool.id] = .some(compiled)
        return compiled
    }

    private mutating func predicate(_ text: String?, _ path: String) -> Predicate? {
        guard let text else { return nil }
        return Predicate.compile(text, at: path, file: file, problems: &problems)
    }

    mutating func compile(_ task: TaskConfig) -> CompiledTask {
        let path = task.path
        func at(_ key: String) -> String { FieldReader.join(path, key) }
        var idTemplate: Template?
        if task.id.contains("{{") {
            do { idTemplate = try Template(parsing: task.id) } catch {
                problems.append(ConfigError(file: file, path: at("id"), reason: "template error: \(error)"))
            }
        }
        var tool: ToolConfig?
        if let toolID = task.tool {
            tool = tools[toolID]
            if tool == nil {
                let known = tools.keys.sorted().joined(separator: ", ")
                problems.append(ConfigError(file: file, path: at("tool"),
                                            reason: "unknown tool \"\(toolID)\" (declared tools: \(known.isEmpty ? "none" : known))"))
            }
        }
        if let agentID = task.agent, agents[agentID] == nil {
            let known = agents.keys.sorted().joined(separator: ", ")
            problems.append(ConfigError(file: file, path: at("agent"),
                                        reason: "unknown agent \"\(agentID)\" (declared agents: \(known.isEmpty ? "none" : known))"))
        }
        var routeKey: RouteKey?
        var skipCondition: Predicate?
        var signalCondition: Predicate?
        switch task.type {
        case .router:
            if let condition = task.condition {
                if condition.contains("{{") {
                    do { routeKey = .template(try Template(parsing: condition)) } catch {
                        problems.append(ConfigError(file: file, path: at("condition"), reason: "template error: \(error)"))
                    }
                } else {
                    do { routeKey = .expression(try ConditionExpression(parsing: condition)) } catch {
                        problems.append(ConfigError(file: file, path: at("condition"), reason: "condition error: \(error)"))
                    }
                }
            }
        case .wait: signalCondition = predicate(task.condition, at("condition"))
        default: skipCondition = predicate(task.condition, at("condition"))
        }
        var routes: [(key: String, target: CompiledRoute)] = []
        for route in task.routes {
            switch route.target {
            case .taskID(let id): routes.append((route.key, .taskID(id)))
            case .inline(let inline): routes.append((route.key, .inline(compile(inline))))
            }
        }
        let envValue: JSONValue? = task.env.isEmpty ? nil : .object(task.env.mapValues(JSONValue.string))
        var toolTemplates: ToolTemplates?
        if let tool { toolTemplates = templates(of: tool) }
        return CompiledTask(
            config: task, idTemplate: idTemplate, with: value(task.with, at("with")), env: value(envValue, at("env")),
            outputs: value(task.outputs, at("outputs")),
            onSuccessWith: value(task.onSuccess?.with, at("on_success.with")),
            onErrorWith: value(task.onError?.with, at("on_error.with")),
            skipCondition: skipCondition, routeKey: routeKey, signalCondition: signalCondition,
            items: collectionItems(task.items, at("items")), filter: predicate(task.filter, at("filter")),
            signalPayload: value(task.signal?.payload, at("signal.payload")),
            children: task.tasks.map { compile($0) }, childTemplate: task.task.map { compile($0) },
            processor: task.processor.map { compile($0) }, routes: routes, tool: tool, toolTemplates: toolTemplates)
    }
}
