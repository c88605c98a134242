import Tracing
import W3CTraceContext

/// `ExportTraceServiceRequest` of OTLP 1.x (opentelemetry-proto `collector/trace/v1`), written by
/// hand in both OTLP/HTTP encodings. Hand-written because swift-otel's generated swift-protobuf
/// messages are `package` types of that library, and because a batch written straight into one
/// byte array costs a fraction of building a message tree per span first.
struct OTLPTraceEncoder: Sendable {
    /// The instrumentation scope every span is reported under.
    static let scopeName = "switchyard"

    let resourceAttributes: [String: String]

    // MARK: Binary protobuf

    /// The request as binary protobuf (`application/x-protobuf`).
    func protobuf(_ spans: [FinishedSpan]) -> [UInt8] {
        // About 400 bytes a span with the engine's attributes: one allocation for most batches.
        var request = ProtobufWriter(capacity: 512 + spans.count * 400)
        request.message(1) { resourceSpans in                       // resource_spans
            resourceSpans.message(1) { resource in                    // resource
                for (key, value) in resourceAttributes.sorted(by: { $0.key < $1.key }) {
                    resource.message(1) { $0.keyValue(key, .string(value)) }   // attributes
                }
            }
            resourceSpans.message(2) { scopeSpans in                  // scope_spans
                scopeSpans.message(1) { $0.string(1, Self.scopeName) }       // scope.name
                for span in spans { scopeSpans.message(2) { $0.span(span) } } // spans
            }
        }
        return request.bytes
    }

    // MARK: JSON

    /// The request in OTLP/JSON (`application/json`): hex ids, enums as numbers, 64-bit
    /// integers as strings, lowerCamelCase field names.
    func json(_ spans: [FinishedSpan]) -> [UInt8] {
        var out = JSONWriter()
        out.raw("{\"resourceSpans\":[{\"resource\":{\"attributes\":[")
        for (index, (key, value)) in resourceAttributes.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out.raw(",") }
            out.keyValue(key, .string(value))
        }
        out.raw("]},\"scopeSpans\":[{\"scope\":{\"name\":")
        out.string(Self.scopeName)
        out.raw("},\"spans\":[")
        for (index, span) in spans.enumerated() {
            if index > 0 { out.raw(",") }
            out.span(span)
        }
        out.raw("]}]}]}")
        return out.bytes
    }
}

/// OTLP's `Span.SpanKind` numbers.
extension SpanKind {
    var otlpNumber: UInt64 {
        switch self {
        case .internal: 1
        case .server: 2
        case .client: 3
        case .producer: 4
        case .consumer: 5
        }
    }
}

extension SpanStatus.Code {
    /// OTLP's `Status.StatusCode` numbers (0 is unset).
    var otlpNumber: UInt64 {
        switch self {
        case .ok: 1
        case .error: 2
        }
    }
}

extension TraceID {
    var byteArray: [UInt8] { withUnsafeBytes(of: bytes) { Array($0) } }
}

extension SpanID {
    var byteArray: [UInt8] { withUnsafeBytes(of: bytes) { Array($0) } }
}

/// A `SpanAttribute` reduced to what OTLP's `AnyValue` carries.
enum OTLPValue {
    case string(String), bool(Bool), int(Int64), double(Double)
    indirect case array([OTLPValue])

    /// `nil` for an attribute kind OTLP has no value for (as swift-otel skips them).
    init?(_ attribute: SpanAttribute) {
        switch attribute {
        case .int32(let value): self = .int(Int64(value))
        case .int64(let value): self = .int(value)
        case .double(let value): self = .double(value)
        case .bool(let value): self = .bool(value)
        case .string(let value): self = .string(value)
        case .stringConvertible(let value): self = .string("\(value)")
        case .int32Array(let values): self = .array(values.map { .int(Int64($0)) })
        case .int64Array(let values): self = .array(values.map { .int($0) })
        case .doubleArray(let values): self = .array(values.map { .double($0) })
        case .boolArray(let values): self = .array(values.map { .bool($0) })
        case .stringArray(let values): self = .array(values.map { .string($0) })
        case .stringConvertibleArray(let values): self = .array(values.map { .string("\($0)") })
        default: return nil
        }
    }
}
