import SwitchyardFFI

/// Where the `ffi` adapter may load a library from: the adapter directories the host hands it
/// and the system library directories, nowhere else; and which file a signature's `library`
/// names there.
public struct FFILibraryLocations: Sendable, Hashable {
    /// The host's adapter directories (the instance config's `allowed_directories`).
    public var adapterDirectories: [String]
    /// The system library directories (by default ``SystemLibraryDirectories/all``).
    public var systemDirectories: [String]

    /// Creates the locations.
    /// - Parameters:
    ///   - adapterDirectories: the host's adapter directories.
    ///   - systemDirectories: the system library directories.
    public init(adapterDirectories: [String], systemDirectories: [String] = SystemLibraryDirectories.all) {
        self.adapterDirectories = adapterDirectories
        self.systemDirectories = systemDirectories
    }

    /// Every library is checked with this: its real path in one of the directories, and nobody
    /// but root or this user able to replace it.
    public var policy: LibraryLoadPolicy {
        LibraryLoadPolicy(allowedDirectories: systemDirectories + adapterDirectories)
    }

    /// The file to check and load for a signature's `library`: a path as given; a bare name
    /// (`libz.so.1`) found in the system library directories, then the adapter directories,
    /// the first match winning as in the dynamic loader's search.
    /// - Throws: `FFIError` `.libraryNotFound` naming the directories searched.
    public func path(of library: String) throws(FFIError) -> String {
        if library.contains("/") { return library }
        if let found = SystemLibraryDirectories.locate(library, in: systemDirectories + adapterDirectories) {
            return found
        }
        throw FFIError(
            .libraryNotFound,
            "cannot load library \"\(library)\": not found in the system library directories "
                + "\(systemDirectories) or the adapter directories \(adapterDirectories); the ffi adapter "
                + "loads only from those (a bare name is looked up there, never through LD_LIBRARY_PATH)")
    }
}
