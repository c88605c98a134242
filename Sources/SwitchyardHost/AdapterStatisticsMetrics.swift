import Metrics
import Synchronization
import SwitchyardAdapterHost
import SwitchyardEngine
import SwitchyardRuntime

extension ProjectHost {
    /// Reads the statistics of every loaded adapter that has ABI 1.1's `stats` hook into
    /// swift-metrics: gauges as `switchyard_adapter_NAME`, counters as `switchyard_adapter_NAME`
    /// advanced to the adapter's total, each labeled `adapter` with the adapter's key
    /// (`runtime`, `ffi`, an `adapters:` id). Call it right before metrics are exported
    /// (`switchyard serve` does at every `/metrics` scrape). docs/METRICS.md lists what the
    /// Bun adapter reports.
    public func recordAdapterStatistics() {
        AdapterStatisticsMetrics.record(adapters.loadedAdapters)
    }
}

/// Adapter statistics as swift-metrics objects, one per name and adapter.
enum AdapterStatisticsMetrics {
    struct Key: Hashable, Sendable {
        var name: String
        var adapter: String
    }

    /// A counter and the adapter's total it was last advanced to.
    final class TotalCounter: Sendable {
        let counter: Counter
        let last = Mutex<Double>(0)

        init(_ key: Key) {
            counter = Counter(label: "switchyard_adapter_\(key.name)", dimensions: [("adapter", key.adapter)])
        }

        /// Advances the counter to `total`. A total below the last one means the adapter's
        /// instance started over (counted from zero again): all of it is new.
        func advance(to total: Double) {
            let step = last.withLock { last -> Double in
                defer { last = total }
                return total >= last ? total - last : total
            }
            if step >= 1 { counter.increment(by: Int64(step)) }
        }
    }

    static let gauges = MetricCache<Key, Gauge> { key in
        Gauge(label: "switchyard_adapter_\(key.name)", dimensions: [("adapter", key.adapter)])
    }
    static let counters = MetricCache<Key, TotalCounter> { key in TotalCounter(key) }

    static func record(_ adapters: [String: any ToolAdapter]) {
        for (key, adapter) in adapters {
            guard let library = adapter as? LibraryAdapter, let statistics = library.statistics() else { continue }
            for (name, value) in statistics.gauges { gauges[Key(name: name, adapter: key)].record(value) }
            for (name, total) in statistics.counters { counters[Key(name: name, adapter: key)].advance(to: total) }
        }
    }
}
