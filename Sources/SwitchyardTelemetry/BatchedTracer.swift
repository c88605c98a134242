import Synchronization
import Tracing
import W3CTraceContext

/// An OpenTelemetry tracer for swift-distributed-tracing that costs little per span: a span is one
/// object with one lock, and an ended span is appended to a locked buffer that one background task
/// sends to an OTLP/HTTP collector in batches (`SpanExportQueue`). No task hop, stream or actor
/// per span.
///
/// Why not swift-otel's tracer: swift-otel 1.6.0 makes its `OTelTracer`, span processors and
/// exporters internal, so they cannot be given another processor or exporter, and its pipeline
/// hands every span through two `AsyncStream`s and an actor (three task wake-ups per span) before
/// building swift-protobuf messages for it; on two cores that cost 35–50 µs per span
/// (BENCHMARKS.md "Observability overhead"). This tracer keeps the OpenTelemetry data model, the
/// `OTEL_*` configuration and the W3C propagation; docs/TRACING.md says which configurations
/// still go to swift-otel.
public final class BatchedTracer: Tracer, Sendable {
    private let settings: OTLPTraceSettings
    let queue: SpanExportQueue
    private let random: Mutex<SplitMix64>

    /// A tracer whose spans go to `queue`'s collector.
    init(settings: OTLPTraceSettings, queue: SpanExportQueue) {
        self.settings = settings
        self.queue = queue
        var seed = SystemRandomNumberGenerator()
        self.random = Mutex(SplitMix64(seed: seed.next()))
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> BatchedSpan {
        var context = context()
        let parent = context.spanIdentity
        // Random ids from a seeded generator under a lock: one getrandom(2) per process, not per id.
        let (traceID, spanID) = random.withLock { generator in
            (parent?.traceID ?? TraceID.random(using: &generator), SpanID.random(using: &generator))
        }
        let sampled = Self.isSampled(traceID: traceID, parent: parent, by: settings.sampler)
        let identity = SpanIdentity(traceID: traceID, spanID: spanID, flags: sampled ? .sampled : [],
                                    traceState: parent?.traceState ?? TraceState())
        context.spanIdentity = identity
        return BatchedSpan(name: operationName, kind: kind, context: context, identity: identity, parentSpanID: parent?.spanID,
                           startNanos: sampled ? instant().nanosecondsSinceEpoch : 0, queue: sampled ? queue : nil)
    }

    /// The sampler's decision (the OpenTelemetry SDK samplers of the same names).
    static func isSampled(traceID: TraceID, parent: SpanIdentity?, by sampler: OTLPTraceSettings.Sampler) -> Bool {
        switch sampler {
        case .alwaysOn: return true
        case .alwaysOff: return false
        case .parentBased(let root):
            guard let parent else { return isSampled(traceID: traceID, parent: nil, by: root) }
            return parent.isSampled
        case .traceIDRatio(let ratio):
            // The specification's ratio sampler: the trace id's low 8 bytes, read as a number,
            // below ratio × 2^64 (the same trace is sampled alike in every process).
            guard ratio < 1 else { return true }
            let bytes = traceID.bytes
            let low = [bytes.8, bytes.9, bytes.10, bytes.11, bytes.12, bytes.13, bytes.14, bytes.15]
                .reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return Double(low) < ratio * 18_446_744_073_709_551_616.0
        }
    }

    /// Sends what is queued now instead of at the next schedule.
    public func forceFlush() { queue.flush() }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext,
                                                     using extractor: Extract) where Extract.Carrier == Carrier {
        guard let parent = extractor.extract(key: "traceparent", from: carrier) else { return }
        guard let trace = try? TraceContext(traceParentHeaderValue: parent,
                                            traceStateHeaderValue: extractor.extract(key: "tracestate", from: carrier))
        else { return }  // a malformed traceparent starts a new trace, as the W3C specification says
        context.spanIdentity = SpanIdentity(traceID: trace.traceID, spanID: trace.spanID, flags: trace.flags,
                                            traceState: trace.state)
    }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier,
                                                  using injector: Inject) where Inject.Carrier == Carrier {
        guard let identity = context.spanIdentity else { return }
        injector.inject(Self.traceParent(identity), forKey: "traceparent", into: &carrier)
        if let state = identity.traceStateHeader { injector.inject(state, forKey: "tracestate", into: &carrier) }
    }

    /// The W3C `traceparent` value (`00-TRACE_ID-SPAN_ID-FLAGS`, lowercase hex) written into one
    /// 55-byte string: every tool call injects one, and `TraceContext`'s builds it from pieces.
    static func traceParent(_ identity: SpanIdentity) -> String {
        String(unsafeUninitializedCapacity: 55) { out in
            let digits: StaticString = "0123456789abcdef"
            var at = 0
            func put(_ byte: UInt8) {
                digits.withUTF8Buffer { hex in
                    out[at] = hex[Int(byte >> 4)]
                    out[at + 1] = hex[Int(byte & 0x0F)]
                }
                at += 2
            }
            put(0)
            out[at] = UInt8(ascii: "-"); at += 1
            withUnsafeBytes(of: identity.traceID.bytes) { for byte in $0 { put(byte) } }
            out[at] = UInt8(ascii: "-"); at += 1
            withUnsafeBytes(of: identity.spanID.bytes) { for byte in $0 { put(byte) } }
            out[at] = UInt8(ascii: "-"); at += 1
            put(identity.flags.rawValue)
            return at
        }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a fast generator, seeded once from the system's.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
