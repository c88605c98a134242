import SwitchyardEngine
import SwitchyardIsolation
import SwitchyardRuntime

extension ProjectAdapters {
    /// An `isolation: process` entry: the library is found and verified here (adapter
    /// directories, permissions, `sha256`), then loaded by a `switchyard-adapter-helper` process
    /// on the adapter's first call.
    /// - Throws: `ToolError` `.load` naming the adapter when the library fails a rule or no
    ///   helper executable is found; `.invalidInput` for a config that is not an object.
    func isolatedAdapter(_ entry: AdapterConfig) throws(ToolError) -> IsolatedAdapter {
        let path = try locator.verifiedLibraryPath(id: entry.id, library: entry.library, sha256: entry.sha256)
        guard let helper = HelperExecutable.locate(in: locator.directories) else {
            throw ToolError(.load, "adapter \"\(entry.id)\" has isolation: process, but no \(HelperExecutable.name) "
                            + "was found beside the executable (\(HelperExecutable.executableDirectory)) or in the "
                            + "adapter directories; set SWITCHYARD_ADAPTER_HELPER to its path")
        }
        let limits = HelperLimits(memoryMB: entry.limits.memoryMB, cpuSeconds: entry.limits.cpuSeconds,
                                  openFiles: entry.limits.openFiles, maxInFlight: entry.limits.maxInFlight)
        return try IsolatedAdapter(
            id: entry.id, libraryPath: path, config: entry.config,
            options: IsolatedAdapterOptions(helperExecutable: helper, limits: limits,
                                            allowedDirectories: locator.directories, expectedSHA256: entry.sha256))
    }
}
