import Metrics
import Synchronization

/// Switchyard's side of swift-metrics: the library records through the API only and keeps the
/// metric objects it makes, one per label set (docs/METRICS.md lists every name).
///
/// A swift-metrics object is bound to the factory that was bootstrapped when it was made. The
/// usual host bootstraps once before it opens a project, and nothing more is needed; a process
/// that switches its factory later (the benchmark measures the same engine with metrics off and
/// on) calls `factoryChanged()` so that the cached objects are made again by the new factory.
public enum SwitchyardMetrics {
    /// Bumped by `factoryChanged()`; every cache compares it on each lookup (one atomic load).
    static let generation = Atomic<Int>(0)

    /// Drops every metric object Switchyard cached, so the next recording makes them again
    /// through the factory in place now. Call it after switching what `MetricsSystem` forwards to.
    public static func factoryChanged() {
        generation.add(1, ordering: .releasing)
    }
}

/// Metric objects by label set, each made once (per factory generation) and then reused, so a
/// recording costs a dictionary lookup instead of a factory call and an allocation.
package final class MetricCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entries {
        var generation: Int
        var values: [Key: Value] = [:]
    }
    private let entries: Mutex<Entries>
    private let make: @Sendable (Key) -> Value

    /// A cache that makes the object for a new key with `make`.
    package init(_ make: @escaping @Sendable (Key) -> Value) {
        self.make = make
        self.entries = Mutex(Entries(generation: SwitchyardMetrics.generation.load(ordering: .acquiring)))
    }

    /// The object for `key`, made now if this is its first use under the current factory.
    package subscript(_ key: Key) -> Value {
        let generation = SwitchyardMetrics.generation.load(ordering: .acquiring)
        return entries.withLock { entries in
            if entries.generation != generation { entries = Entries(generation: generation) }
            if let value = entries.values[key] { return value }
            let value = make(key)
            entries.values[key] = value
            return value
        }
    }
}

/// A start time for a duration metric.
package struct MetricStopwatch: Sendable {
    private let start = ContinuousClock.now

    /// A stopwatch started now.
    package init() {}

    /// Nanoseconds since the start.
    package var elapsedNanoseconds: Int64 {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

extension Metrics.Timer {
    /// Records the time since `stopwatch` started.
    package func record(since stopwatch: MetricStopwatch) {
        recordNanoseconds(stopwatch.elapsedNanoseconds)
    }
}
