import Foundation
import Synchronization
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardRuntime

/// The adapters a project's tools run on: its `runtime:` (the Bun adapter for bun, node and deno),
/// one instance per `adapters:` entry, and the `ffi` adapter for `adapter: ffi` tools.
/// Keys follow the engine's convention: `runtime`, `ffi`, and each adapter entry's `id`.
///
/// Each adapter is loaded on its first use (or all at once by `loadAll`), once: the engine and
/// direct tool calls share the instance. After `shutdown` nothing loads any more.
final class ProjectAdapters: Sendable {
    let project: ProjectConfig
    let locator: AdapterLocator
    /// The keys the project's tools name that the project can serve, in load order.
    let keys: [String]
    private let state = Mutex(State())

    private struct State {
        var loaded: [String: any ToolAdapter] = [:]
        var isShutDown = false
    }

    init(project: ProjectConfig, locator: AdapterLocator) {
        self.project = project
        self.locator = locator
        let needed = Set(project.allTools.map(\.adapterKey))
        var seen = Set<String>()
        keys = (["runtime", "ffi"] + project.adapters.map(\.id)).filter { needed.contains($0) && seen.insert($0).inserted }
    }

    /// One stand-in per key for the engine, loading the real adapter on its first call.
    var onDemandAdapters: [String: any ToolAdapter] {
        Dictionary(uniqueKeysWithValues: keys.map { ($0, OnDemandAdapter(id: $0, adapters: self) as any ToolAdapter) })
    }

    /// The adapter for `key`, loading it now if it is not loaded yet.
    /// - Throws: `ToolError` `load`, `abi` or `invalid_input` naming the library or field;
    ///   `not_found` for a key the project does not serve; `canceled` after `shutdown`.
    func adapter(_ key: String) throws(ToolError) -> any ToolAdapter {
        // Loading under the lock keeps one instance per key when calls race; it is a dlopen and
        // the adapter's create hook, done once per key.
        try state.withLock { (state: inout State) throws(ToolError) -> any ToolAdapter in
            guard !state.isShutDown else { throw ToolError(.canceled, "the project host is shut down") }
            if let loaded = state.loaded[key] { return loaded }
            let adapter = try makeAdapter(key)
            state.loaded[key] = adapter
            return adapter
        }
    }

    /// The adapters loaded so far, by key (none after `shutdown`).
    var loadedAdapters: [String: any ToolAdapter] { state.withLock { $0.loaded } }

    /// Loads every adapter the project's tools need.
    /// - Throws: the first load failure; adapters loaded before it stay loaded until `shutdown`.
    func loadAll() throws(ToolError) {
        for key in keys { _ = try adapter(key) }
    }

    /// Shuts every loaded adapter down (stops workers, destroys instances); later calls do nothing.
    func shutdown() async {
        let loaded = state.withLock { state in
            defer { state.loaded = [:]; state.isShutDown = true }
            return state.loaded
        }
        for key in keys { await loaded[key]?.shutdown() }
    }

    private func makeAdapter(_ key: String) throws(ToolError) -> any ToolAdapter {
        switch key {
        case "runtime":
            return try locator.adapter(
                id: "runtime", library: "switchyard_bun",
                config: Self.runtimeConfig(project.runtime, projectDirectory: project.directory,
                                           entrypoint: try ExecuteModules.entrypoint(for: project)),
                timeout: project.runtime.toolExecutionTimeout, maxOutputBytes: project.runtime.maxOutputBytes)
        case "ffi":
            let ffiTools = project.allTools.filter { $0.adapter == "ffi" }.map(\.ffiDeclaration)
            // Inline: the ffi adapter's start_call is the declared C call itself (docs/ADAPTERS.md).
            return try locator.adapter(id: "ffi", library: "switchyard_ffi", config: ["tools": .array(ffiTools), "allowed_directories": .array(locator.directories.map { .string($0) })],
                                       timeout: nil, startsCallsInline: true)
        default:
            guard let entry = project.adapters.first(where: { $0.id == key }) else {
                throw ToolError(.notFound, "the project declares no adapter \"\(key)\"")
            }
            if entry.isolation == .process { return try isolatedAdapter(entry) }
            return try locator.adapter(id: entry.id, library: entry.library, config: entry.config, timeout: nil,
                                       sha256: entry.sha256, startsCallsInline: entry.isolation == .inline)
        }
    }

    /// The Bun adapter's instance config from the project's `runtime:` block: its options as
    /// written (the adapter checks them), with paths made absolute and the deadline in ms.
    /// - Parameter entrypoint: the module the adapter imports (absolute), when it is not the
    ///   project's own (`ExecuteModules`).
    static func runtimeConfig(_ runtime: RuntimeConfig, projectDirectory: String, entrypoint: String? = nil) -> JSONValue {
        var config = runtime.raw.objectValue ?? [:]
        config["type"] = .string(runtime.type)
        config["project_dir"] = .string(projectDirectory)
        if let entrypoint = entrypoint ?? runtime.entrypoint.map({ AdapterLocator.absolute($0, relativeTo: projectDirectory) }) {
            config["entrypoint"] = .string(entrypoint)
        }
        if let executable = runtime.executable {
            config["executable"] = .string(AdapterLocator.absolute(executable, relativeTo: projectDirectory))
        }
        if let timeout = runtime.toolExecutionTimeout {
            config["tool_execution_timeout_ms"] = .int(Int64(timeout.milliseconds))
        }
        if let limit = runtime.maxOutputBytes { config["max_output_bytes"] = .int(Int64(limit)) }
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
