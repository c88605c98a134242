import Foundation
import Synchronization
import SwitchyardJSON
import SwitchyardRuntime
import Tracing

/// One workflow execution in progress: its immutable inputs (compiled workflow, input,
/// checkpoints found in the store) and the flow loop.
final class ExecutionRun: Sendable {
    let engine: WorkflowEngine
    let workflow: CompiledWorkflow
    let execID: String
    let input: JSONValue
    /// Task records found in the store at resume, by path. Completed ones are not run again.
    let checkpoints: [String: TaskExecutionRecord]
    /// The same records by parent `taskExecID`, so restoring a parent finds its children directly.
    let checkpointChildren: [String: [TaskExecutionRecord]]
    let observer: ExecutionObserver?
    /// Values every template context shares, built once per run.
    let workflowValue: JSONValue
    let envValue: JSONValue
    let projectValue: JSONValue
    /// Every task finished so far, children included, in the order they ended: what the default
    /// output lists (`defaultOutput`), also when the run is cut short by its time limit.
    let finishedTasks = Mutex<[FinishedTask]>([])
    /// The bootstrapped tracer, looked up once per run: `withSpan` and `InstrumentationSystem.tracer`
    /// find it with a dynamic cast on every call, a measurable part of a task's cost.
    let tracer: any Tracer = InstrumentationSystem.tracer
    /// Holds the next tasks while the execution is paused; orders its status writes.
    let pause: ExecutionPause

    init(engine: WorkflowEngine, workflow: CompiledWorkflow, execID: String, input: JSONValue,
         checkpoints: [String: TaskExecutionRecord], observer: ExecutionObserver?) {
        self.engine = engine
        self.workflow = workflow
        self.execID = execID
        self.input = input
        let redactor = workflow.redactor
        self.pause = ExecutionPause(execID: execID) { [engine] in RedactingExecutionStore.wrap(engine.writeStore, redactor) }
        self.checkpoints = checkpoints
        var children: [String: [TaskExecutionRecord]] = [:]
        for record in checkpoints.values { if let parent = record.parent { children[parent, default: []].append(record) } }
        self.checkpointChildren = children
        self.observer = observer
        self.workflowValue = ["id": .string(workflow.config.id), "input": input, "status": "RUNNING",
                              "exec_id": .string(execID)]
        self.envValue = .object(workflow.env.mapValues(JSONValue.string))
        self.projectValue = engine.project.templateValue
    }

    /// Fenced by the execution's lease when the engine owns executions (WorkflowEngine+Ownership.swift),
    /// behind the project's secrets' redactor when it has any.
    var store: any ExecutionStore { RedactingExecutionStore.wrap(engine.writeStore, workflow.redactor) }

    /// Runs the flow with an optional time budget and records the end in the store.
    func run(timeout: Duration?) async -> WorkflowResult {
        ExecutionLogging.started(execID: execID, workflowID: workflow.executionWorkflowID, resumedTasks: checkpoints.count)
        let (flow, timedOut) = await withDeadline(timeout, onTimeout: { FlowEnd.timedOut }) {
            await self.runFlow()
        }
        await engine.signals.close(execID)
        var result: WorkflowResult
        switch flow {
        case .finished(let status, let output, let failure):
            result = WorkflowResult(execID: execID, workflowID: workflow.executionWorkflowID, status: status, output: output,
                                    error: failure?.json)
        case .canceled(let output):
            result = WorkflowResult(execID: execID, workflowID: workflow.executionWorkflowID, status: .canceled,
                                    output: output, error: ["message": "the workflow was canceled"])
        case .timedOut:
            let limit = timeout.map(GoDuration.format) ?? "its time limit"
            result = WorkflowResult(execID: execID, workflowID: workflow.executionWorkflowID, status: .timedOut,
                                    output: flowOutput(), error: ["message": .string("the workflow timed out after \(limit)")])
        }
        if timedOut { result.status = .timedOut }
        result.error = workflow.redactor.redact(result.error)
        do {
            let pause = self.pause, final = result
            try await recordEvenIfCanceled { try await pause.end(final) }
        } catch {
            result.status = .failed
            result.error = ["message": .string("cannot record the result: \(error)")]
        }
        ExecutionLogging.finished(result)
        return result
    }

    enum FlowEnd: Sendable {
        case finished(ExecutionStatus, JSONValue, TaskFailure?)
        case canceled(JSONValue)
        case timedOut
    }

    /// Follows the flow rules: start at the first task; next is the router's choice, else
    /// `on_success.next` / `on_error.next`; no next ends the run; no implicit fall-through.
    func runFlow() async -> FlowEnd {
        var scope = Scope()
        var ran: [String: JSONValue] = [:]
        var current = workflow.first
        // A standalone execution hands its single task the request's input like a transition `with`.
        var transitionWith: JSONValue? = workflow.standalone?.taskInput
        while let task = current {
            let outcome = await execute(task, id: task.id, path: task.id, parent: nil, baseInput: nil,
                                        overrideInput: transitionWith, scope: scope)
            scope.tasks[outcome.id] = outcome.templateValue
            for (childID, value) in outcome.childValues { scope.tasks[childID] = value }
            ran[outcome.id] = ["output": outcome.output]
            // Appended in place: sharing one array with the loop would copy it on every task,
            // quadratic in a long chain.
            finishedTasks.withLock {
                $0.append(outcome.finished)
                $0.append(contentsOf: outcome.descendants)
            }
            if outcome.status == .canceled || Task.isCancelled {
                return .canceled(flowOutput())
            }
            transitionWith = nil
            let succeeded = outcome.status == .success
            let transitionTemplate = succeeded ? task.onSuccessWith : task.onErrorWith
            if let transitionTemplate {
                do {
                    transitionWith = try transitionTemplate.render(context(scope, input: outcome.input, output: outcome.output))
                } catch {
                    let failure = TaskFailure("task \"\(task.id)\": \(succeeded ? "on_success" : "on_error").with: \(error)")
                    return .finished(.failed, flowOutput(), failure)
                }
            }
            // A next task the workflow does not have (a standalone execution keeps a router's
            // routes but not their targets) falls through to the ordinary rules, so a failed
            // task still fails the run.
            if let override = outcome.next, let next = workflow.tasks[override] {
                current = next
                continue
            }
            if !succeeded {
                guard let next = task.config.onError?.next else {
                    let reason = outcome.error?.message ?? "status \(outcome.status.rawValue)"
                    let failure = TaskFailure("task \"\(outcome.id)\" failed with no error transition defined: \(reason)",
                                              kind: outcome.error?.kind)
                    return .finished(.failed, flowOutput(), failure)
                }
                current = workflow.tasks[next]
                continue
            }
            if task.config.isFinal { break }
            current = task.config.onSuccess?.next.flatMap { workflow.tasks[$0] }
        }
        guard let outputs = workflow.outputs else { return .finished(.success, flowOutput(), nil) }
        do {
            // compozy's workflow output context (engine/workflow/output_transformer.go) adds
            // `.status`, `.workflow_id`, `.workflow_exec_id`. compozy reads the status from the
            // stored row, which still says RUNNING while outputs render; the status being
            // recorded (SUCCESS: outputs render only then) is given here, and `.workflow.status`
            // agrees with it.
            var members = scope.extra
            var workflowMembers = workflowValue.objectValue ?? [:]
            workflowMembers["status"] = .string(ExecutionStatus.success.rawValue)
            members["workflow"] = .object(workflowMembers)
            members["status"] = .string(ExecutionStatus.success.rawValue)
            members["workflow_id"] = .string(workflow.config.id)
            members["workflow_exec_id"] = .string(execID)
            members["tasks"] = .object(scope.tasks)
            members["input"] = input
            members["env"] = envValue
            members["project"] = projectValue
            members["output"] = .object(ran)
            return .finished(.success, try outputs.render(.object(members)), nil)
        } catch {
            return .finished(.failed, flowOutput(), TaskFailure("workflow outputs: \(error)"))
        }
    }

    /// The run's output without `outputs:`: compozy's default shape over every task finished so
    /// far (`defaultOutput`), or for a standalone execution its single task's output.
    func flowOutput() -> JSONValue {
        let finished = finishedTasks.withLock { $0 }
        guard let standalone = workflow.standalone else { return Self.defaultOutput(finished) }
        return finished.last { $0.id == standalone.taskID && $0.parentExecID == nil }?.output ?? .emptyObject
    }

    /// The template context for a task: `.workflow .tasks .input/.with .env .project`, plus
    /// `.item .index .parent .signal` from the scope, plus `.output` when given.
    func context(_ scope: Scope, input: JSONValue, output: JSONValue? = nil) -> JSONValue {
        var members = scope.extra
        members["workflow"] = workflowValue
        members["tasks"] = .object(scope.tasks)
        members["input"] = input
        members["with"] = input
        members["env"] = envValue
        members["project"] = projectValue
        if let output { members["output"] = output }
        return .object(members)
    }

    func emit(_ event: ExecutionEvent) {
        let event = workflow.redactor.isEmpty ? event : event.redacted(by: workflow.redactor)
        ExecutionLogging.record(event, workflowID: workflow.executionWorkflowID)
        observer?(event)
    }
}

/// What a task sees of the rest of the run.
struct Scope: Sendable {
    /// `.tasks`: every task completed so far, `{id, input, output, status, error}`.
    var tasks: [String: JSONValue] = [:]
    /// `.item`, `.index` (or their `item_var`/`index_var` names), `.parent`, `.signal`.
    var extra: [String: JSONValue] = [:]
}

/// How a task execution ended.
struct TaskOutcome: Sendable {
    var id: String
    var path: String
    var status: ExecutionStatus
    var input: JSONValue
    var output: JSONValue
    var error: TaskFailure?
    /// A router's route or a wait's `on_timeout`: overrides `on_success`/`on_error`.
    var next: String?
    /// Children (all descendants) to add to `.tasks` once the parent is done.
    var childValues: [String: JSONValue] = [:]
    var taskExecID = ""
    /// The parent's `taskExecID`, for a child.
    var parentExecID: String?
    var type: TaskType = .basic
    /// A parallel, composite or collection task's `.children`: `{CHILD_ID: templateValue}`.
    var children: JSONValue?
    /// Every task that ran under this one, for the default workflow output.
    var descendants: [FinishedTask] = []

    /// `{id, input, output, status, error}`, plus `children` for a parent: the task under `.tasks.ID`.
    var templateValue: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id), "input": input, "output": output, "status": .string(status.rawValue),
            "error": error?.json ?? .null,
        ]
        if let children { members["children"] = children }
        return .object(members)
    }

    /// This task as the default workflow output lists it.
    var finished: FinishedTask {
        FinishedTask(id: id, output: output, parentExecID: parentExecID, type: type)
    }
}

/// Runs a store write even when the current task is canceled: the record of a canceled or
/// timed-out task must still reach the store (GRDB's async writes honour cancellation), so it
/// runs in a fresh task that does not inherit it.
func recordEvenIfCanceled(_ write: @escaping @Sendable () async throws -> Void) async throws {
    if Task.isCancelled {
        try await Task { try await write() }.value
    } else {
        try await write()
    }
}
