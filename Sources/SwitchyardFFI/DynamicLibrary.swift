#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A shared library loaded with `dlopen`, kept loaded for the life of the process.
///
/// Libraries are never closed: Swift libraries register metadata and type conformances with the
/// runtime that outlive any `dlclose`, and unloading code another thread may still be running
/// gains nothing in a long-lived host.
public final class DynamicLibrary: @unchecked Sendable {
    /// The path the library was opened with: a real path when a policy was checked, else the name
    /// as given (which the dynamic loader may have searched for).
    public let path: String
    // Immutable after init; dlsym on a handle is thread-safe.
    private let handle: UnsafeMutableRawPointer

    private init(path: String, handle: UnsafeMutableRawPointer) {
        self.path = path
        self.handle = handle
    }

    private static let cache = Mutex<[String: DynamicLibrary]>([:])

    /// Loads a library (`dlopen` with `RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE`), or returns the one
    /// already loaded from the same path.
    ///
    /// - Parameters:
    ///   - path: a file path, or with no policy, a bare name such as `"libz.so.1"` that the
    ///     dynamic loader finds through its search path.
    ///   - policy: checks the file must pass before it is loaded; `nil` checks nothing (for
    ///     system libraries). With a policy, `path` must name an existing file.
    /// - Throws: `FFIError` `.libraryNotFound` (with the `dlerror` text), `.permissionDenied` or
    ///   `.outsideAllowedDirectories`.
    public static func open(_ path: String, policy: LibraryLoadPolicy? = nil) throws(FFIError)
        -> DynamicLibrary
    {
        let loadPath = try policy.map { policy throws(FFIError) in try policy.check(path) } ?? path
        if let loaded = cache.withLock({ $0[loadPath] }) { return loaded }
        _ = dlerror()  // clear any stale error so the message below is this call's
        guard let handle = dlopen(loadPath, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw FFIError(.libraryNotFound, "cannot load library \"\(path)\": \(reason)")
        }
        let library = DynamicLibrary(path: loadPath, handle: handle)
        // Two threads may race to load the same path; dlopen refcounts, so keeping the first
        // object is enough.
        return cache.withLock { libraries in
            if let winner = libraries[loadPath] { return winner }
            libraries[loadPath] = library
            return library
        }
    }

    /// Resolves a symbol of the library with `dlsym`.
    /// - Parameter name: the symbol's (C) name.
    /// - Returns: the symbol's address; never null.
    /// - Throws: `FFIError` `.symbolNotFound` with the `dlerror` text.
    public func symbol(_ name: String) throws(FFIError) -> UnsafeMutableRawPointer {
        _ = dlerror()  // a NULL result only means "missing" together with a fresh dlerror message
        if let address = dlsym(handle, name) { return address }
        let reason = dlerror().map { String(cString: $0) } ?? "the symbol's value is NULL"
        throw FFIError(.symbolNotFound, "symbol \"\(name)\" not found in \"\(path)\": \(reason)")
    }
}
