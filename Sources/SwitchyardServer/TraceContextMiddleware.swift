import Hummingbird
import Tracing

/// Accepts a W3C trace context (`traceparent`, `tracestate`) on every request: the bootstrapped
/// tracer's propagator reads it into the request's service context, so an execution the request
/// starts has its span as a child of the caller's span (the execution's task inherits the context
/// with the other task-locals). No HTTP span of its own: the execution span is the caller's child.
/// Without a bootstrapped tracer the extraction is a no-op.
struct TraceContextMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var traceContext = InstrumentationContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &traceContext, using: HTTPFieldsExtractor())
        return try await InstrumentationContext.withValue(traceContext) {
            try await next(request, context)
        }
    }
}

/// Reads header values for a propagator (names compared case-insensitively, as HTTP does).
struct HTTPFieldsExtractor: Extractor {
    func extract(key: String, from carrier: HTTPFields) -> String? {
        carrier.first { $0.name.canonicalName == key.lowercased() }?.value
    }
}
