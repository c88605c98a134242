import Foundation
import Synchronization

/// SIGINT and SIGTERM while `run` or `resume` runs: the first asks for a clean cancel, a second
/// one exits at once.
///
/// The default handlers are ignored (`SIG_IGN`) first, so a signal never kills the process
/// before the dispatch sources see it; the sources count signals, so two arriving together
/// still count as two.
final class InterruptSignals: Sendable {
    /// Kept so the sources live as long as this; set once in `init`, never changed.
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]
    private let state = Mutex(State())

    private struct State {
        var received = 0
        var onFirst: (@Sendable () -> Void)?
        var onSecond: (@Sendable (Int32) -> Void)?
    }

    /// Starts listening for SIGINT and SIGTERM.
    init() {
        let queue = DispatchQueue(label: "switchyard.signals")
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: signalNumber, queue: queue))
        }
        self.sources = sources
        for (source, signalNumber) in zip(sources, [SIGINT, SIGTERM]) {
            source.setEventHandler { [self] in self.received(signalNumber, count: Int(source.data)) }
            source.resume()
        }
    }

    /// Whether a signal has arrived.
    var interrupted: Bool { state.withLock { $0.received > 0 } }

    /// What to do on the first signal (at once if it already came) and on the second; the second
    /// must not return (it exits the process).
    func arm(onFirst: @escaping @Sendable () -> Void, onSecond: @escaping @Sendable (Int32) -> Void) {
        let alreadyInterrupted = state.withLock { state in
            state.onFirst = onFirst
            state.onSecond = onSecond
            return state.received > 0
        }
        if alreadyInterrupted { onFirst() }
    }

    /// The exit code of a process ended by `signalNumber`: 128 + the signal (130 for SIGINT).
    static func exitCode(for signalNumber: Int32) -> Int32 { 128 + signalNumber }

    private func received(_ signalNumber: Int32, count: Int) {
        let (first, isSecond, second) = state.withLock { state in
            let before = state.received
            state.received += max(count, 1)
            return (before == 0 ? state.onFirst : nil, state.received >= 2, state.onSecond)
        }
        if isSecond {
            second?(signalNumber)
            // Reached when nothing was armed yet: the process was still starting, nothing ran.
            _exit(Self.exitCode(for: signalNumber))
        }
        first?()
    }
}
