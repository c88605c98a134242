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

/// What a helper process tells the adapter that supervises it.
protocol HelperProcessObserver: AnyObject, Sendable {
    /// The helper was reaped (its pipes closed): `exit` says how it ended and why the host
    /// stopped it, if it did. Every call still registered with it is handed over unfinished.
    func helperExited(_ helper: HelperProcess, exit: HelperExit, unfinished: [IsolatedCall])
}

/// How a helper process ended.
struct HelperExit: Sendable {
    /// `exited with status 3`, `was killed by signal 11 (SIGSEGV)`, or why it never started.
    var status: String
    /// Why the host stopped it, when it did (`nil`: it died on its own).
    var stopReason: String?
    /// Whether the host asked it to shut down (then an exit is no failure).
    var wasShutDown: Bool
}

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
    let outputFD: Int32
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
        inputFD = input[1]; childInput = input[0]
        outputFD = output[0]; childOutput = output[1]
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
    private func settleReadiness(_ outcome: Result<Void, ToolError>) {
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

    // MARK: Serving the pipes

    /// Runs the I/O loop on its own thread (it blocks in poll) and waits for it.
    private func serve(_ pid: pid_t, descriptor: Int32) async {
        let killedEarly = state.withLock { state in
            state.processID = pid
            return state.stopReason != nil
        }
        if killedEarly { Self.killGroup(pid) }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread { [self] in
                runLoop()
                awaitExit(pid, descriptor: descriptor)
                done.resume()
            }
            thread.name = "switchyard-helper-io"
            thread.start()
        }
    }

    /// Serves the pipes until the helper's stdout closes.
    private func runLoop() {
        let capacity = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var parser = HelperFrameParser(maxPayloadBytes: configuration.maxOutputBytes + (1 << 20))
        while true {
            let wantsWrite = state.withLock { !$0.backlog.isEmpty && !$0.inputClosed }
            var fds = [pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0)]
            if wantsWrite { fds.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)) }
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[1].revents != 0 {
                var drained = [UInt8](repeating: 0, count: 64)
                while read(wakeReadFD, &drained, 64) > 0 {}
            }
            if wantsWrite, fds[2].revents != 0 { flushBacklog() }
            guard fds[0].revents != 0 else { continue }
            let count = read(outputFD, buffer.baseAddress, capacity)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            do {
                while let frame = try parser.next() { route(frame) }
            } catch {
                kill(reason: "its helper broke the frame protocol (\(error))")
                break
            }
        }
    }

    private func flushBacklog() {
        state.withLock { state in
            guard !state.inputClosed, !state.backlog.isEmpty else { return }
            let written = Self.writeNonBlocking(inputFD, state.backlog[...])
            state.backlog.removeFirst(written)
        }
    }

    /// Hands one frame to its call (or to the readiness of the helper itself).
    private func route(_ frame: HelperFrame) {
        switch frame.kind {
        case .ready:
            let info = try? JSONValue(parsing: frame.payload)
            let spoken = info?.objectValue?["protocol"]?.intValue
            if spoken == Int64(HelperFrame.protocolVersion) {
                settleReadiness(.success(()))
            } else {
                settleReadiness(.failure(ToolError(
                    .load, "adapter \(configuration.adapterID): its helper \(executable) speaks frame protocol "
                        + "\(spoken.map(String.init) ?? "?"), the host \(HelperFrame.protocolVersion) (a helper from another build)")))
                kill(reason: "its helper speaks another frame protocol")
            }
        case .startFailed:
            settleReadiness(.failure(HelperPayload.toolError(from: frame.payload, adapterID: configuration.adapterID)))
        default:
            let call = state.withLock { $0.calls[frame.callID] }
            guard let call else { return }  // a call the host already gave up on
            if !call.receive(frame) {
                kill(reason: "its helper sent a malformed \(frame.kind) frame for tool \"\(call.toolID)\"")
            }
        }
    }

    /// After stdout closed: the helper gets `killGrace` to exit, then SIGKILL; its group dies.
    private func awaitExit(_ pid: pid_t, descriptor: Int32) {
        if descriptor >= 0 {
            var exitFD = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: killGrace.wholeMilliseconds)
            while poll(&exitFD, 1, milliseconds) < 0 && errno == EINTR {}
            if exitFD.revents == 0 { Self.killGroup(pid) }
        } else {
            Self.killGroup(pid)
        }
        // Anything the helper left in its group (a plugin's own children) goes with it.
        _ = Glibc.kill(-pid, SIGKILL)
        closeParentEnds()
    }

    private func closeParentEnds() {
        state.withLock { state in
            guard !state.inputClosed else { return }
            state.inputClosed = true
            state.backlog = []
            close(inputFD)
            close(outputFD)
            close(wakeReadFD)
            close(wakeWriteFD)
        }
    }

    /// The helper was reaped: readiness fails if it never came, every unfinished call is handed
    /// to the observer, and waiters on the exit resume.
    private func finish(status: String) {
        let (calls, reason, shutdown) = state.withLock { state in
            let calls = state.calls.values.sorted { $0.id < $1.id }
            state.calls = [:]
            state.exited = true
            return (calls, state.stopReason, state.shutdownRequested)
        }
        settleReadiness(.failure(ToolError(
            .crashed, "adapter \(configuration.adapterID): its helper process \(status) before it was ready"
                + (reason.map { " (\($0))" } ?? ""))))
        observer.helperExited(self, exit: HelperExit(status: status, stopReason: reason, wasShutDown: shutdown),
                              unfinished: calls)
        let waiters = state.withLock { state in
            state.reaped = true
            defer { state.exitWaiters = [] }
            return state.exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// `exited with status 3` or `was killed by signal 11 (SIGSEGV)`.
    static func describe(_ status: TerminationStatus) -> String {
        switch status {
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal):
            let name = sy_isolation_signal_name(signal).map { String(cString: $0) } ?? String(cString: strsignal(signal))
            return "was killed by signal \(signal) (\(name))"
        }
    }
}
