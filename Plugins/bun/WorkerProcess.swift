#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Subprocess
import SwitchyardABI
import SwitchyardAdapterKit
import Synchronization
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// What a pool (or the per-call runner) hears from its workers.
protocol WorkerObserver: AnyObject, Sendable {
    /// A stop began (deadline, cancel, protocol violation...): dispatch no more calls to it.
    func workerStopping(_ worker: WorkerProcess)
    /// Its stdout closed or its process exited: dispatch no more calls to it (it may not have
    /// been reaped yet, so `workerExited` follows).
    func workerGone(_ worker: WorkerProcess)
    /// A call on the worker ended; `overMemory` when its RSS passed the ceiling.
    func workerCallEnded(_ worker: WorkerProcess, overMemory: Bool)
    /// The process was reaped, its readers finished, its descriptors closed and every call it
    /// held got its terminal frame, except `undelivered`: pooled calls of a worker that died on
    /// its own before a byte of their request reached its stdin. They never ran; the observer
    /// places them again (or fails them).
    func workerExited(_ worker: WorkerProcess, undelivered: [ToolCall])
}

/// How to start one runtime process and the limits it runs under.
struct WorkerLaunch: Sendable {
    var runtimeName: String
    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var workingDirectory: String
    var killGrace: Duration
    var maxOutputBytes: Int
    var maxStderrBytes: Int
    var memoryCeilingKB: Int
    var perCall: Bool
    /// The lean per_call script: the request travels in `$SWITCHYARD_REQUEST` when it fits.
    var requestInEnvironment: Bool = false
    var host: HostConnection
}

/// One runtime process (bun, node or deno) running the worker script, with its three pipes and
/// the one thread that serves them.
///
/// Lifecycle: `start()` spawns through swift-subprocess in its own process group. A dedicated
/// I/O thread polls stdout, stderr, the stdin backlog, the process descriptor and a wake-up
/// eventfd; it enforces deadlines and runs the stop sequence (SIGTERM to the group, grace,
/// SIGKILL). When the process exits the group is killed (a grandchild holding stdout cannot
/// hang us), the pipes are drained, every descriptor is closed, subprocess reaps the process,
/// and only then do the calls still owed a terminal frame get one.
final class WorkerProcess: @unchecked Sendable {
    /// Why the process is being stopped; decides each remaining call's error.
    enum StopReason {
        case deadline(ToolCall)
        case canceled(ToolCall)
        case outputLimit(ToolCall, Int)
        case hostStopped(ToolCall)
        case protocolViolation(String)
        case finishedOneCall
        case shutdown
    }

    let launch: WorkerLaunch
    let observer: any WorkerObserver
    let serial: UInt64

    // Parent ends; the I/O thread owns closing them.
    let inputFD: Int32
    let outputFD: Int32
    let errorFD: Int32
    /// A self-pipe: any thread writes a byte to wake the I/O thread out of poll.
    let wakeFD: Int32
    let wakeReadFD: Int32
    // Child ends: handed to subprocess, which closes them after spawning.
    let childInput: Int32
    let childOutput: Int32
    let childError: Int32

    let state = Mutex<State>(State())
    /// Signalled once `finish` has run.
    let exited = UnsafeSemaphore()

    struct State {
        var calls: [UInt64: ToolCall] = [:]
        var pendingInput: [UInt8] = []
        /// The calls whose request bytes are in `pendingInput`, in order, with how many of
        /// their bytes are still unwritten.
        var pendingRequests: [(wireID: UInt64, unwritten: Int)] = []
        /// Calls at least one byte of whose request went into the pipe.
        var delivered: Set<UInt64> = []
        /// The I/O thread saw stdout close or the process exit.
        var gone = false
        var writerBusy = false
        var closeInputWhenFlushed = false
        var inputClosed = false
        var stopReason: StopReason?
        var finished = false
        var callsStarted = 0
        var wakeClosed = false
        /// pooled calls whose thread is being stopped alone (see WorkerProcess+Abort.swift).
        var aborting: [UInt64: PendingAbort] = [:]
        /// Why the process could not be spawned, in `SpawnFailure`'s words.
        var startFailure: String?
    }

    /// Owned by the I/O thread while it runs, then by `finish` (which runs after it ended).
    var parser = ResponseLineParser()
    var stderrCapture: StderrCapture
    /// The log budget of stderr lines no call claims (see `WorkerProcess+Stderr.swift`).
    var unclaimedStderr = StderrLogLimit()
    var current: (call: ToolCall?, frameKind: UInt32, terminal: Bool, forwarding: Bool)?
    var lastMemoryCheck = ContinuousClock.now - .seconds(1)
    var processID: pid_t = 0
    /// In the process's environment, inherited by its descendants: see `DescendantReaper`.
    let marker: String

    /// Creates the pipes. - Throws: `AdapterFailure.internal` when the system is out of descriptors.
    init(launch: WorkerLaunch, observer: any WorkerObserver, serial: UInt64) throws(AdapterFailure) {
        self.launch = launch
        self.observer = observer
        self.serial = serial
        self.stderrCapture = StderrCapture(limit: launch.maxStderrBytes)
        let input = SystemCalls.pipe(), output = SystemCalls.pipe(), error = SystemCalls.pipe()
        let wake = SystemCalls.pipe(nonBlocking: true)
        guard let input, let output, let error, let wake else {
            let saved = errno
            for ends in [input, output, error, wake] {
                if let ends { close(ends.read); close(ends.write) }
            }
            throw .internal("could not start \(launch.runtimeName): \(SpawnFailure.describe(errno: saved)) while creating its pipes")
        }
        inputFD = input.write; childInput = input.read
        outputFD = output.read; childOutput = output.write
        errorFD = error.read; childError = error.write
        wakeFD = wake.write; wakeReadFD = wake.read
        for fd in [inputFD, outputFD, errorFD] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        // A large answer then crosses in 1 MiB pipe-fulls instead of 64 KiB ones (16× fewer
        // wake-ups on both sides). Best effort: the default capacity still works.
        _ = fcntl(outputFD, SystemCalls.setPipeSize, SystemCalls.largePipeCapacity)
        marker = DescendantReaper.newMarker()
    }

    /// Why the process could not be spawned; nil when it started (or has not been tried).
    var startFailure: String? { state.withLock { $0.startFailure } }

    /// Number of calls this process has been given.
    var callsStarted: Int { state.withLock { $0.callsStarted } }

    /// Hands a call to the process. Returns false when it is stopping or gone (the caller
    /// chooses another worker or fails the call). `requestInEnvironment`: the request is in
    /// the process environment already, so nothing goes to stdin.
    func submit(_ call: ToolCall, requestInEnvironment: Bool = false) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard !state.finished, !state.gone, state.stopReason == nil, !state.closeInputWhenFlushed else { return false }
            state.calls[call.wireID] = call
            state.callsStarted += 1
            if requestInEnvironment {
                state.delivered.insert(call.wireID)
            } else {
                state.pendingInput.append(contentsOf: call.requestLine)
                state.pendingRequests.append((call.wireID, call.requestLine.count))
            }
            return true
        }
        guard accepted else { return false }
        call.attach(to: self)
        // per_call: stdin stays open for the call's life (its end without a drain means the
        // host died); the process is stopped once it has answered (see `forwardPayload`).
        flushInput()
        return true
    }

    /// No more calls: stdin closes once the backlog is written, and the worker exits after its
    /// calls finish (recycling without killing anyone).
    func closeInput() {
        drainAndCloseInput()
        flushInput()
    }

    /// Queues the drain request and the end of stdin: without the drain, a worker takes the end
    /// of stdin for the host's death and stops at once.
    private func drainAndCloseInput() {
        state.withLock { state in
            guard !state.closeInputWhenFlushed, !state.inputClosed else { return }
            state.pendingInput.append(contentsOf: WorkerScript.drainLine)
            state.closeInputWhenFlushed = true
        }
    }

    /// Starts the stop sequence (idempotent; the first reason wins). Never blocks.
    func stop(_ reason: StopReason) {
        let first = state.withLock { state -> Bool in
            guard state.stopReason == nil, !state.finished else { return false }
            state.stopReason = reason
            return true
        }
        if first { wake() }
    }

    /// Cancels one call. per_call: the process (and its group) is stopped; see `finish`.
    /// pooled: only the call's worker thread is stopped; see `abort`.
    func cancel(_ call: ToolCall) {
        guard launch.perCall else { return abort(call, fallback: .canceled(call)) }
        let holds = state.withLock { $0.calls[call.wireID] != nil }
        if holds { stop(.canceled(call)) }
    }

    private func wake() {
        state.withLock { state in
            guard !state.wakeClosed else { return }
            var one: UInt8 = 1
            _ = write(wakeFD, &one, 1)
        }
    }

    /// Writes as much of the stdin backlog as the pipe takes now; the I/O thread finishes the
    /// rest when the pipe is writable again. Writes happen on the caller's thread first so a
    /// pooled call costs no thread hop on the way in.
    func flushInput() {
        while true {
            let chunk: [UInt8]? = state.withLock { state in
                guard !state.writerBusy, !state.inputClosed, !state.pendingInput.isEmpty else { return nil }
                state.writerBusy = true
                defer { state.pendingInput = [] }
                return state.pendingInput
            }
            guard let chunk else { wake(); return }
            var written = 0
            var broken = false
            chunk.withUnsafeBytes { bytes in
                while written < bytes.count {
                    let count = write(inputFD, bytes.baseAddress! + written, bytes.count - written)
                    if count > 0 { written += count; continue }
                    if count < 0 && errno == EINTR { continue }
                    if count < 0 && errno != EAGAIN { broken = true }
                    break
                }
            }
            let more = state.withLock { state -> Bool in
                state.writerBusy = false
                state.recordWritten(written)
                if broken {
                    // The process is gone; the exit path ends its calls.
                    state.pendingInput = []
                    state.pendingRequests = []
                    return false
                }
                if written < chunk.count {
                    state.pendingInput = Array(chunk[written...]) + state.pendingInput
                    return false
                }
                return !state.pendingInput.isEmpty
            }
            if !more { wake(); return }
        }
    }

    /// True once the I/O thread saw the worker's stdout close or its process exit.
    var isGone: Bool { state.withLock { $0.gone } }

    /// Spawns the process in a new process group; returns at once.
    func start() {
        let launch = self.launch
        Task.detached { [self] in
            var options = PlatformOptions()
            options.processGroupID = 0
            // Exactly the launch's environment (see `BunAdapterInstance.toolEnvironment`).
            var environment: [Environment.Key: String] = [:]
            for (key, value) in launch.environment { environment[Environment.Key(stringLiteral: key)] = value }
            environment[Environment.Key(stringLiteral: DescendantReaper.markerVariable)] = marker
            var status: TerminationStatus?
            var failure: (any Error)?
            do {
                let outcome = try await Subprocess.run(
                    .path(FilePath(launch.executable)),
                    arguments: Arguments(launch.arguments),
                    environment: .custom(environment),
                    workingDirectory: FilePath(launch.workingDirectory),
                    platformOptions: options,
                    input: .fileDescriptor(FileDescriptor(rawValue: childInput), closeAfterSpawningProcess: true),
                    output: .fileDescriptor(FileDescriptor(rawValue: childOutput), closeAfterSpawningProcess: true),
                    error: .fileDescriptor(FileDescriptor(rawValue: childError), closeAfterSpawningProcess: true)
                ) { execution in
                    DescendantReaper.started(marker: marker, pid: execution.processIdentifier.value)
                    await self.serve(execution.processIdentifier.value,
                                     descriptor: execution.processIdentifier.processDescriptor)
                }
                status = outcome.terminationStatus
            } catch {
                failure = error
                self.closeParentEnds()
            }
            self.finish(status: status, spawnFailure: failure)
        }
    }

    /// Runs the I/O loop on its own thread (it blocks in poll) and waits for it.
    private func serve(_ pid: pid_t, descriptor: Int32) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread { [self] in
                self.runLoop(pid: pid, processDescriptor: descriptor)
                done.resume()
            }
            thread.name = "switchyard-\(launch.runtimeName)-io"
            thread.start()
        }
    }
}

extension WorkerProcess.State {
    /// `count` bytes from the front of `pendingInput` reached the pipe: every request they
    /// touched counts as delivered (the worker may have read it).
    mutating func recordWritten(_ count: Int) {
        var left = count
        while left > 0, let first = pendingRequests.first {
            delivered.insert(first.wireID)
            if first.unwritten <= left {
                left -= first.unwritten
                pendingRequests.removeFirst()
            } else {
                pendingRequests[0].unwritten -= left
                left = 0
            }
        }
    }
}
