import SwitchyardJSON

/// What an adapter instance reports through ABI 1.1's `stats` hook (adapter.h): values now
/// (`gauges`) and totals since it was created (`counters`), by name.
public struct AdapterStatistics: Sendable, Equatable {
    /// Values now, e.g. `pool_workers`.
    public var gauges: [String: Double]
    /// Totals that never decrease, e.g. `pool_recycles_total`.
    public var counters: [String: Double]

    /// Statistics from their parts.
    public init(gauges: [String: Double] = [:], counters: [String: Double] = [:]) {
        self.gauges = gauges
        self.counters = counters
    }

    /// The hook's JSON `{"gauges": {NAME: number}, "counters": {NAME: number}}`; names that are not
    /// `[a-z0-9_]{1,64}`, counters not ending in `_total`, gauges ending in it and values that are
    /// not finite numbers are left out. Nil for anything
    /// but a JSON object.
    init?(json bytes: [UInt8]) {
        guard let value = try? JSONValue(parsing: bytes), value.objectValue != nil else { return nil }
        // A counter's name ends in `_total` and a gauge's does not, so one name is never both
        // (a Prometheus registry refuses that).
        func numbers(_ member: String, totals: Bool) -> [String: Double] {
            var found: [String: Double] = [:]
            for (name, number) in value[member]?.objectValue ?? [:]
            where Self.isMetricName(name) && name.hasSuffix("_total") == totals {
                if let double = number.doubleValue, double.isFinite { found[name] = double }
            }
            return found
        }
        self.init(gauges: numbers("gauges", totals: false), counters: numbers("counters", totals: true))
    }

    static func isMetricName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") }
    }
}

extension LibraryAdapter {
    /// How long a scrape waits for `stats` before it gives up on it (the hook must not block).
    static let statisticsBudget: Duration = .seconds(1)

    /// The instance's statistics (`stats`, ABI 1.1), or nil when the adapter has none, is shut
    /// down, or did not answer within a second. Runs the hook on a host hook thread, like
    /// `describe`, so a misbehaving adapter cannot hold the caller's thread longer than that.
    public func statistics() -> AdapterStatistics? {
        guard library.hasStatistics, admitDescribing() else { return nil }
        defer { finishDescribing() }
        let (library, instance) = (self.library, self.instance)
        let answer = BoundedHook.run(.stats, of: self, budget: Self.statisticsBudget) { library.stats(instance) }
        return (answer ?? nil).flatMap(AdapterStatistics.init(json:))
    }
}
