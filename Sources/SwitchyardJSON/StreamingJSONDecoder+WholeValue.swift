/// A one-pass parser for a small chunk that holds one whole JSON value, the common case of a tool
/// result or progress frame sent in one piece.
///
/// Why a second parser: the streaming state machine pays per byte (a state switch, a token
/// buffer, a validator step) and per container (stacks of arrays, dictionaries and keys), which
/// dominates a call whose payload is a few dozen bytes. This parser reads the chunk in place and
/// builds strings straight from it. It accepts only what it can decide on its own and gives up
/// (returns `nil`) on anything else — an incomplete value, bad syntax, invalid UTF-8, trailing
/// data — so the streaming decoder then re-reads the chunk and reports the error exactly as
/// before. A value it does return equals what the streaming decoder builds.
struct WholeValueParser {
    /// Larger chunks stream as before: their per-call overhead is noise, and the streaming path
    /// keeps a long string's peak memory near its size.
    static let maximumChunk = 64 << 10

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0
    /// Decoded bytes of a string with escapes.
    private var scratch: [UInt8] = []

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The one value `bytes` holds (a container or a string, with surrounding whitespace), or
    /// `nil` when the chunk is anything else.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> JSONValue? {
        guard bytes.count <= maximumChunk else { return nil }
        var parser = WholeValueParser(bytes)
        parser.skipWhitespace()
        // A top-level number or literal may continue in the next chunk: leave it to streaming.
        guard parser.index < bytes.count else { return nil }
        switch bytes[parser.index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""): break
        default: return nil
        }
        guard let value = parser.value() else { return nil }
        parser.skipWhitespace()
        // Not a ternary: `nil` there would become `JSONValue.null` through its nil literal.
        guard parser.index == bytes.count else { return nil }
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, StreamingJSONDecoder.isWhitespace(bytes[index]) { index += 1 }
    }

    private mutating func value() -> JSONValue? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return nil
        }
    }

    private mutating func object() -> JSONValue? {
        guard depth < StreamingJSONDecoder.maximumDepth else { return nil }
        depth += 1
        defer { depth -= 1 }
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhitespace()
            guard let member = value() else { return nil }
            members[key] = member  // a repeated key keeps its last value, as when streaming
            skipWhitespace()
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "}") { return .object(members) }
            guard byte == UInt8(ascii: ",") else { return nil }
            skipWhitespace()
        }
    }

    private mutating func array() -> JSONValue? {
        guard depth < StreamingJSONDecoder.maximumDepth else { return nil }
        depth += 1
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            guard let element = value() else { return nil }
            elements.append(element)
            skipWhitespace()
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "]") { return .array(elements) }
            guard byte == UInt8(ascii: ",") else { return nil }
            skipWhitespace()
        }
    }

    private mutating func literal(_ text: StaticString, _ value: JSONValue) -> JSONValue? {
        let length = text.utf8CodeUnitCount
        guard bytes.count - index >= length else { return nil }
        for offset in 0..<length where bytes[index + offset] != text.utf8Start[offset] { return nil }
        index += length
        return value
    }

    /// A number, converted exactly as the streaming decoder converts it.
    private mutating func number() -> JSONValue? {
        let start = index
        while index < bytes.count, StreamingJSONDecoder.isNumberByte(bytes[index]) { index += 1 }
        // A number that reaches the end of the chunk cannot be the whole value's last token.
        guard index < bytes.count else { return nil }
        let token = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        guard StreamingJSONDecoder.isValidNumber(token) else { return nil }
        var isInteger = true
        for byte in token where byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            isInteger = false
        }
        // Up to 18 digits always fit Int64: compute them without building a String.
        if isInteger, token.count <= 18 {
            var magnitude: Int64 = 0
            let negative = token[0] == UInt8(ascii: "-")
            for byte in token.dropFirst(negative ? 1 : 0) { magnitude = magnitude * 10 + Int64(byte &- 48) }
            return .int(negative ? -magnitude : magnitude)
        }
        // A number without an exact value fails here; the streaming decoder then says why.
        return try? StreamingJSONDecoder.number(String(decoding: token, as: UTF8.self), isInteger: isInteger).get()
    }

    /// A string starting at its opening quote; `nil` for an unterminated string, a control
    /// character, a bad escape or invalid UTF-8.
    private mutating func string() -> String? {
        index += 1
        let start = index
        guard let base = bytes.baseAddress else { return nil }
        let run = ASCIIScan.stringRunEnd(base, from: start, count: bytes.count)
        index = run.end
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            let text = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            index += 1
            return run.hasNonASCII ? String(validating: text, as: UTF8.self) : String(decoding: text, as: UTF8.self)
        case UInt8(ascii: "\\"):
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            return escapedString(isASCII: !run.hasNonASCII)
        default:
            return nil  // a control character
        }
    }

    /// The rest of a string with escapes, decoded into `scratch` the way the streaming decoder
    /// decodes them (a lone surrogate becomes U+FFFD).
    private mutating func escapedString(isASCII: Bool) -> String? {
        var isASCII = isASCII
        var highSurrogate: UInt32?
        func flushLoneSurrogate(_ scratch: inout [UInt8]) {
            guard highSurrogate != nil else { return }
            highSurrogate = nil
            scratch.append(contentsOf: [0xEF, 0xBF, 0xBD])
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                flushLoneSurrogate(&scratch)
                return isASCII ? String(decoding: scratch, as: UTF8.self) : String(validating: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                if let decoded = JSONEscape.simpleEscape(escape) {
                    flushLoneSurrogate(&scratch)
                    scratch.append(decoded)
                    continue
                }
                guard escape == UInt8(ascii: "u"), let unit = JSONEscape.hexQuad(bytes, at: &index) else { return nil }
                isASCII = false
                if let high = highSurrogate, (0xDC00...0xDFFF).contains(unit) {
                    highSurrogate = nil
                    appendScalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))
                } else if (0xD800...0xDBFF).contains(unit) {
                    flushLoneSurrogate(&scratch)
                    highSurrogate = unit
                } else {
                    flushLoneSurrogate(&scratch)
                    appendScalar((0xDC00...0xDFFF).contains(unit) ? 0xFFFD : unit)
                }
            default:
                if byte < 0x20 { return nil }
                if byte >= 0x80 { isASCII = false }
                flushLoneSurrogate(&scratch)
                scratch.append(byte)
            }
        }
        return nil
    }

    private mutating func appendScalar(_ value: UInt32) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        scratch.append(contentsOf: String(Character(scalar)).utf8)
    }
}
