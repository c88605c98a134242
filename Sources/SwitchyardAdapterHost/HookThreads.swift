#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Threads of the host's own that adapter hooks run on, so a hook that blocks holds one of
/// them and never a thread of Swift's cooperative pool (which `serve` needs for every route,
/// for timers and for SIGTERM).
///
/// Bounded twice: at most ``maximumWorking`` threads run hooks at once, and at most
/// ``maximumPerOwner`` of them for one adapter instance, so a stuck adapter cannot take the
/// threads other adapters need; jobs beyond either bound wait in order. A thread whose hook the
/// watchdog abandoned no longer counts as working (``threadAbandoned()``), so the pool replaces
/// it; it rejoins the pool if its hook ever returns. Idle threads exit after ``idleLifetime``.
///
/// A thread that finished a job and finds none spins for ``spinLimit`` before it sleeps (one
/// such thread at a time), so back-to-back calls hand their hook over without a wake-up.
enum HookThreads {
    /// Threads running hooks (not counting abandoned ones) at most.
    static let maximumWorking = 64
    /// Threads running one owner's hooks at most.
    static let maximumPerOwner = 8
    /// How long an idle thread waits for a job before it exits.
    static let idleLifetime: Int = 1  // seconds
    /// How long a thread that ran out of jobs looks for the next one before it sleeps.
    static let spinLimit: Duration = .microseconds(20)

    /// A hook to run, and the instance it belongs to (for the per-owner bound).
    private struct Job {
        let owner: ObjectIdentifier
        let work: @Sendable () -> Void
    }

    private struct State {
        var pending: [Job] = []
        var threads = 0
        var idle = 0
        /// Idle threads signaled that have not woken yet: they are no longer free to take a job.
        var wakeups = 0
        /// Threads looking for a job without sleeping (at most one).
        var spinning = 0
        /// The spinning thread has no job handed to it yet.
        var spinnerFree = false
        var abandoned = 0
        var runningPerOwner: [ObjectIdentifier: Int] = [:]
        var pendingPerOwner: [ObjectIdentifier: Int] = [:]

        /// The first pending job whose owner is under its bound.
        mutating func takeRunnable() -> Job? {
            guard let index = pending.firstIndex(where: { runningPerOwner[$0.owner, default: 0] < HookThreads.maximumPerOwner })
            else { return nil }
            let job = pending.remove(at: index)
            runningPerOwner[job.owner, default: 0] += 1
            pendingPerOwner[job.owner, default: 1] -= 1
            if pendingPerOwner[job.owner] == 0 { pendingPerOwner[job.owner] = nil }
            return job
        }

        /// Wakes an idle thread not already woken (call with `lock` held), else says whether
        /// to start a new one (counted here).
        mutating func wakeOrSpawn(_ lock: ConditionLock) -> Bool {
            if idle > wakeups {
                wakeups += 1
                lock.signal()
                return false
            }
            guard threads - abandoned < HookThreads.maximumWorking else { return false }
            threads += 1
            return true
        }

        /// Whether some pending job's owner is under its bound.
        var hasRunnable: Bool {
            pending.contains { runningPerOwner[$0.owner, default: 0] < HookThreads.maximumPerOwner }
        }
    }

    private static let lock = ConditionLock()
    nonisolated(unsafe) private static var state = State()  // guarded by `lock`
    /// `state.pending.count`, readable without the lock by a spinning thread.
    private static let pendingCount = Atomic<Int>(0)

    /// Threads the pool holds now, idle and abandoned ones included (for tests).
    static var threadCount: Int { lock.withLock { state.threads } }

    /// Runs `work` on a hook thread, after the jobs before it.
    static func run(for owner: AnyObject, _ work: @escaping @Sendable () -> Void) {
        let spawn: Bool = lock.withLock {
            let owner = ObjectIdentifier(owner)
            state.pending.append(Job(owner: owner, work: work))
            state.pendingPerOwner[owner, default: 0] += 1
            pendingCount.store(state.pending.count, ordering: .releasing)
            // Over its owner's bound (counting the owner's jobs queued before it), the job waits
            // for one of the owner's threads to finish: it needs no thread of its own.
            guard state.runningPerOwner[owner, default: 0] + state.pendingPerOwner[owner, default: 0] <= maximumPerOwner
            else { return false }
            // A spinning thread takes the job without a wake-up.
            if state.spinnerFree {
                state.spinnerFree = false
                return false
            }
            return state.wakeOrSpawn(lock)
        }
        if spawn { startThread() }
    }

    /// The watchdog gave up on a hook running on a pool thread: a runnable job gets another.
    static func threadAbandoned() {
        let spawn: Bool = lock.withLock {
            state.abandoned += 1
            guard state.hasRunnable else { return false }
            return state.wakeOrSpawn(lock)
        }
        if spawn { startThread() }
    }

    /// A hook the watchdog had abandoned returned after all: its thread works again.
    static func threadReturned() {
        lock.withLock { state.abandoned -= 1 }
    }

    private static func startThread() {
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let status = pthread_create(&thread, &attributes, { _ in HookThreads.workLoop(); return nil }, nil)
        pthread_attr_destroy(&attributes)
        if status != 0 {
            // No thread (EAGAIN): the jobs wait for a thread that exists, or for the next spawn.
            lock.withLock { state.threads -= 1 }
        }
    }

    /// Waits up to ``spinLimit`` without sleeping for more than `waiting` jobs to be pending.
    private static func spinForJob(beyond waiting: Int) {
        let end = ContinuousClock.now + spinLimit
        repeat {
            for _ in 0..<64 where pendingCount.load(ordering: .acquiring) != waiting { return }
        } while ContinuousClock.now < end
    }

    private static func workLoop() {
        lock.lock()
        while true {
            if let job = state.takeRunnable() {
                pendingCount.store(state.pending.count, ordering: .releasing)
                lock.unlock()
                job.work()
                lock.lock()
                state.runningPerOwner[job.owner, default: 1] -= 1
                if state.runningPerOwner[job.owner] == 0 { state.runningPerOwner[job.owner] = nil }
                // A job that waited only for this owner's bound is the next this thread takes.
                continue
            }
            if state.spinning == 0 {
                // Jobs pending now all wait for their owner's bound: spin for a new one.
                let waiting = state.pending.count
                state.spinning += 1
                state.spinnerFree = true
                lock.unlock()
                spinForJob(beyond: waiting)
                lock.lock()
                state.spinning -= 1
                state.spinnerFree = false
                if state.hasRunnable { continue }
            }
            state.idle += 1
            let timedOut = !lock.wait(seconds: idleLifetime)
            state.idle -= 1
            if state.wakeups > 0 {
                state.wakeups -= 1
                continue
            }
            // Jobs left only for owners at their bound are not this thread's to wait for.
            if timedOut && !state.hasRunnable {
                state.threads -= 1
                lock.unlock()
                return
            }
        }
    }
}

/// Whether a section of hooks on another thread ended, for a waiter that spins briefly before
/// it suspends.
struct HookSectionFlag: ~Copyable, Sendable {
    /// How long a waiter spins for the section before it suspends.
    static let spinLimit: Duration = .microseconds(10)

    private let ended = Atomic<Bool>(false)

    /// The section ended in time.
    func end() { ended.store(true, ordering: .releasing) }

    /// `true` once the section ended, waiting up to ``spinLimit`` for it.
    func awaitBriefly() -> Bool {
        let end = ContinuousClock.now + Self.spinLimit
        repeat {
            for _ in 0..<64 where ended.load(ordering: .acquiring) { return true }
        } while ContinuousClock.now < end
        return false
    }
}

/// A pthread mutex with one condition variable, heap-allocated so their addresses never move.
final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Wakes one waiter. Call with the lock held.
    func signal() { pthread_cond_signal(condition) }

    /// Waits (lock held) until signaled or `seconds` passed; `false` when the time ran out.
    func wait(seconds: Int) -> Bool {
        wait(nanoseconds: Int64(seconds) * 1_000_000_000)
    }

    /// Waits (lock held) until signaled or `nanoseconds` passed; `false` when the time ran out.
    func wait(nanoseconds: Int64) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let total = Int64(now.tv_nsec) + nanoseconds
        var deadline = timespec(tv_sec: now.tv_sec + Int(total / 1_000_000_000), tv_nsec: Int(total % 1_000_000_000))
        return pthread_cond_timedwait(condition, mutex, &deadline) != ETIMEDOUT
    }

    /// Waits (lock held) until signaled.
    func wait() { pthread_cond_wait(condition, mutex) }
}
