/// How many stderr lines of one call (or of a worker, for lines no call claims) reach the log.
///
/// A token bucket (``burstLines`` at once, refilled at ``linesPerSecond``) inside a hard cap of
/// ``maxLines`` lines and ``maxBytes`` bytes; what it refuses is counted, and the owner reports the
/// count in one line when the call ends. So a tool writing megabytes to stderr puts at most
/// ``maxLines`` lines into the host log, while its writes are still read (and dropped) at pipe
/// speed: the tool is never slowed by the log.
struct StderrLogLimit {
    /// Lines a quiet call may log at once.
    static let burstLines = 200
    /// Lines per second the bucket refills.
    static let linesPerSecond = 50
    /// Lines of one call that reach the log at most.
    static let maxLines = 1_000
    /// Bytes of one call's lines that reach the log at most.
    static let maxBytes = 256 * 1024

    private var tokens = Double(StderrLogLimit.burstLines)
    private var refilledAt: ContinuousClock.Instant?
    private(set) var logged = (lines: 0, bytes: 0)
    private(set) var dropped = (lines: 0, bytes: 0)

    /// Counts one line of `bytes`; true: log it.
    mutating func admit(bytes: Int) -> Bool {
        if tokens < 1 { refill() }
        guard tokens >= 1, logged.lines < Self.maxLines, logged.bytes + bytes <= Self.maxBytes else {
            return refuse(bytes: bytes)
        }
        tokens -= 1
        logged.lines += 1
        logged.bytes += bytes
        return true
    }

    /// Counts one line of `bytes` that may not be logged now; returns false.
    mutating func refuse(bytes: Int) -> Bool {
        dropped.lines += 1
        dropped.bytes += bytes
        return false
    }

    private mutating func refill() {
        let now = ContinuousClock.now
        defer { refilledAt = now }
        guard let refilledAt else { return }
        let elapsed = now - refilledAt
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(Double(Self.burstLines), tokens + seconds * Double(Self.linesPerSecond))
    }

    /// The one line saying what was dropped, or nil when nothing was; `subject` names whose
    /// stderr it was (`tool "x"`).
    func droppedNotice(_ subject: String) -> String? {
        guard dropped.lines > 0 else { return nil }
        return "\(subject): dropped \(dropped.lines) lines (\(dropped.bytes) bytes) of stderr past the log limit "
            + "(\(Self.burstLines) lines at once, \(Self.linesPerSecond) lines/s, at most \(Self.maxLines) lines "
            + "or \(Self.maxBytes) bytes per call)"
    }
}
