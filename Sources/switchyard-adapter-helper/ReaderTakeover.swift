import Foundation

/// Lets the thread that reads the host's frames start a call inline, without a thread hop,
/// and still never leaves the pipe unread while that thread is stuck inside the plugin.
///
/// The reading thread runs a call's `start_call` itself (a call answered inside it costs no
/// wake-up of another thread). A stand-by thread looks every `period`: when the reading thread
/// has been inside the same call for a whole period, the stand-by takes over reading (a cancel,
/// the next call) and a new stand-by starts; the thread that comes back from the plugin sees
/// it no longer reads and ends. Only one thread reads at a time: the hand-over happens under
/// the lock, while the old reader is inside the plugin, never inside `read`.
///
/// A stand-by that saw no call for a while waits without a timeout and is signalled by the
/// next inline call, so an idle helper does not wake `1 / period` times a second.
final class ReaderTakeover: @unchecked Sendable {
    /// How long a call may hold the reading thread before another thread reads.
    let period: TimeInterval
    /// The read loop; `generation` names the reader, handed to ``runInline(as:_:)``.
    private let readLoop: @Sendable (ReaderTakeover, _ generation: UInt64) -> Void

    // Guarded by `condition`.
    private let condition = NSCondition()
    /// The generation of the thread that reads now.
    private var readerGeneration: UInt64 = 0
    /// Counts inline sections, so the stand-by can tell one long section from two short ones.
    private var sectionSerial: UInt64 = 0
    private var insideSection = false
    /// The stand-by waits without a timeout until the next section signals it.
    private var standbyIdle = false

    /// How many quiet checks in a row send the stand-by to waiting without a timeout.
    private static let quietChecksBeforeIdle = 20

    init(period: TimeInterval = 0.005, readLoop: @escaping @Sendable (ReaderTakeover, _ generation: UInt64) -> Void) {
        self.period = period
        self.readLoop = readLoop
    }

    /// Starts the first stand-by and runs the read loop on the calling thread as its first
    /// reader; returns when this thread lost the reading to a stand-by (or the loop ended).
    func readOnThisThread() {
        startStandby()
        readLoop(self, 0)
    }

    /// Runs `body` (which may call into the plugin and stay there) on the reading thread.
    /// - Returns: whether the calling thread still reads; `false`: it must stop reading now.
    func runInline(as generation: UInt64, _ body: () -> Void) -> Bool {
        condition.lock()
        sectionSerial &+= 1
        insideSection = true
        if standbyIdle {
            standbyIdle = false
            condition.signal()
        }
        condition.unlock()
        body()
        condition.lock()
        defer { condition.unlock() }
        guard readerGeneration == generation else { return false }
        insideSection = false
        return true
    }

    private func startStandby() {
        let thread = Thread { [self] in standBy() }
        thread.name = "switchyard-helper-reader"
        thread.start()
    }

    /// Waits to take over; once it did, it reads until it loses the reading in turn.
    private func standBy() {
        condition.lock()
        var seenSection: UInt64?
        var quietChecks = 0
        while true {
            if standbyIdle {
                condition.wait()
            } else {
                _ = condition.wait(until: Date(timeIntervalSinceNow: period))
            }
            guard insideSection else {
                seenSection = nil
                quietChecks += 1
                if quietChecks >= Self.quietChecksBeforeIdle {
                    quietChecks = 0
                    standbyIdle = true
                }
                continue
            }
            quietChecks = 0
            if seenSection != sectionSerial {
                seenSection = sectionSerial
                continue
            }
            // The same section for a whole period: its thread is busy or stuck in the plugin.
            readerGeneration &+= 1
            insideSection = false
            let generation = readerGeneration
            condition.unlock()
            startStandby()
            readLoop(self, generation)
            return
        }
    }
}
