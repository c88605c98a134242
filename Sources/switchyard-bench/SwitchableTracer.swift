import Synchronization
import Tracing

/// A tracer that starts real spans (through `base`) while on and no-op spans while off.
final class SwitchableTracer: Tracer, Sendable {
    let isOn = Atomic<Bool>(false)
    private let base: any Tracer
    private let startOn: @Sendable (String, ServiceContext, SpanKind, String, String, UInt) -> any Tracing.Span

    init<Base: Tracer>(_ base: Base) {
        self.base = base
        self.startOn = { name, context, kind, function, file, line in
            base.startSpan(name, context: context, ofKind: kind, at: DefaultTracerClock.now,
                           function: function, file: file, line: line)
        }
    }

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> SwitchedSpan {
        guard isOn.load(ordering: .acquiring) else {
            return .off(NoOpTracer.NoOpSpan(context: context()))
        }
        return .on(startOn(operationName, context(), kind, function, fileID, line))
    }

    /// Spans are flushed by the batching processor on its own schedule.
    func forceFlush() {}

    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
        where Extract.Carrier == Carrier {
        base.extract(carrier, into: &context, using: extractor)
    }

    func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
        where Inject.Carrier == Carrier {
        base.inject(context, into: &carrier, using: injector)
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
