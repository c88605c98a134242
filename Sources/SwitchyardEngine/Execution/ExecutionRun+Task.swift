import Foundation
import SwitchyardJSON
import SwitchyardRuntime

/// One attempt's result, before checkpointing.
struct Attempt: Sendable {
    var status: ExecutionStatus
    var output: JSONValue = .emptyObject
    var error: TaskFailure?
    var next: String?
    var childValues: [String: JSONValue] = [:]
    /// A parent's `.children` (`TaskOutcome.children`).
    var children: JSONValue?
    /// Every task that ran under this one (`TaskOutcome.descendants`).
    var descendants: [FinishedTask] = []
    /// What `.output` means under the task's `outputs:` (a parent's children outputs map).
    var outputsSubject: JSONValue?
    /// Aggregate tasks compute their output from `outputs:` themselves.
    var skipOutputsTransform = false
    /// The tokens an agent task's model calls used in this attempt.
    var usage = UsageSummary()

    static func failed(_ message: String, kind: ToolError.Kind? = nil, status: ExecutionStatus = .failed) -> Attempt {
        Attempt(status: status, error: TaskFailure(message, kind: kind))
    }

    static let canceled = Attempt(status: .canceled, error: TaskFailure("the task was canceled", kind: .canceled))

    /// Takes `child` (and everything under it) into `.tasks` and the default output; `value` is
    /// its `templateValue`, when the caller has built it already.
    mutating func adopt(_ child: TaskOutcome, value: JSONValue? = nil) {
        childValues[child.id] = value ?? child.templateValue
        for (id, grandchild) in child.childValues { childValues[id] = grandchild }
        descendants.append(child.finished)
        descendants.append(contentsOf: child.descendants)
    }
}

extension ExecutionRun {
    /// Runs one task execution: checkpoint lookup, input, skip condition, sleep, attempts with
    /// retries and timeout, output checks and `outputs`, then the checkpoint write — which
    /// completes before this returns, so before any next task starts.
    func execute(_ task: CompiledTask, id: String, path: String, parent: String?, baseInput: JSONValue?,
                 overrideInput: JSONValue?, scope: Scope) async -> TaskOutcome {
        if let record = checkpoints[path], record.status.isCompleted {
            emit(.taskRestored(execID: execID, taskID: record.taskID, path: path, status: record.status))
            return restoredOutcome(task, record: record)
        }
        let stopwatch = MetricStopwatch()
        let taskExecID = checkpoints[path]?.taskExecID ?? ExecutionID.make()
        let createdAt = checkpoints[path]?.createdAt ?? Timestamp.now()
        var record = TaskExecutionRecord(taskExecID: taskExecID, taskID: id, workflowExecID: execID, path: path,
                                         parent: parent, status: .running, input: .emptyObject,
                                         createdAt: createdAt, updatedAt: createdAt)
        // While `with` renders, `.input` is what the task inherits (its parent's input), or the
        // workflow input for a top-level task.
        var input = baseInput ?? .emptyObject
        var attempt: Attempt
        do {
            if let with = task.with {
                input = merge(input, try with.render(context(scope, input: baseInput ?? self.input)))
            }
            if let overrideInput { input = merge(input, overrideInput) }
            record.input = input
            attempt = try await withTaskSpan(task, id: id, path: path, taskExecID: taskExecID) {
                try await run(task, id: id, path: path, record: &record, input: input, scope: scope)
            }
        } catch let failure as TaskFailure {
            attempt = Attempt(status: .failed, error: failure)
        } catch {
            attempt = .failed("task \"\(id)\": \(error)")
        }
        if attempt.status == .canceled || (Task.isCancelled && attempt.status != .success) {
            attempt.status = .canceled
            attempt.error = attempt.error ?? Attempt.canceled.error
        }
        if let failure = attempt.error, !workflow.redactor.isEmpty {
            attempt.error = TaskFailure(workflow.redactor.redact(failure.message), kind: failure.kind)
        }
        record.status = attempt.status
        record.output = attempt.output
        record.error = attempt.error?.json
        record.updatedAt = Timestamp.now()
        record.endedAt = record.updatedAt
        do {
            let store = self.store, finished = record
            try await recordEvenIfCanceled { try await store.saveTask(finished) }
        } catch {
            attempt.status = .failed
            attempt.error = TaskFailure("cannot checkpoint task \"\(id)\": \(error)", kind: .store)
        }
        ExecutionMetrics.taskFinished(stopwatch, workflow: workflow.executionWorkflowID, type: task.config.type, status: attempt.status)
        emit(.taskFinished(execID: execID, taskID: id, path: path, status: attempt.status, error: attempt.error))
        return TaskOutcome(id: id, path: path, status: attempt.status, input: input, output: attempt.output,
                           error: attempt.error, next: attempt.next, childValues: attempt.childValues,
                           taskExecID: taskExecID, parentExecID: parent, type: task.config.type,
                           children: attempt.children, descendants: attempt.descendants)
    }

    /// Everything after the input is known. Throws `TaskFailure` for failures before the body.
    private func run(_ task: CompiledTask, id: String, path: String, record: inout TaskExecutionRecord,
                     input: JSONValue, scope: Scope) async throws -> Attempt {
        // A paused execution starts no task until it is resumed (or canceled).
        guard await pause.gate.pass() else { return .canceled }
        // compozy checks a task's input against its `input:` schema once, when the task's state is
        // created (`CreateState`: "failed to validate task params"): no attempt runs, none retries.
        if let problems = Self.schemaProblems(input, task.config.inputSchema, as: "input") {
            return .failed("task \"\(id)\": input does not match the task's input schema: \(problems)", kind: .invalidInput)
        }
        let taskContext = context(scope, input: input)
        if let skip = task.skipCondition {
            let passes: Bool
            do { passes = try skip.isTrue(taskContext) } catch {
                throw TaskFailure("task \"\(id)\": condition: \(error)")
            }
            if !passes { return Attempt(status: .success, output: ["skipped": true]) }
        }
        if let sleep = task.config.sleep {
            do { try await Task.sleep(for: sleep) } catch { return .canceled }
        }
        // A RUNNING row shows what is in flight; a leaf child (one of possibly thousands in a
        // collection) skips it — its completion checkpoint is what resume needs, and one write
        // per child instead of two halves the store cost of a collection.
        record.startedAt = Timestamp.now()
        if record.parent == nil || task.config.type != .basic {
            record.status = task.config.type == .wait ? .waiting : .running
            try await store.saveTask(record)
        }
        emit(.taskStarted(execID: execID, taskID: id, path: path))
        let policy = task.config.retryPolicy ?? RetryPolicy(maximumAttempts: 1)
        var attemptNumber = 1
        var usage = UsageSummary()
        let taskExecID = record.taskExecID
        // A wait's timeout bounds the wait itself (it has `on_timeout`), not an attempt.
        let deadline = task.config.type == .wait ? nil : task.config.timeout
        while true {
            record.attempts = attemptNumber
            let taskTimeout = deadline.map(GoDuration.format) ?? ""
            var (attempt, _) = await withDeadline(deadline, onTimeout: {
                Attempt.failed("task \"\(id)\" timed out after \(taskTimeout)", kind: .timeout, status: .timedOut)
            }) {
                await self.body(task, id: id, path: path, parentExecID: taskExecID, input: input, scope: scope)
            }
            // Every attempt's model calls count, a failed one's too (compozy sums them per task).
            usage.add(attempt.usage)
            if !usage.isEmpty { record.usage = usage.tagged("task").json }
            if attempt.status == .success { attempt = checkOutput(attempt, id: id) }
            if attempt.status == .success, let outputs = task.outputs, !attempt.skipOutputsTransform {
                do {
                    attempt.output = try outputs.render(outputsContext(scope, input: input, attempt: attempt))
                } catch {
                    attempt = .failed("task \"\(id)\": outputs: \(error)")
                }
            }
            // The final output (after `outputs:`) against the task's `output:` schema, as compozy's
            // `ValidateOutput` checks the processed output.
            if attempt.status == .success,
               let problems = Self.schemaProblems(attempt.output, task.config.outputSchema, as: "output") {
                attempt = .failed("task \"\(id)\": output does not match the task's output schema: \(problems)",
                                  kind: .toolError)
            }
            let retryable = attempt.status == .failed || attempt.status == .timedOut
            guard retryable, attemptNumber < policy.maximumAttempts, !Task.isCancelled else { return attempt }
            attemptNumber += 1
            ExecutionLogging.retrying(execID: execID, workflowID: workflow.executionWorkflowID, taskID: id,
                                      nextAttempt: attemptNumber, delay: policy.delay(beforeAttempt: attemptNumber))
            do { try await Task.sleep(for: policy.delay(beforeAttempt: attemptNumber)) } catch { return .canceled }
        }
    }

    /// The context of a task's `outputs:`: `.output` (a parent's children outputs map), `.status`,
    /// and for a parent its children under `.tasks` and `.children`, as compozy's
    /// `engine/task2/core/output_transformer.go` gives them (`.status` beyond it: the issue's).
    private func outputsContext(_ scope: Scope, input: JSONValue, attempt: Attempt) -> JSONValue {
        var scope = scope
        for (id, value) in attempt.childValues { scope.tasks[id] = value }
        scope.extra["status"] = .string(attempt.status.rawValue)
        if let children = attempt.children { scope.extra["children"] = children }
        return context(scope, input: input, output: attempt.outputsSubject ?? attempt.output)
    }

    /// What in `value` fails `schema` (each field named under `root`), or nil when it passes or
    /// there is no schema.
    private static func schemaProblems(_ value: JSONValue, _ schema: JSONValue?, as root: String) -> String? {
        guard let schema else { return nil }
        let problems = JSONSchemaValidator.errors(in: value, against: schema, at: root)
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// A task whose output has a non-empty `error` field or `success: false` failed.
    private func checkOutput(_ attempt: Attempt, id: String) -> Attempt {
        guard let members = attempt.output.objectValue else { return attempt }
        var failed = attempt
        if let error = members["error"], Predicate.truthy(error) {
            let message = error.stringValue ?? error["message"]?.stringValue ?? error.jsonString
            failed.status = .failed
            failed.error = TaskFailure("task \"\(id)\" returned an error: \(message)", kind: .toolError)
            return failed
        }
        if members["success"] == .bool(false) {
            failed.status = .failed
            failed.error = TaskFailure("task \"\(id)\" returned success: false", kind: .toolError)
            return failed
        }
        return attempt
    }

    /// The outcome of a task found completed in the store, with the flow decision it made.
    func restoredOutcome(_ task: CompiledTask, record: TaskExecutionRecord) -> TaskOutcome {
        var outcome = restoredRecord(record, type: task.config.type)
        switch task.config.type {
        case .router:
            if let key = outcome.output["condition"].map(routeKey), let route = task.routes.first(where: { $0.key == key }) {
                switch route.target {
                case .taskID(let next): outcome.next = next
                case .inline(let inline):
                    if let child = checkpoints["\(record.path)/\(key)"] {
                        outcome.next = child.status == .success ? inline.config.onSuccess?.next : inline.config.onError?.next
                    }
                }
            }
        case .wait:
            if record.status == .timedOut { outcome.next = task.config.onTimeout }
        default:
            break
        }
        restoreChildren(of: &outcome, task: task)
        return outcome
    }

    private func restoredRecord(_ record: TaskExecutionRecord, type: TaskType) -> TaskOutcome {
        TaskOutcome(id: record.taskID, path: record.path, status: record.status, input: record.input,
                    output: record.output ?? .emptyObject, error: record.error.map { TaskFailure(json: $0) },
                    taskExecID: record.taskExecID, parentExecID: record.parent, type: type)
    }

    /// Children (and theirs) restored with their parent, so later templates still see
    /// `.tasks.CHILD` and `.tasks.PARENT.children`, and the default output lists them.
    private func restoreChildren(of outcome: inout TaskOutcome, task: CompiledTask) {
        var attempt = Attempt(status: outcome.status)
        var children: [String: JSONValue] = [:]
        for record in checkpointChildren[outcome.taskExecID] ?? [] {
            let childTask = compiledChild(of: task, record: record)
            var child = restoredRecord(record, type: childTask?.config.type ?? .basic)
            if let childTask { restoreChildren(of: &child, task: childTask) }
            let value = child.templateValue
            children[child.id] = value
            attempt.adopt(child, value: value)
        }
        outcome.childValues = attempt.childValues
        outcome.descendants = attempt.descendants
        if task.config.type.hasChildren { outcome.children = .object(children) }
    }

    /// The compiled task a stored child of `task` ran from, found by its path.
    private func compiledChild(of task: CompiledTask, record: TaskExecutionRecord) -> CompiledTask? {
        switch task.config.type {
        case .collection: return task.childTemplate
        case .wait: return task.processor
        case .router:
            let key = record.path.split(separator: "/").last.map(String.init)
            for route in task.routes where route.key == key {
                if case .inline(let inline) = route.target { return inline }
            }
            return nil
        default: return task.children.first { $0.id == record.taskID }
        }
    }

    func routeKey(_ value: JSONValue) -> String {
        value.stringValue ?? value.jsonString
    }
}

/// `overlay` members over `base` members when both are objects; else `overlay`.
func merge(_ base: JSONValue, _ overlay: JSONValue) -> JSONValue {
    guard var members = base.objectValue, let extra = overlay.objectValue else { return overlay }
    for (key, value) in extra { members[key] = value }
    return .object(members)
}
