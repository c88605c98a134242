import Glibc
import SwitchyardJSON

/// Reads a tool input `{"args": [...]}` straight from the request bytes into a call frame: each
/// argument parsed from its JSON text and stored in its slot, strings and buffers copied with
/// one `memcpy` each into the frame's copies area. No `JSONValue` is built.
///
/// It takes only the plain shapes: the one key `args`, strings (escapes decoded straight into
/// the copies area, `RequestArgumentReader+Escapes.swift`), integers of up to 18 digits, byte
/// arrays of plain integers. Anything else — and anything wrong — makes a
/// step return `false`, and the caller goes the `JSONValue` way instead, whose messages name
/// the argument and what was expected; so both paths accept and refuse exactly the same inputs.
///
/// Purpose-built rather than a general JSON library because of the per-call cost: a `JSONValue`
/// (or `Codable`) parse allocates a dictionary, an array and a `String` per argument before the
/// arguments are converted again into the frame, several times what the C call itself costs.
struct RequestArgumentReader {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    /// Where the next copied argument goes, and where the copies area ends.
    var copyCursor: UnsafeMutableRawPointer
    private let copyEnd: UnsafeMutableRawPointer

    init(_ bytes: UnsafeRawBufferPointer, copiesInto area: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
        copyCursor = area.baseAddress!
        copyEnd = area.baseAddress! + area.count
    }

    /// Decodes the whole input into `frame` per `plan`; `false` when the input is not in the
    /// plain shape, is not JSON, or does not fit the signature.
    mutating func decode(_ plan: DirectCallPlan, into frame: UnsafeMutableRawPointer) -> Bool {
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return false }
        skipSpace()
        if take(UInt8(ascii: "}")) {
            guard plan.argumentCount == 0 else { return false }
        } else {
            guard takeArgsKey(), take(UInt8(ascii: "[")) else { return false }
            var decoded = 0
            skipSpace()
            var closed = take(UInt8(ascii: "]"))
            for parameter in plan.parameters {
                if case .out = parameter.type {
                    frame.storeBytes(of: frame + parameter.storageOffset, toByteOffset: parameter.slotOffset,
                                     as: UnsafeMutableRawPointer.self)
                    continue
                }
                guard !closed else { return false }
                if decoded > 0 {
                    guard take(UInt8(ascii: ",")) else { return false }
                    skipSpace()
                }
                guard value(as: parameter.type, to: frame + parameter.slotOffset) else { return false }
                decoded += 1
                skipSpace()
                closed = take(UInt8(ascii: "]"))
            }
            guard closed, decoded == plan.argumentCount else { return false }
            skipSpace()
            guard take(UInt8(ascii: "}")) else { return false }
        }
        skipSpace()
        return index == bytes.count
    }

    // MARK: Structure

    private mutating func skipSpace() {
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// `"args"` `:` and the space around it.
    private mutating func takeArgsKey() -> Bool {
        guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\""), bytes[index + 1] == UInt8(ascii: "a"),
            bytes[index + 2] == UInt8(ascii: "r"), bytes[index + 3] == UInt8(ascii: "g"),
            bytes[index + 4] == UInt8(ascii: "s"), bytes[index + 5] == UInt8(ascii: "\"")
        else { return false }
        index += 6
        skipSpace()
        guard take(UInt8(ascii: ":")) else { return false }
        skipSpace()
        return true
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count,
            memcmp(bytes.baseAddress! + index, text.utf8Start, count) == 0
        else { return false }
        index += count
        return true
    }

    // MARK: Values

    /// One argument of `type` stored at `slot`, as `CallFrame.write` would store it.
    private mutating func value(as type: FFIValueType, to slot: UnsafeMutableRawPointer) -> Bool {
        switch type {
        case .i8: return integer(Int8.self, to: slot)
        case .u8: return integer(UInt8.self, to: slot)
        case .i16: return integer(Int16.self, to: slot)
        case .u16: return integer(UInt16.self, to: slot)
        case .i32: return integer(Int32.self, to: slot)
        case .u32: return integer(UInt32.self, to: slot)
        case .i64, .isize: return integer(Int64.self, to: slot)
        case .u64, .usize: return integer(UInt64.self, to: slot)
        case .f32:
            guard let number = double() else { return false }
            slot.storeBytes(of: Float(number), as: Float.self)
            return true
        case .f64:
            guard let number = double() else { return false }
            slot.storeBytes(of: number, as: Double.self)
            return true
        case .bool:
            if literal("true") {
                slot.storeBytes(of: 1, as: UInt8.self)
            } else if literal("false") {
                slot.storeBytes(of: 0, as: UInt8.self)
            } else {
                return false
            }
            return true
        case .pointer:
            if literal("null") {
                slot.storeBytes(of: 0, as: UInt.self)
                return true
            }
            return integer(UInt.self, to: slot)
        case .buffer, .cstring:
            let copy: UnsafeMutableRawPointer?
            if literal("null") {
                copy = nil
            } else if let text = string() {
                copy = self.copy(text)
            } else if let decoded = escapedString(allowingNUL: type == .buffer) {
                copy = decoded
            } else if type == .buffer, let bytes = byteArray() {
                copy = bytes
            } else {
                return false
            }
            slot.storeBytes(of: copy, as: UnsafeMutableRawPointer?.self)
            return true
        case .void, .out, .structure:
            return false
        }
    }

    /// An integer literal of at most 18 digits (always exact in `Int64`, as the JSON decoder
    /// reads it) that `Target` holds exactly.
    private mutating func integer<Target: FixedWidthInteger>(_: Target.Type, to slot: UnsafeMutableRawPointer) -> Bool {
        guard let literal = integerLiteral(), let exact = Target(exactly: literal) else { return false }
        slot.storeBytes(of: exact, as: Target.self)
        return true
    }

    /// `-?(0|[1-9][0-9]*)` of at most 18 digits, not followed by a fraction or exponent.
    private mutating func integerLiteral() -> Int64? {
        let start = index
        let negative = take(UInt8(ascii: "-"))
        let digitsStart = index
        var magnitude: Int64 = 0
        while index < bytes.count, let digit = Self.digit(bytes[index]) {
            magnitude = magnitude &* 10 &+ Int64(digit)
            index += 1
        }
        let digits = index - digitsStart
        guard digits > 0, digits <= 18, digits == 1 || bytes[digitsStart] != UInt8(ascii: "0"),
            index == bytes.count || !Self.continuesNumber(bytes[index])
        else {
            index = start
            return nil
        }
        return negative ? -magnitude : magnitude
    }

    /// A number literal as the JSON decoder reads it into a `Double`: an integer exactly
    /// converted; a fraction or exponent correctly rounded (one exact multiply or divide when the
    /// digits and the power of ten are exact, else `strtod`). `nil` for a value the decoder
    /// refuses (out of range, underflowing to zero) or a malformed literal.
    private mutating func double() -> Double? {
        if let integer = integerLiteral() { return Double(integer) }
        let start = index
        _ = take(UInt8(ascii: "-"))
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var hasNonZeroDigit = false
        var decimalExponent = 0
        func accumulate(_ digit: Int) {
            if digit != 0 { hasNonZeroDigit = true }
            if mantissa != 0 || digit != 0 { significantDigits += 1 }
            if significantDigits <= 19 { mantissa = mantissa &* 10 &+ UInt64(digit) }
            index += 1
        }
        let integerStart = index
        while index < bytes.count, let digit = Self.digit(bytes[index]) { accumulate(digit) }
        let integerDigits = index - integerStart
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return nil }
        if take(UInt8(ascii: ".")) {
            let fractionStart = index
            while index < bytes.count, let digit = Self.digit(bytes[index]) {
                accumulate(digit)
                decimalExponent -= 1
            }
            guard index > fractionStart else { return nil }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            let negativeExponent = take(UInt8(ascii: "-"))
            if !negativeExponent { _ = take(UInt8(ascii: "+")) }
            var exponent = 0
            let exponentStart = index
            while index < bytes.count, let digit = Self.digit(bytes[index]) {
                exponent = min(exponent &* 10 &+ digit, 100_000)
                index += 1
            }
            guard index > exponentStart else { return nil }
            decimalExponent += negativeExponent ? -exponent : exponent
        }
        // An integer too long for `integerLiteral`: the decoder takes it only when a double holds
        // it exactly, which the JSONValue path checks.
        guard index > integerStart + integerDigits else { return nil }
        guard index == bytes.count || !Self.continuesNumber(bytes[index]) else { return nil }
        let negative = bytes[start] == UInt8(ascii: "-")

        if significantDigits <= 19, mantissa <= 1 << 53, abs(decimalExponent) <= 22 {
            let power = Self.powersOfTen[abs(decimalExponent)]
            let magnitude = decimalExponent < 0 ? Double(mantissa) / power : Double(mantissa) * power
            return negative ? -magnitude : magnitude
        }
        let number = parsedByStrtod(start)
        guard let number, number.isFinite, number != 0 || !hasNonZeroDigit else { return nil }
        return number
    }

    /// `strtod` of the literal from `start` to `index`, from a NUL-terminated copy; `nil` when
    /// it does not read the whole literal (a locale with another decimal point).
    private func parsedByStrtod(_ start: Int) -> Double? {
        let length = index - start
        guard length < 512 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { text in
            UnsafeMutableRawPointer(text.baseAddress!).copyMemory(from: bytes.baseAddress! + start, byteCount: length)
            text[length] = 0
            var end: UnsafeMutablePointer<CChar>?
            let number = strtod(text.baseAddress!, &end)
            return end == text.baseAddress! + length ? number : nil
        }
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var power = 1.0
        for _ in 0..<exponent { power *= 10 }  // exact: every 10^n up to 10^22 is a double
        return power
    }

    @inline(__always)
    private static func digit(_ byte: UInt8) -> Int? {
        byte &- UInt8(ascii: "0") < 10 ? Int(byte &- UInt8(ascii: "0")) : nil
    }

    /// A byte that would make the literal before it longer (or malformed).
    private static func continuesNumber(_ byte: UInt8) -> Bool {
        digit(byte) != nil || byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
    }

    /// A string without escapes or control characters, valid UTF-8: its bytes, still in the request.
    private mutating func string() -> UnsafeRawBufferPointer? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        let run = ASCIIScan.stringRunEnd(bytes.baseAddress!, from: start, count: bytes.count)
        guard run.end < bytes.count, bytes[run.end] == UInt8(ascii: "\"") else { return nil }
        let text = UnsafeRawBufferPointer(rebasing: bytes[start..<run.end])
        if run.hasNonASCII {
            var validator = UTF8StreamValidator()
            guard validator.validate(text) == nil, validator.isAtCharacterBoundary else { return nil }
        }
        index = run.end + 1
        return text
    }

    /// `bytes` copied into the copies area with a NUL after them (a callee reading text past the
    /// given length still stops), at a 16-aligned address.
    private mutating func copy(_ text: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer {
        let destination = reserve(text.count + 1)
        if let source = text.baseAddress { destination.copyMemory(from: source, byteCount: text.count) }
        destination.storeBytes(of: 0, toByteOffset: text.count, as: UInt8.self)
        return destination
    }

    /// `[` byte values `]`, each a plain integer 0...255, written into the copies area with a
    /// NUL after them.
    private mutating func byteArray() -> UnsafeMutableRawPointer? {
        let start = index
        guard take(UInt8(ascii: "[")) else { return nil }
        // Each byte takes at least one digit and a separator in the request: the rest of it bounds
        // the count.
        let destination = reserve(bytes.count - index + 1)
        var count = 0
        skipSpace()
        if !take(UInt8(ascii: "]")) {
            repeat {
                skipSpace()
                guard let byte = integerLiteral(), let exact = UInt8(exactly: byte) else {
                    index = start
                    return nil
                }
                destination.storeBytes(of: exact, toByteOffset: count, as: UInt8.self)
                count += 1
                skipSpace()
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")) else {
                index = start
                return nil
            }
        }
        destination.storeBytes(of: 0, toByteOffset: count, as: UInt8.self)
        copyCursor = destination + count + 1
        return destination
    }

    /// The next 16-aligned `count` bytes of the copies area.
    mutating func reserve(_ count: Int) -> UnsafeMutableRawPointer {
        let destination = copyCursor.alignedUp(toMultipleOf: 16)
        precondition(destination + count <= copyEnd, "ffi call frame: copies area too small")
        copyCursor = destination + count
        return destination
    }
}
