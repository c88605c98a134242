/// Checks UTF-8 well-formedness of a byte stream that arrives in chunks, where one character may
/// straddle two chunks.
///
/// Hand-written rather than decoding with `String(validating:)` because that needs the whole
/// text in one buffer; frame payloads stream and are never copied a second time.
struct UTF8StreamValidator: Sendable {
    private var remaining = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// `true` when no character is left unfinished.
    var isAtCharacterBoundary: Bool { remaining == 0 }

    /// Validates the next chunk; returns the index of the first bad byte, or `nil` if all fit.
    mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if remaining == 0 {
                if byte < 0x80 {
                    index += 1
                    continue
                }
                switch byte {
                case 0xC2...0xDF: (remaining, lower, upper) = (1, 0x80, 0xBF)
                case 0xE0: (remaining, lower, upper) = (2, 0xA0, 0xBF)  // no overlong forms
                case 0xED: (remaining, lower, upper) = (2, 0x80, 0x9F)  // no surrogates
                case 0xE1...0xEF: (remaining, lower, upper) = (2, 0x80, 0xBF)
                case 0xF0: (remaining, lower, upper) = (3, 0x90, 0xBF)
                case 0xF1...0xF3: (remaining, lower, upper) = (3, 0x80, 0xBF)
                case 0xF4: (remaining, lower, upper) = (3, 0x80, 0x8F)  // nothing past U+10FFFF
                default: return index
                }
            } else {
                guard byte >= lower, byte <= upper else { return index }
                remaining -= 1
                (lower, upper) = (0x80, 0xBF)
            }
            index += 1
        }
        return nil
    }

    /// Forgets any unfinished character (a new payload starts).
    mutating func reset() {
        remaining = 0
        (lower, upper) = (0x80, 0xBF)
    }
}
