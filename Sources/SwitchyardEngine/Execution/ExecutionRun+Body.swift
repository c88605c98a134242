import Foundation
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardTemplates

extension ExecutionRun {
    /// One attempt of a task's own work, by type.
    func body(_ task: CompiledTask, id: String, path: String, parentExecID: String, input: JSONValue,
              scope: Scope) async -> Attempt {
        do {
            switch task.config.type {
            case .basic: return try await callTool(task, id: id, input: input, scope: scope)
            case .router: return try await route(task, id: id, path: path, parentExecID: parentExecID, input: input, scope: scope)
            case .parallel, .composite:
                return await runParallel(task, path: path, parentExecID: parentExecID, input: input, scope: scope)
            case .collection:
                return try await runCollection(task, path: path, parentExecID: parentExecID, input: input, scope: scope)
            case .aggregate:
                guard let outputs = task.outputs else { return Attempt(status: .success) }
                var attempt = Attempt(status: .success, output: try outputs.render(context(scope, input: input)))
                attempt.skipOutputsTransform = true
                return attempt
            case .signal: return try await sendSignal(task, input: input, scope: scope)
            case .wait: return try await waitForSignal(task, id: id, path: path, parentExecID: parentExecID,
                                                        input: input, scope: scope)
            }
        } catch let failure as TaskFailure {
            return Attempt(status: .failed, error: failure)
        } catch {
            return .failed("task \"\(id)\": \(error)")
        }
    }

    private func callTool(_ task: CompiledTask, id: String, input: JSONValue, scope: Scope) async throws -> Attempt {
        if let agentID = task.config.agent {
            guard var agent = workflow.agents[agentID] else {
                return .failed("task \"\(id)\": agent \"\(agentID)\": agents are not supported yet")
            }
            // compozy's model resolution: the task's `model_config` first, then the agent's model.
            if let model = task.config.modelConfig, var members = agent.objectValue {
                members["model"] = model
                members["config"] = nil
                agent = .object(members)
            }
            return await runAgent(agent, named: "agent \"\(agentID)\"", task: task, id: id, input: input, scope: scope)
        }
        if task.config.tool == nil, task.config.prompt != nil {
            // A prompt-only basic task (compozy's `BasicTask.Prompt` without an agent): one model
            // call, on `model_config` (a project model id or an inline model, its gaps filled from
            // the project's default model) or on the default model.
            var agent: [String: JSONValue] = ["id": .string(id), "instructions": ""]
            if let model = task.config.modelConfig { agent["model"] = model }
            return await runAgent(.object(agent), named: "prompt", task: task, id: id, input: input, scope: scope)
        }
        guard let tool = task.tool else {
            return .failed("task \"\(id)\": unknown tool \"\(task.config.tool ?? "")\"", kind: .notFound)
        }
        guard let adapter = engine.adapters[tool.adapterKey] else {
            let which = tool.adapter.map { "adapter \"\($0)\"" } ?? "the project runtime"
            let error = ToolError(.notFound, "tool \"\(tool.id)\": \(which) is not available", toolID: tool.id)
            emit(.toolFailed(execID: execID, taskID: id, error: error))
            return .failed("task \"\(id)\": \(error.message)", kind: error.kind)
        }
        var env = workflow.env.merging(tool.env) { _, toolValue in toolValue }
        var config = tool.config
        if let templates = task.toolTemplates {
            do { config = try templates.render(context(scope, input: input), over: &env) } catch {
                return .failed("task \"\(id)\": tool \"\(tool.id)\": config/env: \(error)")
            }
        }
        if let taskEnv = task.env {
            for (name, value) in try taskEnv.render(context(scope, input: input)).objectValue ?? [:] {
                env[name] = value.stringValue ?? value.jsonString
            }
        }
        let callInput = tool.inputOverDefaults(input)
        let request = ToolCallRequest(toolID: tool.id, input: callInput, config: config, env: env,
                                      timeout: tool.timeout ?? task.config.timeout)
        let execID = self.execID
        do {
            try tool.checkInput(callInput)
            let output = try await tracedCall(adapter, tool: tool, taskID: id).run(request) { event in
                switch event {
                case .progress(let progress): self.emit(.toolProgress(execID: execID, taskID: id, progress: progress))
                case .log(let level, let message):
                    ExecutionLogging.toolLine(level, message, execID: execID, workflowID: self.workflow.executionWorkflowID,
                                              taskID: id, toolID: tool.id, adapterID: adapter.id)
                    self.emit(.toolLog(execID: execID, taskID: id, level: level, message: message))
                case .result: break
                }
            }
            try tool.checkOutput(output)
            return Attempt(status: .success, output: output.objectValue != nil ? output : ["value": output])
        } catch {
            if Task.isCancelled { return .canceled }
            let toolError = error as? ToolError ?? ToolError(.protocol, "\(error)", toolID: tool.id)
            emit(.toolFailed(execID: execID, taskID: id, error: toolError))
            var message = "task \"\(id)\": tool \"\(tool.id)\": \(toolError.message)"
            if let details = toolError.details, !details.isEmpty { message += " (\(details))" }
            return .failed(message, kind: toolError.kind,
                           status: toolError.kind == .timeout ? .timedOut : .failed)
        }
    }

    /// Runs `agent` (declared, or made up for a prompt-only task) to its final answer.
    private func runAgent(_ agent: JSONValue, named name: String, task: CompiledTask, id: String,
                          input: JSONValue, scope: Scope) async -> Attempt {
        guard let executor = engine.agents else {
            return .failed("task \"\(id)\": \(name): agents are not supported yet")
        }
        let renderedAgent: JSONValue, prompt: String?
        do {
            (renderedAgent, prompt) = try renderedPrompts(agent, action: task.config.action, prompt: task.config.prompt,
                                                  context: context(scope, input: input))
        } catch {
            return .failed("task \"\(id)\": \(name): \(error)")
        }
        let request = AgentTaskRequest(
            agent: renderedAgent, action: task.config.action, prompt: prompt, input: input,
            tools: engine.project.tools(visibleTo: workflow.config), models: engine.project.models, env: workflow.env)
        let result = await executor.runReportingUsage(request, adapters: engine.adapters)
        var attempt: Attempt
        do {
            let output = try result.output.get()
            attempt = Attempt(status: .success, output: output.objectValue != nil ? output : ["response": output])
        } catch let failure as TaskFailure {
            attempt = Attempt(status: .failed, error: failure)
        } catch let error as ToolError {
            attempt = .failed("task \"\(id)\": \(name): \(error.message)", kind: error.kind)
        } catch {
            attempt = Task.isCancelled ? .canceled : .failed("task \"\(id)\": \(name): \(error)")
        }
        attempt.usage = result.usage
        return attempt
    }

    /// The agent's `instructions`, the chosen action's `prompt` and the task's `prompt`, rendered
    /// with the task's template context, as compozy's agent normalizer renders them before the
    /// call. Text without `{{` is left as it is (no parse).
    /// - Throws: `TemplateError` naming the template and what failed.
    private func renderedPrompts(_ agent: JSONValue, action: String?, prompt: String?,
                                 context: JSONValue) throws -> (JSONValue, String?) {
        func render(_ text: String) throws -> String {
            guard text.contains("{{") else { return text }
            let value = try TemplateRenderer.render(.string(text), context: context)
            return value.stringValue ?? value.jsonString
        }
        var members = agent.objectValue ?? [:]
        if let instructions = members["instructions"]?.stringValue { members["instructions"] = .string(try render(instructions)) }
        if let action, var actions = members["actions"]?.arrayValue,
           let index = actions.firstIndex(where: { $0["id"]?.stringValue == action }),
           var chosen = actions[index].objectValue, let text = chosen["prompt"]?.stringValue {
            chosen["prompt"] = .string(try render(text))
            actions[index] = .object(chosen)
            members["actions"] = .array(actions)
        }
        // A standalone agent execution's prompt is the API request's text: data, not a template.
        let promptIsData = workflow.standalone?.executionWorkflowID.hasPrefix(WorkflowEngine.standaloneAgentPrefix) == true
        return (.object(members), promptIsData ? prompt : try prompt.map(render))
    }

    private func route(_ task: CompiledTask, id: String, path: String, parentExecID: String, input: JSONValue,
                       scope: Scope) async throws -> Attempt {
        guard let keySource = task.routeKey else { return .failed("router \"\(id)\" has no condition") }
        let key = routeKey(try keySource.value(context(scope, input: input)))
        guard let route = task.routes.first(where: { $0.key == key }) else {
            let keys = task.routes.map(\.key).joined(separator: ", ")
            return .failed("router \"\(id)\": no route for \"\(key)\" (routes: \(keys))")
        }
        let target = switch route.target { case .taskID(let next): next; case .inline(let inline): inline.id }
        emit(.taskRouted(execID: execID, taskID: id, path: path, route: key, target: target))
        switch route.target {
        case .taskID(let next):
            return Attempt(status: .success, output: ["condition": .string(key), "route_taken": .string(next)], next: next)
        case .inline(let inline):
            let child = await execute(inline, id: inline.id, path: "\(path)/\(key)", parent: parentExecID,
                                      baseInput: input, overrideInput: nil, scope: scope)
            var attempt = Attempt(status: child.status,
                                  output: ["condition": .string(key), "route_taken": .string(inline.id), "output": child.output],
                                  error: child.error)
            attempt.next = child.status == .success ? inline.config.onSuccess?.next : inline.config.onError?.next
            attempt.adopt(child)
            return attempt
        }
    }

    private func sendSignal(_ task: CompiledTask, input: JSONValue, scope: Scope) async throws -> Attempt {
        guard let spec = task.config.signal else { return .failed("signal task \"\(task.id)\" has no signal") }
        let payload = try task.signalPayload?.render(context(scope, input: input)) ?? .emptyObject
        let delivered = await engine.signal(Signal(name: spec.id, payload: payload, source: "signal_task"))
        // `signal_dispatched` and `signal_id` are compozy's output (engine/task/activities/exec_signal.go).
        return Attempt(status: .success,
                       output: ["signal_dispatched": true, "signal_id": .string(spec.id), "signal": .string(spec.id),
                                "payload": payload, "delivered": .int(Int64(delivered))])
    }
}
