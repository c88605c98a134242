/// Which files may be loaded with ``DynamicLibrary/open(_:policy:)``.
///
/// A loaded library runs with the full rights of the process, so a file someone else can rewrite
/// or swap is as good as their code. The policy is checked on the file's real path (symlinks
/// resolved), on the descriptor that is then loaded, and on every directory above it.
public struct LibraryLoadPolicy: Sendable, Hashable {
    /// Directories the real path of the library must lie under; `nil` allows any directory.
    /// Each entry is itself resolved with `realpath` before comparing.
    public var allowedDirectories: [String]?
    /// Refuse a library that someone other than this process's user or root could replace, like
    /// OpenSSH's `StrictModes`: the file, and every directory from its own up to `/`, must be
    /// owned by root or by the effective user; the file and its own directory must not be
    /// writable by group or others; a directory above those may be writable by others only with
    /// the sticky bit set (as `/tmp` is: others cannot rename or delete what they do not own in
    /// it). Default `true`.
    public var refuseWritableByOthers: Bool
    /// The SHA-256 the library file must have, as 64 lower-case hex digits; `nil` checks no hash.
    /// The bytes hashed are those of the descriptor that is then loaded.
    public var expectedSHA256: String?

    /// Creates a policy.
    /// - Parameters:
    ///   - allowedDirectories: directories a library must lie under; `nil` for anywhere.
    ///   - refuseWritableByOthers: refuse files others could replace (see the property).
    ///   - expectedSHA256: the file's pinned SHA-256 in hex; `nil` for no pin.
    public init(allowedDirectories: [String]? = nil, refuseWritableByOthers: Bool = true,
                expectedSHA256: String? = nil) {
        self.allowedDirectories = allowedDirectories
        self.refuseWritableByOthers = refuseWritableByOthers
        self.expectedSHA256 = expectedSHA256
    }
}
