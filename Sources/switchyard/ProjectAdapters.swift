import SwitchyardEngine
import SwitchyardRuntime

// TEMPORARY stand-in until the lead's ProjectAdapters lands (the lead resolves this conflict):
// no adapters, so only tool-free tasks run.

/// The adapters a project's tools need, created from its runtime and `adapters:` entries.
struct ProjectAdapters {
    /// Adapters by key: `runtime`, `ffi`, or an `adapters:` id.
    let adapters: [String: any ToolAdapter]

    /// Creates the adapters `project` declares.
    static func load(for project: ProjectConfig) async throws -> ProjectAdapters {
        ProjectAdapters(adapters: [:])
    }

    /// Shuts every adapter down.
    func shutdown() async {
        for adapter in adapters.values { await adapter.shutdown() }
    }
}
