import SwitchyardEngine

/// Follows an execution through its store alone: what the event stream sends for an execution
/// this server did not run, and what `switchyard executions watch --project` reads when no server
/// holds it. Each `poll` reads the store again and answers the events not answered yet, numbered
/// on, in the text/event-stream form the route sends.
public struct StoredEventFollower: Sendable {
    private let store: any ExecutionStore
    private let execID: String
    private var sent = Set<String>()
    private var lastID: Int
    private var first = true

    /// A follower of `execID`, for a reader that already has the first `after` events.
    public init(store: any ExecutionStore, execID: String, after: Int = 0) {
        self.store = store
        self.execID = execID
        self.lastID = after
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
}
