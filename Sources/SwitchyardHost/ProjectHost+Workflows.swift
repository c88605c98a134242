import SwitchyardEngine
import SwitchyardJSON

extension ProjectHost {
    /// Runs workflow `workflowID` to its end.
    /// - Parameters:
    ///   - input: the workflow input (a JSON object); schema defaults are applied, then it is checked.
    ///   - execID: the id to give the execution (a new UUID by default).
    ///   - timeout: a time budget overriding the workflow's `config.timeout`.
    ///   - observer: receives task and tool events as they happen, on the engine's tasks.
    /// - Returns: the result. A workflow that ran and failed is a result (`status` FAILED,
    ///   TIMED_OUT, CANCELED), not a throw.
    /// - Throws: `HostError` before any task runs: `.unknownWorkflow`, `.invalidInput`,
    ///   `.workflowConfig`, `.store`, `.shutDown`.
    public func run(workflowID: String, input: JSONValue = .emptyObject, execID: String? = nil,
                    timeout: Duration? = nil, observer: ExecutionObserver? = nil) async throws(HostError) -> WorkflowResult {
        let handle = try await start(workflowID: workflowID, input: input, execID: execID, timeout: timeout,
                                     observer: observer)
        return await handle.result()
    }

    /// Starts workflow `workflowID` and returns once its execution is recorded; the run goes on
    /// in its own task (`cancel(execID:)` or the handle stops it).
    /// - Throws: as `run(workflowID:input:execID:timeout:observer:)`.
    public func start(workflowID: String, input: JSONValue = .emptyObject, execID: String? = nil,
                      timeout: Duration? = nil, observer: ExecutionObserver? = nil) async throws(HostError) -> ExecutionHandle {
        try checkOpen()
        do {
            return try await engine.start(workflowID: workflowID, input: input, execID: execID, timeout: timeout,
                                          observer: observer)
        } catch {
            throw HostError.from(engineFailure: error)
        }
    }

    /// Continues execution `execID` from its checkpoints: tasks already completed keep their
    /// recorded results and are not run again.
    /// - Returns: the result; for an execution that had already finished, its recorded result.
    /// - Throws: `HostError` `.unknownExecution`, `.alreadyRunning` (it runs in this host now),
    ///   `.unknownWorkflow` (the project no longer has its workflow), `.store`, `.shutDown`.
    public func resume(execID: String, timeout: Duration? = nil,
                       observer: ExecutionObserver? = nil) async throws(HostError) -> WorkflowResult {
        try checkOpen()
        do {
            return try await engine.resume(execID: execID, timeout: timeout, observer: observer)
        } catch {
            throw HostError.from(engineFailure: error)
        }
    }

    /// Cancels a running execution: its tool calls are canceled and it ends CANCELED.
    /// - Returns: `false` when no such execution runs in this host.
    @discardableResult
    public func cancel(execID: String) -> Bool {
        engine.cancel(execID: execID)
    }

    /// Sends a signal to execution `execID`, or with `nil` to every execution running in this
    /// host; wait tasks with a matching `wait_for` take it.
    /// - Returns: how many executions received it.
    @discardableResult
    public func signal(_ signal: Signal, to execID: String? = nil) async -> Int {
        await engine.signal(signal, to: execID)
    }

    /// The ids of the executions running in this host now.
    public var runningExecutions: [String] { engine.runningExecutions }
}
