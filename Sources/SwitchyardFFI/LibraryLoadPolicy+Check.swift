#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension LibraryLoadPolicy {
    /// Checks the library at `path` against the policy — its real path, the directories above
    /// it, the file and its hash — and returns the real path, for a host that hands the library
    /// to another process to load.
    ///
    /// ``DynamicLibrary/open(_:policy:)`` runs the same checks on the descriptor it then loads;
    /// a process loading the returned path opens the file anew, so only the rules on the
    /// directories (nobody else can swap the file) carry over to that load.
    /// - Parameter path: the library's file path.
    /// - Returns: the real path (symlinks resolved).
    /// - Throws: `FFIError` `.libraryNotFound`, `.outsideAllowedDirectories`, `.permissionDenied`
    ///   or `.hashMismatch`, naming the path and the rule.
    public func verify(_ path: String) throws(FFIError) -> String {
        let resolved = try checkPath(path)
        let file = try LibraryFile(opening: resolved, for: path)
        defer { file.close() }
        try checkFile(file, library: path)
        return resolved
    }

    /// The real path of `path` once it and the directories above it pass the policy.
    func checkPath(_ path: String) throws(FFIError) -> String {
        guard let resolved = Self.realPath(path) else {
            let reason = String(cString: strerror(errno))
            throw FFIError(.libraryNotFound, "cannot load library \"\(path)\": \(reason)")
        }
        if let allowedDirectories {
            guard Self.isInside(resolved, anyOf: allowedDirectories) else {
                throw FFIError(
                    .outsideAllowedDirectories,
                    "library \"\(path)\" (real path \"\(resolved)\") is outside the allowed "
                        + "directories \(allowedDirectories)")
            }
        }
        if refuseWritableByOthers { try Self.checkDirectories(above: resolved) }
        return resolved
    }

    /// Checks the open file about to be loaded: a regular file, not replaceable by others, and
    /// with the pinned hash.
    func checkFile(_ file: LibraryFile, library path: String) throws(FFIError) {
        let status = try file.status()
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw FFIError(.libraryNotFound, "library \"\(path)\" is not a regular file")
        }
        if refuseWritableByOthers {
            try Self.checkOwner(status, of: "library \"\(file.path)\"")
            if status.st_mode & (S_IWGRP | S_IWOTH) != 0 {
                throw FFIError(
                    .permissionDenied,
                    "library \"\(file.path)\" is writable by group or others (mode "
                        + "\(Self.octal(status.st_mode))); refusing to load it")
            }
        }
        if let expectedSHA256 {
            let actual = try file.sha256()
            guard actual == expectedSHA256.lowercased() else {
                throw FFIError(
                    .hashMismatch,
                    "library \"\(file.path)\" has SHA-256 \(actual), but sha256 pins \(expectedSHA256); "
                        + "refusing to load it")
            }
        }
    }

    /// Whether the real path `resolved` lies in one of `directories` (each resolved too).
    static func isInside(_ resolved: String, anyOf directories: [String]) -> Bool {
        directories.compactMap(realPath).contains { directory in
            directory == "/" || resolved.hasPrefix(directory + "/")
        }
    }

    /// Every directory from the library's own up to `/` must be owned by root or this user; its
    /// own must not be writable by group or others; one above may be only with the sticky bit.
    ///
    /// `resolved` is a real path, so each component is a directory, not a symlink, unless the
    /// tree changed since `realpath`, which is refused.
    private static func checkDirectories(above resolved: String) throws(FFIError) {
        var directory = parentDirectory(of: resolved)
        var isOwnDirectory = true
        while true {
            var status = stat()
            guard lstat(directory, &status) == 0 else {
                let reason = String(cString: strerror(errno))
                throw FFIError(.libraryNotFound, "cannot inspect \"\(directory)\" for library \"\(resolved)\": \(reason)")
            }
            let role = isOwnDirectory ? "the directory \"\(directory)\" of library \"\(resolved)\""
                : "the directory \"\(directory)\" above library \"\(resolved)\""
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw FFIError(.permissionDenied, "\(role) is no longer a directory; refusing to load it")
            }
            try checkOwner(status, of: role)
            let writableByOthers = status.st_mode & (S_IWGRP | S_IWOTH) != 0
            if writableByOthers && isOwnDirectory {
                throw FFIError(
                    .permissionDenied,
                    "\(role) is writable by group or others (mode \(octal(status.st_mode))); refusing to load it")
            }
            if writableByOthers && status.st_mode & S_ISVTX == 0 {
                throw FFIError(
                    .permissionDenied,
                    "\(role) is writable by group or others without the sticky bit (mode "
                        + "\(octal(status.st_mode))), so others could replace what lies below it; refusing to load it")
            }
            if directory == "/" { return }
            directory = parentDirectory(of: directory)
            isOwnDirectory = false
        }
    }

    /// Only root or the effective user may own what a library's path passes through.
    private static func checkOwner(_ status: stat, of role: String) throws(FFIError) {
        let user = geteuid()
        guard status.st_uid == 0 || status.st_uid == user else {
            throw FFIError(
                .permissionDenied,
                "\(role) is owned by uid \(status.st_uid), neither root nor this process's user (uid \(user)); "
                    + "refusing to load it")
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func octal(_ mode: mode_t) -> String { String(mode & 0o7777, radix: 8) }

    private static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }
}
