#if canImport(Glibc)
import Glibc
#endif

/// Remembers a `python3 -c` package probe between runs: through pyenv shims one probe costs
/// 100+ ms, paid by every CLI invocation that creates a Bun instance.
///
/// The answer is kept in `$XDG_CACHE_HOME/switchyard` (or `~/.cache/switchyard`) under a key of
/// everything that picks the interpreter: the `python3` found on PATH (path, inode, mtime,
/// size), the working directory, PATH and the Python/pyenv/venv variables. It is used only
/// while nothing it depended on changed: the stamp (inode and mtime) of every directory on the
/// interpreter's `sys.path` (installing or removing a package changes its directory's mtime),
/// of each `.python-version` from the working directory up and of pyenv's global version file,
/// and the answer must still be an executable file. Anything else runs the probe again.
enum PythonProbeCache {
    /// The cached answer for `script`, or nil (then probe and `store`).
    static func lookup(script: String) -> String? {
        guard let (file, key) = location(script: script) else { return nil }
        guard let text = readSmallFile(file) else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3, lines[0] == "switchyard-python-probe 1", lines[1] == key else { return nil }
        let answer = lines[2]
        lines.removeFirst(3)
        for line in lines where !line.isEmpty {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard parts.count == 2, stamp(parts[1]) == parts[0] else { return nil }
        }
        return RuntimeExecutable.isExecutable(answer) ? answer : nil
    }

    /// Records `answer` with the stamps of `searchPath` (the interpreter's `sys.path`).
    static func store(script: String, answer: String, searchPath: [String]) {
        guard let (file, key) = location(script: script), !answer.contains("\n") else { return }
        var watched = searchPath.filter { $0.hasPrefix("/") && !$0.contains("\n") && !$0.contains("\t") }
        watched += versionFiles()
        var text = "switchyard-python-probe 1\n\(key)\n\(answer)\n"
        for path in watched { text += "\(stamp(path))\t\(path)\n" }
        var template = Array("\(file).XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { return }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            written += count
        }
        close(fd)
        if written != bytes.count || rename(temporary, file) != 0 { unlink(temporary) }
    }

    /// The cache file and the full key it must hold (the file name is only the key's hash).
    private static func location(script: String) -> (String, String)? {
        guard let directory = WorkerScriptFile.cacheDirectory(),
              let python = RuntimeExecutable.searchPath("python3") else { return nil }
        var info = stat()
        guard stat(python, &info) == 0 else { return nil }
        var parts = ["python3=\(python)", "ino=\(info.st_ino)", "mtime=\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)",
                     "size=\(info.st_size)", "cwd=\(currentDirectory() ?? "")", "script=\(script)"]
        for name in ["PATH", "HOME", "PYENV_VERSION", "PYENV_ROOT", "PYENV_DIR", "VIRTUAL_ENV", "CONDA_PREFIX",
                     "PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "PYTHONNOUSERSITE", "PYTHONSAFEPATH"] {
            parts.append("\(name)=\(RuntimeExecutable.environmentValue(name) ?? "-")")
        }
        let key = parts.joined(separator: "\u{1}").replacingOccurrences(of: "\n", with: "\u{2}")
        return ("\(directory)/python-probe-\(WorkerScriptFile.hexHash(Array(key.utf8)))", key)
    }

    /// `.python-version` in the working directory and each parent, and pyenv's global version
    /// file: `pyenv local`/`pyenv global` switch interpreters behind the same shim.
    private static func versionFiles() -> [String] {
        var files: [String] = []
        if var directory = currentDirectory() {
            while true {
                files.append((directory == "/" ? "" : directory) + "/.python-version")
                guard directory != "/", let slash = directory.lastIndex(of: "/") else { break }
                directory = slash == directory.startIndex ? "/" : String(directory[..<slash])
            }
        }
        let root = RuntimeExecutable.environmentValue("PYENV_ROOT")
            ?? RuntimeExecutable.environmentValue("HOME").map { $0 + "/.pyenv" }
        if let root { files.append(root + "/version") }
        return files
    }

    /// Inode and mtime of `path`, or "-" when it does not exist.
    private static func stamp(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "-" }
        return "\(info.st_ino):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    private static func currentDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while bytes.count < 1 << 20 {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
