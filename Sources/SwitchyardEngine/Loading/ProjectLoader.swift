import Foundation
import SwitchyardJSON

/// Loads a project directory: the project file, then every workflow file it lists.
public enum ProjectLoader {
    /// The project file names looked for, in order.
    public static let projectFileNames = ["compozy.yaml", "switchyard.yaml", "compozy.yml", "switchyard.yml"]

    /// Loads and checks the project in `directory`.
    /// - Returns: the project, when it has no problem at all.
    /// - Throws: the first `ConfigError` (file, path, reason); `validate(directory:)` lists them all.
    public static func load(directory: String) throws(ConfigError) -> ProjectConfig {
        let (project, problems) = validate(directory: directory)
        if let first = problems.first { throw first }
        guard let project else { throw ConfigError(file: directory, path: "", reason: "no project") }
        return project
    }

    /// Loads the project in `directory` and reports every problem found: unreadable or malformed
    /// files, bad fields, unknown ids, cycles, duplicate ids, template and condition errors.
    /// - Returns: the project as far as it could be read (`nil` when there is no project file)
    ///   and every problem, in file order.
    public static func validate(directory: String) -> (project: ProjectConfig?, problems: [ConfigError]) {
        guard let file = projectFileNames.map({ join(directory, $0) })
            .first(where: { FileManager.default.fileExists(atPath: $0) })
        else {
            let names = projectFileNames.prefix(2).joined(separator: " or ")
            return (nil, [ConfigError(file: directory, path: "", reason: "no project file (\(names)) in this directory")])
        }
        let document: JSONValue
        do {
            document = try YAMLDocument.load(file: file)
        } catch {
            return (nil, [error])
        }
        var reader = DocumentReader(file: file)
        var project = decodeProject(document, directory: directory, file: file, reader: &reader)
        var problems = reader.problems
        for (index, entry) in (document["workflows"]?.arrayValue ?? []).enumerated() {
            guard let source = entry["source"]?.stringValue ?? entry.stringValue else {
                problems.append(ConfigError(file: file, path: "workflows[\(index)].source", reason: "is required"))
                continue
            }
            let workflowFile = join(directory, source)
            do {
                let workflowDocument = try YAMLDocument.load(file: workflowFile)
                var workflowReader = DocumentReader(file: workflowFile)
                if let workflow = workflowReader.workflow(workflowDocument) {
                    if project.workflows.contains(where: { $0.id == workflow.id }) {
                        workflowReader.fail("id", "duplicate workflow id \"\(workflow.id)\"")
                    }
                    project.workflows.append(workflow)
                }
                problems += workflowReader.problems
            } catch {
                problems.append(error)
            }
        }
        problems += adapterProblems(project.tools, project: project)
        for workflow in project.workflows {
            problems += adapterProblems(workflow.tools, project: project)
            problems += WorkflowValidator.problems(in: workflow, project: project)
        }
        return (project, problems)
    }

    /// A tool's `adapter:` must be `ffi` or an `adapters:` entry's id.
    static func adapterProblems(_ tools: [ToolConfig], project: ProjectConfig) -> [ConfigError] {
        let declared = Set(project.adapters.map(\.id))
        var problems: [ConfigError] = []
        for (index, tool) in tools.enumerated() {
            switch tool.adapter {
            case nil:
                continue
            case "ffi"?:
                continue  // the reader already requires its `ffi:` signature
            case let adapter?:
                if !declared.contains(adapter) {
                    let known = (["ffi"] + declared.sorted()).joined(separator: ", ")
                    problems.append(ConfigError(file: tool.file, path: "tools[\(index)].adapter",
                                                reason: "tool \"\(tool.id)\" names unknown adapter \"\(adapter)\" (declared: \(known))"))
                }
            }
        }
        return problems
    }

    static func decodeProject(_ document: JSONValue, directory: String, file: String,
                              reader: inout DocumentReader) -> ProjectConfig {
        let root = reader.object(document, at: "") ?? [:]
        var project = ProjectConfig(
            name: reader.string(root, "name", at: "") ?? URL(fileURLWithPath: directory).lastPathComponent,
            version: reader.string(root, "version", at: "") ?? "", directory: directory, file: file)
        project.env = reader.stringMap(root, "env", at: "")
        project.models = reader.array(root, "models", at: "")
        if let runtime = reader.object(root["runtime"], at: "runtime") {
            project.runtime = reader.runtime(runtime, raw: root["runtime"]!)
        }
        var seenTools: Set<String> = []
        for (index, value) in reader.array(root, "tools", at: "").enumerated() {
            guard let tool = reader.tool(value, at: "tools[\(index)]") else { continue }
            if !seenTools.insert(tool.id).inserted { reader.fail("tools[\(index)].id", "duplicate tool id \"\(tool.id)\"") }
            project.tools.append(tool)
        }
        var seenAdapters: Set<String> = []
        for (index, value) in reader.array(root, "adapters", at: "").enumerated() {
            let path = "adapters[\(index)]"
            guard let entry = reader.object(value, at: path) else { continue }
            let id = reader.string(entry, "id", at: path, required: true) ?? ""
            let library = reader.string(entry, "library", at: path, required: true) ?? ""
            if ["runtime", "ffi"].contains(id) { reader.fail(DocumentReader.join(path, "id"), "\"\(id)\" is reserved") }
            if !seenAdapters.insert(id).inserted { reader.fail(DocumentReader.join(path, "id"), "duplicate adapter id \"\(id)\"") }
            project.adapters.append(AdapterConfig(id: id, library: library, config: entry["config"] ?? .emptyObject))
        }
        _ = reader.array(root, "workflows", at: "")
        return project
    }

    static func join(_ directory: String, _ name: String) -> String {
        if name.hasPrefix("/") { return name }
        if directory.isEmpty || directory == "." { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

extension DocumentReader {
    mutating func runtime(_ object: [String: JSONValue], raw: JSONValue) -> RuntimeConfig {
        let path = "runtime"
        var runtime = RuntimeConfig(raw: raw)
        runtime.type = string(object, "type", at: path) ?? "bun"
        if !["bun", "node", "deno"].contains(runtime.type) {
            fail("runtime.type", "unknown runtime type \"\(runtime.type)\" (expected one of: bun, node, deno)")
        }
        runtime.entrypoint = string(object, "entrypoint", at: path)
        runtime.permissions = array(object, "permissions", at: path).compactMap(\.stringValue)
        runtime.mode = string(object, "mode", at: path)
        if let mode = runtime.mode, !["pooled", "per_call"].contains(mode) {
            fail("runtime.mode", "unknown mode \"\(mode)\" (expected one of: pooled, per_call)")
        }
        runtime.workers = int(object, "workers", at: path)
        runtime.executable = string(object, "executable", at: path)
        runtime.toolExecutionTimeout = duration(object, "tool_execution_timeout", at: path)
        runtime.maxOutputBytes = int(object, "max_output_bytes", at: path)
        return runtime
    }

    mutating func tool(_ value: JSONValue, at path: String) -> ToolConfig? {
        guard let object = object(value, at: path) else { return nil }
        var tool = ToolConfig(id: string(object, "id", at: path, required: true) ?? "", file: file)
        tool.description = string(object, "description", at: path) ?? ""
        tool.input = object["input"]
        tool.output = object["output"]
        tool.config = object["config"] ?? .emptyObject
        tool.env = stringMap(object, "env", at: path)
        tool.timeout = duration(object, "timeout", at: path)
        tool.adapter = string(object, "adapter", at: path)
        tool.ffi = object["ffi"]
        if tool.adapter == "ffi", tool.ffi == nil { fail(DocumentReader.join(path, "ffi"), "is required for an adapter: ffi tool") }
        return tool
    }

    mutating func workflow(_ document: JSONValue) -> WorkflowConfig? {
        guard let root = object(document, at: "") else { return nil }
        var workflow = WorkflowConfig(id: string(root, "id", at: "", required: true) ?? "", file: file)
        workflow.version = string(root, "version", at: "") ?? ""
        workflow.description = string(root, "description", at: "") ?? ""
        if let config = object(root["config"], at: "config") {
            workflow.inputSchema = config["input"]
            workflow.env = stringMap(config, "env", at: "config")
            workflow.timeout = duration(config, "timeout", at: "config")
        }
        if workflow.timeout == nil { workflow.timeout = duration(root, "timeout", at: "") }
        for (index, value) in array(root, "tools", at: "").enumerated() {
            if let tool = tool(value, at: "tools[\(index)]") { workflow.tools.append(tool) }
        }
        workflow.agents = array(root, "agents", at: "")
        for (index, agent) in workflow.agents.enumerated() where agent["id"]?.stringValue == nil {
            fail("agents[\(index)].id", "is required")
        }
        workflow.triggers = array(root, "triggers", at: "")
        for (index, value) in array(root, "tasks", at: "").enumerated() {
            if let task = task(value, at: "tasks[\(index)]") { workflow.tasks.append(task) }
        }
        if workflow.tasks.isEmpty, problems.isEmpty { fail("tasks", "a workflow needs at least one task") }
        workflow.outputs = root["outputs"]
        return workflow
    }
}
