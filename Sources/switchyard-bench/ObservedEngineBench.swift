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
import SwitchyardTelemetry
import Tracing

/// The issue-12 condition: `task_overhead_us` with metrics and tracing on stays within 15% of
/// off, measured in the same run. swift-metrics and swift-distributed-tracing can be
/// bootstrapped once per process, and the bench runs its suites several times in one process,
/// so both are bootstrapped once with backends that can be switched: off, they hand out no-op
/// metric handlers and spans (what an un-bootstrapped process gets); on, a Prometheus registry
/// and one of two tracers, each exporting OTLP/HTTP to `$SWITCHYARD_BENCH_OTLP_ENDPOINT` (else
/// an unreachable loopback port): the tracer `switchyard` bootstraps (`BatchedTracer`) and
/// swift-otel's (batching span processor), which it bootstraps for what only swift-otel has.
enum ObservedEngineBench {
    /// `task_overhead_observed_us` (the `bench` workflow again, metrics and `BatchedTracer` on),
    /// `task_overhead_swift_otel_us` (metrics and swift-otel's tracer on),
    /// `task_overhead_metrics_us` (metrics on, tracing off) and `task_overhead_unobserved_us`
    /// (both off), each measured by the same function and alternated over `rounds` rounds so a
    /// noisy neighbour hits all four alike; medians, and the ratios to the unobserved median.
    /// (`task_overhead_us`, measured once before, is not the comparator: its first run in a
    /// process pays warm-up the later ones do not.) Beside each, `task_cpu_*_us`: the process's CPU
    /// time per task in that arm, all threads (exporters included), which on two busy cores says
    /// more than wall time alone. `$SWITCHYARD_BENCH_OBSERVED_ROUNDS` overrides `rounds`; the
    /// tracers read the `OTEL_*` variables (`OTEL_BSP_*` batch sizes).
    static func measure(engine: WorkflowEngine, items: JSONValue, toolCallMicros: Double,
                        rounds: Int = 5) async throws -> [String: Double] {
        let switches = try Switches.shared
        defer { switches.set(metrics: false, tracer: nil) }
        let arms: [(figure: String, ratio: String?, metrics: Bool, tracer: Switches.TracerArm?)] = [
            ("task_overhead_unobserved_us", nil, false, nil),
            ("task_overhead_metrics_us", "metrics_overhead_ratio", true, nil),
            ("task_overhead_observed_us", "observed_overhead_ratio", true, .batched),
            ("task_overhead_swift_otel_us", "swift_otel_overhead_ratio", true, .swiftOTel),
        ]
        var samples = Array(repeating: [Double](), count: arms.count)
        var cpuSamples = Array(repeating: [Double](), count: arms.count)
        let rounds = ProcessInfo.processInfo.environment["SWITCHYARD_BENCH_OBSERVED_ROUNDS"].flatMap(Int.init) ?? rounds
        let tasks = Double((items.arrayValue?.count ?? 0) + 20)  // the measured run and its warm-up
        for _ in 0..<rounds {
            for (index, arm) in arms.enumerated() {
                switches.set(metrics: arm.metrics, tracer: arm.tracer)
                let cpuBefore = Self.processCPUMicros()
                samples[index].append(try await EngineBench.overhead(engine: engine, workflowID: "bench", items: items,
                                                                     toolCallMicros: toolCallMicros))
                cpuSamples[index].append((Self.processCPUMicros() - cpuBefore) / tasks)
            }
        }
        let offMedian = median(samples[0])
        var figures: [String: Double] = [:]
        for (index, arm) in arms.enumerated() {
            let value = median(samples[index])
            figures[arm.figure] = value
            if let ratio = arm.ratio { figures[ratio] = value / offMedian }
            figures[arm.figure.replacingOccurrences(of: "task_overhead_", with: "task_cpu_")] = median(cpuSamples[index])
        }
        return figures
    }

    /// CPU time of the whole process so far (every thread: the engine's, the exporters', the
    /// adapters'), in µs.
    static func processCPUMicros() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The process-wide switchable backends, bootstrapped on first use.
    final class Switches: Sendable {
        let metrics: SwitchableMetricsFactory
        let tracer: SwitchableTracer
        /// `BatchedTracer`'s exporter, running for the life of the process.
        private let batchedSession: TracingSession

        /// The tracers a round can switch on, in `SwitchableTracer`'s order.
        enum TracerArm: Int { case batched = 0, swiftOTel = 1 }

        private init() throws {
            metrics = SwitchableMetricsFactory(SwitchyardPrometheus.factory(registry: PrometheusCollectorRegistry()))
            var configuration = OTel.Configuration.default
            configuration.serviceName = "switchyard-bench"
            configuration.logs.enabled = false
            configuration.metrics.enabled = false
            configuration.traces.exporter = .otlp
            // A collector given by $SWITCHYARD_BENCH_OTLP_ENDPOINT, else an unreachable loopback port.
            let endpoint = ProcessInfo.processInfo.environment["SWITCHYARD_BENCH_OTLP_ENDPOINT"]
                ?? "http://127.0.0.1:9/v1/traces"
            configuration.traces.otlpExporter.endpoint = endpoint
            let silent = Logger(label: "bench.otel") { _ in SwiftLogNoOpLogHandler() }
            configuration.diagnosticLogger = .custom(silent)
            let (swiftOTel, service) = try OTel.makeTracingBackend(configuration: configuration)
            var settings = try OTLPTraceSettings(environment: ProcessInfo.processInfo.environment)
            settings.endpoint = endpoint
            settings.resourceAttributes["service.name"] = "switchyard-bench"
            let (batched, session) = TracingBootstrap.makeBatchedTracer(settings: settings, logger: silent)
            batchedSession = session
            self.tracer = SwitchableTracer([batched, swiftOTel])
            let group = ServiceGroup(configuration: .init(services: [service], logger: silent))
            Task { try? await group.run() }
            MetricsSystem.bootstrap(metrics)
            InstrumentationSystem.bootstrap(self.tracer)
        }

        private static let made = Result { try Switches() }
        static var shared: Switches { get throws { try made.get() } }

        func set(metrics metricsOn: Bool, tracer arm: TracerArm?) {
            metrics.isOn.store(metricsOn, ordering: .releasing)
            tracer.active.store(arm?.rawValue ?? -1, ordering: .releasing)
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
