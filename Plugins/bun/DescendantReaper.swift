#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Ends what a runtime process leaves behind, even what escaped its process group.
///
/// A tool may start a grandchild in a session of its own (`setsid`): the group kill misses it,
/// and when its parent dies Linux hands it to the nearest *child subreaper*, else to init. So:
///
/// - The host process becomes a child subreaper once, when the first instance is created
///   (`PR_SET_CHILD_SUBREAPER` is process-wide): orphans of anything it started reparent to it
///   instead of to init, where they can still be found, killed and reaped.
/// - Every runtime process gets an unguessable marker, `SWITCHYARD_PROCESS_MARK=<host token>.<random>`,
///   in its environment. Descendants inherit it and it stays readable in `/proc/PID/environ`
///   whichever session or group they moved to.
/// - When a runtime process ended (per_call: its call; pooled: the worker), `reap(marker:)`
///   SIGKILLs every live process carrying its marker, and every process carrying a marker of this
///   host whose runtime process is gone, and reaps those that reparented to the host. Each is
///   held by a pidfd from before the kill to the reap, so a recycled pid is never signalled and
///   only those exact processes are waited for (`waitid(P_PIDFD)`; never `waitpid(-1)`, which
///   would take the statuses swift-subprocess waits for).
/// - While any runtime process lives, `DescendantSweep` attributes escaped descendants that
///   reparented to the host while they are alive, so one that exits on its own is reaped then
///   (as a zombie its environment reads empty and nothing else could name it).
///
/// A descendant that clears its own environment loses the marker: it is still killed with the
/// process group unless it also left the group, and it still reparents to the host.
enum DescendantReaper {
    /// The variable carrying a runtime process's marker.
    static let markerVariable = "SWITCHYARD_PROCESS_MARK"

    /// Random per host process: every marker this host hands out starts with it.
    private static let hostToken = randomHex(16)

    /// Markers of runtime processes not yet ended (their descendants are left alone), each with
    /// its runtime process's pid once spawned (0 before), so a sweep never takes the runtime
    /// process itself, which swift-subprocess reaps.
    private static let liveMarkers = Mutex<[String: pid_t]>([:])

    /// True while some runtime process has not ended.
    static var anyLive: Bool { !liveMarkers.withLock { $0.isEmpty } }

    /// Becomes a child subreaper, once per process. False when the kernel refused.
    static let isSubreaper: Bool = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return false }
        // prctl is variadic in C; its five-argument form is the one the kernel takes.
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        let prctl = unsafeBitCast(symbol, to: Prctl.self)
        return prctl(36 /* PR_SET_CHILD_SUBREAPER */, 1, 0, 0, 0) == 0
    }()

    /// A fresh marker for one runtime process, registered as live.
    static func newMarker() -> String {
        _ = isSubreaper
        let marker = "\(hostToken).\(randomHex(16))"
        liveMarkers.withLock { $0[marker] = 0 }
        DescendantSweep.ensureRunning()
        return marker
    }

    /// The runtime process carrying `marker` was spawned as `pid`.
    static func started(marker: String, pid: pid_t) {
        liveMarkers.withLock { if $0[marker] != nil { $0[marker] = pid } }
    }

    /// True when `pid` carries a marker of this host and is not a runtime process: a live one
    /// whose runtime process's pid is not known yet is skipped (it might be that process).
    static func isDescendant(_ pid: Int32) -> Bool {
        guard let marker = self.marker(of: pid), marker.hasPrefix(hostToken + ".") else { return false }
        let runtime = liveMarkers.withLock { $0[marker] }
        return runtime != 0 && runtime != pid
    }

    /// The runtime process carrying `marker` ended (and was reaped): kills and reaps every
    /// process still carrying it, and any orphan carrying a marker of this host that is no
    /// longer live. Blocks until they are gone (bounded: a few seconds at most).
    /// `group` is the runtime process's own process group: its members that the group kill
    /// ended and that reparented to the host are reaped here too (a zombie's environment reads
    /// empty, so only its group still names it).
    static func reap(marker: String, group: pid_t) {
        liveMarkers.withLock { _ = $0.removeValue(forKey: marker) }
        // The last one: the sweep ends (after a final pass).
        defer { DescendantSweep.wake() }
        let deadline = ContinuousClock.now + .seconds(5)
        defer { reapGroup(group, until: deadline) }
        // Passes repeat until one finds nothing: a process may fork between a scan and its kill.
        var held: [Int32: Int32] = [:]
        defer { for fd in held.values { close(fd) } }
        for _ in 0..<50 {
            var found = false
            for pid in strayProcesses() where held[pid] == nil {
                guard let fd = PidFD.open(pid) else { continue }
                // Checked again through the pidfd: the pid may have been recycled meanwhile.
                guard isStray(pid) else { close(fd); continue }
                held[pid] = fd
                _ = PidFD.signal(fd, SIGKILL)
                found = true
            }
            if !found { break }
        }
        for (pid, fd) in held { waitForExit(pid: pid, fd: fd, until: deadline) }
    }

    /// Waits until the killed process was reaped: by the host (once it reparented here) or by
    /// its own parent (another killed process that got to it first).
    private static func waitForExit(pid: Int32, fd: Int32, until deadline: ContinuousClock.Instant) {
        while ContinuousClock.now < deadline {
            var info = siginfo_t()
            let status = waitid(idtype_t(rawValue: 3) /* P_PIDFD */, id_t(fd), &info, WEXITED | WNOHANG)
            if status == 0 && info._sifields._sigchld.si_pid != 0 { return }
            // Gone without us: someone else reaped it (a pidfd to a reaped process signals ESRCH).
            if PidFD.signal(fd, 0) != 0 && errno == ESRCH { return }
            usleep(2_000)
        }
    }

    /// Members of `group` (never its leader, which swift-subprocess reaps): live ones are
    /// killed, zombie children of the host are reaped, until none is left or the deadline
    /// passes. The group id cannot be reused while a member, even a zombie, exists, so a match
    /// is always the runtime process's own.
    private static func reapGroup(_ group: pid_t, until deadline: ContinuousClock.Instant) {
        guard group > 0 else { return }
        let me = getpid()
        while ContinuousClock.now < deadline {
            let members = processStats().filter { $0.group == group && $0.pid != group }
            if members.isEmpty { return }
            for member in members {
                if !member.isZombie {
                    _ = kill(member.pid, SIGKILL)
                } else if member.parent == me {
                    var info = siginfo_t()
                    _ = waitid(P_PID, id_t(member.pid), &info, WEXITED | WNOHANG)
                }
                // A zombie whose parent is another member waits until that one is reaped.
            }
            usleep(2_000)
        }
    }

    /// One process's line in /proc/PID/stat, the fields the reaper uses.
    struct ProcessStat {
        var pid: Int32
        var parent: Int32
        var state: UInt8
        var group: Int32
        /// Field 22, clock ticks after boot: with the pid, names one process (pids are recycled).
        var startTime: UInt64
        var isZombie: Bool { state == UInt8(ascii: "Z") }
    }

    /// Every process's stat (the host's own excepted).
    static func processStats() -> [ProcessStat] {
        allProcesses().compactMap(processStat)
    }

    /// `pid`'s stat, or nil when it is gone (or fully reaped).
    static func processStat(_ pid: Int32) -> ProcessStat? {
        let fd = Glibc.open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 1024)
        let count = read(fd, &bytes, bytes.count)
        close(fd)
        // "pid (comm) S ppid pgrp ...": comm may hold spaces or parentheses, so after the last ')'.
        guard count > 0, let close = bytes[0..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)..<count].split(separator: UInt8(ascii: " "))
        func number<Number: FixedWidthInteger>(_ index: Int) -> Number? {
            fields.count > index ? Number(String(decoding: fields[index], as: UTF8.self)) : nil
        }
        // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
        guard let state = fields.first?.first, let parent: Int32 = number(1), let group: Int32 = number(2),
              let startTime: UInt64 = number(19) else { return nil }
        return ProcessStat(pid: pid, parent: parent, state: state, group: group, startTime: startTime)
    }

    /// Every pid in /proc but the host's own.
    private static func allProcesses() -> [Int32] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        let me = getpid()
        var pids: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let pid = Int32(name), pid != me { pids.append(pid) }
        }
        return pids
    }

    /// Live processes carrying a marker of this host that is not live.
    private static func strayProcesses() -> [Int32] {
        allProcesses().filter(isStray)
    }

    /// True when `pid` carries a marker of this host whose runtime process ended.
    private static func isStray(_ pid: Int32) -> Bool {
        guard let marker = self.marker(of: pid), marker.hasPrefix(hostToken + ".") else { return false }
        return liveMarkers.withLock { $0[marker] == nil }
    }

    private static let needle = Array("\(markerVariable)=".utf8)

    /// The marker in `/proc/PID/environ`, if any (a zombie's environment reads empty).
    private static func marker(of pid: Int32) -> String? {
        let fd = Glibc.open("/proc/\(pid)/environ", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while bytes.count < 1 << 20 {
            let count = read(fd, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        for variable in bytes.split(separator: 0) where variable.starts(with: needle) {
            return String(decoding: variable.dropFirst(needle.count), as: UTF8.self)
        }
        return nil
    }

    private static func randomHex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }.joined()
    }
}

/// pidfd_open and pidfd_send_signal (glibc 2.36 has both; looked up with dlsym, as they sit
/// behind `_GNU_SOURCE`).
enum PidFD {
    private typealias Open = @convention(c) (Int32, UInt32) -> Int32
    private typealias Signal = @convention(c) (Int32, Int32, UnsafeMutableRawPointer?, UInt32) -> Int32

    private static let openFunction: Open? = lookup("pidfd_open")
    private static let signalFunction: Signal? = lookup("pidfd_send_signal")

    private static func lookup<Function>(_ name: String) -> Function? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }

    /// A close-on-exec pidfd for `pid` (pidfds always are), or nil.
    static func open(_ pid: Int32) -> Int32? {
        guard let openFunction else { return nil }
        let fd = openFunction(pid, 0)
        return fd >= 0 ? fd : nil
    }

    static func signal(_ fd: Int32, _ signal: Int32) -> Int32 {
        guard let signalFunction else { errno = ENOSYS; return -1 }
        return signalFunction(fd, signal, nil, 0)
    }
}
