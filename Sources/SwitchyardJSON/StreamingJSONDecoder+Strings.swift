import Foundation

extension StreamingJSONDecoder {
    mutating func beginString(isKey: Bool) {
        stringIsKey = isKey
        token.removeAll(keepingCapacity: true)
        state = .inString
    }

    mutating func consumeStringByte(_ byte: UInt8) throws {
        if byte < 0x80, utf8.isAtCharacterBoundary {
            switch byte {
            case UInt8(ascii: "\""):
                flushLoneSurrogate()
                finishString()
                return
            case UInt8(ascii: "\\"):
                state = .inEscape
                return
            case 0..<0x20:
                throw error("unescaped control character in a string")
            default:
                flushLoneSurrogate()
                token.append(byte)
            }
        } else {
            flushLoneSurrogate()
            guard utf8.accept(byte) else { throw error("invalid UTF-8 in a string") }
            token.append(byte)
        }
        if token.count >= Self.segmentBytes, utf8.isAtCharacterBoundary { flushSegment() }
    }

    mutating func consumeEscape(_ byte: UInt8) throws {
        if byte == UInt8(ascii: "u") {
            unicodeEscape = 0
            unicodeEscapeDigits = 0
            state = .inUnicodeEscape
            return
        }
        guard let decoded = JSONEscape.simpleEscape(byte) else { throw error("invalid escape sequence in a string") }
        flushLoneSurrogate()
        token.append(decoded)
        state = .inString
    }

    mutating func consumeUnicodeEscapeDigit(_ byte: UInt8) throws {
        let digit: UInt32
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
        default: throw error("invalid \\u escape in a string")
        }
        unicodeEscape = unicodeEscape << 4 | digit
        unicodeEscapeDigits += 1
        guard unicodeEscapeDigits == 4 else { return }
        state = .inString
        let unit = unicodeEscape
        if let high = highSurrogate, (0xDC00...0xDFFF).contains(unit) {
            highSurrogate = nil
            appendScalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))
        } else if (0xD800...0xDBFF).contains(unit) {
            flushLoneSurrogate()
            highSurrogate = unit
        } else {
            flushLoneSurrogate()
            // A lone low surrogate cannot be held by a Swift String: it becomes U+FFFD.
            appendScalar((0xDC00...0xDFFF).contains(unit) ? 0xFFFD : unit)
        }
    }

    /// A high surrogate not followed by a low one becomes U+FFFD, as a String cannot hold it.
    private mutating func flushLoneSurrogate() {
        guard highSurrogate != nil else { return }
        highSurrogate = nil
        appendScalar(0xFFFD)
    }

    private mutating func appendScalar(_ value: UInt32) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        token.append(contentsOf: String(Character(scalar)).utf8)
    }

    /// Appends validated string bytes. A run that would take the token past a segment goes
    /// straight to the mapped chunks, so a long string's bytes are copied once on the way in.
    mutating func appendStringBytes(_ bytes: UnsafeRawBufferPointer) {
        if token.count + bytes.count < Self.segmentBytes {
            token.append(contentsOf: bytes)
            return
        }
        if longString == nil { longString = MappedByteChunks() }
        if !token.isEmpty { flushSegment() }
        longString!.append(bytes)
    }

    mutating func flushSegment() {
        if longString == nil { longString = MappedByteChunks() }
        token.withUnsafeBytes { longString!.append($0) }
        token.removeAll(keepingCapacity: true)
    }

    private mutating func finishString() {
        let text: String
        if let chunks = longString {
            flushSegment()
            text = chunks.takeString()
            longString = nil
        } else {
            text = String(decoding: token, as: UTF8.self)
        }
        token.removeAll(keepingCapacity: token.capacity <= Self.segmentBytes * 2)
        if stringIsKey {
            keys.append(text)
            state = .expectColon
        } else {
            complete(.string(text))
        }
    }

    mutating func completeNumber() throws {
        guard token.withUnsafeBytes({ Self.isValidNumber($0) }) else { throw error("invalid number") }
        let isInteger = !token.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let text = String(decoding: token, as: UTF8.self)
        switch Self.number(text, isInteger: isInteger) {
        case .success(let value): complete(value)
        case .failure(let problem): throw error(problem.reason)
        }
    }

    /// Why a well-formed number literal has no exact-enough `JSONValue`.
    struct NumberProblem: Error {
        let reason: String
    }

    /// The value of a well-formed number literal, never silently changed: integers that fit
    /// `Int64` stay `.int`; larger integers become `.double` only when the double is exactly that
    /// integer (2^63 is, 12345678901234567890 is not); a fraction or exponent becomes the nearest
    /// double unless that overflows to infinity (`1e400`) or underflows to zero (`1e-400`).
    static func number(_ text: String, isInteger: Bool) -> Result<JSONValue, NumberProblem> {
        if isInteger, let integer = Int64(text) { return .success(.int(integer)) }
        var shown: String { text.utf8.count > 40 ? String(text.prefix(37)) + "..." : text }
        guard let number = Double(text), number.isFinite else {
            return .failure(NumberProblem(reason: "number \(shown) is out of range (beyond a 64-bit double)"))
        }
        if isInteger {
            guard String(format: "%.0f", number) == text else {
                return .failure(NumberProblem(reason: "integer \(shown) does not fit in 64 bits and has no exact "
                    + "double (send it as a string)"))
            }
        } else if number == 0 {
            let mantissa = text.prefix { $0 != "e" && $0 != "E" }
            if mantissa.contains(where: { $0 >= "1" && $0 <= "9" }) {
                return .failure(NumberProblem(reason: "number \(shown) is too small for a 64-bit double (it would be 0)"))
            }
        }
        return .success(.double(number))
    }

    /// JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    static func isValidNumber(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - start
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return false
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            if digits() == 0 { return false }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            if digits() == 0 { return false }
        }
        return index == bytes.count
    }
}
