/// Checks UTF-8 well-formedness of a byte stream that arrives in chunks, where one character may
/// straddle two chunks.
///
/// Hand-written rather than decoding with `String(validating:)` because that needs the whole
/// text in one buffer; frame payloads stream and are never copied a second time.
///
/// Runs of ASCII are skipped 16 bytes at a time (`ASCIIScan`); a multi-byte character that lies
/// wholly inside the chunk is checked in one step; only a character cut by the chunk's end goes
/// through the byte-at-a-time state below.
public struct UTF8StreamValidator: Sendable {
    private var remaining = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// `true` when no character is left unfinished.
    public var isAtCharacterBoundary: Bool { remaining == 0 }

    /// Creates a validator at a character boundary.
    public init() {}

    /// Validates the next chunk; returns the index of the first bad byte, or `nil` if all fit.
    public mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var index = 0
        // Finish a character the previous chunk cut.
        while remaining > 0 {
            guard index < count else { return nil }
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            guard byte >= lower, byte <= upper else { return index }
            remaining -= 1
            (lower, upper) = (0x80, 0xBF)
            index += 1
        }
        while true {
            index = ASCIIScan.end(base, from: index, count: count)
            guard index < count else { return nil }
            let lead = base.load(fromByteOffset: index, as: UInt8.self)
            guard let (length, secondLower, secondUpper) = Self.sequence(lead) else { return index }
            if index + length <= count {
                // The whole character is here: check its continuation bytes at once.
                let second = base.load(fromByteOffset: index + 1, as: UInt8.self)
                guard second >= secondLower, second <= secondUpper else { return index + 1 }
                for offset in 2..<max(length, 2) {
                    guard base.load(fromByteOffset: index + offset, as: UInt8.self) & 0xC0 == 0x80 else {
                        return index + offset
                    }
                }
                index += length
                continue
            }
            // The chunk ends inside the character: carry the state over.
            (remaining, lower, upper) = (length - 1, secondLower, secondUpper)
            index += 1
            while index < count {
                let byte = base.load(fromByteOffset: index, as: UInt8.self)
                guard byte >= lower, byte <= upper else { return index }
                remaining -= 1
                (lower, upper) = (0x80, 0xBF)
                index += 1
            }
            return nil
        }
    }

    /// The length of the sequence a lead byte starts, with the range its second byte must fall
    /// in (which rules out overlong forms, surrogates and anything past U+10FFFF); `nil` for a
    /// byte that cannot start one.
    @inline(__always)
    static func sequence(_ lead: UInt8) -> (length: Int, lower: UInt8, upper: UInt8)? {
        switch lead {
        case 0xC2...0xDF: (2, 0x80, 0xBF)
        case 0xE0: (3, 0xA0, 0xBF)  // no overlong forms
        case 0xED: (3, 0x80, 0x9F)  // no surrogates
        case 0xE1...0xEF: (3, 0x80, 0xBF)
        case 0xF0: (4, 0x90, 0xBF)
        case 0xF1...0xF3: (4, 0x80, 0xBF)
        case 0xF4: (4, 0x80, 0x8F)  // nothing past U+10FFFF
        default: nil
        }
    }

    /// Forgets any unfinished character (a new payload starts).
    public mutating func reset() {
        remaining = 0
        (lower, upper) = (0x80, 0xBF)
    }

    /// Validates one byte; `false` when it cannot continue well-formed UTF-8.
    @inline(__always)
    public mutating func accept(_ byte: UInt8) -> Bool {
        withUnsafeBytes(of: byte) { validate($0) == nil }
    }
}

/// Word-at-a-time byte scans (eight bytes per 64-bit load, no per-byte branch), the bulk loops
/// the decoders run over long payloads.
///
/// The tests on a word are the classic exact "has a zero byte" / "has a byte below n" bit
/// tricks: for each they set the top bit of every matching byte, and a false match can only
/// appear above a true one, so the lowest set bit always names the first matching byte.
package enum ASCIIScan {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first byte at or after `start` that is not ASCII (or `count`).
    @inline(__always)
    package static func end(_ base: UnsafeRawPointer, from start: Int, count: Int) -> Int {
        var index = start
        while index + 16 <= count {
            let first = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let second = base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
            if (first | second) & highBits != 0 { break }
            index += 16
        }
        while index < count, base.load(fromByteOffset: index, as: UInt8.self) < 0x80 { index += 1 }
        return index
    }

    /// Where a JSON string's plain run from `start` ends: the index of the first `"`, `\` or
    /// control byte (or `count`), and whether the run holds any non-ASCII byte (which the caller
    /// must then validate as UTF-8).
    @inline(__always)
    package static func stringRunEnd(_ base: UnsafeRawPointer, from start: Int, count: Int)
        -> (end: Int, hasNonASCII: Bool)
    {
        var index = start
        var nonASCII: UInt64 = 0
        while index + 8 <= count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            // Bytes below 0x20, bytes equal to '"', bytes equal to '\' (none has its top bit set).
            let special = ((word &- ones &* 0x20) | (quote &- ones) | (backslash &- ones)) & ~word & highBits
            if special != 0 {
                let stop = index + special.trailingZeroBitCount / 8
                // Only the bytes before the stop belong to the run.
                let before = stop == index ? 0 : word & (UInt64.max >> (64 - 8 * (stop - index)))
                return (stop, (nonASCII | before) & highBits != 0)
            }
            nonASCII |= word
            index += 8
        }
        while index < count {
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
            if byte >= 0x80 { nonASCII |= highBits }
            index += 1
        }
        return (index, nonASCII & highBits != 0)
    }
}
