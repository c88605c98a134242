import Foundation
import SwitchyardEngine
import SwitchyardRuntime

extension ProjectHost {
    /// The checks `switchyard validate` makes by loading what a statically valid project names:
    /// the runtime entrypoint exists (and the runtime can load it: Node 20 cannot load
    /// TypeScript), every adapter the tools use loads and passes the handshake, and every tool
    /// is among those its adapter describes (for the runtime: the entrypoint's exports).
    /// `ffi` tools are left out: their "export" is a symbol the ffi adapter resolves per call.
    /// - Returns: every problem as `FILE: PATH: REASON`; nothing is left running.
    public static func runtimeProblems(in project: ProjectConfig) async -> [ConfigError] {
        var problems = entrypointProblems(project)
        guard problems.isEmpty else { return problems }
        let host: ProjectHost
        do { host = try await open(project: project) } catch {
            return [ConfigError(file: project.file, path: "", reason: error.message)]
        }
        for key in host.adapterKeys where key != "ffi" {
            do {
                let exported = Set(try await host.adapters.adapter(key).describe().map(\.id))
                problems += missingTools(in: project, adapterKey: key, exported: exported)
            } catch {
                let message = (error as? ToolError)?.message ?? "\(error)"
                problems.append(ConfigError(file: project.file, path: adapterPath(key, in: project),
                                            reason: "adapter \"\(key)\" cannot be used: \(message)"))
            }
        }
        await host.shutdown()
        return problems
    }

    /// `runtime.entrypoint` names a file that exists, of a kind the runtime can load.
    /// - Returns: the problems (`FILE: runtime.entrypoint: REASON`), empty when there is none.
    public static func entrypointProblems(_ project: ProjectConfig) -> [ConfigError] {
        guard let entrypoint = project.runtime.entrypoint else { return [] }
        let path = AdapterLocator.absolute(entrypoint, relativeTo: project.directory)
        guard FileManager.default.fileExists(atPath: path) else {
            return [ConfigError(file: project.file, path: "runtime.entrypoint", reason: "no such file: \(path)")]
        }
        let typeScript = [".ts", ".tsx", ".mts", ".cts"].contains { entrypoint.hasSuffix($0) }
        if project.runtime.type == "node", typeScript {
            return [ConfigError(file: project.file, path: "runtime.entrypoint",
                                reason: "Node 20 cannot load TypeScript (\(entrypoint)): use type: bun or deno, or a .js entrypoint")]
        }
        return []
    }

    /// Every tool of `adapterKey`, in the project's and the workflows' `tools:`, that is not exported.
    static func missingTools(in project: ProjectConfig, adapterKey: String, exported: Set<String>) -> [ConfigError] {
        let lists = [project.tools] + project.workflows.map(\.tools)
        var problems: [ConfigError] = []
        for tools in lists {
            for (index, tool) in tools.enumerated() where tool.adapterKey == adapterKey && !exported.contains(tool.id) {
                let source = adapterKey == "runtime"
                    ? "the entrypoint \(project.runtime.entrypoint ?? "(none)") does not export it"
                    : "adapter \"\(adapterKey)\" does not describe it"
                let known = exported.sorted().joined(separator: ", ")
                problems.append(ConfigError(file: tool.file, path: "tools[\(index)].id",
                                            reason: "tool \"\(tool.id)\": \(source) (it has: \(known.isEmpty ? "nothing" : known))"))
            }
        }
        return problems
    }

    private static func adapterPath(_ key: String, in project: ProjectConfig) -> String {
        if key == "runtime" { return "runtime" }
        return project.adapters.firstIndex { $0.id == key }.map { "adapters[\($0)]" } ?? "adapters"
    }
}
