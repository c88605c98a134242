/// One waiter's wake-ups merged into a buffer of one: the store notifier's wake-ups for an
/// execution, pokes from this process (the signal hub), and an optional steady tick (a safety net
/// for a wake-up that never comes: a writer that does not notify, a subscriber buffer that was
/// full). Whatever woke it, the waiter reads the store again.
///
/// - Important: Create it before the waiter's first store read (it subscribes at once), and
///   `close()` it when done.
public final class ExecutionWaker: Sendable {
    /// One element per wake-up (wake-ups that come while nobody reads merge into one); ends at
    /// `close()` or when the reading task is canceled.
    public let wakeUps: AsyncStream<Void>
    /// Yields one wake-up (a poke).
    public let poke: AsyncStream<Void>.Continuation
    private let relays: [Task<Void, Never>]

    /// Subscribes to `notifier` (when given) for `execID`.
    /// - Parameters:
    ///   - kinds: the notifier wake-up kinds that wake this waiter.
    ///   - tick: a wake-up this often even without a cause; none when nil.
    public init(notifier: (any ExecutionNotifier)?, execID: String, kinds: Set<ExecutionWakeUp.Kind>, tick: Duration?) {
        let (wakeUps, poke) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wakeUps = wakeUps
        self.poke = poke
        var relays: [Task<Void, Never>] = []
        if let notifier {
            // Subscribed here, before the waiter's first store read.
            let notifications = notifier.wakeUps(for: execID)
            relays.append(Task {
                for await wakeUp in notifications where kinds.contains(wakeUp.kind) { poke.yield() }
            })
        }
        if let tick {
            relays.append(Task {
                while true {
                    do { try await Task.sleep(for: tick) } catch { return }
                    poke.yield()
                }
            })
        }
        self.relays = relays
    }

    /// Ends the relays and the stream (the notifier subscription goes with its relay).
    public func close() {
        for relay in relays { relay.cancel() }
        poke.finish()
    }
}
