import SwitchyardJSON

/// The project's `triggers: [{type: signal, name, schema?}]`, as compozy's dispatcher routes them
/// (`engine/worker/dispatcher.go` `buildSignalRoutingMap`): each signal name starts one workflow,
/// with the signal's payload as its input. Built once per engine.
struct SignalTriggers: Sendable {
    /// One workflow a signal name starts.
    struct Target: Sendable {
        let workflowID: String
        /// `schema`: the payload must satisfy it (a schema id in the file is linked by the loader).
        let schema: JSONValue?
    }

    /// Signal name → the workflow it starts.
    let targets: [String: Target]

    init(workflows: [WorkflowConfig]) {
        var targets: [String: Target] = [:]
        for workflow in workflows {
            for trigger in workflow.triggers where trigger["type"]?.stringValue == "signal" {
                guard let name = trigger["name"]?.stringValue, targets[name] == nil else { continue }
                let schema = trigger["schema"].flatMap { $0.isNull ? nil : $0 }
                targets[name] = Target(workflowID: workflow.id, schema: schema)
            }
        }
        self.targets = targets
    }

    /// The types compozy's `workflow.Config.Validate` accepts.
    static let knownTypes: Set<String> = ["signal", "webhook"]

    /// Malformed triggers, and a signal name two workflows claim (compozy refuses it: "duplicate
    /// signal name registered by both").
    static func problems(in workflows: [WorkflowConfig]) -> [ConfigError] {
        var problems: [ConfigError] = []
        var claimed: [String: String] = [:]
        for workflow in workflows {
            for (index, trigger) in workflow.triggers.enumerated() {
                let path = FieldReader.join("triggers", index: index)
                guard trigger.objectValue != nil else {
                    problems.append(ConfigError(file: workflow.file, path: path, reason: "expected a trigger mapping"))
                    continue
                }
                guard let type = trigger["type"]?.stringValue, knownTypes.contains(type) else {
                    let found = trigger["type"].map { $0.stringValue ?? $0.jsonString } ?? "none"
                    problems.append(ConfigError(file: workflow.file, path: FieldReader.join(path, "type"),
                                                reason: "unsupported trigger type \(found) (expected signal or webhook)"))
                    continue
                }
                guard type == "signal" else { continue }
                guard let name = trigger["name"]?.stringValue, !name.isEmpty else {
                    problems.append(ConfigError(file: workflow.file, path: FieldReader.join(path, "name"),
                                                reason: "a signal trigger needs a name"))
                    continue
                }
                if let other = claimed[name] {
                    problems.append(ConfigError(file: workflow.file, path: FieldReader.join(path, "name"),
                                                reason: "signal \"\(name)\" already starts workflow \"\(other)\""))
                } else {
                    claimed[name] = workflow.id
                }
                if let schema = trigger["schema"], !schema.isNull, schema.objectValue == nil {
                    problems.append(ConfigError(file: workflow.file, path: FieldReader.join(path, "schema"),
                                                reason: "expected a JSON Schema mapping or a schema id"))
                }
            }
        }
        return problems
    }
}
