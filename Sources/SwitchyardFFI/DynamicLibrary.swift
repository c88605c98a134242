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

    /// The descriptor the library was loaded through (with a policy), kept open: see `LibraryFile`.
    let file: LibraryFile?

    private init(path: String, handle: UnsafeMutableRawPointer, file: LibraryFile?) {
        self.path = path
        self.handle = handle
        self.file = file
    }

    private static let cache = Mutex<[String: DynamicLibrary]>([:])

    /// Loads a library (`dlopen` with `RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE`), or returns the one
    /// already loaded from the same path.
    ///
    /// With a policy the file is opened, checked and hashed through one descriptor, and that
    /// descriptor is what `dlopen` loads (`/proc/self/fd/N`): a file swapped after the check is
    /// never the one loaded. A library already loaded from the same real path is checked again
    /// through the descriptor it was loaded from. (A library loaded this way sees `$ORIGIN` as
    /// `/proc/self/fd`, so its own dependencies must not rely on `$ORIGIN`.)
    ///
    /// - Parameters:
    ///   - path: a file path, or with no policy, a bare name such as `"libz.so.1"` that the
    ///     dynamic loader finds through its search path.
    ///   - policy: checks the file must pass before it is loaded; `nil` checks nothing (for
    ///     system libraries). With a policy, `path` must name an existing file.
    /// - Throws: `FFIError` `.libraryNotFound` (with the `dlerror` text), `.permissionDenied`,
    ///   `.outsideAllowedDirectories` or `.hashMismatch`.
    public static func open(_ path: String, policy: LibraryLoadPolicy? = nil) throws(FFIError)
        -> DynamicLibrary
    {
        guard let policy else { return try load(path, as: path, from: nil, reportedAs: path) }
        let resolved = try policy.checkPath(path)
        if let loaded = cache.withLock({ $0[resolved] }), let file = loaded.file {
            try policy.checkFile(file, library: path)
            return loaded
        }
        let file = try LibraryFile(opening: resolved, for: path)
        do {
            try policy.checkFile(file, library: path)
        } catch {
            file.close()
            throw error
        }
        return try load(file.loadName, as: resolved, from: file, reportedAs: path)
    }

    /// `dlopen`s `name` and caches the library under `key`.
    private static func load(_ name: String, as key: String, from file: LibraryFile?, reportedAs path: String)
        throws(FFIError) -> DynamicLibrary
    {
        if let loaded = cache.withLock({ $0[key] }) {
            file?.close()
            return loaded
        }
        _ = dlerror()  // clear any stale error so the message below is this call's
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            file?.close()
            var reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            if name != key { reason = reason.replacing(name, with: key) }
            throw FFIError(.libraryNotFound, "cannot load library \"\(path)\": \(reason)")
        }
        let library = DynamicLibrary(path: key, handle: handle, file: file)
        // Two threads may race to load the same path; dlopen refcounts, so keeping the first
        // object is enough. The loser's descriptor stays open all the same: the loader now
        // knows its /proc/self/fd name too.
        return cache.withLock { libraries in
            if let winner = libraries[key] { return winner }
            libraries[key] = library
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
