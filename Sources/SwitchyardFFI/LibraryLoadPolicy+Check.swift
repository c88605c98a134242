#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension LibraryLoadPolicy {
    /// Checks `path` against the policy and returns its real path, the one to load.
    ///
    /// The real path is what gets loaded, so a symlink swapped after the check cannot redirect
    /// the load; a file rewritten in between can, which is why writable files are refused.
    func check(_ path: String) throws(FFIError) -> String {
        guard let resolved = Self.realPath(path) else {
            let reason = String(cString: strerror(errno))
            throw FFIError(.libraryNotFound, "cannot load library \"\(path)\": \(reason)")
        }
        if let allowedDirectories {
            let allowed = allowedDirectories.compactMap(Self.realPath)
            let inside = allowed.contains { directory in
                directory == "/" || resolved.hasPrefix(directory + "/")
            }
            guard inside else {
                throw FFIError(
                    .outsideAllowedDirectories,
                    "library \"\(path)\" (real path \"\(resolved)\") is outside the allowed "
                        + "directories \(allowedDirectories)")
            }
        }
        let fileMode = try Self.mode(of: resolved, for: path)
        guard fileMode & S_IFMT == S_IFREG else {
            throw FFIError(.libraryNotFound, "library \"\(path)\" is not a regular file")
        }
        guard refuseWritableByOthers else { return resolved }
        if fileMode & (S_IWGRP | S_IWOTH) != 0 {
            throw FFIError(
                .permissionDenied,
                "library \"\(resolved)\" is writable by group or others (mode "
                    + "\(String(fileMode & 0o7777, radix: 8))); refusing to load it")
        }
        let directory = Self.parentDirectory(of: resolved)
        let directoryMode = try Self.mode(of: directory, for: path)
        if directoryMode & (S_IWGRP | S_IWOTH) != 0 {
            throw FFIError(
                .permissionDenied,
                "the directory \"\(directory)\" of library \"\(resolved)\" is writable by group "
                    + "or others (mode \(String(directoryMode & 0o7777, radix: 8))); refusing to load it")
        }
        return resolved
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func mode(of file: String, for library: String) throws(FFIError) -> mode_t {
        var status = stat()
        guard stat(file, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            throw FFIError(.libraryNotFound, "cannot inspect \"\(file)\" for library \"\(library)\": \(reason)")
        }
        return status.st_mode
    }

    private static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }
}
