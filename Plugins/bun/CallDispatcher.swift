import SwitchyardAdapterKit

/// Runs calls on processes: a warm pool (`pooled`) or a fresh process each (`per_call`).
protocol CallDispatcher: Sendable {
    /// Starts the call; its terminal frame comes later (or at once when it cannot start).
    func submit(_ call: ToolCall)
    /// Stops the call's process (or drops it from the queue); the terminal frame follows.
    func cancel(_ call: ToolCall)
    /// Stops every process and waits until each was reaped and its calls ended.
    func shutdown()
}

/// `per_call`: one process per call, compozy's behaviour and the strongest isolation.
final class PerCallDispatcher: CallDispatcher, WorkerObserver, @unchecked Sendable {
    private let launch: WorkerLaunch
    private let running = MutexBox<[ObjectIdentifier: WorkerProcess]>([:])
    private let serials = MutexBox<UInt64>(0)

    init(launch: WorkerLaunch) { self.launch = launch }

    func submit(_ call: ToolCall) {
        let serial = serials.withLock { $0 += 1; return $0 }
        var launch = self.launch
        // compozy's per-call env is the process environment.
        launch.environment.merge(call.environment) { _, own in own }
        let inline = launch.requestInEnvironment && Self.fitsEnvironment(call.requestLine)
        if launch.requestInEnvironment {
            // Always set: empty means "read stdin", and no inherited value can stand in.
            launch.environment[Self.requestVariable] = inline ? String(decoding: call.requestLine.dropLast(), as: UTF8.self) : ""
        }
        let worker: WorkerProcess
        do { worker = try WorkerProcess(launch: launch, observer: self, serial: serial) } catch {
            call.fail(.crashed, error.message)
            return
        }
        running.withLock { $0[ObjectIdentifier(worker)] = worker }
        _ = worker.submit(call, requestInEnvironment: inline)
        worker.start()
        if call.cancelRequested { worker.cancel(call) }
    }

    /// The variable the lean per_call script reads its request from.
    static let requestVariable = "SWITCHYARD_REQUEST"

    /// A request line goes in the environment when it is well below Linux's 128 KiB limit
    /// for one environment string and holds no NUL (which would cut it short).
    static func fitsEnvironment(_ line: [UInt8]) -> Bool {
        line.count <= 64 * 1024 && !line.contains(0)
    }

    func cancel(_ call: ToolCall) {
        let (_, worker) = call.markCanceled()
        worker?.cancel(call)
    }

    func shutdown() {
        let workers = running.withLock { Array($0.values) }
        for worker in workers { worker.stop(.shutdown) }
        for worker in workers { _ = worker.exited.wait(milliseconds: 30_000) }
    }

    func workerStopping(_ worker: WorkerProcess) {}
    func workerGone(_ worker: WorkerProcess) {}
    func workerCallEnded(_ worker: WorkerProcess, overMemory: Bool) {}
    /// per_call requests go into the pipe before the process starts, so none comes back
    /// undelivered; should one, it fails rather than spawning again.
    func workerExited(_ worker: WorkerProcess, undelivered: [ToolCall]) {
        _ = running.withLock { $0.removeValue(forKey: ObjectIdentifier(worker)) }
        for call in undelivered {
            call.fail(.crashed, "the \(launch.runtimeName) process for tool \"\(call.toolID)\" exited before reading its request")
        }
    }
}
