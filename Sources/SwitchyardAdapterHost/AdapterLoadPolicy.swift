import SwitchyardFFI
import SwitchyardRuntime

/// Checks an adapter library must pass before it is loaded.
///
/// Mirrors the FFI module's load policy so that code outside the runtime (engine, CLI) never
/// imports the FFI module.
public struct AdapterLoadPolicy: Sendable, Hashable {
    /// Directories the library's real path must lie in; `nil` allows any.
    public var allowedDirectories: [String]?
    /// Refuse a library that others could replace: one writable by group or others, in a
    /// directory that is, under a directory writable by others without the sticky bit, or
    /// owned (file or any directory above it) by a user other than root or this process's.
    public var refuseWritableByOthers: Bool
    /// The library file's pinned SHA-256 (64 lower-case hex digits, an `adapters:` entry's
    /// `sha256`); `nil` checks no hash.
    public var expectedSHA256: String?

    /// Creates a policy.
    /// - Parameters:
    ///   - allowedDirectories: directories the real path must lie in; `nil` allows any.
    ///   - refuseWritableByOthers: refuse files others could replace (see the property).
    ///   - expectedSHA256: the pinned SHA-256 in hex; `nil` for no pin.
    public init(allowedDirectories: [String]? = nil, refuseWritableByOthers: Bool = true,
                expectedSHA256: String? = nil) {
        self.allowedDirectories = allowedDirectories
        self.refuseWritableByOthers = refuseWritableByOthers
        self.expectedSHA256 = expectedSHA256
    }

    /// The same checks in the FFI module's terms.
    var libraryLoadPolicy: LibraryLoadPolicy {
        LibraryLoadPolicy(allowedDirectories: allowedDirectories, refuseWritableByOthers: refuseWritableByOthers,
                          expectedSHA256: expectedSHA256)
    }

    /// Checks the library at `path` — real path, directories above it, the file, its hash —
    /// without loading it, and returns its real path: for a host that hands the library to a
    /// helper process to load.
    /// - Throws: `ToolError` `.load` naming the path and the rule it broke (both hashes for a
    ///   hash mismatch).
    public func verifiedPath(_ path: String) throws(ToolError) -> String {
        do {
            return try libraryLoadPolicy.verify(path)
        } catch {
            throw ToolError(.load, "cannot load adapter library \(path): \(error.message)")
        }
    }
}
