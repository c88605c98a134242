import Tracing
import W3CTraceContext

/// Protobuf wire format (varints, length-delimited fields, fixed64), enough for OTLP traces.
/// Field numbers are those of opentelemetry-proto `trace/v1/trace.proto` and `common/v1/common.proto`.
/// Written for the exporter's thread, which encodes every span: bytes are copied in blocks, the
/// common string attribute is written with its lengths computed ahead, and nothing is allocated
/// per field.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    /// A writer with room for `capacity` bytes.
    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    private mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// The bytes `varint(value)` writes.
    private static func varintSize(_ value: Int) -> Int {
        var size = 1
        var value = value >> 7
        while value > 0 { size += 1; value >>= 7 }
        return size
    }

    private mutating func tag(_ field: UInt64, _ wireType: UInt64) { varint(field << 3 | wireType) }

    mutating func uint(_ field: UInt64, _ value: UInt64) {
        tag(field, 0)
        varint(value)
    }

    mutating func fixed64(_ field: UInt64, _ value: UInt64) {
        tag(field, 1)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func fixed32(_ field: UInt64, _ value: UInt32) {
        tag(field, 5)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A length-delimited field holding the raw bytes of `value` (an id's byte tuple).
    mutating func rawBytes<Value>(_ field: UInt64, of value: Value) {
        tag(field, 2)
        withUnsafeBytes(of: value) { raw in
            varint(UInt64(raw.count))
            bytes.append(contentsOf: raw)
        }
    }

    mutating func string(_ field: UInt64, _ value: String) {
        tag(field, 2)
        varint(UInt64(value.utf8.count))
        appendUTF8(value)
    }

    private mutating func appendUTF8(_ value: String) {
        var value = value
        value.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// A nested message, written in place after a one-byte length that is widened (the body
    /// moved up) when the body turns out to be 128 bytes or longer: no buffer per message.
    mutating func message(_ field: UInt64, _ body: (inout ProtobufWriter) -> Void) {
        tag(field, 2)
        let lengthAt = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - lengthAt - 1
        let width = Self.varintSize(length)
        if width > 1 { bytes.insert(contentsOf: repeatElement(0, count: width - 1), at: lengthAt + 1) }
        var rest = UInt64(length)
        for index in lengthAt..<lengthAt + width {
            bytes[index] = index == lengthAt + width - 1 ? UInt8(rest) : UInt8(rest & 0x7F) | 0x80
            rest >>= 7
        }
    }

    /// `KeyValue { key = 1; value = 2 }`.
    mutating func keyValue(_ key: String, _ value: OTLPValue) {
        string(1, key)
        message(2) { $0.anyValue(value) }
    }

    /// `field { key = 1; value = AnyValue { string = 1 } }` with every length known before it is
    /// written: what nearly every span attribute is.
    mutating func stringKeyValue(_ field: UInt64, _ key: String, _ text: String) {
        let keyLength = key.utf8.count, textLength = text.utf8.count
        let anyValueLength = 1 + Self.varintSize(textLength) + textLength
        let keyValueLength = 1 + Self.varintSize(keyLength) + keyLength + 1 + Self.varintSize(anyValueLength) + anyValueLength
        tag(field, 2)
        varint(UInt64(keyValueLength))
        string(1, key)
        tag(2, 2)
        varint(UInt64(anyValueLength))
        string(1, text)
    }

    /// `AnyValue { string = 1; bool = 2; int = 3; double = 4; array = 5 }`.
    mutating func anyValue(_ value: OTLPValue) {
        switch value {
        case .string(let text): string(1, text)
        case .bool(let flag): uint(2, flag ? 1 : 0)
        case .int(let number): uint(3, UInt64(bitPattern: number))
        case .double(let number): fixed64(4, number.bitPattern)
        case .array(let values):
            message(5) { array in for value in values { array.message(1) { $0.anyValue(value) } } }
        }
    }

    mutating func attributes(_ field: UInt64, _ attributes: SpanAttributes) {
        attributes.forEach { key, attribute in
            if case .string(let text) = attribute { return stringKeyValue(field, key, text) }
            guard let value = OTLPValue(attribute) else { return }
            message(field) { $0.keyValue(key, value) }
        }
    }

    /// `Span`: trace_id 1, span_id 2, trace_state 3, parent_span_id 4, name 5, kind 6, start 7,
    /// end 8, attributes 9, events 11, links 13, status 15, flags 16.
    mutating func span(_ span: FinishedSpan) {
        rawBytes(1, of: span.identity.traceID.bytes)
        rawBytes(2, of: span.identity.spanID.bytes)
        if let state = span.identity.traceStateHeader { string(3, state) }
        if let parent = span.parentSpanID { rawBytes(4, of: parent.bytes) }
        string(5, span.name)
        uint(6, span.kind.otlpNumber)
        fixed64(7, span.startNanos)
        fixed64(8, span.endNanos)
        attributes(9, span.attributes)
        for event in span.events {
            message(11) { // Event: time 1, name 2, attributes 3
                $0.fixed64(1, event.nanosecondsSinceEpoch)
                $0.string(2, event.name)
                $0.attributes(3, event.attributes)
            }
        }
        for link in span.links {
            guard let linked = link.context.spanIdentity else { continue }
            message(13) { // Link: trace_id 1, span_id 2, trace_state 3, attributes 4, flags 6
                $0.rawBytes(1, of: linked.traceID.bytes)
                $0.rawBytes(2, of: linked.spanID.bytes)
                if let state = linked.traceStateHeader { $0.string(3, state) }
                $0.attributes(4, link.attributes)
                $0.fixed32(6, 0x100 | UInt32(linked.flags.rawValue))
            }
        }
        if let status = span.status {
            message(15) { // Status: message 2, code 3
                if let text = status.message { $0.string(2, text) }
                $0.uint(3, status.code.otlpNumber)
            }
        }
        // SpanFlags: the W3C flags, and bit 8 "has_is_remote" (0x100) with is_remote (0x200) unset.
        fixed32(16, 0x100 | UInt32(span.identity.flags.rawValue))
    }
}

/// OTLP/JSON, written as text: the protobuf JSON mapping with OTLP's exceptions (hex ids, enums
/// as numbers).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [0x5C, 0x22]
            case UInt8(ascii: "\\"): bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, UInt8(ascii: "n")]
            case 0x0D: bytes += [0x5C, UInt8(ascii: "r")]
            case 0x09: bytes += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20:
                bytes += Array("\\u00".utf8)
                bytes += [Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func hex(_ raw: [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in raw { bytes += [Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]] }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func number(_ value: some BinaryInteger) { bytes += Array(String(value).utf8) }

    /// A 64-bit integer: a string in OTLP/JSON.
    private mutating func quoted(_ value: some BinaryInteger) {
        bytes.append(UInt8(ascii: "\""))
        number(value)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func keyValue(_ key: String, _ value: OTLPValue) {
        raw("{\"key\":")
        string(key)
        raw(",\"value\":")
        anyValue(value)
        raw("}")
    }

    private mutating func anyValue(_ value: OTLPValue) {
        switch value {
        case .string(let text):
            raw("{\"stringValue\":")
            string(text)
        case .bool(let flag): raw(flag ? "{\"boolValue\":true" : "{\"boolValue\":false")
        case .int(let number):
            raw("{\"intValue\":")
            quoted(number)
        case .double(let number):
            raw("{\"doubleValue\":")
            if number.isFinite { bytes += Array("\(number)".utf8) } else { string(number.isNaN ? "NaN" : number > 0 ? "Infinity" : "-Infinity") }
        case .array(let values):
            raw("{\"arrayValue\":{\"values\":[")
            for (index, value) in values.enumerated() {
                if index > 0 { raw(",") }
                anyValue(value)
            }
            raw("]}")
        }
        raw("}")
    }

    private mutating func attributes(_ attributes: SpanAttributes) {
        raw("[")
        var first = true
        attributes.forEach { key, attribute in
            guard let value = OTLPValue(attribute) else { return }
            if !first { raw(",") }
            first = false
            keyValue(key, value)
        }
        raw("]")
    }

    mutating func span(_ span: FinishedSpan) {
        raw("{\"traceId\":")
        hex(span.identity.traceID.byteArray)
        raw(",\"spanId\":")
        hex(span.identity.spanID.byteArray)
        if let state = span.identity.traceStateHeader {
            raw(",\"traceState\":")
            string(state)
        }
        if let parent = span.parentSpanID {
            raw(",\"parentSpanId\":")
            hex(parent.byteArray)
        }
        raw(",\"flags\":")
        number(0x100 | UInt32(span.identity.flags.rawValue))
        raw(",\"name\":")
        string(span.name)
        raw(",\"kind\":")
        number(span.kind.otlpNumber)
        raw(",\"startTimeUnixNano\":")
        quoted(span.startNanos)
        raw(",\"endTimeUnixNano\":")
        quoted(span.endNanos)
        raw(",\"attributes\":")
        attributes(span.attributes)
        raw(",\"events\":[")
        for (index, event) in span.events.enumerated() {
            if index > 0 { raw(",") }
            raw("{\"timeUnixNano\":")
            quoted(event.nanosecondsSinceEpoch)
            raw(",\"name\":")
            string(event.name)
            raw(",\"attributes\":")
            attributes(event.attributes)
            raw("}")
        }
        raw("],\"links\":[")
        var firstLink = true
        for link in span.links {
            guard let linked = link.context.spanIdentity else { continue }
            if !firstLink { raw(",") }
            firstLink = false
            raw("{\"traceId\":")
            hex(linked.traceID.byteArray)
            raw(",\"spanId\":")
            hex(linked.spanID.byteArray)
            if let state = linked.traceStateHeader {
                raw(",\"traceState\":")
                string(state)
            }
            raw(",\"attributes\":")
            attributes(link.attributes)
            raw(",\"flags\":")
            number(0x100 | UInt32(linked.flags.rawValue))
            raw("}")
        }
        raw("]")
        if let status = span.status {
            raw(",\"status\":{\"code\":")
            number(status.code.otlpNumber)
            if let message = status.message {
                raw(",\"message\":")
                string(message)
            }
            raw("}")
        }
        raw("}")
    }
}

extension SpanIdentity {
    /// The W3C `tracestate` header value, `nil` when empty.
    var traceStateHeader: String? {
        guard !traceState.isEmpty else { return nil }
        return TraceContext(traceID: traceID, spanID: spanID, flags: flags, state: traceState).traceStateHeaderValue
    }
}
