import SwitchyardEngine

/// Follows an execution through its store alone: what the event stream sends for an execution
/// this server did not run, and what `switchyard executions watch --project` reads when no server
/// holds it. Each `poll` reads the store again and answers the events not answered yet, numbered
/// on, in the text/event-stream form the route sends; `waitForChange()` waits until the store may
/// hold more: a wake-up from the store's notifier (a task of the execution recorded, started or
/// ended, or its final status, by whichever process runs it), else a slow fallback poll.
///
/// - Important: Call `close()` when done: it ends the notifier subscription.
public struct StoredEventFollower: Sendable {
    /// How often a store without a notifier is read again (there is no wake-up to wait for).
    public static let pollWithoutNotifier: Duration = .milliseconds(250)

    private let store: any ExecutionStore
    private let execID: String
    private let waker: ExecutionWaker
    private var sent = Set<String>()
    private var lastID: Int
    private var first = true

    /// A follower of `execID`, for a reader that already has the first `after` events. It
    /// subscribes to the store's notifier now, before its first `poll`.
    /// - Parameter fallbackPoll: how often the store is read again when no wake-up came (a safety
    ///   net for a lost one); a store without a notifier is read every `pollWithoutNotifier` at most.
    public init(store: any ExecutionStore, execID: String, after: Int = 0, fallbackPoll: Duration = .seconds(5)) {
        self.store = store
        self.execID = execID
        self.lastID = after
        let notifier = store.executionNotifier
        waker = ExecutionWaker(notifier: notifier, execID: execID, kinds: [.task, .finished],
                               tick: notifier == nil ? min(fallbackPoll, Self.pollWithoutNotifier) : fallbackPoll)
    }

    /// The events not answered yet as `id:`/`event:`/`data:` blocks ("" when none), and whether
    /// the execution has its final status; nil when the store has no such execution.
    public mutating func poll() async throws -> (text: String, finished: Bool)? {
        guard let record = try await store.workflow(execID: execID) else { return nil }
        let events = StoredExecutionEvents.events(record, tasks: try await store.tasks(workflowExecID: execID))
        if first {
            // The reader has the first `after` of them.
            for event in events.prefix(lastID) { sent.insert(StoredExecutionEvents.key(event)) }
            first = false
        }
        var text = ""
        for var event in events where !sent.contains(StoredExecutionEvents.key(event)) {
            sent.insert(StoredExecutionEvents.key(event))
            lastID += 1
            event.id = lastID
            text += event.sse
        }
        return (text, record.status.endsStream)
    }

    /// Waits for the next wake-up (or fallback poll, or `wake()`); then `poll()` again. Wake-ups
    /// that came since the last wait count: none is missed between a poll and this call.
    /// - Returns: false once the follower is closed or the waiting task canceled.
    public func waitForChange() async -> Bool {
        // One reader at a time, one iterator per wait: the stream keeps what came in between.
        var wakeUps = waker.wakeUps.makeAsyncIterator()
        return await wakeUps.next() != nil
    }

    /// Ends the current or next `waitForChange()` at once (a reader's own reason to look again,
    /// such as a heartbeat that is due).
    public func wake() { waker.poke.yield() }

    /// Ends the notifier subscription and the fallback poll.
    public func close() { waker.close() }
}
