import SwitchyardRuntime
/// Checks an adapter library must pass before it is loaded.
///
/// Mirrors the FFI module's load policy so that code outside the runtime (engine, CLI) never
/// imports the FFI module.
public struct AdapterLoadPolicy: Sendable, Hashable {
    /// Directories the library's real path must lie in; `nil` allows any.
    public var allowedDirectories: [String]?
    /// Refuse a library (or its directory) that group or others may write.
    public var refuseWritableByOthers: Bool

    /// Creates a policy.
    /// - Parameters:
    ///   - allowedDirectories: directories the real path must lie in; `nil` allows any.
    ///   - refuseWritableByOthers: refuse group- or world-writable files and directories.
    public init(allowedDirectories: [String]? = nil, refuseWritableByOthers: Bool = true) {
        self.allowedDirectories = allowedDirectories
        self.refuseWritableByOthers = refuseWritableByOthers
    }
}
