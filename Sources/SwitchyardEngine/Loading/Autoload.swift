import Foundation
import SwitchyardJSON

/// Loads the resource files `autoload:` finds and registers each by its `resource:` kind and `id`,
/// as compozy's `AutoLoader` does; then makes each usable exactly as if it were declared inline:
///
/// - `workflow`: a workflow of the project (a file also listed under `workflows:` is read once);
/// - `tool`: a project tool, visible to every workflow;
/// - `agent`: an agent every workflow sees (a workflow's own agent of the same id wins);
/// - `model`: an entry of the project's `models:`;
/// - `schema`: a schema fields refer to by id (`SchemaReferences`);
/// - `task`, `memory`, `mcp`, knowledge kinds: registered for lookups by kind and id.
///
/// What keeps a file from being registered (unreadable or not YAML, not a mapping, no
/// `resource:` or `id:`, an unknown resource type, a duplicate id, a path outside the project)
/// is an error when `strict`, else a warning and the file is skipped. What is wrong inside a
/// registered resource (a bad task, an unknown key) is always an error.
enum Autoload {
    /// What loading found: errors, and the files skipped in non-strict mode.
    struct Outcome {
        var problems: [ConfigError] = []
        var warnings: [ConfigError] = []
    }

    /// Loads every autoloaded file into `project`.
    /// - Parameter listed: the workflow files `workflows:` names (standardized paths), not read again.
    static func load(into project: inout ProjectConfig, listed: Set<String>) -> Outcome {
        var outcome = Outcome()
        guard let config = project.autoload, config.enabled else { return outcome }
        let (files, patternProblems) = AutoloadDiscovery.files(in: project.directory, include: config.include,
                                                               exclude: config.exclude)
        for problem in patternProblems {
            outcome.problems.append(ConfigError(file: project.file, path: "autoload.\(problem.list)[\(problem.index)]",
                                                reason: problem.reason))
        }
        let projectFile = standardized(project.file)
        let root = URL(fileURLWithPath: project.directory).resolvingSymlinksInPath().path
        for relative in files {
            let file = ProjectLoader.join(project.directory, relative)
            if standardized(file) == projectFile || listed.contains(standardized(file)) { continue }
            var loader = ResourceFileLoader(file: file, strict: config.strict)
            loader.load(into: &project, root: root)
            outcome.problems += loader.problems
            outcome.warnings += loader.warnings
        }
        return outcome
    }

    /// Gives every workflow the autoloaded agents it does not declare itself (after their
    /// schema ids are linked, so each is linked once).
    static func distributeAgents(in project: inout ProjectConfig) {
        let agents = project.resources.all(.agent).filter { $0.origin == .autoload }
        guard !agents.isEmpty else { return }
        for index in project.workflows.indices {
            let own = Set(project.workflows[index].agents.compactMap { $0["id"]?.stringValue })
            for agent in agents where !own.contains(agent.id) { project.workflows[index].agents.append(agent.value) }
        }
    }

    static func standardized(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
}

/// Reads one autoloaded file and registers its resource.
private struct ResourceFileLoader {
    let file: String
    let strict: Bool
    var problems: [ConfigError] = []
    var warnings: [ConfigError] = []

    init(file: String, strict: Bool) {
        self.file = file
        self.strict = strict
    }

    /// A problem that keeps the file from being registered: an error when strict, else a warning.
    mutating func refuse(_ path: String, _ reason: String) {
        if strict {
            problems.append(ConfigError(file: file, path: path, reason: reason))
        } else {
            warnings.append(ConfigError(file: file, path: path, reason: reason + " (skipped: autoload.strict is false)"))
        }
    }

    mutating func load(into project: inout ProjectConfig, root: String) {
        let resolved = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
        guard resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            return refuse("", "file path escapes the project root (it resolves to \(resolved))")
        }
        let document: JSONValue
        do {
            document = try YAMLDocument.load(file: file)
        } catch {
            return refuse(error.path, error.reason)
        }
        guard let members = document.objectValue else {
            return refuse("", "expected a resource mapping with resource: and id:, found \(document.typeName)")
        }
        guard let resourceValue = members["resource"] else { return refuse("resource", "configuration missing required resource field") }
        guard let resourceName = resourceValue.stringValue, !resourceName.trimmingWhitespace.isEmpty else {
            return refuse("resource", "resource field must be a non-empty string")
        }
        guard let idValue = members["id"] else { return refuse("id", "configuration missing required id field") }
        guard let id = idValue.stringValue, !id.trimmingWhitespace.isEmpty else { return refuse("id", "id field must be a non-empty string") }
        guard let kind = ResourceRegistry.Kind(resourceName: resourceName) else {
            let known = ResourceRegistry.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            return refuse("resource", "unknown resource type \"\(resourceName)\" (known: \(known))")
        }
        let entry = ResourceRegistry.Entry(kind: kind, id: id, value: document, file: file, origin: .autoload)
        if let earlier = project.resources.resource(kind, id: id) {
            return refuse("id", "duplicate \(kind.rawValue) id \"\(id)\" (first in \(earlier.location))")
        }
        register(entry, document, into: &project)
    }

    /// Decodes the resource as its kind's reader does (so a bad one is reported like an inline
    /// one) and adds it where inline resources of that kind live.
    private mutating func register(_ entry: ResourceRegistry.Entry, _ document: JSONValue, into project: inout ProjectConfig) {
        var decoder = DocumentDecoder(file: file)
        switch entry.kind {
        case .workflow:
            guard let workflow = decoder.workflow(document) else { break }
            if project.workflows.contains(where: { $0.id == workflow.id }) {
                return refuse("id", "duplicate workflow id \"\(workflow.id)\"")
            }
            project.workflows.append(workflow)
        case .tool:
            guard let tool = decoder.tool(document, at: "") else { break }
            if let earlier = project.tools.first(where: { $0.id == tool.id }) {
                return refuse("id", "duplicate tool id \"\(tool.id)\" (first in \(earlier.file))")
            }
            project.tools.append(tool)
        case .agent:
            decoder.checkAgentKeys([("", document)])
        case .task:
            _ = decoder.task(document, at: "")
        case .model:
            project.models.append(document)
        case .schema, .memory, .mcp, .project, .knowledgeBase, .embedder, .vectorDB:
            break
        }
        problems += decoder.errors
        project.resources.register(entry)
    }
}
