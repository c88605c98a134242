import Metrics
import SwitchyardJSON
import SwitchyardRuntime

/// A `ToolAdapter` that records every call it forwards: its duration by adapter and outcome, and
/// the calls in flight by adapter. The engine wraps each adapter it is given once, so every tool
/// call (tasks and agents' tools alike) is recorded without the call sites knowing.
struct MeteredToolAdapter: ToolAdapter {
    /// The adapter that runs the calls.
    let base: any ToolAdapter
    /// The engine's key for it (`runtime`, `ffi`, an `adapters:` id): the `adapter` label.
    let key: String

    var id: String { base.id }

    func describe() async throws -> [ToolDescriptor] { try await base.describe() }

    func call(_ request: ToolCallRequest) -> AsyncThrowingStream<ToolEvent, any Error> { base.call(request) }

    func run(_ request: ToolCallRequest, onEvent: (ToolEvent) -> Void) async throws -> JSONValue {
        let inFlight = ToolCallMetrics.inFlight[key]
        inFlight.increment()
        let stopwatch = MetricStopwatch()
        do {
            let output = try await base.run(request, onEvent: onEvent)
            inFlight.decrement()
            ToolCallMetrics.durations[ToolCallMetrics.Labels(adapter: key, status: "ok")].record(since: stopwatch)
            return output
        } catch {
            inFlight.decrement()
            let status = (error as? ToolError)?.kind.rawValue ?? ToolError.Kind.protocol.rawValue
            ToolCallMetrics.durations[ToolCallMetrics.Labels(adapter: key, status: status)].record(since: stopwatch)
            throw error
        }
    }

    func shutdown() async { await base.shutdown() }
}

/// The tool-call metrics (docs/METRICS.md).
package enum ToolCallMetrics {
    struct Labels: Hashable, Sendable {
        var adapter: String
        /// `ok`, or the call's error kind (a fixed set).
        var status: String
    }

    static let durations = MetricCache<Labels, Metrics.Timer> { key in
        Metrics.Timer(label: "switchyard_tool_call_duration_seconds",
                      dimensions: [("adapter", key.adapter), ("status", key.status)], preferredDisplayUnit: .seconds)
    }
    static let inFlight = MetricCache<String, Meter> { adapter in
        Meter(label: "switchyard_tool_calls_in_flight", dimensions: [("adapter", adapter)])
    }

    /// Each adapter wrapped so that its calls are recorded under its key.
    package static func metered(_ adapters: [String: any ToolAdapter]) -> [String: any ToolAdapter] {
        Dictionary(uniqueKeysWithValues: adapters.map { key, adapter in
            (key, adapter is MeteredToolAdapter ? adapter : MeteredToolAdapter(base: adapter, key: key))
        })
    }
}
