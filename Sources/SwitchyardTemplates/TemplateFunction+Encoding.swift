import Foundation
import SwitchyardJSON

/// sprig's encodings, hashes, `uuidv4` and `randBytes`. Hashes are of the text's UTF-8 bytes,
/// in lowercase hex; `adler32sum` prints the checksum in decimal, as sprig does.
extension TemplateFunction {
    func callEncoding(_ args: [JSONValue]) throws(TemplateFailure) -> JSONValue? {
        switch self {
        case .b64enc:
            try requireArguments(args, 1)
            return .string(Data(textArgument(args[0]).utf8).base64EncodedString())
        case .b64dec:
            try requireArguments(args, 1)
            guard let data = Data(base64Encoded: textArgument(args[0])) else {
                throw TemplateFailure(reason: "illegal base64 data in \(goQuoted(textArgument(args[0])))")
            }
            return .string(String(decoding: data, as: UTF8.self))
        case .b32enc:
            try requireArguments(args, 1)
            return .string(base32Encoded(Array(textArgument(args[0]).utf8)))
        case .b32dec:
            try requireArguments(args, 1)
            guard let bytes = base32Decoded(textArgument(args[0])) else {
                throw TemplateFailure(reason: "illegal base32 data in \(goQuoted(textArgument(args[0])))")
            }
            return .string(String(decoding: bytes, as: UTF8.self))
        case .sha1sum:
            try requireArguments(args, 1)
            return .string(TemplateDigest.hex(TemplateDigest.sha1(Array(textArgument(args[0]).utf8))))
        case .sha256sum:
            try requireArguments(args, 1)
            return .string(TemplateDigest.hex(TemplateDigest.sha256(Array(textArgument(args[0]).utf8))))
        case .sha512sum:
            try requireArguments(args, 1)
            return .string(TemplateDigest.hex(TemplateDigest.sha512(Array(textArgument(args[0]).utf8))))
        case .adler32sum:
            try requireArguments(args, 1)
            return .string(String(TemplateDigest.adler32(textArgument(args[0]).utf8)))
        case .uuidv4:
            try requireArguments(args, 0)
            return .string(UUID().uuidString.lowercased())
        case .randBytes:
            try requireArguments(args, 1)
            let count = sprigInteger(args[0])
            guard count >= 0 else { throw TemplateFailure(reason: "negative length \(count)") }
            try TemplateLimits.checkSize(Int(clamping: count), what: "the random bytes")  // its base64 is checked as the result
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            return .string(Data(bytes).base64EncodedString())
        default:
            return nil
        }
    }
}

private let base32Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

/// RFC 4648 base32 with `=` padding (Go's `base32.StdEncoding`).
private func base32Encoded(_ bytes: [UInt8]) -> String {
    var output: [UInt8] = []
    for start in stride(from: 0, to: bytes.count, by: 5) {
        let chunk = Array(bytes[start..<Swift.min(start + 5, bytes.count)])
        let bits = chunk.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(32 - 8 * $1.offset) }
        let characters = [2, 4, 5, 7, 8][chunk.count - 1]
        for index in 0..<8 {
            output.append(index < characters ? base32Alphabet[Int((bits >> UInt64(35 - 5 * index)) & 0x1F)] : UInt8(ascii: "="))
        }
    }
    return String(decoding: output, as: UTF8.self)
}

/// Decodes padded RFC 4648 base32; nil for a character outside the alphabet or a bad length.
private func base32Decoded(_ text: String) -> [UInt8]? {
    let characters = Array(text.utf8)
    guard characters.count % 8 == 0 else { return nil }
    var output: [UInt8] = []
    for start in stride(from: 0, to: characters.count, by: 8) {
        let group = characters[start..<(start + 8)]
        let data = group.prefix { $0 != UInt8(ascii: "=") }
        guard group.dropFirst(data.count).allSatisfy({ $0 == UInt8(ascii: "=") }),
            let byteCount = [0: 0, 2: 1, 4: 2, 5: 3, 7: 4, 8: 5][data.count],
            start + 8 == characters.count || data.count == 8 else { return nil }
        var bits: UInt64 = 0
        for (index, character) in data.enumerated() {
            guard let value = base32Alphabet.firstIndex(of: character) else { return nil }
            bits |= UInt64(value) << UInt64(35 - 5 * index)
        }
        for index in 0..<byteCount { output.append(UInt8(truncatingIfNeeded: bits >> UInt64(32 - 8 * index))) }
    }
    return output
}
