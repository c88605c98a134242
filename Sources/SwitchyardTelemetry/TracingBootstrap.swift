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
    /// - Returns: the running exporter, to `shutdown()` before the process exits (which flushes
    ///   the spans not yet sent); `nil` when tracing is off.
    /// - Throws: `ConfigurationError` for a variable this build cannot honour, or swift-otel's
    ///   own configuration error.
    public static func start(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> TracingSession? {
        guard try isRequested(by: environment) else { return nil }
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
}

/// The OTLP exporter started by `TracingBootstrap.start`, running until `shutdown()`.
public final class TracingSession: Sendable {
    private let group: ServiceGroup
    private let running: Task<Void, Never>

    init(service: some Service) {
        let group = ServiceGroup(configuration: .init(
            services: [service], gracefulShutdownSignals: [], logger: Logger(label: "switchyard.tracing")))
        self.group = group
        self.running = Task { try? await group.run() }
    }

    /// Stops the exporter after it has sent every span ended so far (each batch bounded by
    /// `OTEL_BSP_EXPORT_TIMEOUT`, each request by `OTEL_EXPORTER_OTLP_TIMEOUT`).
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        await running.value
    }
}
