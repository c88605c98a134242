import Synchronization
import Tracing

/// A tracer that starts real spans through one of its `bases` (the one `active` names) and
/// no-op spans while `active` is negative.
final class SwitchableTracer: Tracer, Sendable {
    /// The index of the base that starts spans; negative: none (no-op spans).
    let active = Atomic<Int>(-1)
    private let bases: [Base]

    /// A tracer to switch between, its span starts and propagation type-erased.
    private struct Base: Sendable {
        let start: @Sendable (String, ServiceContext, SpanKind, String, String, UInt) -> any Tracing.Span
        let tracer: any Tracer
    }

    init(_ tracers: [any Tracer]) {
        bases = tracers.map { Self.base($0) }
    }

    private static func base<T: Tracer>(_ tracer: T) -> Base {
        Base(start: { name, context, kind, function, file, line in
            tracer.startSpan(name, context: context, ofKind: kind, at: DefaultTracerClock.now,
                             function: function, file: file, line: line)
        }, tracer: tracer)
    }

    private var base: Base? {
        let index = active.load(ordering: .acquiring)
        return bases.indices.contains(index) ? bases[index] : nil
    }

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> SwitchedSpan {
        guard let base else { return .off(NoOpTracer.NoOpSpan(context: context())) }
        return .on(base.start(operationName, context(), kind, function, fileID, line))
    }

    /// Spans are flushed by the batching processors on their own schedule.
    func forceFlush() {}

    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
        where Extract.Carrier == Carrier {
        (base ?? bases.first)?.tracer.extract(carrier, into: &context, using: extractor)
    }

    func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
        where Inject.Carrier == Carrier {
        (base ?? bases.first)?.tracer.inject(context, into: &carrier, using: injector)
    }
}

/// A no-op span or the base tracer's span.
enum SwitchedSpan: Tracing.Span {
    case off(NoOpTracer.NoOpSpan)
    case on(any Tracing.Span)

    private var span: any Tracing.Span {
        switch self {
        case .off(let span): span
        case .on(let span): span
        }
    }

    var context: ServiceContext { span.context }
    var operationName: String {
        get { span.operationName }
        nonmutating set { let span = self.span; span.operationName = newValue }
    }
    var attributes: SpanAttributes {
        get { span.attributes }
        nonmutating set { let span = self.span; span.attributes = newValue }
    }
    var isRecording: Bool { span.isRecording }
    func setStatus(_ status: SpanStatus) { span.setStatus(status) }
    func addEvent(_ event: SpanEvent) { span.addEvent(event) }
    func addLink(_ link: SpanLink) { span.addLink(link) }
    func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        span.recordError(error, attributes: attributes, at: instant())
    }
    func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) { span.end(at: instant()) }
}
