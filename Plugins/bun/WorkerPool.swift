import Dispatch
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
        if best == nil && state.acceptingCount < size {
            do {
                let worker = try addWorker(&state)
                started = worker
                best = ObjectIdentifier(worker)
            } catch {
                return .rejected(error.message)
            }
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
            if let deadline = call.deadline {
                let delay = deadline - ContinuousClock.now
                let nanoseconds = max(0, delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000)
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
                    if removeQueued(call) {
                        call.fail(.timeout, "tool \"\(call.toolID)\" passed its timeout of \(call.timeoutMS) ms while waiting for a free \(launch.runtimeName) worker")
                    }
                }
            }
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

    /// Brings the number of accepting workers back to `size`.
    private func replenish() {
        let started = state.withLock { state -> [WorkerProcess] in
            guard !state.shuttingDown else { return [] }
            var started: [WorkerProcess] = []
            while state.acceptingCount < size, let worker = try? addWorker(&state) { started.append(worker) }
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
            entry.inflight -= 1
            var retire = false
            if overMemory && entry.accepting {
                entry.accepting = false
                retire = true
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
        let replace = state.withLock { state -> Bool in
            guard let entry = state.entries.removeValue(forKey: ObjectIdentifier(worker)) else { return false }
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
