import Dispatch
import SwitchyardAdapterKit

/// Runs calls on processes: a warm pool (`pooled`) or a fresh process each (`per_call`).
protocol CallDispatcher: Sendable {
    /// Starts the call; its terminal frame comes later (or at once when it cannot start).
    func submit(_ call: ToolCall)
    /// Stops the call's process (or drops it from the queue); the terminal frame follows.
    func cancel(_ call: ToolCall)
    /// Stops every process and waits until each was reaped and its calls ended.
    func shutdown()
    /// Processes, queue and recycles now, for the `stats` hook (never blocks for long).
    var statistics: InstanceStatistics { get }
}

/// `per_call`: one process per call, compozy's behaviour and the strongest isolation.
///
/// At most `maxConcurrent` processes run at once (config `max_concurrent`): 100 calls must not
/// start 100 runtimes. The rest wait in a FIFO queue, where their deadline and cancel still
/// apply; each process that ends starts the next waiting call.
final class PerCallDispatcher: CallDispatcher, WorkerObserver, @unchecked Sendable {
    private struct State {
        var running: [ObjectIdentifier: WorkerProcess] = [:]
        var waiting: [ToolCall] = []
        /// Slots taken by calls whose process is being created.
        var reservedSlots = 0
        var serial: UInt64 = 0
        var shuttingDown = false
    }

    private let launch: WorkerLaunch
    private let maxConcurrent: Int
    private let state = MutexBox(State())

    init(launch: WorkerLaunch, maxConcurrent: Int) {
        self.launch = launch
        self.maxConcurrent = maxConcurrent
    }

    func submit(_ call: ToolCall) {
        enum Admission { case start(UInt64), wait, refuse }
        let admission = state.withLock { state -> Admission in
            if state.shuttingDown { return .refuse }
            // A slot is taken before the process exists, so concurrent submits cannot overshoot.
            guard state.running.count + state.reservedSlots < maxConcurrent else {
                state.waiting.append(call)
                return .wait
            }
            state.serial += 1
            state.reservedSlots += 1
            return .start(state.serial)
        }
        switch admission {
        case .refuse: call.fail(.canceled, "the adapter instance is shutting down")
        case .wait:
            call.failWhenQueuedPastDeadline(waitingFor: "a free \(launch.runtimeName) process slot (max_concurrent \(maxConcurrent))") { [self] in
                removeWaiting(call)
            }
        case .start(let serial): start(call, serial: serial)
        }
    }

    private func start(_ call: ToolCall, serial: UInt64) {
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
            state.withLock { $0.reservedSlots -= 1 }
            call.fail(.crashed, error.message)
            startWaiting()
            return
        }
        state.withLock { state in
            state.reservedSlots -= 1
            state.running[ObjectIdentifier(worker)] = worker
        }
        _ = worker.submit(call, requestInEnvironment: inline)
        worker.start()
        if call.cancelRequested { worker.cancel(call) }
    }

    /// Starts waiting calls while there are free slots.
    private func startWaiting() {
        while true {
            let next = state.withLock { state -> (ToolCall, UInt64)? in
                guard !state.shuttingDown, !state.waiting.isEmpty,
                      state.running.count + state.reservedSlots < maxConcurrent else { return nil }
                state.serial += 1
                state.reservedSlots += 1
                return (state.waiting.removeFirst(), state.serial)
            }
            guard let (call, serial) = next else { return }
            start(call, serial: serial)
        }
    }

    private func removeWaiting(_ call: ToolCall) -> Bool {
        state.withLock { state in
            guard let index = state.waiting.firstIndex(where: { $0 === call }) else { return false }
            state.waiting.remove(at: index)
            return true
        }
    }

    /// The variable the lean per_call script reads its request from.
    static let requestVariable = "SWITCHYARD_REQUEST"

    /// A request line goes in the environment when it is well below Linux's 128 KiB limit
    /// for one environment string and holds no NUL (which would cut it short).
    static func fitsEnvironment(_ line: [UInt8]) -> Bool {
        line.count <= 64 * 1024 && !line.contains(0)
    }

    func cancel(_ call: ToolCall) {
        let (ended, worker) = call.markCanceled()
        if ended { return }
        if removeWaiting(call) {
            call.fail(.canceled, "the call to tool \"\(call.toolID)\" was canceled before its \(launch.runtimeName) process started")
            return
        }
        worker?.cancel(call)
    }

    var statistics: InstanceStatistics {
        state.withLock { state in
            // One process per call: every running process is busy, none is recycled.
            InstanceStatistics(
                gauges: ["pool_workers": state.running.count, "pool_workers_busy": state.running.count,
                         "pool_calls_in_flight": state.running.count, "pool_queued_calls": state.waiting.count],
                counters: ["pool_recycles_total": 0, "pool_workers_started_total": Int(state.serial)])
        }
    }

    func shutdown() {
        let (waiting, workers) = state.withLock { state -> ([ToolCall], [WorkerProcess]) in
            state.shuttingDown = true
            defer { state.waiting = [] }
            return (state.waiting, Array(state.running.values))
        }
        for call in waiting { call.fail(.canceled, "the adapter instance was destroyed") }
        for worker in workers { worker.stop(.shutdown) }
        for worker in workers { _ = worker.exited.wait(milliseconds: 30_000) }
    }

    func workerStopping(_ worker: WorkerProcess) {}
    func workerGone(_ worker: WorkerProcess) {}
    func workerCallEnded(_ worker: WorkerProcess, overMemory: Bool) {}
    /// per_call requests go into the pipe before the process starts, so none comes back
    /// undelivered; should one, it fails rather than spawning again.
    func workerExited(_ worker: WorkerProcess, undelivered: [ToolCall]) {
        _ = state.withLock { $0.running.removeValue(forKey: ObjectIdentifier(worker)) }
        for call in undelivered {
            call.fail(.crashed, "the \(launch.runtimeName) process for tool \"\(call.toolID)\" exited before reading its request")
        }
        startWaiting()
    }
}

extension ToolCall {
    /// A call waiting in a queue fails as `timeout` when its deadline passes there; `remove`
    /// takes it out of the queue and says whether it was still in it.
    func failWhenQueuedPastDeadline(waitingFor what: String, remove: @escaping @Sendable () -> Bool) {
        guard let deadline else { return }
        let delay = deadline - ContinuousClock.now
        let nanoseconds = max(0, delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
            if remove() {
                fail(.timeout, "tool \"\(toolID)\" passed its timeout of \(timeoutMS) ms while waiting for \(what)")
            }
        }
    }
}
