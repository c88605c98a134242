import SwitchyardJSON

extension ProjectLoader {
    /// After the listed workflows are read: registers them, loads what autoload finds, links
    /// schema ids everywhere, then gives every workflow the autoloaded agents.
    /// - Returns: the problems found; skipped autoload files go to `project.warnings`.
    static func loadResources(into project: inout ProjectConfig, document: JSONValue) -> [ConfigError] {
        var listed: Set<String> = []
        for entry in document["workflows"]?.arrayValue ?? [] {
            if let source = entry["source"]?.stringValue ?? entry.stringValue {
                listed.insert(Autoload.standardized(join(project.directory, source)))
            }
        }
        for workflow in project.workflows where !workflow.id.isEmpty {
            project.resources.register(.init(kind: .workflow, id: workflow.id, value: .object(["id": .string(workflow.id)]),
                                             file: workflow.file, origin: .workflow(workflow.id)))
        }
        let autoloaded = Autoload.load(into: &project, listed: listed)
        project.warnings += autoloaded.warnings
        let linking = SchemaReferences.resolve(in: &project)
        Autoload.distributeAgents(in: &project)
        return autoloaded.problems + linking
    }
}
