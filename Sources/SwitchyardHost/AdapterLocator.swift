import Foundation
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardAdapterHost

/// Finds adapter libraries and loads them only from the configured adapter directories, in
/// this order: the host's own (`ProjectHost.Options.adapterDirectories`), the directory of the
/// running executable (where the build puts every `lib<name>.so`), each directory in
/// `$SWITCHYARD_ADAPTER_PATH` (colon-separated, relative to the project), and
/// `DIR/.switchyard/adapters`.
struct AdapterLocator: Sendable {
    let projectDirectory: String
    let directories: [String]

    /// - Parameters:
    ///   - extraDirectories: searched first; relative ones are resolved against the current directory.
    ///   - searchesExecutableDirectory: whether the running executable's directory is searched.
    init(projectDirectory: String, extraDirectories: [String] = [], searchesExecutableDirectory: Bool = true,
         environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.projectDirectory = projectDirectory
        let currentDirectory = FileManager.default.currentDirectoryPath
        var directories = extraDirectories.map { Self.absolute($0, relativeTo: currentDirectory) }
        if searchesExecutableDirectory { directories.append(Self.executableDirectory) }
        if let extra = environment["SWITCHYARD_ADAPTER_PATH"] {
            directories += extra.split(separator: ":").map { Self.absolute(String($0), relativeTo: projectDirectory) }
        }
        directories.append(Self.absolute(".switchyard/adapters", relativeTo: projectDirectory))
        self.directories = directories
    }

    /// The directory holding the running executable.
    static var executableDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// `library` as given (a path) or as a name (`textkit` → `libtextkit.so` in the adapter directories).
    func resolve(_ library: String) throws(ToolError) -> String {
        if library.contains("/") { return Self.absolute(library, relativeTo: projectDirectory) }
        let fileName = library.hasSuffix(".so") ? library : "lib\(library).so"
        for directory in directories {
            let candidate = (directory as NSString).appendingPathComponent(fileName)
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        throw ToolError(.load, "adapter library \"\(library)\" not found as \(fileName) in \(directories.joined(separator: ", "))")
    }

    /// The checks an adapter library must pass here: inside the adapter directories, nobody but
    /// root or this user able to replace it (the file and every directory above it), and the
    /// pinned hash when there is one.
    func loadPolicy(sha256: String?) -> AdapterLoadPolicy {
        AdapterLoadPolicy(allowedDirectories: directories, refuseWritableByOthers: true, expectedSHA256: sha256)
    }

    /// Finds `library` in the adapter directories, resolves symlinks, checks the rules at the
    /// target (see ``loadPolicy(sha256:)``) and, with `sha256`, hashes the file: the real path to
    /// load, for a host that hands the library to a helper process.
    /// - Parameters:
    ///   - id: the `adapters:` entry's id, named in errors.
    ///   - library: the entry's `library` (a name or a path).
    ///   - sha256: the entry's `sha256` (64 lower-case hex digits), or `nil`.
    /// - Throws: `ToolError` `.load` naming the adapter, the path and the rule (both hashes on a
    ///   mismatch).
    func verifiedLibraryPath(id: String, library: String, sha256: String?) throws(ToolError) -> String {
        do {
            return try loadPolicy(sha256: sha256).verifiedPath(resolve(library))
        } catch {
            throw Self.naming(id, error)
        }
    }

    /// Loads `library` and creates an adapter instance with `config`. The rules of
    /// ``verifiedLibraryPath(id:library:sha256:)`` are checked, and the file hashed, through the
    /// very descriptor that is then loaded.
    func adapter(id: String, library: String, config: JSONValue, timeout: Duration?,
                 maxOutputBytes: Int? = nil, sha256: String? = nil,
                 startsCallsInline: Bool = false) throws(ToolError) -> LibraryAdapter {
        let loaded: AdapterLibrary
        do {
            loaded = try AdapterLibrary.load(resolve(library), policy: loadPolicy(sha256: sha256))
        } catch {
            throw Self.naming(id, error)
        }
        var options = AdapterCallOptions()
        if let timeout { options.defaultTimeout = timeout }
        if let maxOutputBytes { options.maxOutputBytes = maxOutputBytes }
        options.startsCallsInline = startsCallsInline
        return try LibraryAdapter(id: id, library: loaded, config: config, options: options)
    }

    /// `error` with the adapter it is about in front.
    private static func naming(_ id: String, _ error: ToolError) -> ToolError {
        var named = error
        named.message = "adapter \"\(id)\": \(error.message)"
        return named
    }

    static func absolute(_ path: String, relativeTo base: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
    }
}
