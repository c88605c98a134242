import SwitchyardJSON

/// Running one task or one agent on its own (the API's `/tasks/{id}/executions` and
/// `/agents/{id}/executions`).
///
/// Either runs as a one-task execution: a synthetic workflow whose only task is the one asked
/// for, inside the context of the workflow that declares it (its tools, agents, env, `timeout`
/// and id under `.workflow.id`), so the task resolves exactly as it would there. The execution
/// is recorded like a workflow execution with `workflow_id` `task:ID` or `agent:ID`, so listing,
/// showing and `resume` work on it, and its result output is the task's own output.
extension WorkflowEngine {
    /// The `workflow_id` prefix of standalone task executions.
    public static let standaloneTaskPrefix = "task:"
    /// The `workflow_id` prefix of standalone agent executions.
    public static let standaloneAgentPrefix = "agent:"

    /// Starts top-level task `taskID` on its own and returns once its execution is recorded.
    ///
    /// The task is looked up among the top-level tasks of every workflow, in project order; when
    /// two workflows define the same id, the first one's task runs. It runs without its
    /// transitions (`on_success`, `on_error`, `on_timeout`), so nothing else runs; a router keeps
    /// its routes, but a route to another task ends the run there.
    ///
    /// - Important: a non-empty `with` *replaces* the task's own `with` (it is not merged over
    ///   it): the caller states the whole input. With an empty `with`, the task's own `with`
    ///   renders as written, against `.workflow.input` = `{}`. Either way the execution's
    ///   recorded input (and `.workflow.input`) is `with`.
    /// - Parameters:
    ///   - taskID: a top-level task id.
    ///   - with: the task input; `{}` or `null` keeps the task's own `with`.
    ///   - timeout: a time budget overriding the declaring workflow's `config.timeout`.
    ///   - observer: receives task and tool events as they happen.
    /// - Returns: a handle whose result output is the task's output.
    /// - Throws: `EngineError` `.unknownTask` (listing the known task ids) or `.config`, or
    ///   `StoreError` — all before the task runs.
    public func startTask(taskID: String, with: JSONValue = .emptyObject, timeout: Duration? = nil,
                          observer: ExecutionObserver? = nil) async throws -> ExecutionHandle {
        let input = with.isNull ? JSONValue.emptyObject : with
        let workflow = try standaloneTaskWorkflow(taskID: taskID, input: input)
        return try await startStandalone(workflow, input: input, timeout: timeout, observer: observer)
    }

    /// Starts agent `agentID` on its own and returns once its execution is recorded.
    ///
    /// The agent is looked up in the `agents:` of every workflow, in project order (the first
    /// declaration wins), and runs as the agent task `{id: agentID, agent: agentID, action,
    /// prompt}` with input `with`, in that workflow's context. The recorded input is
    /// `{"with": with, "action"?: action, "prompt"?: prompt}`, which is what `resume` rebuilds
    /// the task from.
    /// - Parameters:
    ///   - agentID: an agent id.
    ///   - action: one of the agent's `actions[].id`.
    ///   - prompt: a prompt, with or instead of an action.
    ///   - with: the task input.
    ///   - timeout: a time budget overriding the declaring workflow's `config.timeout`.
    ///   - observer: receives task and tool events as they happen.
    /// - Returns: a handle whose result output is the agent task's output.
    /// - Throws: `EngineError` `.unknownAgent` (listing the known agents), `.invalidInput`
    ///   (neither action nor prompt, or an undeclared action), `.config`; or `StoreError`.
    public func startAgent(agentID: String, action: String?, prompt: String?, with: JSONValue = .emptyObject,
                           timeout: Duration? = nil, observer: ExecutionObserver? = nil) async throws -> ExecutionHandle {
        let action = action.flatMap { $0.isEmpty ? nil : $0 }
        let prompt = prompt.flatMap { $0.isEmpty ? nil : $0 }
        let taskInput = with.isNull ? JSONValue.emptyObject : with
        let workflow = try standaloneAgentWorkflow(agentID: agentID, action: action, prompt: prompt, input: taskInput)
        var recorded: [String: JSONValue] = ["with": taskInput]
        if let action { recorded["action"] = .string(action) }
        if let prompt { recorded["prompt"] = .string(prompt) }
        return try await startStandalone(workflow, input: .object(recorded), timeout: timeout, observer: observer)
    }

    private func startStandalone(_ workflow: CompiledWorkflow, input: JSONValue, timeout: Duration?,
                                 observer: ExecutionObserver?) async throws -> ExecutionHandle {
        let id = ExecutionID.make()
        let now = Timestamp.now()
        try await writeStore.insertWorkflow(WorkflowExecutionRecord(
            execID: id, workflowID: workflow.executionWorkflowID, status: .running, input: input,
            createdAt: now, updatedAt: now))
        let run = ExecutionRun(engine: self, workflow: workflow, execID: id, input: input, checkpoints: [:],
                               observer: observer)
        return await launch(run, timeout: timeout)
    }

    /// The workflow a recorded execution runs: a project workflow, or the synthetic one of a
    /// standalone execution (recognised by its `task:` / `agent:` prefix, which takes precedence
    /// over a project workflow whose id happens to start the same way).
    func executionWorkflow(for record: WorkflowExecutionRecord) throws -> CompiledWorkflow {
        let recordedID = record.workflowID
        if recordedID.hasPrefix(Self.standaloneTaskPrefix) {
            let taskID = String(recordedID.dropFirst(Self.standaloneTaskPrefix.count))
            return try standaloneTaskWorkflow(taskID: taskID, input: record.input)
        }
        if recordedID.hasPrefix(Self.standaloneAgentPrefix) {
            let agentID = String(recordedID.dropFirst(Self.standaloneAgentPrefix.count))
            return try standaloneAgentWorkflow(agentID: agentID, action: record.input["action"]?.stringValue,
                                               prompt: record.input["prompt"]?.stringValue,
                                               input: record.input["with"] ?? .emptyObject)
        }
        return try compiledWorkflow(recordedID)
    }

    /// Built for every execution rather than cached: whether the task keeps its `with` depends on
    /// the request, and compiling one task is cheap next to running it.
    func standaloneTaskWorkflow(taskID: String, input: JSONValue) throws -> CompiledWorkflow {
        var found: (workflow: WorkflowConfig, task: TaskConfig)?
        for workflow in project.workflows {
            if let task = workflow.tasks.first(where: { $0.id == taskID }) {
                found = (workflow, task)
                break
            }
        }
        if found == nil { found = try taskResource(taskID) }
        guard let (declaring, original) = found else {
            let resources = project.resources.all(.task).map(\.id)
            let known = uniqueInOrder(project.workflows.flatMap { $0.tasks.map(\.id) } + resources)
            throw EngineError(.unknownTask, "unknown task \"\(taskID)\" (tasks: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        }
        var task = original
        task.onSuccess = nil
        task.onError = nil
        task.onTimeout = nil
        let inputGiven = input != .emptyObject && !input.isNull
        if inputGiven { task.with = nil }
        // `Optional(input)`: a bare `nil` in the conditional would become JSON `null` (JSONValue
        // is nil-literal expressible) and replace the task's input.
        let target = StandaloneTarget(executionWorkflowID: Self.standaloneTaskPrefix + taskID, taskID: taskID,
                                      taskInput: inputGiven ? Optional(input) : nil)
        return try compileStandalone(declaring, task: task, target: target)
    }

    /// An autoloaded `resource: task` (compozy runs them on their own through `/tasks/{id}`),
    /// decoded and its schema ids linked, in a workflow context of its own: the project's tools,
    /// the autoloaded agents and the project env.
    private func taskResource(_ taskID: String) throws -> (WorkflowConfig, TaskConfig)? {
        guard let entry = project.resources.resource(.task, id: taskID) else { return nil }
        var decoder = DocumentDecoder(file: entry.file)
        let decoded = decoder.task(entry.value, at: "")
        var problems = decoder.errors
        guard var task = decoded, problems.isEmpty else {
            throw EngineError(.config, problems.first?.description ?? "\(entry.file): cannot read task \"\(taskID)\"")
        }
        problems = SchemaReferences.link(&task, file: entry.file, in: project)
        if let first = problems.first { throw EngineError(.config, first.description) }
        let agents = project.resources.all(.agent).filter { $0.origin == .autoload }.map(\.value)
        return (WorkflowConfig(id: Self.standaloneTaskPrefix + taskID, agents: agents, file: entry.file), task)
    }

    func standaloneAgentWorkflow(agentID: String, action: String?, prompt: String?,
                                 input: JSONValue) throws -> CompiledWorkflow {
        var found: (workflow: WorkflowConfig, agent: JSONValue)?
        for workflow in project.workflows {
            if let agent = workflow.agents.first(where: { $0["id"]?.stringValue == agentID }) {
                found = (workflow, agent)
                break
            }
        }
        guard let (declaring, agent) = found else {
            let known = uniqueInOrder(project.workflows.flatMap { $0.agents.compactMap { $0["id"]?.stringValue } })
            throw EngineError(.unknownAgent, "unknown agent \"\(agentID)\" (agents: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        }
        guard action != nil || prompt != nil else {
            throw EngineError(.invalidInput, "agent \"\(agentID)\": give an action or a prompt")
        }
        if let action {
            let declared = (agent["actions"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            guard declared.contains(action) else {
                throw EngineError(.invalidInput, "agent \"\(agentID)\" has no action \"\(action)\" "
                                  + "(actions: \(declared.isEmpty ? "none" : declared.joined(separator: ", ")))")
            }
        }
        var task = TaskConfig(id: agentID, path: "agents[\(agentID)]")
        task.agent = agentID
        task.action = action
        task.prompt = prompt
        var raw: [String: JSONValue] = ["id": .string(agentID), "agent": .string(agentID)]
        if let action { raw["action"] = .string(action) }
        if let prompt { raw["prompt"] = .string(prompt) }
        task.raw = .object(raw)
        // The input goes in as a value, never as `with:` text: a request's strings are data, not templates.
        let target = StandaloneTarget(executionWorkflowID: Self.standaloneAgentPrefix + agentID, taskID: agentID,
                                      taskInput: input)
        return try compileStandalone(declaring, task: task, target: target)
    }

    private func compileStandalone(_ declaring: WorkflowConfig, task: TaskConfig,
                                   target: StandaloneTarget) throws -> CompiledWorkflow {
        var synthetic = declaring
        synthetic.tasks = [task]
        synthetic.outputs = nil
        synthetic.inputSchema = nil
        let (workflow, problems) = CompiledWorkflow.compile(synthetic, project: project, standalone: target)
        if let first = problems.first { throw EngineError(.config, first.description) }
        return workflow
    }

    private func uniqueInOrder(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }
}
