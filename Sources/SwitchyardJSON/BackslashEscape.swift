/// Backslash escapes in string literals, shared by templates (Go syntax) and conditions (CEL):
/// `\n \t \r \a \b \f \v \\`, `\xHH`, `\uHHHH`, `\UHHHHHHHH`, and whichever quote characters
/// the language lets a literal escape.
package enum BackslashEscape {
    /// Why an escape did not decode; each lexer words it in its own error type.
    package enum Failure: Error {
        case unterminated, invalid, unknown

        package var reason: String {
            switch self {
            case .unterminated: return "unterminated escape"
            case .invalid: return "invalid escape"
            case .unknown: return "unknown escape sequence"
            }
        }
    }

    /// Decodes the escape whose backslash is at `position` and moves `position` past it.
    package static func decode(_ bytes: [UInt8], at position: inout Int, quotes: [UInt8]) -> Result<Unicode.Scalar, Failure> {
        guard position + 1 < bytes.count else { return .failure(.unterminated) }
        let code = bytes[position + 1]
        position += 2
        switch code {
        case UInt8(ascii: "n"): return .success("\n")
        case UInt8(ascii: "t"): return .success("\t")
        case UInt8(ascii: "r"): return .success("\r")
        case UInt8(ascii: "a"): return .success("\u{07}")
        case UInt8(ascii: "b"): return .success("\u{08}")
        case UInt8(ascii: "f"): return .success("\u{0C}")
        case UInt8(ascii: "v"): return .success("\u{0B}")
        case UInt8(ascii: "\\"): return .success("\\")
        case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = code == UInt8(ascii: "x") ? 2 : code == UInt8(ascii: "u") ? 4 : 8
            guard position + digits <= bytes.count,
                  let value = UInt32(String(decoding: bytes[position..<position + digits], as: UTF8.self), radix: 16),
                  let scalar = Unicode.Scalar(value)
            else { return .failure(.invalid) }
            position += digits
            return .success(scalar)
        default:
            return quotes.contains(code) ? .success(Unicode.Scalar(code)) : .failure(.unknown)
        }
    }
}
