#if canImport(Glibc)
import Glibc
#endif
import CIsolationSupport
import Foundation
import Subprocess
import Synchronization
import SwitchyardJSON
import SwitchyardRuntime
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// One running helper: the child process, its two pipes, and the thread that serves them.
///
/// Lifecycle: `start()` spawns the helper through swift-subprocess in a process group of its
/// own (a Ctrl-C at the host's terminal does not reach it; its own children die with it). The
/// I/O thread reads frames from the helper's stdout and routes them to their calls, and writes
/// what the pipe to its stdin did not take at once. When stdout closes the helper has exited
/// or is about to: it gets `killGrace` to exit, then SIGKILL; the group is killed, subprocess
/// reaps it, and only then does the observer hear of it, so every unfinished call's error can
/// name the signal or status.
final class HelperProcess: @unchecked Sendable {
    let serial: UInt64
    let executable: String
    let configuration: HelperConfiguration
    let killGrace: Duration
    unowned let observer: any HelperProcessObserver

    // Parent ends; the I/O thread closes them once it ends (inputFD under the state lock).
    let inputFD: Int32
    /// The helper's stdout, read by the I/O thread or by a caller waiting for its answer.
    let output: HelperOutputReader
    let wakeReadFD: Int32
    let wakeWriteFD: Int32
    // Child ends, closed by subprocess after spawning.
    private let childInput: Int32
    private let childOutput: Int32

    let state = Mutex(State())

    struct State {
        var calls: [UInt64: IsolatedCall] = [:]
        var backlog: [UInt8] = []
        var inputClosed = false
        var readiness = Readiness.starting([])
        var stopReason: String?
        var shutdownRequested = false
        var processID: pid_t = 0
        /// The helper's calls were taken for the observer: nothing registers any more.
        var exited = false
        /// The observer heard of the exit.
        var reaped = false
        var exitWaiters: [UnsafeContinuation<Void, Never>] = []
    }

    enum Readiness {
        case starting([UnsafeContinuation<Result<Void, ToolError>, Never>])
        case ready
        case failed(ToolError)
    }

    /// Creates the pipes.
    /// - Throws: `ToolError` `.load` when the system is out of descriptors.
    init(serial: UInt64, executable: String, configuration: HelperConfiguration, killGrace: Duration,
         observer: any HelperProcessObserver) throws(ToolError) {
        self.serial = serial
        self.executable = executable
        self.configuration = configuration
        self.killGrace = killGrace
        self.observer = observer
        var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1], wake: [Int32] = [-1, -1]
        guard sy_isolation_pipe(&input) == 0, sy_isolation_pipe(&output) == 0, sy_isolation_pipe(&wake) == 0 else {
            let reason = String(cString: strerror(errno))
            for fd in input + output + wake where fd >= 0 { close(fd) }
            throw ToolError(.load, "adapter \(configuration.adapterID): cannot create pipes for its helper: \(reason)")
        }
        guard let reader = HelperOutputReader(descriptor: output[0],
                                              maxPayloadBytes: configuration.maxOutputBytes + (1 << 20)) else {
            let reason = String(cString: strerror(errno))
            for fd in input + output + wake { close(fd) }
            throw ToolError(.load, "adapter \(configuration.adapterID): cannot create an epoll set for its helper: \(reason)")
        }
        inputFD = input[1]; childInput = input[0]
        self.output = reader; childOutput = output[1]
        wakeReadFD = wake[0]; wakeWriteFD = wake[1]
        for fd in [inputFD, wakeReadFD, wakeWriteFD] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    // MARK: Starting

    /// Spawns the helper and sends its `configure` frame; returns at once.
    func start() {
        send(HelperFrame(.configure, payload: configuration.json.jsonBytes).encoded)
        let executable = self.executable
        Task.detached { [self] in
            var options = PlatformOptions()
            options.processGroupID = 0
            // The helper compares this with getppid() after asking for PR_SET_PDEATHSIG, which
            // closes the race where the host died before the helper asked.
            // Swift's crash backtracer would spend a second printing the helper's threads for a
            // plugin's segfault; the host reports the signal itself.
            let parent: [Environment.Key: String?] = ["SWITCHYARD_HELPER_PARENT": String(getpid()),
                                                      "SWIFT_BACKTRACE": "enable=no"]
            var status = "ended"
            do {
                let outcome = try await Subprocess.run(
                    .path(FilePath(executable)), arguments: [configuration.adapterID],
                    environment: .inherit.updating(parent), platformOptions: options,
                    input: .fileDescriptor(FileDescriptor(rawValue: childInput), closeAfterSpawningProcess: true),
                    output: .fileDescriptor(FileDescriptor(rawValue: childOutput), closeAfterSpawningProcess: true),
                    error: .currentStandardError
                ) { execution in
                    await self.serve(execution.processIdentifier.value,
                                     descriptor: execution.processIdentifier.processDescriptor)
                }
                status = Self.describe(outcome.terminationStatus)
            } catch {
                // Subprocess closes the child ends itself (closeAfterSpawningProcess).
                status = "could not be started (\(executable)): \(error)"
                closeParentEnds()
            }
            finish(status: status)
        }
    }

    /// Waits until the helper sent `ready`, or failed to.
    /// - Throws: the helper's `startFailed` error, or `crashed` when it died first.
    func waitUntilReady() async throws(ToolError) {
        let result = await withUnsafeContinuation { (waiter: UnsafeContinuation<Result<Void, ToolError>, Never>) in
            let now: Result<Void, ToolError>? = state.withLock { state in
                switch state.readiness {
                case .ready: return .success(())
                case .failed(let error): return .failure(error)
                case .starting(let waiters):
                    state.readiness = .starting(waiters + [waiter])
                    return nil
                }
            }
            if let now { waiter.resume(returning: now) }
        }
        try result.get()
    }

    /// Whether the helper is ready and not stopping: new calls may go to it.
    var acceptsCalls: Bool {
        state.withLock { state in
            guard case .ready = state.readiness else { return false }
            return state.stopReason == nil && !state.shutdownRequested && !state.exited
        }
    }

    /// Settles readiness once; resumes the waiters outside the lock.
    func settleReadiness(_ outcome: Result<Void, ToolError>) {
        let waiters = state.withLock { state -> [UnsafeContinuation<Result<Void, ToolError>, Never>] in
            guard case .starting(let waiters) = state.readiness else { return [] }
            switch outcome {
            case .success: state.readiness = .ready
            case .failure(let error): state.readiness = .failed(error)
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }

    // MARK: Calls

    /// Registers a call and sends its frame. Returns false when the helper is stopping or gone.
    func submit(_ call: IsolatedCall, frame: [UInt8]) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard state.stopReason == nil, !state.shutdownRequested, !state.exited, !state.inputClosed else { return false }
            state.calls[call.id] = call
            return true
        }
        if accepted { send(frame) }
        return accepted
    }

    /// The call ended: frames for its id are dropped from now on.
    func forget(_ callID: UInt64) {
        _ = state.withLock { $0.calls.removeValue(forKey: callID) }
    }

    /// Sends bytes: written at once when the pipe takes them, else queued for the I/O thread.
    /// Never blocks (a stuck helper cannot stall the thread that calls).
    func send(_ bytes: [UInt8]) {
        let queued = state.withLock { state -> Bool in
            guard !state.inputClosed else { return false }
            if !state.backlog.isEmpty {
                state.backlog.append(contentsOf: bytes)
                return true
            }
            let written = Self.writeNonBlocking(inputFD, bytes[...])
            if written < bytes.count { state.backlog.append(contentsOf: bytes[written...]) }
            return written < bytes.count
        }
        if queued { wake() }
    }

    /// Writes what the pipe takes now; returns the bytes written (all of them on a broken pipe,
    /// whose helper's exit ends its calls anyway).
    static func writeNonBlocking(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Int {
        var written = 0
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let count = write(fd, raw.baseAddress! + written, raw.count - written)
                if count > 0 { written += count; continue }
                if count < 0 && errno == EINTR { continue }
                if count < 0 && errno != EAGAIN { written = raw.count }
                break
            }
        }
        return written
    }

    /// Asks the helper to destroy its instance and exit once its calls ended.
    func requestShutdown() {
        let first = state.withLock { state -> Bool in
            defer { state.shutdownRequested = true }
            return !state.shutdownRequested
        }
        if first { send(HelperFrame(.shutdown).encoded) }
    }

    /// Kills the helper's process group (SIGKILL), recording why; the exit path ends its calls.
    func kill(reason: String) {
        let pid = state.withLock { state -> pid_t in
            if state.stopReason == nil { state.stopReason = reason }
            return state.exited ? 0 : state.processID
        }
        if pid > 0 { Self.killGroup(pid) }
    }

    static func killGroup(_ pid: pid_t) {
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// Waits until the helper was reaped and its calls were handed over.
    func waitUntilExited() async {
        await withUnsafeContinuation { (waiter: UnsafeContinuation<Void, Never>) in
            let exited = state.withLock { state in
                if state.reaped { return true }
                state.exitWaiters.append(waiter)
                return false
            }
            if exited { waiter.resume() }
        }
    }

    func wake() {
        var one: UInt8 = 1
        _ = write(wakeWriteFD, &one, 1)
    }
}
