import Synchronization
import Tracing
import W3CTraceContext

/// The W3C identity of a span, kept in its `ServiceContext` so that children and propagation
/// find it.
public struct SpanIdentity: Sendable, Hashable {
    public var traceID: TraceID
    public var spanID: SpanID
    public var flags: TraceFlags
    public var traceState: TraceState

    /// Whether the trace is recorded (the `sampled` flag).
    public var isSampled: Bool { flags.contains(.sampled) }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.traceID == rhs.traceID && lhs.spanID == rhs.spanID && lhs.flags == rhs.flags
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(traceID)
        hasher.combine(spanID)
    }
}

/// Where a span's identity lives in a `ServiceContext`.
enum SpanIdentityKey: ServiceContextKey {
    typealias Value = SpanIdentity
    static let nameOverride: String? = "switchyard-span"
}

extension ServiceContext {
    /// The identity of the span this context belongs to (set by `BatchedTracer`).
    public var spanIdentity: SpanIdentity? {
        get { self[SpanIdentityKey.self] }
        set { self[SpanIdentityKey.self] = newValue }
    }
}

/// A span as it is sent: immutable, everything the OTLP encoders need.
struct FinishedSpan: Sendable {
    var identity: SpanIdentity
    var parentSpanID: SpanID?
    var name: String
    var kind: SpanKind
    var startNanos: UInt64
    var endNanos: UInt64
    var attributes: SpanAttributes
    var status: SpanStatus?
    var events: [SpanEvent]
    var links: [SpanLink]
}

/// A span of `BatchedTracer`: one allocation, its mutable state behind one lock, handed to the
/// export queue when it ends. A span the sampler dropped is not recording and never queued.
public final class BatchedSpan: Span {
    public let context: ServiceContext
    /// `context.spanIdentity`, kept beside it: reading it back from the context is a lookup and a cast.
    private let identity: SpanIdentity
    private let sampled: Bool
    private let kind: SpanKind
    private let parentSpanID: SpanID?
    private let startNanos: UInt64
    private let queue: SpanExportQueue?
    private let state: Mutex<State>

    private struct State {
        var name: String
        var attributes = SpanAttributes()
        var status: SpanStatus?
        var events: [SpanEvent] = []
        var links: [SpanLink] = []
        var ended = false
    }

    init(name: String, kind: SpanKind, context: ServiceContext, identity: SpanIdentity, parentSpanID: SpanID?,
         startNanos: UInt64, queue: SpanExportQueue?) {
        self.context = context
        self.identity = identity
        self.kind = kind
        self.parentSpanID = parentSpanID
        self.startNanos = startNanos
        self.queue = queue
        self.sampled = queue != nil
        self.state = Mutex(State(name: name))
    }

    public var operationName: String {
        get { state.withLock { $0.name } }
        set { state.withLock { if !$0.ended { $0.name = newValue } } }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set {
            guard sampled else { return }
            state.withLock { if !$0.ended { $0.attributes = newValue } }
        }
    }

    public var isRecording: Bool { sampled && !state.withLock { $0.ended } }

    public func setStatus(_ status: SpanStatus) {
        guard sampled else { return }
        state.withLock { state in
            // OTel: an OK status is final, and an OK status carries no message.
            guard !state.ended, state.status?.code != .ok else { return }
            state.status = status.code == .ok ? SpanStatus(code: .ok) : status
        }
    }

    public func addEvent(_ event: SpanEvent) {
        guard sampled else { return }
        state.withLock { if !$0.ended { $0.events.append(event) } }
    }

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes,
                                                    at instant: @autoclosure () -> Instant) {
        guard sampled else { return }
        var eventAttributes: SpanAttributes = [
            "exception.type": .string(String(describing: type(of: error))),
            "exception.message": .string(String(describing: error)),
        ]
        eventAttributes.merge(attributes)
        addEvent(SpanEvent(name: "exception", at: instant(), attributes: eventAttributes))
    }

    public func addLink(_ link: SpanLink) {
        guard sampled else { return }
        state.withLock { if !$0.ended { $0.links.append(link) } }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        guard let queue else { return }
        let endNanos = instant().nanosecondsSinceEpoch
        let finished: FinishedSpan? = state.withLock { state in
            guard !state.ended else { return nil }
            state.ended = true
            return FinishedSpan(identity: identity, parentSpanID: parentSpanID, name: state.name, kind: kind,
                                startNanos: startNanos, endNanos: endNanos, attributes: state.attributes,
                                status: state.status, events: state.events, links: state.links)
        }
        if let finished { queue.submit(finished) }
    }
}
