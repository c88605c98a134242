/// One hook run on a ``HookThreads`` thread while the caller waits for it at most a budget:
/// `describe` and `destroy`, which have no call whose deadline could end them.
///
/// The waiter and the hook thread settle who won under one lock: a hook that returns late
/// finds itself abandoned and reports back (so its adapter counts as healthy again), and a
/// job still queued when the waiter gave up never runs.
final class BoundedHook<Value: Sendable>: @unchecked Sendable {
    private enum Phase {
        case queued, running, done(Value), abandoned(running: Bool)
    }

    private let lock = ConditionLock()
    private var phase = Phase.queued  // guarded by `lock`

    /// Runs `work` on a hook thread and waits up to `budget`; `nil` when it did not finish
    /// (the hook, if it started, counts as stuck in `adapter` until it returns).
    static func run(_ hook: AdapterHook, of adapter: LibraryAdapter, budget: Duration,
                    _ work: @escaping @Sendable () -> Value) -> Value? {
        let box = BoundedHook()
        HookThreads.run(for: adapter) {
            let claimed: Bool = box.lock.withLock {
                guard case .queued = box.phase else { return false }
                box.phase = .running
                return true
            }
            guard claimed else { return }
            let value = work()
            let late: Bool = box.lock.withLock {
                if case .abandoned = box.phase { return true }
                box.phase = .done(value)
                box.lock.signal()
                return false
            }
            if late { adapter.stuckHookReturned(hook, onHookThread: true) }
        }
        let end = ContinuousClock.now + budget
        return box.lock.withLock { () -> Value? in
            while true {
                switch box.phase {
                case .done(let value):
                    return value
                case .queued, .running:
                    let left = end - ContinuousClock.now
                    let nanoseconds = left.components.seconds * 1_000_000_000 + left.components.attoseconds / 1_000_000_000
                    if nanoseconds > 0, box.lock.wait(nanoseconds: nanoseconds) { continue }
                    guard ContinuousClock.now >= end else { continue }
                    let running: Bool
                    if case .running = box.phase { running = true } else { running = false }
                    box.phase = .abandoned(running: running)
                    if running {
                        adapter.hookStuck(hook)
                        HookThreads.threadAbandoned()
                    }
                    return nil
                case .abandoned:
                    return nil
                }
            }
        }
    }
}
