#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reaps escaped descendants that exit on their own while their runtime process still lives.
///
/// An escaped descendant (`setsid`, its parent gone) is the host's child. `DescendantReaper.reap`
/// finds it by its marker once its runtime process ends; but one that exits *before* that is a
/// zombie by then, whose `/proc/PID/environ` reads empty: nothing could name it, and a pooled
/// worker may live for hours. So while any runtime process lives, one background thread per
/// host process sweeps about once a second (and soon after each pooled call ends, when a
/// short-lived escapee is most likely still alive): it records (pid, start time) of every live
/// child of the host carrying one of this host's markers, and reaps a recorded entry once it is
/// a zombie with the same pid *and* start time (so a recycled pid is never touched), through a
/// pidfd (`waitid(P_PIDFD)`; never `waitpid(-1)`). The thread ends, after a last pass, when no
/// runtime process is left, and starts again with the next one.
///
/// What stays out of reach: an escapee that clears its environment, or that starts and exits
/// between two sweeps, is never attributed and stays a zombie until the host exits.
enum DescendantSweep {
    /// Time between sweeps while runtime processes live.
    static let interval: TimeInterval = 1
    /// The least time between two sweeps, however often pooled calls end: a sweep reads every
    /// /proc/PID/stat (about a millisecond), so at most ~2% of a core.
    static let minimumGap: useconds_t = 50_000

    private final class Control: @unchecked Sendable {
        let condition = NSCondition()
        // Guarded by `condition`.
        var running = false
        var requested = false
    }

    private static let control = Control()

    /// Starts the sweep thread unless it runs (called when a runtime process is registered).
    static func ensureRunning() {
        control.condition.lock()
        defer { control.condition.unlock() }
        guard !control.running else { return }
        control.running = true
        let thread = Thread { run() }
        thread.name = "switchyard-sweep"
        thread.start()
    }

    /// Asks for a sweep now (a pooled call ended, or a runtime process did): a flag and a signal.
    static func wake() {
        control.condition.lock()
        control.requested = true
        control.condition.signal()
        control.condition.unlock()
    }

    private static func run() {
        var tracked: [Int32: UInt64] = [:]
        while true {
            control.condition.lock()
            if !control.requested { _ = control.condition.wait(until: Date(timeIntervalSinceNow: interval)) }
            control.requested = false
            // Checked under the lock `ensureRunning` takes: a runtime process registered after
            // this starts a new thread.
            let last = !DescendantReaper.anyLive
            if last { control.running = false }
            control.condition.unlock()
            sweep(&tracked)
            if last { return }
            usleep(minimumGap)
        }
    }

    /// One pass: reaps recorded entries that became zombies, records new escapees.
    private static func sweep(_ tracked: inout [Int32: UInt64]) {
        let me = getpid()
        var alive: [Int32: UInt64] = [:]
        for stat in DescendantReaper.processStats() where stat.parent == me {
            if stat.isZombie {
                if tracked[stat.pid] == stat.startTime { reapZombie(stat) }
            } else if tracked[stat.pid] == stat.startTime || DescendantReaper.isDescendant(stat.pid) {
                alive[stat.pid] = stat.startTime
            }
        }
        // Entries not seen were reaped by someone else (`DescendantReaper.reap`) or are gone.
        tracked = alive
    }

    /// Reaps `zombie` through a pidfd, checked again through it: between the scan and the
    /// open, it may have been reaped elsewhere and its pid given to another process.
    private static func reapZombie(_ zombie: DescendantReaper.ProcessStat) {
        guard let fd = PidFD.open(zombie.pid) else { return }
        defer { close(fd) }
        guard let now = DescendantReaper.processStat(zombie.pid), now.isZombie,
              now.startTime == zombie.startTime, now.parent == zombie.parent else { return }
        var info = siginfo_t()
        _ = waitid(idtype_t(rawValue: 3) /* P_PIDFD */, id_t(fd), &info, WEXITED | WNOHANG)
    }
}
