import Foundation
import Synchronization
import SwitchyardJSON
import SwitchyardRuntime

/// Runs a project's workflows on its adapters, checkpointing every task in a store.
///
/// The engine sees tools only through `ToolAdapter`: `adapters["runtime"]` serves tools without
/// an `adapter:` field, `adapters["ffi"]` serves `adapter: ffi` tools, and every other key is the
/// id of an `adapters:` entry.
public final class WorkflowEngine: Sendable {
    /// The project whose workflows this engine runs.
    public let project: ProjectConfig
    /// Where executions are recorded and resumed from.
    public let store: any ExecutionStore
    /// Parallelism of a collection without `max_workers`.
    public let defaultCollectionWorkers: Int
    let adapters: [String: any ToolAdapter]
    let agents: (any AgentExecutor)?
    let signals = SignalHub()
    /// `triggers: [{type: signal}]` of the project's workflows, by signal name.
    let triggers: SignalTriggers
    private let compiled = Mutex<[String: CompiledWorkflow]>([:])
    let running = Mutex<[String: Task<WorkflowResult, Never>]>([:])
    /// The pause state of each execution running here.
    let pauses = Mutex<[String: ExecutionPause]>([:])
    /// Executions a `startResume` is setting up (not yet in `running`).
    private let resuming = Mutex<Set<String>>([])
    /// Set by `takeOwnership` (WorkflowEngine+Ownership.swift): leases, fencing, recovery.
    let ownershipSlot = Mutex<ExecutionOwnership?>(nil)

    /// Creates an engine.
    /// - Parameters:
    ///   - adapters: adapters by key (`runtime`, `ffi`, or an `adapters:` id).
    ///   - agents: runs agent tasks; without it they fail with "agents are not supported yet".
    ///   - defaultCollectionWorkers: children a collection runs at once when it sets no `max_workers`.
    public init(project: ProjectConfig, adapters: [String: any ToolAdapter], store: any ExecutionStore,
                agents: (any AgentExecutor)? = nil, defaultCollectionWorkers: Int = 32) {
        self.project = project
        self.adapters = ToolCallMetrics.metered(adapters)
        self.agents = agents
        self.store = store
        self.defaultCollectionWorkers = defaultCollectionWorkers
        self.triggers = SignalTriggers(workflows: project.workflows)
    }

    /// Runs workflow `workflowID` to its end.
    /// - Parameters:
    ///   - input: the workflow input; schema defaults are applied, then it is checked.
    ///   - execID: the id to give the execution (a new UUID by default).
    ///   - timeout: a time budget overriding the workflow's `config.timeout`.
    ///   - observer: receives task and tool events as they happen.
    /// - Returns: the result; a workflow that ran and failed is a result, not a throw.
    /// - Throws: `EngineError` (unknown workflow, invalid input, configuration problems) or
    ///   `StoreError` — all before any task runs.
    public func run(workflowID: String, input: JSONValue = .emptyObject, execID: String? = nil,
                    timeout: Duration? = nil, observer: ExecutionObserver? = nil) async throws -> WorkflowResult {
        let handle = try await start(workflowID: workflowID, input: input, execID: execID, timeout: timeout,
                                     observer: observer)
        return await handle.result()
    }

    /// Starts workflow `workflowID` and returns once its execution is recorded; the run goes on
    /// in its own task.
    /// - Throws: as `run(workflowID:input:execID:timeout:observer:)`.
    public func start(workflowID: String, input: JSONValue = .emptyObject, execID: String? = nil,
                      timeout: Duration? = nil, observer: ExecutionObserver? = nil) async throws -> ExecutionHandle {
        let workflow = try compiledWorkflow(workflowID)
        let fullInput = try checkedInput(input, for: workflow.config)
        let id = execID ?? ExecutionID.make()
        let now = Timestamp.now()
        let record = WorkflowExecutionRecord(
            execID: id, workflowID: workflowID, status: .running, input: fullInput, createdAt: now, updatedAt: now)
        if let queued = try await queueIfFull(record) { return queued }
        try await writeStore.insertWorkflow(record)
        let run = ExecutionRun(engine: self, workflow: workflow, execID: id, input: fullInput, checkpoints: [:],
                               observer: observer)
        return await launch(run, timeout: timeout)
    }

    /// Continues execution `execID` from its checkpoints: every task already completed keeps
    /// its recorded result and is not run again. Standalone executions (`workflow_id` `task:ID`
    /// or `agent:ID`) rebuild their one-task workflow from the recorded input.
    /// - Returns: the result; for an execution that had already finished, its recorded result.
    /// - Throws: `EngineError.Kind.unknownExecution`, `.unknownWorkflow`, `.unknownTask`,
    ///   `.unknownAgent`, or `StoreError`.
    public func resume(execID: String, timeout: Duration? = nil,
                       observer: ExecutionObserver? = nil) async throws -> WorkflowResult {
        switch try await startResume(execID: execID, timeout: timeout, observer: observer) {
        case .finished(let result): return result
        case .started(let handle): return await handle.result()
        }
    }

    /// What `startResume` did.
    public enum ResumeStart: Sendable {
        /// The execution had already finished: its recorded result.
        case finished(WorkflowResult)
        /// The execution goes on in its own task.
        case started(ExecutionHandle)
    }

    /// Starts continuing execution `execID` from its checkpoints and returns once it runs (or
    /// at once with the recorded result of a finished one).
    /// - Throws: as `resume`, and `EngineError.Kind.alreadyRunning` when it runs in this engine
    ///   (or another resume of it is starting): two runs of one execution would repeat tools.
    public func startResume(execID: String, timeout: Duration? = nil,
                            observer: ExecutionObserver? = nil) async throws -> ResumeStart {
        let claimed = resuming.withLock { claims in
            running.withLock { $0[execID] == nil } && claims.insert(execID).inserted
        }
        guard claimed else {
            // Its final status is recorded just before its run leaves `running`: a resume in
            // between answers the recorded end, not "already running".
            if let record = try await store.workflow(execID: execID), record.status.isCompleted {
                return .finished(record.result)
            }
            throw EngineError(.alreadyRunning, "execution \"\(execID)\" is already running")
        }
        defer { _ = resuming.withLock { $0.remove(execID) } }
        guard let record = try await store.workflow(execID: execID) else {
            throw EngineError(.unknownExecution, "no execution \"\(execID)\" in the store")
        }
        if record.status.isCompleted { return .finished(record.result) }
        let workflow = try executionWorkflow(for: record)
        // The lease first, then the checkpoints: a previous holder is fenced out from the claim
        // on, so every task it recorded is read and none of them runs again.
        try await claimForResume(record)
        var checkpoints: [String: TaskExecutionRecord] = [:]
        for task in try await store.tasks(workflowExecID: execID) { checkpoints[task.path] = task }
        try await writeStore.updateWorkflow(execID: execID, status: .running, output: nil, error: nil)
        let run = ExecutionRun(engine: self, workflow: workflow, execID: execID, input: record.input,
                               checkpoints: checkpoints, observer: observer)
        return .started(await launch(run, timeout: timeout))
    }

    /// Cancels a running execution: its tool calls are canceled and it ends CANCELED.
    /// - Returns: `false` when no such execution is running in this engine.
    @discardableResult
    public func cancel(execID: String) -> Bool {
        guard let task = running.withLock({ $0[execID] }) else { return false }
        task.cancel()
        return true
    }

    /// Sends a signal to execution `execID`, or with `nil` to every execution running in this
    /// engine and to the workflow whose `triggers: [{type: signal, name}]` names it, which
    /// starts with the payload as input; wait tasks with a matching `wait_for` take it.
    /// - Returns: how many executions received it, a started one included.
    @discardableResult
    public func signal(_ signal: Signal, to execID: String? = nil) async -> Int {
        let delivered = await signals.send(signal, to: execID)
        guard execID == nil, triggers.targets[signal.name] != nil else { return delivered }
        return delivered + (await startTriggered(by: signal) == nil ? 0 : 1)
    }

    /// The ids of the executions running in this engine now.
    public var runningExecutions: [String] { running.withLock { Array($0.keys) } }

    func launch(_ run: ExecutionRun, timeout: Duration?) async -> ExecutionHandle {
        let execID = run.execID
        // The mailbox opens before `start` returns, so a signal sent right after is kept.
        await signals.open(execID)
        let limit = timeout ?? run.workflow.config.timeout
        // Started under the lock: a run that ends at once must not remove its entry before it is
        // inserted, or a stale entry would refuse every later resume as "already running".
        let task = running.withLock { running in
            let task = Task<WorkflowResult, Never> {
                let result = await ExecutionMetrics.execution(workflow: run.workflow.executionWorkflowID) { await run.runTraced(timeout: limit) }
                _ = self.running.withLock { $0.removeValue(forKey: execID) }
                _ = self.pauses.withLock { $0.removeValue(forKey: execID) }
                return result
            }
            running[execID] = task
            pauses.withLock { $0[execID] = run.pause }
            return task
        }
        return ExecutionHandle(execID: execID, task: task)
    }

    func compiledWorkflow(_ workflowID: String) throws -> CompiledWorkflow {
        if let cached = compiled.withLock({ $0[workflowID] }) { return cached }
        guard let config = project.workflow(workflowID) else {
            let known = project.workflows.map(\.id).joined(separator: ", ")
            throw EngineError(.unknownWorkflow, "unknown workflow \"\(workflowID)\" (workflows: \(known.isEmpty ? "none" : known))")
        }
        let (workflow, problems) = CompiledWorkflow.compile(config, project: project)
        if let first = problems.first { throw EngineError(.config, first.description) }
        guard workflow.first != nil else { throw EngineError(.config, "\(config.file): tasks: the workflow has no tasks") }
        compiled.withLock { $0[workflowID] = workflow }
        return workflow
    }

    private func checkedInput(_ input: JSONValue, for workflow: WorkflowConfig) throws -> JSONValue {
        let full = workflow.inputWithDefaults(input.isNull ? .emptyObject : input)
        if let schema = workflow.inputSchema {
            let problems = InputSchemaValidator.problems(in: full, schema: schema)
            if !problems.isEmpty {
                throw EngineError(.invalidInput, "input does not match the input schema of workflow \"\(workflow.id)\": "
                                  + problems.joined(separator: "; "))
            }
        }
        return full
    }
}

/// A started execution.
public struct ExecutionHandle: Sendable {
    /// The execution id.
    public let execID: String
    let task: Task<WorkflowResult, Never>

    /// Waits for the end of the run. Canceling the waiting task cancels the run.
    public func result() async -> WorkflowResult {
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Cancels the run.
    public func cancel() { task.cancel() }
}
