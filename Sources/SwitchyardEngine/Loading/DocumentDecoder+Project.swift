import Foundation
import SwitchyardJSON

extension DocumentDecoder {
    /// Decodes the project file (its workflows are read separately, one decoder per file).
    mutating func project(_ document: JSONValue, directory: String) -> ProjectConfig {
        let root = mapping(document, at: "") ?? FieldReader(members: [:])
        checkKeys(root, known: KnownKeys.project, in: "the project file")
        var project = ProjectConfig(
            name: string(root, "name") ?? URL(fileURLWithPath: directory).lastPathComponent,
            version: string(root, "version") ?? "", directory: directory, file: file)
        project.env = environment(root, "env")
        project.models = array(root, "models")
        project.store = string(root, "store")
        let database = databaseStore(root)
        if project.store == nil { project.store = database }
        if let runtime = mapping(root, "runtime") {
            project.runtime = self.runtime(runtime)
            checkRuntimeEnvironment(runtime)
        }
        // compozy's `setRuntimeDefaults`: no `runtime.entrypoint` means `./tools.ts`; its examples
        // that name none (`schedules`, `prompt-only`) keep their tools in `./entrypoint.ts`. The
        // first that exists is taken: a project whose tools are all `execute:` modules, ffi or
        // adapter tools has no entrypoint at all.
        if project.runtime.entrypoint == nil,
           let found = RuntimeConfig.defaultEntrypoints.first(where: { FileManager.default.fileExists(atPath: directory + "/" + $0) }) {
            project.runtime.entrypoint = "./" + found
        }
        var seenTools: Set<String> = []
        for (path, value) in elements(root, "tools") {
            guard let tool = tool(value, at: path) else { continue }
            if !tool.id.isEmpty, !seenTools.insert(tool.id).inserted { fail(FieldReader.join(path, "id"), "duplicate tool id \"\(tool.id)\"") }
            project.tools.append(tool)
            if !tool.id.isEmpty {
                project.resources.register(.init(kind: .tool, id: tool.id, value: value, file: file, path: path, origin: .projectFile))
            }
        }
        project.autoload = autoload(root)
        registerProjectResources(&project, root)
        var seenAdapters: Set<String> = []
        for (path, value) in elements(root, "adapters") {
            guard let entry = mapping(value, at: path) else { continue }
            checkKeys(entry, known: KnownKeys.adapter, in: "an adapters: entry")
            let id = string(entry, "id", required: true) ?? ""
            let library = string(entry, "library", required: true) ?? ""
            if ["runtime", "ffi"].contains(id) { fail(entry.path("id"), "\"\(id)\" is reserved") }
            if !seenAdapters.insert(id).inserted { fail(entry.path("id"), "duplicate adapter id \"\(id)\"") }
            project.adapters.append(AdapterConfig(
                id: id, library: library, config: entry.members["config"] ?? .emptyObject,
                sha256: sha256(entry), isolation: isolation(entry), limits: isolationLimits(entry)))
        }
        for (path, value) in elements(root, "workflows") where value.objectValue != nil {
            if let entry = mapping(value, at: path) { checkKeys(entry, known: KnownKeys.workflowSource, in: "a workflows: entry") }
        }
        return project
    }

    /// `runtime:`: only what the host needs (where the tools module and the runtime binary are,
    /// the call deadline, the output limit). Every other option (`mode`, `workers`,
    /// `permissions`, ...) belongs to the runtime adapter, which checks it when it is created.
    mutating func runtime(_ fields: FieldReader) -> RuntimeConfig {
        RuntimeConfig(
            type: string(fields, "type") ?? "bun", entrypoint: string(fields, "entrypoint"),
            executable: string(fields, "executable"),
            toolExecutionTimeout: duration(fields, "tool_execution_timeout"),
            maxOutputBytes: int(fields, "max_output_bytes"), raw: fields.value)
    }

    mutating func tool(_ value: JSONValue, at path: String) -> ToolConfig? {
        guard let fields = mapping(value, at: path) else { return nil }
        checkKeys(fields, known: KnownKeys.tool, in: "a tool")
        var tool = ToolConfig(id: toolID(fields), file: file)
        tool.path = path
        tool.description = string(fields, "description") ?? ""
        tool.input = fields.members["input"]
        tool.output = fields.members["output"]
        tool.config = fields.members["config"] ?? .emptyObject
        tool.env = environment(fields, "env")
        tool.timeout = duration(fields, "timeout")
        tool.adapter = string(fields, "adapter")
        tool.ffi = fields.members["ffi"]
        tool.with = fields.members["with"]
        if let with = tool.with, with.objectValue == nil {
            fail(fields.path("with"), "must be a mapping of default input values, found \(with.typeName)")
        }
        if let module = string(fields, "execute") {
            let resolved = URL(fileURLWithPath: module, relativeTo: URL(fileURLWithPath: file).deletingLastPathComponent())
                .standardizedFileURL.path
            tool.execute = resolved
            if !FileManager.default.fileExists(atPath: resolved) { fail(fields.path("execute"), "no such file: \(resolved)") }
            if tool.adapter != nil { fail(fields.path("execute"), "is for runtime tools; this tool names adapter \"\(tool.adapter!)\"") }
        }
        if tool.adapter == "ffi", tool.ffi == nil { fail(fields.path("ffi"), "is required for an adapter: ffi tool") }
        return tool
    }

    mutating func workflow(_ document: JSONValue) -> WorkflowConfig? {
        guard let root = mapping(document, at: "") else { return nil }
        checkKeys(root, known: KnownKeys.workflow, in: "a workflow")
        var workflow = WorkflowConfig(id: string(root, "id", required: true) ?? "", file: file)
        workflow.version = string(root, "version") ?? ""
        workflow.description = string(root, "description") ?? ""
        if let config = mapping(root, "config") {
            checkKeys(config, known: KnownKeys.workflowConfig, in: "a workflow's config")
            checkOptionKeys(config)
            workflow.inputSchema = config.members["input"]
            workflow.env = environment(config, "env")
            workflow.timeout = duration(config, "timeout")
        }
        if workflow.timeout == nil { workflow.timeout = duration(root, "timeout") }
        for (path, value) in elements(root, "tools") {
            if let tool = tool(value, at: path) { workflow.tools.append(tool) }
        }
        workflow.agents = array(root, "agents")
        checkAgentKeys(elements(root, "agents"))
        for (index, agent) in workflow.agents.enumerated() where agent["id"]?.stringValue == nil {
            fail(FieldReader.join(FieldReader.join(root.path("agents"), index: index), "id"), "is required")
        }
        workflow.triggers = array(root, "triggers")
        workflow.schedule = schedule(root)
        for (id, value, _) in schemaDeclarations(root) { workflow.schemas[id] = value }
        for (path, value) in elements(root, "tasks") {
            if let task = task(value, at: path) { workflow.tasks.append(task) }
        }
        if workflow.tasks.isEmpty, problems.isEmpty { fail("tasks", "a workflow needs at least one task") }
        adoptInlineAgents(of: workflow.tasks, into: &workflow)
        workflow.outputs = root.members["outputs"]
        return workflow
    }

    /// A task's `agent:` written as a whole agent (compozy accepts one inline, and
    /// `$use: agent(…)` puts one there) declares that agent for the workflow, unless the workflow
    /// declares the id itself; a mapping with only `id` is a reference, as a string is.
    private mutating func adoptInlineAgents(of tasks: [TaskConfig], into workflow: inout WorkflowConfig) {
        for task in tasks {
            if let agent = task.raw["agent"], let members = agent.objectValue, members.keys.contains(where: { $0 != "id" }),
               let id = members["id"]?.stringValue,
               !workflow.agents.contains(where: { $0["id"]?.stringValue == id }) {
                checkAgentKeys([(FieldReader.join(task.path, "agent"), agent)])
                workflow.agents.append(agent)
            }
            let inlineRoutes = task.routes.compactMap { route -> TaskConfig? in
                if case .inline(let inline) = route.target { return inline } else { return nil }
            }
            adoptInlineAgents(of: task.tasks + [task.task, task.processor].compactMap { $0 } + inlineRoutes, into: &workflow)
        }
    }

    /// `sha256:`: 64 hex digits (either case; kept in lower case).
    private mutating func sha256(_ entry: FieldReader) -> String? {
        guard let digest = string(entry, "sha256") else { return nil }
        let lower = digest.lowercased()
        guard lower.utf8.count == 64, lower.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            fail(entry.path("sha256"), "must be 64 hexadecimal digits, got \"\(digest)\"")
            return nil
        }
        return lower
    }

    private mutating func isolation(_ entry: FieldReader) -> AdapterIsolation {
        guard let text = string(entry, "isolation") else { return .inProcess }
        guard let isolation = AdapterIsolation(rawValue: text) else {
            let known = AdapterIsolation.allCases.map(\.rawValue).joined(separator: ", ")
            fail(entry.path("isolation"), "must be one of \(known), got \"\(text)\"")
            return .inProcess
        }
        return isolation
    }

    private mutating func isolationLimits(_ entry: FieldReader) -> IsolationLimits {
        guard let limits = mapping(entry, "limits") else { return IsolationLimits() }
        checkKeys(limits, known: KnownKeys.adapterLimits, in: "an adapter's limits")
        func positive(_ key: String) -> Int? {
            guard let value = int(limits, key) else { return nil }
            if value < 1 { fail(limits.path(key), "must be at least 1, got \(value)") }
            return value
        }
        return IsolationLimits(memoryMB: positive("memory_mb"), cpuSeconds: positive("cpu_seconds"),
                               openFiles: positive("open_files"), maxInFlight: positive("max_in_flight"))
    }
}
