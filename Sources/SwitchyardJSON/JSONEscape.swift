/// The pieces of JSON string escapes every byte-level decoder here shares (the streaming and
/// whole-value decoders, the ffi adapter's request reader).
public enum JSONEscape {
    /// The byte a one-character JSON escape (`\n`, `\"`, ...) stands for; `nil` for `u` and
    /// for escapes JSON does not have.
    @inlinable
    public static func simpleEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return byte
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        default: return nil
        }
    }

    /// The four hex digits of a `\u` escape at `index` in `bytes` (moved past them); nil when
    /// fewer than four remain or one is not a hex digit.
    @inlinable
    public static func hexQuad(_ bytes: UnsafeRawBufferPointer, at index: inout Int) -> UInt32? {
        guard bytes.count - index >= 4 else { return nil }
        var unit: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            unit = unit << 4 | digit
            index += 1
        }
        return unit
    }
}
