#if canImport(Glibc)
import Glibc
#endif
import SwitchyardAdapterKit

/// The worker script on disk.
///
/// Bun's resolver lists every directory above the main script (looking for package.json and
/// node_modules), so a script in a private dir under a crowded `/tmp` made every per_call
/// process read all of `/tmp` (3,800 entries here: ~10 ms per call). The script therefore lives
/// in the user's cache directory (`$XDG_CACHE_HOME/switchyard` or `~/.cache/switchyard`), named
/// after a hash of its text so versions never mix, shared by every instance and kept between
/// runs (also a stable path for Bun's transpiler cache). Only when that directory cannot be
/// used does it fall back to a private `/tmp` directory removed at destroy.
struct WorkerScriptFile: Sendable {
    /// The script's absolute path.
    let path: String
    /// The private directory to remove at destroy; nil for the shared cache copy.
    let privateDirectory: String?

    /// Finds or writes the script.
    /// - Throws: `AdapterFailure.internal` when neither the cache nor `/tmp` can hold it.
    static func install(source: String = WorkerScript.source) throws(AdapterFailure) -> WorkerScriptFile {
        let bytes = Array(source.utf8)
        if let directory = cacheDirectory() {
            let path = "\(directory)/bun-worker-\(hexHash(bytes)).mjs"
            if holds(path, bytes) || replace(path, bytes) { return WorkerScriptFile(path: path, privateDirectory: nil) }
        }
        var template = Array("/tmp/switchyard-bun-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw .internal("cannot create a private directory for the worker script: \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: made)
        let path = directory + "/" + WorkerScript.fileName
        do { try write(path, bytes, flags: O_EXCL) } catch {
            rmdir(directory)
            throw error
        }
        return WorkerScriptFile(path: path, privateDirectory: directory)
    }

    /// Removes the private copy; the shared cache copy stays for the next instance.
    func remove() {
        guard let privateDirectory else { return }
        unlink(path)
        rmdir(privateDirectory)
    }

    /// `$XDG_CACHE_HOME/switchyard` or `$HOME/.cache/switchyard`, created 0700; nil unless it is
    /// a real directory (not a symlink) owned by this user.
    static func cacheDirectory() -> String? {
        var base: String
        if let xdg = RuntimeExecutable.environmentValue("XDG_CACHE_HOME"), xdg.hasPrefix("/") {
            base = xdg
        } else if let home = RuntimeExecutable.environmentValue("HOME"), home.hasPrefix("/") {
            base = home + "/.cache"
        } else {
            return nil
        }
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        _ = mkdir(base, 0o700)
        let directory = base + "/switchyard"
        _ = mkdir(directory, 0o700)
        var info = stat()
        guard lstat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == geteuid() else { return nil }
        return directory
    }

    /// True when `path` is a regular file of ours holding exactly `bytes`.
    private static func holds(_ path: String, _ bytes: [UInt8]) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid(),
              Int(info.st_size) == bytes.count else { return false }
        var found = [UInt8](repeating: 0, count: bytes.count)
        var filled = 0
        while filled < found.count {
            let count = found.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            filled += count
        }
        return found == bytes
    }

    /// Writes a fresh copy beside `path` and renames it over: readers see the old file or the
    /// whole new one, and instances racing here write the same bytes.
    private static func replace(_ path: String, _ bytes: [UInt8]) -> Bool {
        var template = Array("\(path).XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { return false }
        close(fd)
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do { try write(temporary, bytes, flags: O_TRUNC) } catch {
            unlink(temporary)
            return false
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    private static func write(_ path: String, _ bytes: [UInt8], flags: Int32) throws(AdapterFailure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | flags, 0o600)
        guard fd >= 0 else { throw .internal("cannot write the worker script \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .internal("cannot write the worker script \(path): \(String(cString: strerror(errno)))") }
            written += count
        }
    }

    /// FNV-1a, 64 bits: names the file after its text (a content check follows; this only has
    /// to keep versions apart, not resist anyone).
    static func hexHash(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
