import ArgumentParser
import Metrics
import Prometheus
import SwitchyardHost
import SwitchyardServer

/// `serve`'s metrics flags, and the Prometheus backend it bootstraps (docs/METRICS.md).
struct MetricsOptions: ParsableArguments {
    @Flag(help: "Answer GET /metrics without the API key (Prometheus scrapes without credentials); by default it needs the key like every route but /health.")
    var metricsWithoutKey = false

    /// Bootstraps swift-metrics with a Prometheus factory over a new registry (once per
    /// process) and returns the registry `/metrics` renders.
    func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(SwitchyardPrometheus.factory(registry: registry))
        return registry
    }

    /// The `/metrics` endpoint over `registry`; each scrape first reads the adapters' statistics.
    func endpoint(_ registry: PrometheusCollectorRegistry, host: ProjectHost) -> MetricsEndpoint {
        MetricsEndpoint(registry: registry, open: metricsWithoutKey) { host.recordAdapterStatistics() }
    }
}
