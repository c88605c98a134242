import SwitchyardJSON

extension RequestArgumentReader {
    /// A string with escapes, decoded straight into the copies area with a NUL after it, the way
    /// the JSON decoder decodes it: the simple escapes, `\uXXXX` with surrogate pairs joined and a
    /// lone surrogate made U+FFFD, raw bytes kept and the result validated as UTF-8.
    ///
    /// `nil` (the caller declines the input) for a malformed string, a control character, invalid
    /// UTF-8, or — unless `allowingNUL` (a `buffer`) — a decoded NUL, which the `JSONValue` path
    /// refuses for a `cstring` with its own message.
    mutating func escapedString(allowingNUL: Bool) -> UnsafeMutableRawPointer? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        var cursor = index + 1
        // The decoded text is never longer than its escaped form, which the rest of the request bounds.
        let destination = reserve(bytes.count - cursor + 1)
        var written = 0
        var pendingHigh: UInt32?
        var isASCII = true
        func append(_ byte: UInt8) {
            destination.storeBytes(of: byte, toByteOffset: written, as: UInt8.self)
            written += 1
        }
        func appendScalar(_ scalar: UInt32) {
            if scalar < 0x80 {
                append(UInt8(scalar))
            } else if scalar < 0x800 {
                append(UInt8(0xC0 | scalar >> 6))
                append(UInt8(0x80 | scalar & 0x3F))
            } else if scalar < 0x10000 {
                append(UInt8(0xE0 | scalar >> 12))
                append(UInt8(0x80 | scalar >> 6 & 0x3F))
                append(UInt8(0x80 | scalar & 0x3F))
            } else {
                append(UInt8(0xF0 | scalar >> 18))
                append(UInt8(0x80 | scalar >> 12 & 0x3F))
                append(UInt8(0x80 | scalar >> 6 & 0x3F))
                append(UInt8(0x80 | scalar & 0x3F))
            }
        }
        func flushLoneSurrogate() {
            guard pendingHigh != nil else { return }
            pendingHigh = nil
            appendScalar(0xFFFD)
        }
        while cursor < bytes.count {
            let byte = bytes[cursor]
            cursor += 1
            switch byte {
            case UInt8(ascii: "\""):
                flushLoneSurrogate()
                let text = UnsafeRawBufferPointer(start: destination, count: written)
                if !isASCII {
                    var validator = UTF8StreamValidator()
                    guard validator.validate(text) == nil, validator.isAtCharacterBoundary else { return nil }
                }
                if !allowingNUL, text.contains(0) { return nil }
                append(0)
                copyCursor = destination + written
                index = cursor
                return destination
            case UInt8(ascii: "\\"):
                guard cursor < bytes.count else { return nil }
                let escape = bytes[cursor]
                cursor += 1
                if let decoded = JSONEscape.simpleEscape(escape) {
                    flushLoneSurrogate()
                    append(decoded)
                    continue
                }
                guard escape == UInt8(ascii: "u"), let unit = JSONEscape.hexQuad(bytes, at: &cursor) else { return nil }
                isASCII = false
                if let high = pendingHigh, (0xDC00...0xDFFF).contains(unit) {
                    pendingHigh = nil
                    appendScalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))
                } else if (0xD800...0xDBFF).contains(unit) {
                    flushLoneSurrogate()
                    pendingHigh = unit
                } else {
                    flushLoneSurrogate()
                    appendScalar((0xDC00...0xDFFF).contains(unit) ? 0xFFFD : unit)
                }
            default:
                if byte < 0x20 { return nil }
                if byte >= 0x80 { isASCII = false }
                flushLoneSurrogate()
                append(byte)
            }
        }
        return nil
    }
}
