import Logging
import SwitchyardJSON

extension WorkflowEngine {
    /// Starts the workflow whose `triggers: [{type: signal, name}]` names `signal`, with the
    /// payload as its input, as compozy's dispatcher does. A payload that fails the trigger's
    /// `schema` or the workflow's input schema starts nothing; why is logged, never the payload.
    /// - Returns: whether an execution started.
    func startTriggered(by signal: Signal) async -> Bool {
        guard let target = triggers.targets[signal.name] else { return false }
        var metadata: Logger.Metadata = ["signal": .string(signal.name), "workflow_id": .string(target.workflowID)]
        if let schema = target.schema {
            let problems = InputSchemaValidator.problems(in: signal.payload, schema: schema, at: "payload")
            if !problems.isEmpty {
                metadata["problems"] = .string(problems.joined(separator: "; "))
                ExecutionLogging.logger.warning("signal payload fails the trigger's schema; no execution started", metadata: metadata)
                return false
            }
        }
        do {
            let handle = try await start(workflowID: target.workflowID, input: signal.payload)
            metadata["exec_id"] = .string(handle.execID)
            ExecutionLogging.logger.info("signal trigger started an execution", metadata: metadata)
            return true
        } catch {
            metadata["error"] = .string("\(error)")
            ExecutionLogging.logger.warning("signal trigger could not start its workflow", metadata: metadata)
            return false
        }
    }
}
