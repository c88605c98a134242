import Synchronization
import SwitchyardEngine
import SwitchyardJSON

/// The per-execution broadcast behind `GET …/events`: every event of the executions this server
/// runs goes into that execution's log, numbered; each stream reader keeps only a cursor into
/// the log and a wake-up signal (buffer of one), so a slow client costs nothing but its cursor
/// and cannot make the server hold more. A reader that subscribes reads the log from its cursor
/// and then whatever is appended: no gap and no duplicate, by construction.
///
/// Bounds: per execution at most `detailLimit` progress and log lines are kept (later ones are
/// counted as dropped; task events and the final status are always kept); the logs of the last
/// `retainedFinished` finished executions stay for late readers, older ones are forgotten (the
/// store then answers for them).
final class ExecutionEventHub: Sendable {
    let detailLimit: Int
    let retainedFinished: Int

    private struct Log {
        let detailLimit: Int
        var events: [ExecutionStreamEvent] = []
        var details = 0
        var droppedDetails = 0
        var finished = false
        /// When each running task started (by path), for `duration_ms`.
        var started: [String: ContinuousClock.Instant] = [:]
        var readers: [Int: AsyncStream<Void>.Continuation] = [:]

        mutating func append(type: String, members: [String: JSONValue]) {
            let event = ExecutionStreamEvent(id: (events.last?.id ?? 0) + 1, type: type, members: members)
            if event.isDetail {
                guard details < detailLimit else {
                    droppedDetails += 1
                    return
                }
                details += 1
            }
            events.append(event)
            for reader in readers.values { reader.yield() }
        }
    }

    private struct State {
        var logs: [String: Log] = [:]
        var finishedOrder: [String] = []
        var nextReader = 0
    }

    private let state = Mutex(State())

    init(detailLimit: Int = 10_000, retainedFinished: Int = 64) {
        self.detailLimit = detailLimit
        self.retainedFinished = retainedFinished
    }

    /// An observer that records every event, then passes it to `next`.
    func observer(then next: ExecutionObserver?) -> ExecutionObserver {
        { [self] event in
            record(event)
            next?(event)
        }
    }

    /// Appends an engine event to its execution's log (opening the log on its first event).
    func record(_ event: ExecutionEvent) {
        guard let execID = Self.execID(of: event) else { return }
        let now = ContinuousClock.now, time = Timestamp.now()
        state.withLock { state in
            var log = state.logs[execID] ?? newLog()
            guard !log.finished else { return }
            var duration: Int64?
            switch event {
            case .taskStarted(_, _, let path):
                log.started[path] = now
            case .taskFinished(_, _, let path, _, _):
                duration = log.started.removeValue(forKey: path).map { start in
                    let elapsed = now - start
                    return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
                }
            default:
                break
            }
            if let (type, members) = ExecutionStreamEvent.members(of: event, at: time, duration: duration) {
                log.append(type: type, members: members)
            }
            state.logs[execID] = log
        }
    }

    /// Opens the log of an execution this server just started, and closes it with the final status
    /// once the run ends.
    func track(_ handle: ExecutionHandle) {
        state.withLock { state in
            if state.logs[handle.execID] == nil { state.logs[handle.execID] = newLog() }
        }
        Task { [self] in finish(await handle.result()) }
    }

    /// Appends the final status; readers see the end; the log is kept for late readers until
    /// `retainedFinished` newer executions have finished.
    func finish(_ result: WorkflowResult) {
        let time = Timestamp.now()
        state.withLock { state in
            guard var log = state.logs[result.execID], !log.finished else { return }
            var members = ExecutionStreamEvent.finalMembers(result, at: time)
            if log.droppedDetails > 0 { members["dropped_events"] = .int(Int64(log.droppedDetails)) }
            log.append(type: ExecutionStreamEvent.finalType, members: members)
            log.finished = true
            log.started = [:]
            state.logs[result.execID] = log
            state.finishedOrder.append(result.execID)
            while state.finishedOrder.count > retainedFinished {
                let forgotten = state.finishedOrder.removeFirst()
                if let readers = state.logs.removeValue(forKey: forgotten)?.readers.values {
                    for reader in readers { reader.finish() }
                }
            }
        }
    }

    /// A reader of an execution's log, or nil when this server has no log of it.
    func subscribe(execID: String) -> EventSubscription? {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let reader: Int? = state.withLock { state in
            guard state.logs[execID] != nil else { return nil }
            state.nextReader += 1
            state.logs[execID]!.readers[state.nextReader] = continuation
            return state.nextReader
        }
        guard let reader else { return nil }
        return EventSubscription(hub: self, execID: execID, reader: reader, wakeUps: stream, wake: continuation)
    }

    /// The events after `id` (at most `limit`) and whether the log is complete.
    func events(of execID: String, after id: Int, limit: Int = 256) -> (events: [ExecutionStreamEvent], finished: Bool)? {
        state.withLock { state in
            guard let log = state.logs[execID] else { return nil }
            // Ids are increasing; dropped details leave no hole in the numbering.
            let start = log.events.partitioningIndex { $0.id > id }
            return (Array(log.events[start..<min(log.events.count, start + limit)]), log.finished)
        }
    }

    func unsubscribe(execID: String, reader: Int) {
        let continuation = state.withLock { state in state.logs[execID]?.readers.removeValue(forKey: reader) }
        continuation?.finish()
    }

    /// Readers open now (for tests: a disconnected client leaves none behind).
    var readerCount: Int { state.withLock { state in state.logs.values.reduce(0) { $0 + $1.readers.count } } }

    private func newLog() -> Log { Log(detailLimit: detailLimit) }

    private static func execID(of event: ExecutionEvent) -> String? {
        switch event {
        case .taskStarted(let execID, _, _), .taskRestored(let execID, _, _, _), .taskFinished(let execID, _, _, _, _),
             .taskRouted(let execID, _, _, _, _),
             .toolFailed(let execID, _, _), .toolProgress(let execID, _, _), .toolLog(let execID, _, _, _):
            return execID
        @unknown default:
            // A case a newer engine added: not streamed until this server knows it.
            return nil
        }
    }
}

/// One stream reader's hold on an execution's log: a cursor the reader keeps, and wake-ups (new
/// events, or a heartbeat the reader asks for). `close` releases it.
struct EventSubscription: Sendable {
    let hub: ExecutionEventHub
    let execID: String
    let reader: Int
    let wakeUps: AsyncStream<Void>
    let wake: AsyncStream<Void>.Continuation

    func close() { hub.unsubscribe(execID: execID, reader: reader) }
}

extension Array {
    /// The first index whose element satisfies `belongs` (which must be false, then true, along
    /// the array), by bisection.
    fileprivate func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
