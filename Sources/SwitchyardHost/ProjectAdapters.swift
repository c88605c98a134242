import Foundation
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardRuntime

/// The adapters a project's tools run on: its `runtime:` (the Bun adapter for bun, node and deno),
/// one instance per `adapters:` entry, and the `ffi` adapter for `adapter: ffi` tools.
/// Keys follow the engine's convention: `runtime`, `ffi`, and each adapter entry's `id`.
public struct ProjectAdapters: Sendable {
    /// The loaded adapters by key.
    public let adapters: [String: any ToolAdapter]

    /// Loads only the adapters the project's tools need.
    /// - Throws: `ToolError` (`load`, `abi`, `invalid_input`) naming the library or field.
    public static func load(for project: ProjectConfig, only adapterIDs: Set<String>? = nil) async throws -> ProjectAdapters {
        let locator = AdapterLocator(projectDirectory: project.directory)
        let tools = project.allTools
        var needed = Set(tools.map { $0.adapter ?? "runtime" })
        if let adapterIDs { needed.formIntersection(adapterIDs) }
        var adapters: [String: any ToolAdapter] = [:]
        do {
            if needed.contains("runtime") {
                adapters["runtime"] = try locator.adapter(
                    id: "runtime", library: "switchyard_bun",
                    config: runtimeConfig(project.runtime, projectDirectory: project.directory),
                    timeout: project.runtime.toolExecutionTimeout,
                    maxOutputBytes: project.runtime.maxOutputBytes)
            }
            if needed.contains("ffi") {
                let ffiTools = tools.filter { $0.adapter == "ffi" }.map(\.ffiDeclaration)
                adapters["ffi"] = try locator.adapter(id: "ffi", library: "switchyard_ffi",
                                                      config: ["tools": .array(ffiTools)], timeout: nil)
            }
            for entry in project.adapters where needed.contains(entry.id) {
                adapters[entry.id] = try locator.adapter(id: entry.id, library: entry.library,
                                                         config: entry.config, timeout: nil)
            }
        } catch {
            for adapter in adapters.values { await adapter.shutdown() }
            throw error
        }
        return ProjectAdapters(adapters: adapters)
    }

    /// Shuts every adapter down (stops workers, destroys instances).
    public func shutdown() async {
        for adapter in adapters.values { await adapter.shutdown() }
    }

    /// The Bun adapter's instance config from the project's `runtime:` block.
    static func runtimeConfig(_ runtime: RuntimeConfig, projectDirectory: String) -> JSONValue {
        var config = runtime.raw.objectValue ?? [:]
        config["type"] = .string(runtime.type)
        config["project_dir"] = .string(projectDirectory)
        if let entrypoint = runtime.entrypoint {
            config["entrypoint"] = .string(AdapterLocator.absolute(entrypoint, relativeTo: projectDirectory))
        }
        if let mode = runtime.mode { config["mode"] = .string(mode) }
        if let workers = runtime.workers { config["workers"] = .int(Int64(workers)) }
        if let executable = runtime.executable {
            config["executable"] = .string(AdapterLocator.absolute(executable, relativeTo: projectDirectory))
        }
        if let timeout = runtime.toolExecutionTimeout {
            config["tool_execution_timeout_ms"] = .int(Int64(timeout.milliseconds))
        }
        if let limit = runtime.maxOutputBytes { config["max_output_bytes"] = .int(Int64(limit)) }
        config["permissions"] = .array(runtime.permissions.map(JSONValue.string))
        return .object(config)
    }
}

extension ProjectConfig {
    /// Every tool the project declares: its own and each workflow's (a workflow's wins on a clash).
    public var allTools: [ToolConfig] {
        var byID: [String: ToolConfig] = [:]
        var order: [String] = []
        for tool in tools + workflows.flatMap(\.tools) {
            if byID[tool.id] == nil { order.append(tool.id) }
            byID[tool.id] = tool
        }
        return order.map { byID[$0]! }
    }
}

extension ToolConfig {
    /// What the ffi adapter needs of a tool: its id, description, signature and input schema.
    var ffiDeclaration: JSONValue {
        var tool: [String: JSONValue] = ["id": .string(id), "description": .string(description)]
        if let ffi { tool["ffi"] = ffi }
        if let input { tool["input"] = input }
        return .object(tool)
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
