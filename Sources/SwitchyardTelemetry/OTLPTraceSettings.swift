import Foundation

/// What the `OTEL_*` variables ask of the OTLP/HTTP trace export, read the way the OpenTelemetry
/// SDK environment specification (and swift-otel) reads them: a `_TRACES_` variable wins over the
/// general one, durations are milliseconds, lists are `key=value,...` with percent-encoded values.
public struct OTLPTraceSettings: Sendable {
    /// The wire format of an export request.
    public enum WireProtocol: String, Sendable {
        case protobuf = "http/protobuf"
        case json = "http/json"
    }

    /// Which spans are recorded (`OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`).
    public enum Sampler: Sendable, Equatable {
        case alwaysOn, alwaysOff
        case traceIDRatio(Double)
        /// The parent's decision when there is a parent, else `root`'s.
        indirect case parentBased(root: Sampler)
    }

    /// The full traces URL.
    public var endpoint = "http://localhost:4318/v1/traces"
    public var wireProtocol = WireProtocol.protobuf
    /// Extra request headers (`OTEL_EXPORTER_OTLP_HEADERS`).
    public var headers: [(String, String)] = []
    /// One export request's limit (`OTEL_EXPORTER_OTLP_TIMEOUT`).
    public var requestTimeout = Duration.seconds(10)
    /// The resource's attributes, `service.name` included.
    public var resourceAttributes: [String: String] = ["service.name": TracingBootstrap.defaultServiceName]
    public var sampler = Sampler.parentBased(root: .alwaysOn)
    /// `OTEL_BSP_SCHEDULE_DELAY`: the longest a finished span waits before it is sent.
    public var scheduleDelay = Duration.milliseconds(5000)
    /// `OTEL_BSP_EXPORT_TIMEOUT`: the limit of one batch's export, retries included.
    public var exportTimeout = Duration.milliseconds(30000)
    /// `OTEL_BSP_MAX_QUEUE_SIZE`: finished spans kept while waiting; beyond it they are dropped.
    public var maxQueueSize = 2048
    /// `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`: the most spans in one request.
    public var maxExportBatchSize = 512

    /// The defaults of the specification, `service.name` = `switchyard`.
    public init() {}

    /// The settings `environment` gives.
    /// - Throws: `TracingBootstrap.ConfigurationError` naming the variable whose value is not
    ///   accepted.
    public init(environment: [String: String]) throws(TracingBootstrap.ConfigurationError) {
        let read = EnvironmentReader(environment: environment)
        if let url = read.value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
            endpoint = url
        } else if let base = read.value("OTEL_EXPORTER_OTLP_ENDPOINT") {
            endpoint = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/v1/traces"
        }
        if let (name, value) = read.first("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL") {
            guard let format = WireProtocol(rawValue: value) else {
                throw .init(description: "\(name): \"\(value)\" is not supported (http/protobuf or http/json; this build has no gRPC)")
            }
            wireProtocol = format
        }
        if let (name, value) = read.first("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS") {
            headers = try read.pairs(value, name: name)
        }
        if let timeout = try read.milliseconds("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT") {
            requestTimeout = timeout
        }
        if let (name, value) = read.first("OTEL_RESOURCE_ATTRIBUTES") {
            for (key, attribute) in try read.pairs(value, name: name) { resourceAttributes[key] = attribute }
        }
        if let service = read.value("OTEL_SERVICE_NAME") { resourceAttributes["service.name"] = service }
        sampler = try read.sampler()
        if let delay = try read.milliseconds("OTEL_BSP_SCHEDULE_DELAY") { scheduleDelay = delay }
        if let timeout = try read.milliseconds("OTEL_BSP_EXPORT_TIMEOUT") { exportTimeout = timeout }
        if let size = try read.count("OTEL_BSP_MAX_QUEUE_SIZE") { maxQueueSize = size }
        if let size = try read.count("OTEL_BSP_MAX_EXPORT_BATCH_SIZE") { maxExportBatchSize = size }
        guard maxExportBatchSize <= maxQueueSize else {
            throw .init(description: "OTEL_BSP_MAX_EXPORT_BATCH_SIZE: \(maxExportBatchSize) is larger than "
                        + "OTEL_BSP_MAX_QUEUE_SIZE (\(maxQueueSize))")
        }
    }
}

/// Typed reads of `OTEL_*` variables; an empty value counts as unset, as the specification says.
private struct EnvironmentReader {
    let environment: [String: String]

    func value(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// The first of `names` that is set, with its name.
    func first(_ names: String...) -> (String, String)? {
        for name in names { if let value = value(name) { return (name, value) } }
        return nil
    }

    func milliseconds(_ names: String...) throws(TracingBootstrap.ConfigurationError) -> Duration? {
        for name in names {
            guard let text = value(name) else { continue }
            guard let millis = Int(text), millis >= 0 else {
                throw .init(description: "\(name): \"\(text)\" is not a number of milliseconds")
            }
            return .milliseconds(millis)
        }
        return nil
    }

    func count(_ name: String) throws(TracingBootstrap.ConfigurationError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let count = Int(text), count > 0 else {
            throw .init(description: "\(name): \"\(text)\" is not a positive whole number")
        }
        return count
    }

    /// `key=value,key2=value2`, values percent-decoded (the W3C Baggage octets the specification names).
    func pairs(_ text: String, name: String) throws(TracingBootstrap.ConfigurationError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for entry in text.split(separator: ",") where !entry.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1)
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            guard parts.count == 2, !key.isEmpty else {
                throw .init(description: "\(name): \"\(entry)\" is not key=value")
            }
            let raw = parts[1].trimmingCharacters(in: .whitespaces)
            pairs.append((key, raw.removingPercentEncoding ?? raw))
        }
        return pairs
    }

    func sampler() throws(TracingBootstrap.ConfigurationError) -> OTLPTraceSettings.Sampler {
        let name = value("OTEL_TRACES_SAMPLER")?.lowercased() ?? "parentbased_always_on"
        func ratio() throws(TracingBootstrap.ConfigurationError) -> Double {
            guard let text = value("OTEL_TRACES_SAMPLER_ARG") else { return 1 }
            guard let ratio = Double(text), (0...1).contains(ratio) else {
                throw .init(description: "OTEL_TRACES_SAMPLER_ARG: \"\(text)\" is not a ratio between 0 and 1")
            }
            return ratio
        }
        switch name {
        case "always_on": return .alwaysOn
        case "always_off": return .alwaysOff
        case "traceidratio": return .traceIDRatio(try ratio())
        case "parentbased_always_on": return .parentBased(root: .alwaysOn)
        case "parentbased_always_off": return .parentBased(root: .alwaysOff)
        case "parentbased_traceidratio": return .parentBased(root: .traceIDRatio(try ratio()))
        default:
            throw .init(description: "OTEL_TRACES_SAMPLER: \"\(name)\" is not supported (always_on, always_off, "
                        + "traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio)")
        }
    }
}
