import Metrics

/// The store's write latency (docs/METRICS.md): one histogram per kind of write.
package enum StoreMetrics {
    /// What a write does: the `operation` label.
    package enum Operation: String, Hashable, Sendable {
        /// An execution row inserted or updated.
        case workflow
        /// A batch of task checkpoints committed together (group commit).
        case tasks
    }

    private static let durations = MetricCache<Operation, Metrics.Timer> { operation in
        Metrics.Timer(label: "switchyard_store_write_duration_seconds",
                      dimensions: [("store", "sqlite"), ("operation", operation.rawValue)], preferredDisplayUnit: .seconds)
    }

    /// Runs one write and records how long it took, failed or not.
    package static func timed<T>(_ operation: Operation, _ write: () throws -> T) rethrows -> T {
        let stopwatch = MetricStopwatch()
        defer { durations[operation].record(since: stopwatch) }
        return try write()
    }
}
