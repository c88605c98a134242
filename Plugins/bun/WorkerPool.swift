import Dispatch
import SwitchyardABI
import SwitchyardAdapterKit

/// `pooled`: `workers` warm processes, several calls in flight on each, recycled after
/// `max_calls_per_worker` calls or above the memory ceiling.
///
/// Calls go to the least-busy accepting worker; when every worker has
/// `max_inflight_per_worker` calls, they wait in a FIFO queue (their deadline and cancel still
/// apply there). A worker being stopped (a call's deadline or cancel, a protocol violation)
/// leaves the rotation at once and a fresh worker takes its place; the calls it still held fail
/// as `crashed` naming the call that caused the stop (JavaScript cannot abort one call inside a
/// shared event loop, and re-running a tool that may have side effects is worse). A worker that
/// died on its own is replaced when the next call needs it, so a worker that cannot start
/// does not spin. A worker whose stdout closed or whose process exited takes no more calls even
/// before it is reaped; a call it had accepted but never received (not one byte reached its
/// stdin) is placed again on another worker instead of failing.
final class WorkerPool: CallDispatcher, WorkerObserver, @unchecked Sendable {
    private struct Entry {
        var worker: WorkerProcess
        var inflight = 0
        var dispatched = 0
        var accepting = true
        /// Its stdout closed or its process exited: not routable, whatever `accepting` says
        /// (which still decides whether it is replaced once reaped).
        var gone = false
        var routable: Bool { accepting && !gone }
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var queue: [ToolCall] = []
        var shuttingDown = false
        var serial: UInt64 = 0
        /// Spawns that failed since a worker last finished a call: the refill backoff's exponent.
        var spawnFailures = 0
        var refillScheduled = false
        var lastSpawnFailure: String?
        /// Workers retired on purpose (after `max_calls_per_worker`, or over the memory limit).
        var recycles = 0
        var acceptingCount: Int { entries.values.count { $0.routable } }
    }

    private let launch: WorkerLaunch
    private let size: Int
    private let maxInflight: Int
    private let maxCalls: Int
    private let state = MutexBox(State())

    init(launch: WorkerLaunch, size: Int, maxInflight: Int, maxCalls: Int) {
        self.launch = launch
        self.size = size
        self.maxInflight = maxInflight
        self.maxCalls = maxCalls
    }

    /// Starts the warm workers.
    func warmUp() throws(AdapterFailure) {
        for _ in 0..<size {
            let created = state.withLock { state in Result { () throws(AdapterFailure) in try addWorker(&state) } }
            try created.get().start()
        }
    }

    private func addWorker(_ state: inout State) throws(AdapterFailure) -> WorkerProcess {
        state.serial += 1
        let worker = try WorkerProcess(launch: launch, observer: self, serial: state.serial)
        state.entries[ObjectIdentifier(worker)] = Entry(worker: worker)
        return worker
    }

    private enum Placement {
        case worker(WorkerProcess, started: WorkerProcess?, retire: Bool)
        case queued
        case rejected(String)
    }

    /// Picks a worker for one call (spawning one when the pool is short), under the lock.
    private func place(_ call: ToolCall, _ state: inout State, queueIfFull: Bool) -> Placement {
        if state.shuttingDown { return .rejected("the adapter instance is shutting down") }
        var best: ObjectIdentifier?
        for (key, entry) in state.entries where entry.routable && entry.inflight < maxInflight {
            if best == nil || entry.inflight < state.entries[best!]!.inflight { best = key }
        }
        var started: WorkerProcess?
        if best == nil && state.acceptingCount < size && !state.refillScheduled {
            do {
                let worker = try addWorker(&state)
                started = worker
                best = ObjectIdentifier(worker)
            } catch {
                spawnFailed(error.message, &state)
            }
        }
        if best == nil && state.acceptingCount == 0, let failure = state.lastSpawnFailure, state.refillScheduled {
            return .rejected("no \(launch.runtimeName) worker is running: \(failure); the pool tries again in \(refillDelay(state))")
        }
        guard let key = best, var entry = state.entries[key] else {
            if queueIfFull { state.queue.append(call) }
            return .queued
        }
        entry.inflight += 1
        entry.dispatched += 1
        var retire = false
        if entry.dispatched >= maxCalls {
            entry.accepting = false
            retire = true
            state.recycles += 1
        }
        state.entries[key] = entry
        return .worker(entry.worker, started: started, retire: retire)
    }

    func submit(_ call: ToolCall) {
        let placement = state.withLock { place(call, &$0, queueIfFull: true) }
        run(call, placement)
    }

    private func run(_ call: ToolCall, _ placement: Placement) {
        switch placement {
        case .rejected(let message):
            call.fail(.crashed, message)
        case .queued:
            call.failWhenQueuedPastDeadline(waitingFor: "a free \(launch.runtimeName) worker") { [self] in removeQueued(call) }
        case .worker(let worker, let started, let retire):
            started?.start()
            if retire { replenish() }
            if worker.submit(call) {
                if retire { worker.closeInput() }
                if call.cancelRequested { worker.cancel(call) }
            } else {
                // It began stopping or died in between: take it out of rotation and try again.
                // (`gone`, not `accepting`: whether it is replaced is decided when it is reaped.)
                state.withLock { state in
                    let key = ObjectIdentifier(worker)
                    state.entries[key]?.gone = true
                    state.entries[key]?.inflight -= 1
                }
                submit(call)
            }
        }
    }

    private func removeQueued(_ call: ToolCall) -> Bool {
        state.withLock { state in
            guard let index = state.queue.firstIndex(where: { $0 === call }) else { return false }
            state.queue.remove(at: index)
            return true
        }
    }

    func cancel(_ call: ToolCall) {
        let (ended, worker) = call.markCanceled()
        if ended { return }
        if removeQueued(call) {
            call.fail(.canceled, "the call to tool \"\(call.toolID)\" was canceled before a worker took it")
            return
        }
        worker?.cancel(call)
    }

    /// Brings the number of accepting workers back to `size` (unless a refill is scheduled).
    private func replenish() {
        let started = state.withLock { state -> [WorkerProcess] in
            guard !state.shuttingDown, !state.refillScheduled else { return [] }
            var started: [WorkerProcess] = []
            while state.acceptingCount < size {
                do throws(AdapterFailure) { started.append(try addWorker(&state)) } catch {
                    spawnFailed(error.message, &state)
                    break
                }
            }
            return started
        }
        for worker in started { worker.start() }
        drainQueue()
    }

    /// Moves queued calls onto workers with room.
    private func drainQueue() {
        while true {
            let next = state.withLock { state -> (ToolCall, Placement)? in
                guard let call = state.queue.first else { return nil }
                let placement = place(call, &state, queueIfFull: false)
                if case .queued = placement { return nil }
                state.queue.removeFirst()
                return (call, placement)
            }
            guard let (call, placement) = next else { return }
            run(call, placement)
        }
    }

    /// A worker could not be created or spawned: the pool refills after a backoff (50 ms,
    /// doubling to 5 s, reset once a worker finishes a call) instead of staying short, and
    /// without spinning on a runtime that cannot start. Meanwhile calls go to the workers that
    /// exist; with none, they fail at once naming the spawn failure.
    private func spawnFailed(_ message: String, _ state: inout State) {
        state.spawnFailures += 1
        state.lastSpawnFailure = message
        guard !state.refillScheduled, !state.shuttingDown else { return }
        state.refillScheduled = true
        let delay = refillDelay(state)
        launch.host.log(SY_LOG_WARNING, "\(message); the \(launch.runtimeName) pool tries again in \(delay)")
        let nanoseconds = Int(delay.components.seconds) * 1_000_000_000 + Int(delay.components.attoseconds / 1_000_000_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [self] in
            self.state.withLock { $0.refillScheduled = false }
            replenish()
        }
    }

    /// The wait before the next refill: 50 ms doubled per failure since the last good call, at most 5 s.
    private func refillDelay(_ state: State) -> Duration {
        .milliseconds(min(5_000, 50 << min(7, max(0, state.spawnFailures - 1))))
    }

    func workerStopping(_ worker: WorkerProcess) {
        let wasAccepting = state.withLock { state -> Bool in
            let key = ObjectIdentifier(worker)
            let was = state.entries[key]?.accepting ?? false
            state.entries[key]?.accepting = false
            return was
        }
        if wasAccepting { replenish() }
    }

    func workerGone(_ worker: WorkerProcess) {
        state.withLock { $0.entries[ObjectIdentifier(worker)]?.gone = true }
    }

    func workerCallEnded(_ worker: WorkerProcess, overMemory: Bool) {
        let retire = state.withLock { state -> Bool in
            let key = ObjectIdentifier(worker)
            guard var entry = state.entries[key] else { return false }
            state.spawnFailures = 0
            entry.inflight -= 1
            var retire = false
            if overMemory && entry.accepting {
                entry.accepting = false
                retire = true
                state.recycles += 1
            }
            state.entries[key] = entry
            return retire
        }
        if retire {
            worker.closeInput()
            replenish()
        } else {
            drainQueue()
        }
    }

    func workerExited(_ worker: WorkerProcess, undelivered: [ToolCall]) {
        let startFailure = worker.startFailure
        let replace = state.withLock { state -> Bool in
            guard let entry = state.entries.removeValue(forKey: ObjectIdentifier(worker)) else { return false }
            if let startFailure, entry.accepting {
                spawnFailed(startFailure, &state)
                return false
            }
            // A worker that served calls and died is replaced now; one that never served a
            // call waits for the next call, so a runtime that cannot start does not spin.
            return entry.accepting && (worker.callsStarted > 0 || !state.queue.isEmpty)
        }
        if replace { replenish() } else { drainQueue() }
        for call in undelivered {
            if call.cancelRequested {
                call.fail(.canceled, "the call to tool \"\(call.toolID)\" was canceled before a worker took it")
            } else {
                submit(call)
            }
        }
    }

    var statistics: InstanceStatistics {
        state.withLock { state in
            InstanceStatistics(
                gauges: ["pool_workers": state.entries.count,
                         "pool_workers_busy": state.entries.values.count { $0.inflight > 0 },
                         "pool_calls_in_flight": state.entries.values.reduce(0) { $0 + $1.inflight },
                         "pool_queued_calls": state.queue.count],
                counters: ["pool_recycles_total": state.recycles, "pool_workers_started_total": Int(state.serial)])
        }
    }

    func shutdown() {
        let (queued, workers) = state.withLock { state -> ([ToolCall], [WorkerProcess]) in
            state.shuttingDown = true
            defer { state.queue = [] }
            return (state.queue, state.entries.values.map(\.worker))
        }
        for call in queued { call.fail(.canceled, "the adapter instance was destroyed") }
        for worker in workers { worker.stop(.shutdown) }
        for worker in workers { _ = worker.exited.wait(milliseconds: 30_000) }
    }
}
