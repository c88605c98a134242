#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// An adapter hook, as the host names it in messages.
enum AdapterHook: String, Sendable {
    case startCall = "start_call", cancelCall = "cancel_call", releaseCall = "release_call"
    case describe, destroy, stats
}

/// What the watchdog asks of the owner of a hook that passed its deadline.
protocol HookWatchTarget: AnyObject, Sendable {
    /// `hook` passed its deadline (`running`: inside the hook; else still waiting for a thread).
    /// Called with the watchdog's table locked: decide under the owner's own lock and return
    /// whether the hook is abandoned, plus what to do once the table is unlocked. Must not
    /// watch or unwatch.
    func hookOverran(_ hook: AdapterHook, running: Bool) -> HookOverrun
}

/// A watchdog's verdict on an overrun hook.
struct HookOverrun {
    /// The hook is given up on: its thread (if it runs) is abandoned, its caller resumed.
    var abandoned: Bool
    /// Run after the table is unlocked (performing the owner's effects, logging).
    var followUp: (@Sendable () -> Void)?
}

/// A watched hook, as ``HookWatchdog/watch(_:_:deadline:running:onHookThread:resuming:)`` hands it out.
struct HookTicket: Sendable {
    fileprivate let slot: Int
    fileprivate let generation: UInt64
}

/// One thread that ends hooks which run past their deadline: the call is ended at its
/// deadline (`timeout`) and the thread inside the hook is abandoned and counted, whether the
/// hook runs on a ``HookThreads`` thread or on the adapter's own thread (a `release_call` from
/// inside its terminal `emit`).
///
/// Arming a watch costs a clock read and two uncontended lock round trips, and never wakes the
/// watchdog: it ticks every ``tick`` while watches are armed and parks when none were for a
/// second, so the fast path of a call pays no system call for it.
enum HookWatchdog {
    /// How often an active watchdog checks deadlines: a stuck hook ends at most this late.
    static let tick: Int64 = 20_000_000  // ns

    private enum Phase {
        case queued, running, abandoned(running: Bool)
    }

    private struct Entry {
        var generation: UInt64
        var deadline: ContinuousClock.Instant?
        let target: any HookWatchTarget
        let hook: AdapterHook
        var continuation: UnsafeContinuation<Void, Never>?
        var phase: Phase
        let onHookThread: Bool
    }

    private struct Table {
        var entries: [Entry?] = []
        var free: [Int] = []
        var generation: UInt64 = 0
        /// Entries with a deadline still to check.
        var armed = 0
    }

    private static let table = Mutex(Table())
    private static let parking = ConditionLock()
    private static let parked = Atomic<Bool>(false)
    private static let watchesStarted = Atomic<Int>(0)
    /// Hooks abandoned inside (their thread given up), since the process started.
    static let abandonedThreads = Atomic<Int>(0)
    private static let started: Void = startThread()

    /// Arms a watch over `hook` of `target` until `deadline`; `nil` (nothing to watch) without one.
    /// - Parameters:
    ///   - running: `true` when the hook starts now on this thread; `false` for a job that waits
    ///     for a hook thread (it must ``claim(_:)`` before it runs).
    ///   - onHookThread: the hook runs on a ``HookThreads`` thread (replaced when abandoned).
    ///   - resuming: resumed exactly once: by ``unwatch(_:)`` in time, or by the watchdog.
    static func watch(_ target: any HookWatchTarget, _ hook: AdapterHook, deadline: ContinuousClock.Instant?,
                      running: Bool, onHookThread: Bool,
                      resuming continuation: UnsafeContinuation<Void, Never>? = nil) -> HookTicket? {
        guard let deadline else { return nil }
        _ = started
        let ticket: HookTicket = table.withLock { table in
            table.generation &+= 1
            let entry = Entry(generation: table.generation, deadline: deadline, target: target, hook: hook,
                              continuation: continuation, phase: running ? .running : .queued,
                              onHookThread: onHookThread)
            table.armed += 1
            if let slot = table.free.popLast() {
                table.entries[slot] = entry
                return HookTicket(slot: slot, generation: table.generation)
            }
            table.entries.append(entry)
            return HookTicket(slot: table.entries.count - 1, generation: table.generation)
        }
        watchesStarted.wrappingAdd(1, ordering: .relaxed)
        if parked.load(ordering: .sequentiallyConsistent) { parking.withLock { parking.signal() } }
        return ticket
    }

    /// Hands a waiter to a watch armed without one: resumed by ``unwatch(_:)`` in time or by
    /// the watchdog. `false` when the watch already ended either way (resume it yourself).
    static func attach(_ continuation: UnsafeContinuation<Void, Never>, to ticket: HookTicket?) -> Bool {
        guard let ticket else { return false }
        return table.withLock { table in
            guard let entry = table.entries[ticket.slot], entry.generation == ticket.generation else { return false }
            if case .abandoned = entry.phase { return false }
            table.entries[ticket.slot]?.continuation = continuation
            return true
        }
    }

    /// A queued job's hook is about to run: `false` when the watchdog already gave up on it
    /// (then the hook must not run; the watch is gone).
    static func claim(_ ticket: HookTicket?) -> Bool {
        guard let ticket else { return true }
        return table.withLock { table in
            guard let entry = table.entries[ticket.slot], entry.generation == ticket.generation else { return false }
            if case .queued = entry.phase {
                table.entries[ticket.slot]?.phase = .running
                return true
            }
            remove(ticket.slot, from: &table)
            return false
        }
    }

    /// The hook returned. `true` when it did in time (its continuation is resumed here);
    /// `false` when the watchdog had abandoned it (its caller was already resumed).
    @discardableResult
    static func unwatch(_ ticket: HookTicket?) -> Bool {
        guard let ticket else { return true }
        let (inTime, continuation): (Bool, UnsafeContinuation<Void, Never>?) = table.withLock { table in
            guard let entry = table.entries[ticket.slot], entry.generation == ticket.generation else { return (true, nil) }
            remove(ticket.slot, from: &table)
            if case .abandoned = entry.phase { return (false, nil) }
            return (true, entry.continuation)
        }
        continuation?.resume()
        return inTime
    }

    /// Moves the deadline of every armed watch of `target` to `instant` at the latest (now:
    /// shutdown gives up on it; a cancel grace: the call was canceled); returns how many there
    /// were. The watchdog ends them at its first tick past the new deadline.
    @discardableResult
    static func expireWatches(of target: AnyObject, by instant: ContinuousClock.Instant = .now) -> Int {
        let expired = table.withLock { table in
            var expired = 0
            for slot in table.entries.indices where table.entries[slot]?.deadline != nil {
                guard let entry = table.entries[slot], ObjectIdentifier(entry.target) == ObjectIdentifier(target) else {
                    continue
                }
                table.entries[slot]?.deadline = min(entry.deadline ?? instant, instant)
                expired += 1
            }
            return expired
        }
        if expired > 0, parked.load(ordering: .sequentiallyConsistent) { parking.withLock { parking.signal() } }
        return expired
    }

    /// A deadline for a watch with no budget of its own: it fires only when shutdown expires it.
    static var never: ContinuousClock.Instant { .now + .seconds(100 * 365 * 24 * 3600) }

    private static func remove(_ slot: Int, from table: inout Table) {
        // Fired or disarmed entries have no deadline and no longer count as armed.
        if table.entries[slot]?.deadline != nil { table.armed -= 1 }
        table.entries[slot] = nil
        table.free.append(slot)
    }

    // MARK: The watchdog thread

    private static func startThread() {
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let status = pthread_create(&thread, &attributes, { _ in HookWatchdog.loop(); return nil }, nil)
        pthread_attr_destroy(&attributes)
        precondition(status == 0, "cannot start the adapter hook watchdog thread (pthread_create: \(status))")
    }

    private struct Fired {
        var continuation: UnsafeContinuation<Void, Never>?
        var followUp: (@Sendable () -> Void)?
        var abandonedHookThread: Bool
    }

    private static func loop() {
        var quietSince = ContinuousClock.now
        var lastStarted = watchesStarted.load(ordering: .relaxed)
        while true {
            let now = ContinuousClock.now
            let (fired, armed) = check(now: now)
            for item in fired {
                item.followUp?()
                if item.abandonedHookThread { HookThreads.threadAbandoned() }
                item.continuation?.resume()
            }
            let startedNow = watchesStarted.load(ordering: .relaxed)
            if armed > 0 || startedNow != lastStarted { quietSince = now }
            lastStarted = startedNow
            parking.lock()
            if armed == 0 && now - quietSince > .seconds(1) {
                parked.store(true, ordering: .sequentiallyConsistent)
                if table.withLock({ $0.armed }) == 0 { parking.wait() }
                parked.store(false, ordering: .sequentiallyConsistent)
                quietSince = .now
            } else {
                _ = parking.wait(nanoseconds: tick)
            }
            parking.unlock()
        }
    }

    /// Abandons (or disarms) every entry past its deadline; returns what to do after unlocking
    /// and how many entries stay armed.
    private static func check(now: ContinuousClock.Instant) -> ([Fired], Int) {
        table.withLock { table in
            var fired: [Fired] = []
            guard table.armed > 0 else { return (fired, 0) }
            for slot in table.entries.indices {
                guard var entry = table.entries[slot], let deadline = entry.deadline, deadline <= now else { continue }
                let running: Bool
                switch entry.phase {
                case .queued: running = false
                case .running: running = true
                case .abandoned: continue
                }
                let overrun = entry.target.hookOverran(entry.hook, running: running)
                entry.deadline = nil
                table.armed -= 1
                if overrun.abandoned {
                    entry.phase = .abandoned(running: running)
                    if running { abandonedThreads.wrappingAdd(1, ordering: .relaxed) }
                    fired.append(Fired(continuation: entry.continuation.take(), followUp: overrun.followUp,
                                       abandonedHookThread: running && entry.onHookThread))
                } else if let followUp = overrun.followUp {
                    fired.append(Fired(followUp: followUp, abandonedHookThread: false))
                }
                table.entries[slot] = entry
            }
            return (fired, table.armed)
        }
    }
}
