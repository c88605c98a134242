import Logging
import SwitchyardJSON

extension WorkflowEngine {
    /// Starts the workflow whose `triggers: [{type: signal, name}]` names `signal`, with the
    /// payload as its input, as compozy's dispatcher does. A payload that fails the trigger's
    /// `schema` or the workflow's input schema starts nothing; why is logged, never the payload.
    /// - Returns: the execution started, if one did.
    func startTriggered(by signal: Signal) async -> String? {
        guard let target = triggers.targets[signal.name] else { return nil }
        var metadata: Logger.Metadata = ["signal": .string(signal.name), "workflow_id": .string(target.workflowID)]
        if let schema = target.schema {
            let problems = InputSchemaValidator.problems(in: signal.payload, schema: schema, at: "payload")
            if !problems.isEmpty {
                metadata["problems"] = .string(problems.joined(separator: "; "))
                ExecutionLogging.logger.warning("signal payload fails the trigger's schema; no execution started", metadata: metadata)
                return nil
            }
        }
        do {
            let handle = try await start(workflowID: target.workflowID, input: signal.payload)
            metadata["exec_id"] = .string(handle.execID)
            ExecutionLogging.logger.info("signal trigger started an execution", metadata: metadata)
            return handle.execID
        } catch {
            metadata["error"] = .string("\(error)")
            ExecutionLogging.logger.warning("signal trigger could not start its workflow", metadata: metadata)
            return nil
        }
    }

    /// An event (compozy's `POST /events`): starts the workflow whose `triggers` name it, with
    /// the payload as input, as compozy's dispatcher does; running executions' waits do not see
    /// it (a signal to executions goes through `signal(_:to:)`).
    /// - Returns: the executions started (none when no trigger names the event or its payload
    ///   fails the trigger's schema).
    public func dispatchEvent(_ event: Signal) async -> [String] {
        await startTriggered(by: event).map { [$0] } ?? []
    }
}
