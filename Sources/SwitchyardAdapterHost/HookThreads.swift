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
enum HookThreads {
    /// Threads running hooks (not counting abandoned ones) at most.
    static let maximumWorking = 64
    /// Threads running one owner's hooks at most.
    static let maximumPerOwner = 8
    /// How long an idle thread waits for a job before it exits.
    static let idleLifetime: Int = 1  // seconds

    /// A hook to run, and the instance it belongs to (for the per-owner bound).
    private struct Job {
        let owner: ObjectIdentifier
        let work: @Sendable () -> Void
    }

    private struct State {
        var pending: [Job] = []
        var threads = 0
        var idle = 0
        var abandoned = 0
        var runningPerOwner: [ObjectIdentifier: Int] = [:]

        /// The first pending job whose owner is under its bound.
        mutating func takeRunnable() -> Job? {
            guard let index = pending.firstIndex(where: { runningPerOwner[$0.owner, default: 0] < HookThreads.maximumPerOwner })
            else { return nil }
            let job = pending.remove(at: index)
            runningPerOwner[job.owner, default: 0] += 1
            return job
        }
    }

    private static let lock = ConditionLock()
    nonisolated(unsafe) private static var state = State()  // guarded by `lock`

    /// Threads the pool holds now, idle and abandoned ones included (for tests).
    static var threadCount: Int { lock.withLock { state.threads } }

    /// Runs `work` on a hook thread, after the jobs before it.
    static func run(for owner: AnyObject, _ work: @escaping @Sendable () -> Void) {
        let spawn: Bool = lock.withLock {
            state.pending.append(Job(owner: ObjectIdentifier(owner), work: work))
            if state.idle > 0 {
                lock.signal()
                return false
            }
            guard state.threads - state.abandoned < maximumWorking else { return false }
            state.threads += 1
            return true
        }
        if spawn { startThread() }
    }

    /// The watchdog gave up on a hook running on a pool thread: replace it.
    static func threadAbandoned() {
        lock.withLock {
            state.abandoned += 1
            if !state.pending.isEmpty { lock.signal() }
        }
        // A pending job with no idle thread to take it gets a new one.
        let spawn: Bool = lock.withLock {
            guard !state.pending.isEmpty, state.idle == 0, state.threads - state.abandoned < maximumWorking else {
                return false
            }
            state.threads += 1
            return true
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

    private static func workLoop() {
        lock.lock()
        while true {
            if let job = state.takeRunnable() {
                lock.unlock()
                job.work()
                lock.lock()
                state.runningPerOwner[job.owner, default: 1] -= 1
                if state.runningPerOwner[job.owner] == 0 { state.runningPerOwner[job.owner] = nil }
                // A job waiting only for this owner's bound may run now.
                if !state.pending.isEmpty && state.idle > 0 { lock.signal() }
                continue
            }
            state.idle += 1
            let timedOut = !lock.wait(seconds: idleLifetime)
            state.idle -= 1
            if timedOut && state.pending.isEmpty {
                state.threads -= 1
                lock.unlock()
                return
            }
        }
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
