import Foundation
import Logging
import Metrics
import OTel
import Prometheus
import ServiceLifecycle
import Synchronization
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardServer
import Tracing

/// The issue-12 condition: `task_overhead_us` with metrics and tracing on stays within 15% of
/// off, measured in the same run. swift-metrics and swift-distributed-tracing can be
/// bootstrapped once per process, and the bench runs its suites several times in one process,
/// so both are bootstrapped once with backends that can be switched: off, they hand out no-op
/// metric handlers and spans (what an un-bootstrapped process gets); on, a Prometheus registry
/// and swift-otel's tracer (batching span processor, OTLP/HTTP to an unreachable loopback port).
enum ObservedEngineBench {
    /// `task_overhead_observed_us` (the `bench` workflow again, metrics and tracing on),
    /// `task_overhead_metrics_us` (metrics on, tracing off) and `task_overhead_unobserved_us`
    /// (both off), each measured by the same function and alternated over `rounds` rounds so a
    /// noisy neighbour hits all three alike; medians, and the ratios to the unobserved median.
    /// (`task_overhead_us`, measured once before, is not the comparator: its first run in a
    /// process pays warm-up the later ones do not.)
    static func measure(engine: WorkflowEngine, items: JSONValue, toolCallMicros: Double,
                        rounds: Int = 5) async throws -> [String: Double] {
        let switches = try Switches.shared
        defer { switches.set(metrics: false, tracing: false) }
        var off: [Double] = [], metricsOnly: [Double] = [], observed: [Double] = []
        for _ in 0..<rounds {
            switches.set(metrics: false, tracing: false)
            off.append(try await overhead(engine: engine, items: items, toolCallMicros: toolCallMicros))
            switches.set(metrics: true, tracing: false)
            metricsOnly.append(try await overhead(engine: engine, items: items, toolCallMicros: toolCallMicros))
            switches.set(metrics: true, tracing: true)
            observed.append(try await overhead(engine: engine, items: items, toolCallMicros: toolCallMicros))
        }
        let offMedian = median(off), metricsMedian = median(metricsOnly), observedMedian = median(observed)
        return ["task_overhead_unobserved_us": offMedian,
                "task_overhead_metrics_us": metricsMedian, "metrics_overhead_ratio": metricsMedian / offMedian,
                "task_overhead_observed_us": observedMedian, "observed_overhead_ratio": observedMedian / offMedian]
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// µs per task of the `bench` workflow beyond the bare tool call, after a short warm-up.
    private static func overhead(engine: WorkflowEngine, items: JSONValue, toolCallMicros: Double) async throws -> Double {
        _ = try await engine.run(workflowID: "bench", input: ["items": .array(Array(items.arrayValue!.prefix(20)))])
        var result: WorkflowResult?
        let whole = try await ContinuousClock().measure {
            result = try await engine.run(workflowID: "bench", input: ["items": items])
        }
        guard result?.status == .success else {
            throw BenchFailure("the observed bench workflow ended \(result?.status.rawValue ?? "?")")
        }
        let (seconds, attoseconds) = whole.components
        return (Double(seconds) + Double(attoseconds) / 1e18) * 1e6 / Double(items.arrayValue!.count) - toolCallMicros
    }

    struct BenchFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The process-wide switchable backends, bootstrapped on first use.
    final class Switches: Sendable {
        let metrics: SwitchableMetricsFactory
        let tracer: SwitchableTracer

        private init() throws {
            metrics = SwitchableMetricsFactory(SwitchyardPrometheus.factory(registry: PrometheusCollectorRegistry()))
            var configuration = OTel.Configuration.default
            configuration.serviceName = "switchyard-bench"
            configuration.logs.enabled = false
            configuration.metrics.enabled = false
            configuration.traces.exporter = .otlp
            // A collector given by $SWITCHYARD_BENCH_OTLP_ENDPOINT, else an unreachable loopback port.
            configuration.traces.otlpExporter.endpoint = ProcessInfo.processInfo.environment["SWITCHYARD_BENCH_OTLP_ENDPOINT"]
                ?? "http://127.0.0.1:9/v1/traces"
            configuration.diagnosticLogger = .custom(Logger(label: "bench.otel") { _ in SwiftLogNoOpLogHandler() })
            let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
            self.tracer = SwitchableTracer(tracer)
            let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "bench.otel") { _ in
                SwiftLogNoOpLogHandler()
            }))
            Task { try? await group.run() }
            MetricsSystem.bootstrap(metrics)
            InstrumentationSystem.bootstrap(self.tracer)
        }

        private static let made = Result { try Switches() }
        static var shared: Switches { get throws { try made.get() } }

        func set(metrics metricsOn: Bool, tracing tracingOn: Bool) {
            metrics.isOn.store(metricsOn, ordering: .releasing)
            tracer.isOn.store(tracingOn, ordering: .releasing)
            // Metric objects made while off were no-ops: make them again.
            SwitchyardMetrics.factoryChanged()
        }
    }
}

/// A metrics factory that makes Prometheus handlers while on and no-op ones while off.
final class SwitchableMetricsFactory: MetricsFactory, Sendable {
    let isOn = Atomic<Bool>(false)
    private let on: PrometheusMetricsFactory

    init(_ on: PrometheusMetricsFactory) { self.on = on }

    private var active: Bool { isOn.load(ordering: .acquiring) }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        active ? on.makeCounter(label: label, dimensions: dimensions) : NOOPMetricsHandler.instance
    }
    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        active ? on.makeFloatingPointCounter(label: label, dimensions: dimensions) : NOOPMetricsHandler.instance
    }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        active ? on.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate) : NOOPMetricsHandler.instance
    }
    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        active ? on.makeMeter(label: label, dimensions: dimensions) : NOOPMetricsHandler.instance
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        active ? on.makeTimer(label: label, dimensions: dimensions) : NOOPMetricsHandler.instance
    }
    // Nothing is destroyed: the registry keeps every series for the life of the process.
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyMeter(_ handler: any MeterHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
