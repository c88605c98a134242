import Prometheus

/// The Prometheus backend for Switchyard's metrics, for whoever bootstraps `MetricsSystem`
/// (`switchyard serve`, an embedding host, the benchmark).
public enum SwitchyardPrometheus {
    /// A factory over `registry` with histogram buckets fit for each of Switchyard's durations
    /// (tool calls from microseconds to minutes, store writes in microseconds).
    public static func factory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = bucketsByMetric
        return factory
    }

    /// Upper bounds per metric name.
    static let bucketsByMetric: [String: [Duration]] = [
        "switchyard_tool_call_duration_seconds": calls,
        "switchyard_task_duration_seconds": calls,
        "switchyard_store_write_duration_seconds": [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100), .seconds(1),
        ],
        "switchyard_api_request_duration_seconds": [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30),
            .seconds(60), .seconds(300),
        ],
    ]

    private static let calls: [Duration] = [
        .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10),
        .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30),
        .seconds(120), .seconds(600),
    ]
}
