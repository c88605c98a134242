import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Turns on OpenTelemetry tracing (OTLP over HTTP, through swift-otel) when the standard `OTEL_*`
/// variables ask for it; the library itself only creates spans through swift-distributed-tracing.
///
/// Tracing is **on** when `OTEL_SDK_DISABLED` is not `true` and either `OTEL_TRACES_EXPORTER` is
/// `otlp`, or one of `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set
/// (and `OTEL_TRACES_EXPORTER` is not `none`). Otherwise nothing is bootstrapped: spans go to
/// swift-distributed-tracing's no-op tracer and cost next to nothing. Only traces are bootstrapped,
/// never OTel metrics or logs (Prometheus and swift-log own those). docs/TRACING.md has the rest.
public enum TracingBootstrap {
    /// The service name spans carry when `OTEL_SERVICE_NAME` does not say otherwise.
    public static let defaultServiceName = "switchyard"

    /// A problem with the `OTEL_*` variables, naming the variable and the value.
    public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
        /// One line naming the variable, its value and what is accepted.
        public let description: String
    }

    /// Whether `environment` asks for traces (see the type's documentation).
    /// - Throws: `ConfigurationError` for an exporter or protocol this build cannot use.
    public static func isRequested(by environment: [String: String]) throws(ConfigurationError) -> Bool {
        if let disabled = environment["OTEL_SDK_DISABLED"], disabled.lowercased() == "true" { return false }
        let exporter = environment["OTEL_TRACES_EXPORTER"]?.lowercased()
        switch exporter {
        case nil, "": break
        case "none": return false
        case "otlp": break
        case let other?:
            throw ConfigurationError(description: "OTEL_TRACES_EXPORTER: \"\(other)\" is not supported (otlp or none)")
        }
        for name in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            guard ["http/protobuf", "http/json"].contains(value) else {
                throw ConfigurationError(description:
                    "\(name): \"\(value)\" is not supported (http/protobuf or http/json; this build has no gRPC)")
            }
        }
        let endpointSet = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
            .contains { !(environment[$0] ?? "").isEmpty }
        return exporter == "otlp" || endpointSet
    }

    /// Bootstraps the process-wide tracer from `environment` when it asks for traces, and starts
    /// the exporter in the background. Call it at most once per process, before any span starts.
    /// The tracer is the one `tracer(for:)` picks.
    /// - Returns: the running exporter, to `shutdown()` before the process exits (which flushes
    ///   the spans not yet sent); `nil` when tracing is off.
    /// - Throws: `ConfigurationError` for a variable this build cannot honour, or swift-otel's
    ///   own configuration error.
    public static func start(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> TracingSession? {
        guard try isRequested(by: environment) else { return nil }
        switch try tracer(for: environment) {
        case .swiftOTel:
            return try startSwiftOTel(environment: environment)
        case .batched:
            let (tracer, session) = makeBatchedTracer(settings: try OTLPTraceSettings(environment: environment),
                                                      logger: diagnosticLogger(environment))
            InstrumentationSystem.bootstrap(tracer)
            return session
        }
    }

    /// The tracers `start` can bootstrap.
    public enum TracerChoice: String, Sendable {
        /// `BatchedTracer` (why it exists is in its documentation): the default.
        case batched = "switchyard"
        /// swift-otel's tracer, batch span processor and OTLP/HTTP exporter.
        case swiftOTel = "swift-otel"
    }

    /// The variable naming the tracer: `switchyard` or `swift-otel`.
    public static let tracerVariable = "SWITCHYARD_TRACER"

    /// `$SWITCHYARD_TRACER` when set; otherwise swift-otel's when a variable asks for what only
    /// swift-otel implements (`swiftOTelVariable(in:)`), else `BatchedTracer`.
    /// - Throws: `ConfigurationError` for an unknown `SWITCHYARD_TRACER`, or for
    ///   `SWITCHYARD_TRACER=switchyard` beside a variable only swift-otel implements.
    public static func tracer(for environment: [String: String]) throws(ConfigurationError) -> TracerChoice {
        let needsSwiftOTel = swiftOTelVariable(in: environment)
        guard let named = environment[tracerVariable], !named.isEmpty else {
            return needsSwiftOTel == nil ? .batched : .swiftOTel
        }
        guard let choice = TracerChoice(rawValue: named.lowercased()) else {
            throw ConfigurationError(description: "\(tracerVariable): \"\(named)\" is not a tracer (switchyard or swift-otel)")
        }
        if choice == .batched, let needsSwiftOTel {
            throw ConfigurationError(description:
                "\(needsSwiftOTel) is implemented only by swift-otel's tracer: set \(tracerVariable)=swift-otel or unset it")
        }
        return choice
    }

    /// A `BatchedTracer` exporting as `settings` say, and its running exporter; nothing is
    /// bootstrapped (for a process that bootstraps its own tracer, or several).
    public static func makeBatchedTracer(settings: OTLPTraceSettings, logger: Logger)
        -> (tracer: BatchedTracer, session: TracingSession) {
        let queue = SpanExportQueue(settings: settings, logger: logger)
        return (BatchedTracer(settings: settings, queue: queue), TracingSession(queue: queue))
    }

    /// The first set variable that only swift-otel's exporter implements (request compression,
    /// TLS certificate files, propagators other than W3C trace context), `nil` when none is.
    public static func swiftOTelVariable(in environment: [String: String]) -> String? {
        let signals = ["OTEL_EXPORTER_OTLP_", "OTEL_EXPORTER_OTLP_TRACES_"]
        for prefix in signals {
            if let compression = environment[prefix + "COMPRESSION"], !compression.isEmpty, compression != "none" {
                return prefix + "COMPRESSION"
            }
            for suffix in ["CERTIFICATE", "CLIENT_KEY", "CLIENT_CERTIFICATE"] where !(environment[prefix + suffix] ?? "").isEmpty {
                return prefix + suffix
            }
        }
        if let propagators = environment["OTEL_PROPAGATORS"], !propagators.isEmpty, propagators != "tracecontext" {
            return "OTEL_PROPAGATORS"
        }
        return nil
    }

    /// swift-otel's tracer, batch processor and OTLP/HTTP exporter, bootstrapped.
    private static func startSwiftOTel(environment: [String: String]) throws -> TracingSession {
        var configuration = OTel.Configuration.default
        configuration.serviceName = defaultServiceName
        configuration.diagnosticLogLevel = .warning
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.exporter = .otlp
        // `OTEL_SDK_DISABLED=false` would turn OTel metrics and logs back on: handled above.
        var overrides = environment
        overrides["OTEL_SDK_DISABLED"] = nil
        let service = try OTel.bootstrap(configuration: configuration, environment: overrides)
        return TracingSession(service: service)
    }

    /// Export warnings on stderr at `OTEL_LOG_LEVEL` (default `warning`), as swift-otel's are.
    static func diagnosticLogger(_ environment: [String: String]) -> Logger {
        var logger = Logger(label: "switchyard.tracing") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = environment["OTEL_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .warning
        return logger
    }
}

/// The OTLP exporter started by `TracingBootstrap`, running until `shutdown()`.
public final class TracingSession: Sendable {
    private let stop: @Sendable () async -> Void
    private let running: Task<Void, Never>

    init(service: some Service) {
        let group = ServiceGroup(configuration: .init(
            services: [service], gracefulShutdownSignals: [], logger: Logger(label: "switchyard.tracing")))
        self.running = Task { try? await group.run() }
        self.stop = { await group.triggerGracefulShutdown() }
    }

    init(queue: SpanExportQueue) {
        self.running = Task { await queue.run() }
        self.stop = { queue.close() }
    }

    /// Stops the exporter after it has sent every span ended so far (each request bounded by
    /// `OTEL_EXPORTER_OTLP_TIMEOUT` and `OTEL_BSP_EXPORT_TIMEOUT`).
    public func shutdown() async {
        await stop()
        await running.value
    }
}
