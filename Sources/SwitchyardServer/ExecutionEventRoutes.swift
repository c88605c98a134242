import Hummingbird
import NIOCore
import SwitchyardEngine
import SwitchyardJSON

/// `GET /api/v0/executions/workflows/{exec_id}/events`: the execution's events as Server-Sent
/// Events, what already happened first, then live, ending after the final status.
///
/// An execution this server runs (or ran lately) streams from its `ExecutionEventHub` log: every
/// task, progress and log event, numbered. Any other one (run by another process on the same
/// store, or finished before this server started) streams from the store until it ends: task
/// starts and ends and the final status, read again at each wake-up of the store's notifier (a
/// task recorded or ended, the final status, in whichever process) and every `pollInterval`
/// without one. `Last-Event-ID`
/// resumes after that event. A comment line every `heartbeat` keeps proxies from closing an idle
/// stream and lets the server see a client that left (the write fails), which releases its reader.
struct ExecutionEventRoutes {
    let engine: WorkflowEngine
    let hub: ExecutionEventHub
    let heartbeat: Duration
    let pollInterval: Duration

    func register(on routes: APIRouteTable) {
        let engine = self.engine, hub = self.hub, heartbeat = self.heartbeat, pollInterval = self.pollInterval
        routes.add(.get, "/api/v0/executions/workflows/:exec_id/events", APIOperation(
            summary: "The execution's events as Server-Sent Events: what already happened, then live, until the final status",
            // Empty is allowed: a client that resets its id sends it so (the whole stream again).
            headers: ["Last-Event-ID": ["type": "string", "pattern": "^[0-9]{0,18}$"]],
            answers: [200, 400, 404], eventStream: true)) { request, context in
            await APIRoutes.answer {
                let execID = try APIRoutes.parameter("exec_id", context)
                let after = try Self.lastEventID(request.headers.first { $0.name.canonicalName == "last-event-id" }?.value)
                if let subscription = hub.subscribe(execID: execID) {
                    return Self.stream { writer in
                        try await Self.streamLog(subscription, after: after, heartbeat: heartbeat, to: &writer)
                    }
                }
                guard try await engine.store.workflow(execID: execID) != nil else {
                    throw APIError.notFound("no execution \"\(execID)\"", kind: "unknown_execution")
                }
                return Self.stream { writer in
                    try await Self.streamStore(engine.store, execID: execID, after: after, pollInterval: pollInterval,
                                               heartbeat: heartbeat, to: &writer)
                }
            }
        }
    }

    /// `Last-Event-ID`: the id of the last event the client has, or 0 without one.
    /// - Throws: `APIError` 400 naming the header when it is not a whole number.
    static func lastEventID(_ text: String?) throws(APIError) -> Int {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return 0 }
        guard let id = Int(text), id >= 0 else {
            throw APIError.badRequest("`Last-Event-ID` must be the id of an event of this stream (a whole number), got \"\(text)\"")
        }
        return id
    }

    private static func stream(_ body: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void) -> Response {
        Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                 body: ResponseBody { writer in
                     try await body(&writer)
                     try await writer.finish(nil)
                 })
    }

    private static let keepAlive = ByteBuffer(string: ": keep-alive\n\n")

    /// Streams from the hub's log: from the cursor on, waking on each append or heartbeat.
    private static func streamLog(_ subscription: EventSubscription, after: Int, heartbeat: Duration,
                                  to writer: inout any ResponseBodyWriter) async throws {
        let wake = subscription.wake
        let beats = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeat)
                wake.yield()
            }
        }
        defer {
            beats.cancel()
            subscription.close()
        }
        // Headers out at once, so a client sees the stream open before the first event.
        try await writer.write(keepAlive)
        var cursor = after
        var wakeUps = subscription.wakeUps.makeAsyncIterator()
        while true {
            guard let (events, finished) = subscription.hub.events(of: subscription.execID, after: cursor) else { return }
            if let last = events.last {
                try await writer.write(ByteBuffer(string: events.map(\.sse).joined()))
                cursor = last.id
                if last.isFinal { return }
                continue
            }
            if finished { return }
            guard await wakeUps.next() != nil else { return }
            if subscription.hub.events(of: subscription.execID, after: cursor, limit: 1)?.events.isEmpty == true {
                try await writer.write(keepAlive)
            }
        }
    }

    /// Streams from the store: reads it again at each wake-up (the notifier's, the fallback
    /// poll's, the heartbeat's), sends the events not sent yet (numbered on from `after`), ends
    /// once the execution has its final status.
    private static func streamStore(_ store: any ExecutionStore, execID: String, after: Int, pollInterval: Duration,
                                    heartbeat: Duration, to writer: inout any ResponseBodyWriter) async throws {
        var follower = StoredEventFollower(store: store, execID: execID, after: after, fallbackPoll: pollInterval)
        // Twice a heartbeat: a keep-alive is then at most half a heartbeat late.
        let beats = Task { [follower] in
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeat / 2)
                follower.wake()
            }
        }
        defer {
            beats.cancel()
            follower.close()
        }
        try await writer.write(keepAlive)
        var lastWrite = ContinuousClock.now
        while true {
            guard let (text, finished) = try await follower.poll() else { return }
            if !text.isEmpty || ContinuousClock.now - lastWrite >= heartbeat {
                try await writer.write(text.isEmpty ? keepAlive : ByteBuffer(string: text))
                lastWrite = .now
            }
            if finished { return }
            guard await follower.waitForChange() else { return }
        }
    }
}
