import Foundation
import Logging
import Synchronization
import Testing
import Tracing
import W3CTraceContext
import SwitchyardJSON
@testable import SwitchyardTelemetry

/// `BatchedTracer` end to end, in the process: spans started through the swift-distributed-tracing
/// API, exported over real HTTP to `OTLPReceiver`, and the binary protobuf decoded by
/// opentelemetry-proto's own generated messages (the check on the hand-written encoder).
@Suite(.timeLimit(.minutes(1)))
struct BatchedTracerTests {
    /// A tracer exporting to `receiver` in `wireProtocol`, its export warnings collected in `warnings`.
    static func tracer(_ receiver: OTLPReceiver, _ wireProtocol: OTLPTraceSettings.WireProtocol,
                       configure: (inout OTLPTraceSettings) -> Void = { _ in },
                       warnings: CollectedLog = CollectedLog()) -> (BatchedTracer, TracingSession) {
        var settings = OTLPTraceSettings()
        settings.endpoint = receiver.tracesEndpoint
        settings.wireProtocol = wireProtocol
        settings.resourceAttributes["service.name"] = "tracer-test"
        configure(&settings)
        return TracingBootstrap.makeBatchedTracer(settings: settings,
                                                  logger: Logger(label: "test") { _ in warnings.handler })
    }

    /// A parent (server, continuing an extracted `traceparent` with a `tracestate`) and a client
    /// child with attributes of every OTLP kind, an event, a link and an error status.
    static func recordTree(_ tracer: BatchedTracer) -> (parent: any Span, child: any Span) {
        var incoming = ServiceContext.topLevel
        tracer.extract(["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                        "tracestate": "vendor=opaque"], into: &incoming, using: DictionaryExtractor())
        let parent = tracer.startAnySpan("parent", context: incoming, ofKind: .server)
        let other = tracer.startAnySpan("linked", context: .topLevel)
        other.end()
        let child = tracer.startAnySpan("child \"quoted\"", context: parent.context, ofKind: .client)
        child.updateAttributes { attributes in
            attributes["text"] = "a\nb"
            attributes["count"] = 42
            attributes["ratio"] = 1.5
            attributes["flag"] = true
            attributes["names"] = ["x", "y"] as [String]
        }
        child.addEvent(SpanEvent(name: "retry", attributes: ["attempt": 2]))
        child.addLink(SpanLink(context: other.context, attributes: ["why": "caused by"]))
        child.setStatus(SpanStatus(code: .error, message: "provider answered 503"))
        child.end()
        parent.end()
        return (parent, child)
    }

    @Test func protobufExportDecodesWithOpenTelemetryProtosOwnMessages() async throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let (tracer, session) = Self.tracer(receiver, .protobuf)
        _ = Self.recordTree(tracer)
        await session.shutdown()

        let bodies = receiver.requests.filter { $0.headers["content-type"] == "application/x-protobuf" }
        #expect(bodies.count == 1, "requests: \(receiver.requests.map(\.headers))")
        let request = try JSONValue(parsing: try OTLPReceiver.protobufAsJSON(try #require(bodies.first).body))
        let resource = try #require(request["resourceSpans"]?[0])
        #expect(resource["resource"]?["attributes"]?[0]?["key"] == "service.name")
        #expect(resource["resource"]?["attributes"]?[0]?["value"]?["stringValue"] == "tracer-test")
        let scope = try #require(resource["scopeSpans"]?[0])
        #expect(scope["scope"]?["name"] == "switchyard")
        let spans = try #require(scope["spans"]?.arrayValue)
        #expect(spans.count == 3, "\(spans)")
        let byName = Dictionary(uniqueKeysWithValues: spans.map { ($0["name"]?.stringValue ?? "", $0) })
        let parent = try #require(byName["parent"]), child = try #require(byName["child \"quoted\""])
        let linked = try #require(byName["linked"])

        #expect(Self.hex(parent["traceId"]) == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(Self.hex(parent["parentSpanId"]) == "00f067aa0ba902b7")
        #expect(parent["traceState"] == "vendor=opaque")
        #expect(parent["kind"] == "SPAN_KIND_SERVER")
        #expect(Self.hex(child["parentSpanId"]) == Self.hex(parent["spanId"]))
        #expect(Self.hex(child["traceId"]) == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(child["kind"] == "SPAN_KIND_CLIENT")
        #expect(linked["parentSpanId"] == nil)
        #expect(Self.hex(linked["traceId"]) != "4bf92f3577b34da6a3ce929d0e0e4736")

        let attributes = Dictionary(uniqueKeysWithValues: (child["attributes"]?.arrayValue ?? []).map {
            ($0["key"]?.stringValue ?? "", $0["value"] ?? .null)
        })
        #expect(attributes["text"]?["stringValue"] == "a\nb")
        #expect(attributes["count"]?["intValue"] == "42")  // int64 is a string in protobuf's JSON mapping
        #expect(attributes["ratio"]?["doubleValue"] == 1.5)
        #expect(attributes["flag"]?["boolValue"] == true)
        #expect(attributes["names"]?["arrayValue"]?["values"]?[1]?["stringValue"] == "y")
        #expect(child["events"]?[0]?["name"] == "retry")
        #expect(child["events"]?[0]?["attributes"]?[0]?["value"]?["intValue"] == "2")
        #expect(Self.hex(child["links"]?[0]?["spanId"]) == Self.hex(linked["spanId"]))
        #expect(child["links"]?[0]?["attributes"]?[0]?["value"]?["stringValue"] == "caused by")
        #expect(child["status"]?["code"] == "STATUS_CODE_ERROR")
        #expect(child["status"]?["message"] == "provider answered 503")
        #expect(child["flags"] == 0x101)  // sampled, and has_is_remote with is_remote unset
        let start = UInt64(child["startTimeUnixNano"]?.stringValue ?? "") ?? 0
        let end = UInt64(child["endTimeUnixNano"]?.stringValue ?? "") ?? 0
        #expect(start > 1_700_000_000_000_000_000 && start <= end, "\(start) ... \(end)")
    }

    @Test func jsonExportCarriesTheSameTree() async throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let (tracer, session) = Self.tracer(receiver, .json)
        let (parent, child) = Self.recordTree(tracer)
        await session.shutdown()

        #expect(receiver.requests.allSatisfy { $0.headers["content-type"] == "application/json" })
        let spans = try receiver.spans()
        #expect(spans.count == 3, "\(spans)")
        let received = try #require(spans.first { $0.name == "child \"quoted\"" })
        #expect(received.parentSpanID == parent.context.spanIdentity.map { "\($0.spanID)" })
        #expect(received.spanID == child.context.spanIdentity.map { "\($0.spanID)" })
        #expect(received.attributes["text"] == "a\nb")
        #expect(received.attributes["count"] == "42")
        #expect(received.serviceName == "tracer-test")
    }

    /// Beyond `OTEL_BSP_MAX_QUEUE_SIZE` spans are dropped, and every one is either sent or counted
    /// in a warning: none disappears silently.
    @Test func aFullQueueDropsSpansAndCountsEveryOne() async throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let warnings = CollectedLog()
        let (tracer, session) = Self.tracer(receiver, .json, configure: {
            $0.maxQueueSize = 4
            $0.maxExportBatchSize = 2
        }, warnings: warnings)
        for index in 0..<200 { tracer.startAnySpan("span \(index)", context: .topLevel).end() }
        await session.shutdown()

        let sent = try receiver.spans().count
        let dropped = warnings.messages.compactMap { $0.metadata["dropped_count"].flatMap { Int("\($0)") } }.reduce(0, +)
        #expect(dropped > 0, "warnings: \(warnings.messages.map(\.message))")
        #expect(sent + dropped == 200, "sent \(sent), dropped \(dropped)")
        #expect(receiver.requests.allSatisfy { try! OTLPReceiver.decode($0.body).count <= 2 })
    }

    @Test func samplersDecideAsTheSpecificationSays() async throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let (tracer, session) = Self.tracer(receiver, .json, configure: { $0.sampler = .parentBased(root: .alwaysOn) })
        var unsampledCaller = ServiceContext.topLevel
        tracer.extract(["traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"],
                       into: &unsampledCaller, using: DictionaryExtractor())
        let skipped = tracer.startAnySpan("not recorded", context: unsampledCaller)
        #expect(!skipped.isRecording)
        var carrier: [String: String] = [:]
        tracer.inject(skipped.context, into: &carrier, using: DictionaryInjector())
        #expect(carrier["traceparent"]?.hasPrefix("00-0af7651916cd43dd8448eb211c80319c-") == true)
        #expect(carrier["traceparent"]?.hasSuffix("-00") == true)
        skipped.end()
        tracer.startAnySpan("recorded", context: .topLevel).end()
        await session.shutdown()
        #expect(try receiver.spans().map(\.name) == ["recorded"])

        // The ratio sampler: the same trace id decides alike every time, and about `ratio` of ids pass.
        var generator = SystemRandomNumberGenerator()
        let ids = (0..<2000).map { _ in TraceID.random(using: &generator) }
        let half = ids.filter { BatchedTracer.isSampled(traceID: $0, parent: nil, by: .traceIDRatio(0.5)) }
        #expect((800...1200).contains(half.count), "\(half.count) of 2000 sampled at 0.5")
        #expect(half.allSatisfy { BatchedTracer.isSampled(traceID: $0, parent: nil, by: .traceIDRatio(0.5)) })
        #expect(ids.allSatisfy { !BatchedTracer.isSampled(traceID: $0, parent: nil, by: .traceIDRatio(0)) })
    }

    @Test func settingsReadTheOTelVariablesAndNameTheOneTheyRefuse() throws {
        let base = try OTLPTraceSettings(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/",
                                                       "OTEL_EXPORTER_OTLP_HEADERS": "api-key=a%3Db, team = core",
                                                       "OTEL_BSP_SCHEDULE_DELAY": "250",
                                                       "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
                                                       "OTEL_TRACES_SAMPLER_ARG": "0.25",
                                                       "OTEL_SERVICE_NAME": "svc",
                                                       "OTEL_RESOURCE_ATTRIBUTES": "service.name=ignored,env=prod"])
        #expect(base.endpoint == "http://collector:4318/v1/traces")
        #expect(base.headers.map { "\($0.0)=\($0.1)" } == ["api-key=a=b", "team=core"])
        #expect(base.scheduleDelay == .milliseconds(250))
        #expect(base.sampler == .parentBased(root: .traceIDRatio(0.25)))
        #expect(base.resourceAttributes == ["service.name": "svc", "env": "prod"])
        let specific = try OTLPTraceSettings(environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://general:4318",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:9999/custom",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"])
        #expect(specific.endpoint == "http://traces:9999/custom")
        #expect(specific.wireProtocol == .json)

        let refused: [(String, String)] = [("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), ("OTEL_EXPORTER_OTLP_TIMEOUT", "soon"),
                                           ("OTEL_BSP_MAX_QUEUE_SIZE", "0"), ("OTEL_TRACES_SAMPLER", "sometimes"),
                                           ("OTEL_EXPORTER_OTLP_HEADERS", "novalue")]
        for (name, value) in refused {
            #expect(throws: TracingBootstrap.ConfigurationError.self, "\(name)=\(value)") {
                try OTLPTraceSettings(environment: [name: value])
            }
            do { _ = try OTLPTraceSettings(environment: [name: value]) } catch {
                #expect(error.description.contains(name) && error.description.contains(value), "\(error)")
            }
        }
        #expect(throws: TracingBootstrap.ConfigurationError.self) {
            try OTLPTraceSettings(environment: ["OTEL_BSP_MAX_QUEUE_SIZE": "10", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "20"])
        }
    }

    /// The hand-written `traceparent` is W3CTraceContext's, byte for byte, and round-trips
    /// through `extract`, `tracestate` included; a child's parent is the injected span.
    @Test func injectedTraceParentIsTheW3CValueAndExtractsToTheSameSpan() async throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let (tracer, session) = Self.tracer(receiver, .protobuf)
        var generator = SystemRandomNumberGenerator()
        for index in 0..<200 {
            let identity = SpanIdentity(traceID: .random(using: &generator), spanID: .random(using: &generator),
                                        flags: index.isMultiple(of: 2) ? .sampled : [], traceState: TraceState())
            let reference = TraceContext(traceID: identity.traceID, spanID: identity.spanID, flags: identity.flags,
                                         state: identity.traceState)
            #expect(BatchedTracer.traceParent(identity) == reference.traceParentHeaderValue)
        }
        var incoming = ServiceContext.topLevel
        tracer.extract(["traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                        "tracestate": "vendor=value"], into: &incoming, using: DictionaryExtractor())
        let span = tracer.startSpan("parent", context: incoming)
        var carrier: [String: String] = [:]
        tracer.inject(span.context, into: &carrier, using: DictionaryInjector())
        var extracted = ServiceContext.topLevel
        tracer.extract(carrier, into: &extracted, using: DictionaryExtractor())
        #expect(extracted.spanIdentity == span.context.spanIdentity)
        #expect(carrier["tracestate"] == "vendor=value")
        let child = tracer.startSpan("child", context: extracted)
        #expect(child.context.spanIdentity?.traceID == span.context.spanIdentity?.traceID)
        #expect(child.context.spanIdentity?.spanID != span.context.spanIdentity?.spanID)
        child.end()
        span.end()
        await session.shutdown()
    }

    @Test func theTracerChoiceFollowsSwitchyardTracerThenTheVariables() throws {
        #expect(try TracingBootstrap.tracer(for: [:]) == .batched)
        #expect(try TracingBootstrap.tracer(for: ["SWITCHYARD_TRACER": "swift-otel"]) == .swiftOTel)
        #expect(try TracingBootstrap.tracer(for: ["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "gzip"]) == .swiftOTel)
        #expect(try TracingBootstrap.tracer(for: ["OTEL_EXPORTER_OTLP_COMPRESSION": "none"]) == .batched)
        #expect(throws: TracingBootstrap.ConfigurationError.self) {
            try TracingBootstrap.tracer(for: ["SWITCHYARD_TRACER": "switchyard", "OTEL_EXPORTER_OTLP_CERTIFICATE": "/ca.pem"])
        }
    }

    static func hex(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue, let bytes = Data(base64Encoded: text) else { return nil }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }
}

/// Log records kept in memory, for asserting what a component warned about.
final class CollectedLog: Sendable {
    struct Record: Sendable {
        var message: String
        var metadata: Logger.Metadata
    }

    private let records = Mutex<[Record]>([])
    var messages: [Record] { records.withLock { $0 } }
    var handler: Handler { Handler(log: self) }

    struct Handler: LogHandler {
        let log: CollectedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            log.records.withLock { $0.append(Record(message: "\(event.message)", metadata: merged)) }
        }
    }
}

struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}

struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}
