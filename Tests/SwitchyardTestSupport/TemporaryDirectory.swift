import Foundation
import Synchronization

/// Private (0700) temporary directories for tests, removed when the test process exits.
///
/// Tests hand their directories to child processes, SQLite stores and adapters that may still
/// hold them when a test body returns, so removal waits for the process to end rather than for
/// each test: nothing a test started can still be writing there by then.
public enum TemporaryDirectory {
    private static let created = Mutex<[String]>([])
    private static let cleanupRegistered = Mutex(false)

    /// Creates a fresh directory named `PREFIX-XXXXXX` under the system temporary directory and
    /// returns its real path (so it compares equal to paths the code under test resolves).
    public static func make(_ prefix: String) -> String {
        var template = Array((NSTemporaryDirectory() + "/" + prefix + "-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard let made, let resolved = realpath(made, nil) else {
            fatalError("mkdtemp for \(prefix) failed: \(String(cString: strerror(errno)))")
        }
        defer { free(resolved) }
        let path = String(cString: resolved)
        created.withLock { $0.append(path) }
        registerCleanup()
        return path
    }

    /// Removes every directory made so far.
    public static func removeAll() {
        let paths = created.withLock { paths in
            defer { paths.removeAll() }
            return paths
        }
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }

    private static func registerCleanup() {
        let first = cleanupRegistered.withLock { registered in
            defer { registered = true }
            return !registered
        }
        if first { atexit { TemporaryDirectory.removeAll() } }
    }
}
