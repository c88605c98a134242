/// Which files may be loaded with ``DynamicLibrary/open(_:policy:)``.
///
/// A loaded library runs with the full rights of the process, so a file someone else can rewrite
/// is as good as their code. The policy is checked on the file's real path (symlinks resolved).
public struct LibraryLoadPolicy: Sendable, Hashable {
    /// Directories the real path of the library must lie under; `nil` allows any directory.
    /// Each entry is itself resolved with `realpath` before comparing.
    public var allowedDirectories: [String]?
    /// Refuse a library file, or the directory holding it, that is writable by its group or by
    /// others. Default `true`.
    public var refuseWritableByOthers: Bool

    /// Creates a policy.
    /// - Parameters:
    ///   - allowedDirectories: directories a library must lie under; `nil` for anywhere.
    ///   - refuseWritableByOthers: refuse group- or world-writable files and directories.
    public init(allowedDirectories: [String]? = nil, refuseWritableByOthers: Bool = true) {
        self.allowedDirectories = allowedDirectories
        self.refuseWritableByOthers = refuseWritableByOthers
    }
}
