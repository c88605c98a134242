import Foundation
import Synchronization

/// One thread that fires the isolated calls' deadlines and cancel graces.
///
/// A sleeping `Task` per call cost two cooperative-pool wake-ups per call (start and cancel),
/// most of an isolated call's round trip. Here arming and disarming only take a lock: the
/// thread is signalled only when a new deadline is earlier than the one it sleeps until, which
/// for calls with the same budget is never. Callbacks run on this thread and must not block.
final class DeadlineScheduler: @unchecked Sendable {
    /// The scheduler every isolated call uses; its thread starts with the first deadline.
    static let shared = DeadlineScheduler()

    private struct Entry {
        var deadline: ContinuousClock.Instant
        var fire: @Sendable () -> Void
    }

    // Guarded by `condition` (NSCondition: the thread must sleep with a timeout).
    private let condition = NSCondition()
    private var entries: [UInt64: Entry] = [:]
    private var nextToken: UInt64 = 1
    /// What the thread sleeps until (`nil`: no entries, it sleeps until signalled).
    private var sleepingUntil: ContinuousClock.Instant?
    private var threadStarted = false

    /// Runs `fire` on the scheduler's thread once `delay` passed, unless canceled first.
    /// - Returns: the token that cancels it.
    func schedule(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> UInt64 {
        let deadline = ContinuousClock.now + delay
        condition.lock()
        defer { condition.unlock() }
        let token = nextToken
        nextToken += 1
        entries[token] = Entry(deadline: deadline, fire: fire)
        if !threadStarted {
            threadStarted = true
            let thread = Thread { [self] in serve() }
            thread.name = "switchyard-deadlines"
            thread.start()
        } else if sleepingUntil.map({ deadline < $0 }) ?? true {
            condition.signal()
        }
        return token
    }

    /// Drops a pending deadline (nothing happens when it already fired).
    func cancel(_ token: UInt64) {
        condition.lock()
        entries.removeValue(forKey: token)
        condition.unlock()
    }

    private func serve() -> Never {
        condition.lock()
        while true {
            let now = ContinuousClock.now
            var due: [@Sendable () -> Void] = []
            var earliest: ContinuousClock.Instant?
            for (token, entry) in entries {
                if entry.deadline <= now {
                    due.append(entry.fire)
                    entries.removeValue(forKey: token)
                } else if earliest.map({ entry.deadline < $0 }) ?? true {
                    earliest = entry.deadline
                }
            }
            if !due.isEmpty {
                condition.unlock()
                for fire in due { fire() }
                condition.lock()
                continue
            }
            sleepingUntil = earliest
            if let earliest {
                // The condition takes a wall-clock date: wait at most a second at a time, so a
                // clock step cannot delay a deadline by more than that.
                let seconds = min(Double((earliest - now).components.seconds)
                                  + Double((earliest - now).components.attoseconds) / 1e18, 1)
                _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
            } else {
                condition.wait()
            }
            sleepingUntil = nil
        }
    }
}
