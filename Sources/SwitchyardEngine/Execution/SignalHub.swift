import Foundation
import SwitchyardJSON

/// A signal sent to waiting executions: `wait_for` matches its name.
///
/// Two signals are equal when their names and payloads are: the metadata (id, time, source)
/// describes one sending, not what was sent.
public struct Signal: Sendable, Hashable {
    /// The signal name.
    public var name: String
    /// Its payload.
    public var payload: JSONValue
    /// compozy's `metadata.signal_id`: unique per sending (a stored signal's row id).
    public var id: String
    /// compozy's `metadata.received_at_utc`: when it was sent (RFC 3339, UTC).
    public var sentAt: String
    /// compozy's `metadata.source`: `api` (the API, an embedding host) or `signal_task`.
    public var source: String

    /// Creates a signal.
    public init(name: String, payload: JSONValue = .emptyObject, id: String? = nil,
                sentAt: String = Timestamp.now(), source: String = "api") {
        self.name = name
        self.payload = payload
        self.id = id ?? ExecutionID.make()
        self.sentAt = sentAt
        self.source = source
    }

    /// Equal when names and payloads are (the metadata is not compared).
    public static func == (lhs: Signal, rhs: Signal) -> Bool { lhs.name == rhs.name && lhs.payload == rhs.payload }

    /// Hashes the name and the payload, as `==` compares them.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(payload)
    }

    /// `{name, payload}`: what a signal names and carries.
    public var json: JSONValue { ["name": .string(name), "payload": payload] }

    /// compozy's `SignalEnvelope` as a wait of `workflowID` receives it: `{name, payload,
    /// metadata: {signal_id, received_at_utc, workflow_id, source}}` — the `.signal` template
    /// variable, the `signal` CEL variable and the wait's `signal` output.
    public func envelope(workflowID: String) -> JSONValue {
        ["name": .string(name), "payload": payload, "metadata": [
            "signal_id": .string(id), "received_at_utc": .string(sentAt), "workflow_id": .string(workflowID),
            "source": .string(source),
        ]]
    }
}

/// Delivers signals to the wait tasks of the executions running in this engine.
///
/// Each live execution has a mailbox, so a signal that arrives just before its wait task starts
/// is not lost; a waiting task takes the first signal with its name that passes its condition,
/// and drops those of its name that fail it (a non-matching signal keeps it waiting).
actor SignalHub {
    private struct Waiter {
        let execID: String
        let name: String
        let matches: @Sendable (Signal) -> Bool
        let continuation: CheckedContinuation<Signal?, Never>
    }

    private var mailboxes: [String: [Signal]] = [:]
    private var waiters: [UUID: Waiter] = [:]
    private var canceledBeforeRegistration: Set<UUID> = []
    /// Waits on a stored-signal store (`awaitSignal`) take from the mailbox; these wake them.
    private var watchers: [String: [UUID: AsyncStream<Void>.Continuation]] = [:]

    func open(_ execID: String) { if mailboxes[execID] == nil { mailboxes[execID] = [] } }

    func close(_ execID: String) { mailboxes[execID] = nil }

    /// Sends `signal` to `execID` (or, with `nil`, to every live execution).
    /// - Returns: how many executions received it (took it or queued it).
    func send(_ signal: Signal, to execID: String?) -> Int {
        let targets = execID.map { mailboxes[$0] == nil ? [] : [$0] } ?? Array(mailboxes.keys)
        for target in targets {
            if let (id, waiter) = waiters.first(where: { $0.value.execID == target && $0.value.name == signal.name }) {
                if waiter.matches(signal) {
                    waiters[id] = nil
                    waiter.continuation.resume(returning: signal)
                }
            } else {
                mailboxes[target, default: []].append(signal)
                for watcher in (watchers[target] ?? [:]).values { watcher.yield() }
            }
        }
        return targets.count
    }

    /// Wakes `wake` whenever a signal is queued for `execID`, until `unwatch(id)`.
    func watch(_ execID: String, id: UUID, wake: AsyncStream<Void>.Continuation) { watchers[execID, default: [:]][id] = wake }

    /// Ends `watch(_:id:wake:)`.
    func unwatch(_ execID: String, id: UUID) {
        watchers[execID]?[id] = nil
        if watchers[execID]?.isEmpty == true { watchers[execID] = nil }
    }

    /// Takes from `execID`'s mailbox the first signal named `name` that `matches`, dropping those
    /// of its name before it that do not; nil (and the non-matching ones dropped) when none does.
    func take(execID: String, name: String, matches: @Sendable (Signal) -> Bool) -> Signal? {
        guard var queued = mailboxes[execID] else { return nil }
        var found: Signal?
        queued.removeAll { signal in
            guard found == nil, signal.name == name else { return false }
            if matches(signal) { found = signal }
            return true
        }
        mailboxes[execID] = queued
        return found
    }

    /// Waits for a signal named `name` to `execID` that `matches`; `nil` when canceled.
    func wait(id: UUID, execID: String, name: String, matches: @escaping @Sendable (Signal) -> Bool) async -> Signal? {
        if let found = take(execID: execID, name: name, matches: matches) { return found }
        if canceledBeforeRegistration.remove(id) != nil { return nil }
        return await withCheckedContinuation { continuation in
            waiters[id] = Waiter(execID: execID, name: name, matches: matches, continuation: continuation)
        }
    }

    /// Ends the wait `id` with `nil`.
    func cancelWait(_ id: UUID) {
        if let waiter = waiters.removeValue(forKey: id) {
            waiter.continuation.resume(returning: nil)
        } else {
            canceledBeforeRegistration.insert(id)
        }
    }
}
