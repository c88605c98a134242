import SwitchyardJSON
import SwitchyardRuntime

/// How a wait ended.
private enum WaitEnd: Sendable {
    /// The signal taken, with the processor's run (if any) and its `{output, error}`.
    case signal(Signal, processor: TaskOutcome?, processorValue: JSONValue)
    /// The processor failed on a signal, or the condition could not be evaluated.
    case failed(TaskFailure, processor: TaskOutcome?)
    case timedOut, canceled

    var tookSignal: Bool {
        if case .signal = self { return true }
        return false
    }
}

extension ExecutionRun {
    /// A wait task, as compozy's `engine/worker/executors/task_wait.go` runs one: each signal named
    /// `wait_for` first goes through the `processor` (if any, with `.signal` set and `signal` in
    /// its input), then the `condition` decides, seeing `signal` and `processor` (`{output,
    /// error}`); a signal that fails it is dropped and the wait goes on. A failing processor
    /// fails the task. Output on a match: `{wait_status: "completed", signal, processor_output}`.
    func waitForSignal(_ task: CompiledTask, id: String, path: String, parentExecID: String,
                       input: JSONValue, scope: Scope) async throws -> Attempt {
        guard let name = task.config.waitFor else { return .failed("wait task \"\(id)\" has no wait_for") }
        try await pause.record(.waiting)
        let baseContext = context(scope, input: input).objectValue ?? [:]
        let condition = task.signalCondition
        let processor = task.processor
        let workflowID = workflow.executionWorkflowID
        // Without a processor the condition is tested as a signal arrives, so a failing one never
        // leaves the mailbox of this execution's other waits; with one, the test needs the
        // processor's output and runs after it.
        // A condition that cannot be evaluated takes the signal: compozy fails the wait then
        // (`WAIT_TASK_ERROR`), which the loop below does after testing it again.
        let matches: @Sendable (Signal) -> Bool = { signal in
            guard let condition, processor == nil else { return true }
            var members = baseContext
            members["signal"] = signal.envelope(workflowID: workflowID)
            return (try? condition.isTrue(.object(members))) ?? true
        }
        let engine = self.engine, execID = self.execID
        // A signal taken as the timeout fires is delivered rather than lost (it is marked taken).
        let (end, _) = await withDeadline(task.config.timeout, keepingLate: { $0.tookSignal },
                                          onTimeout: { WaitEnd.timedOut }) {
            while true {
                // From this engine's hub, or stored by any process on the store (WorkflowEngine+CrossProcess).
                guard let signal = await engine.awaitSignal(execID: execID, name: name, taker: path, matches: matches) else {
                    return WaitEnd.canceled
                }
                guard let processor else {
                    if let condition {
                        var members = baseContext
                        members["signal"] = signal.envelope(workflowID: workflowID)
                        do { _ = try condition.isTrue(.object(members)) } catch {
                            return .failed(TaskFailure("wait \"\(id)\": condition: \(error)"), processor: nil)
                        }
                    }
                    return .signal(signal, processor: nil, processorValue: .null)
                }
                let run = await self.process(signal, with: processor, waitID: id, path: path,
                                             parentExecID: parentExecID, input: input, scope: scope)
                if run.status == .canceled { return .canceled }
                if run.status != .success {
                    let reason = run.error?.message ?? run.status.rawValue
                    return .failed(TaskFailure("wait \"\(id)\": processor \"\(run.id)\" failed: \(reason)",
                                               kind: run.error?.kind), processor: run)
                }
                let processorValue: JSONValue = ["output": run.output, "error": run.error?.json ?? .null]
                guard let condition else { return .signal(signal, processor: run, processorValue: processorValue) }
                var members = baseContext
                members["signal"] = signal.envelope(workflowID: workflowID)
                members["processor"] = processorValue
                do {
                    if try condition.isTrue(.object(members)) {
                        return .signal(signal, processor: run, processorValue: processorValue)
                    }
                } catch {
                    return .failed(TaskFailure("wait \"\(id)\": condition: \(error)"), processor: run)
                }
            }
        }
        let pause = self.pause
        try await recordEvenIfCanceled { try await pause.record(.running) }
        // What compozy's wait task holds until it completes (engine/task/activities/exec_wait.go).
        let waiting: [String: JSONValue] = ["wait_status": "waiting", "signal_name": .string(name),
                                            "has_processor": .bool(processor != nil)]
        switch end {
        case .canceled:
            return .canceled
        case .timedOut:
            // compozy records FAILED with code WAIT_TIMEOUT; TIMED_OUT says the same and routes alike
            // (on_timeout, else on_error).
            let limit = task.config.timeout.map(GoDuration.format) ?? ""
            var attempt = Attempt.failed("wait \"\(id)\" timed out after \(limit) waiting for signal \"\(name)\"",
                                         kind: .timeout, status: .timedOut)
            attempt.output = .object(waiting.merging(["timed_out": true]) { $1 })
            attempt.next = task.config.onTimeout
            return attempt
        case .failed(let failure, let run):
            var attempt = Attempt(status: .failed, output: .object(waiting), error: failure)
            if let run { attempt.adopt(run) }
            return attempt
        case .signal(let signal, let run, let processorValue):
            var attempt = Attempt(status: .success, output: [
                "wait_status": "completed", "signal": signal.envelope(workflowID: workflowID), "processor_output": processorValue,
            ])
            if let run { attempt.adopt(run) }
            return attempt
        }
    }

    /// One run of a wait's processor on `signal`: `.signal` in its templates, `signal` merged
    /// into its input, as compozy injects it.
    private func process(_ signal: Signal, with processor: CompiledTask, waitID: String, path: String,
                         parentExecID: String, input: JSONValue, scope: Scope) async -> TaskOutcome {
        let workflowID = workflow.executionWorkflowID
        var processorScope = scope
        processorScope.extra["signal"] = signal.envelope(workflowID: workflowID)
        let processorID = processor.config.id.contains("{{") ? "\(waitID)-processor" : processor.config.id
        // One record per signal (compozy creates a processor task state per signal): a resumed wait
        // must run the processor on its next signal, not restore an earlier signal's run.
        return await execute(processor, id: processorID, path: "\(path)/processor@\(signal.id)", parent: parentExecID,
                             baseInput: input, overrideInput: ["signal": signal.envelope(workflowID: workflowID)], scope: processorScope)
    }
}
