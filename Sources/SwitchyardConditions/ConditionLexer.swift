import SwitchyardJSON

/// CEL lexing, hand-written: no CEL library exists for Swift in the package mirror, and the
/// engine needs only the subset described on `ConditionExpression`.

enum ConditionToken: Equatable {
    case identifier(String)
    case literal(JSONValue)
    /// An operator or punctuation (`==`, `&&`, `(`, `.`, …).
    case symbol(String)
    case end
}

struct ConditionLexeme {
    var token: ConditionToken
    var offset: Int
}

struct ConditionLexer {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private static let symbols = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%",
                                  "?", ":", ".", ",", "[", "]", "(", ")", "{", "}"]

    mutating func tokens() throws(ConditionFailure) -> [ConditionLexeme] {
        var lexemes: [ConditionLexeme] = []
        while true {
            while position < bytes.count, isSpace(bytes[position]) { position += 1 }
            let start = position
            guard position < bytes.count else {
                lexemes.append(ConditionLexeme(token: .end, offset: start))
                return lexemes
            }
            lexemes.append(ConditionLexeme(token: try nextToken(), offset: start))
        }
    }

    private mutating func nextToken() throws(ConditionFailure) -> ConditionToken {
        let byte = bytes[position]
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { return .literal(.string(try readString(raw: false))) }
        if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { return .literal(try readNumber()) }
        if byte == UInt8(ascii: "."), position + 1 < bytes.count, isDigit(bytes[position + 1]) {
            return .literal(try readNumber())
        }
        if isNameByte(byte) {
            let start = position
            while position < bytes.count, isNameByte(bytes[position]) { position += 1 }
            let name = String(decoding: bytes[start..<position], as: UTF8.self)
            if (name == "r" || name == "R"), position < bytes.count,
                bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'")
            {
                return .literal(.string(try readString(raw: true)))
            }
            switch name {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            default: return .identifier(name)
            }
        }
        for symbol in Self.symbols where matches(symbol) {
            position += symbol.utf8.count
            return .symbol(symbol)
        }
        let text = String(decoding: bytes[position..<min(position + 1, bytes.count)], as: UTF8.self)
        throw ConditionFailure(reason: "unexpected character \(quoteForMessage(text))", offset: position)
    }

    private func matches(_ symbol: String) -> Bool {
        let utf8 = Array(symbol.utf8)
        guard position + utf8.count <= bytes.count else { return false }
        return Array(bytes[position..<position + utf8.count]) == utf8
    }

    private mutating func readNumber() throws(ConditionFailure) -> JSONValue {
        let start = position
        if matchesHexPrefix() {
            position += 2
            let digitsStart = position
            while position < bytes.count, isHexDigit(bytes[position]) { position += 1 }
            let digits = String(decoding: bytes[digitsStart..<position], as: UTF8.self)
            skipUnsignedSuffix()
            guard let value = Int64(digits, radix: 16) else {
                throw ConditionFailure(reason: "bad hex literal", offset: start)
            }
            return .int(value)
        }
        var isDouble = false
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "."), isDigit(bytes[position + 1]) {
            isDouble = true
            position += 1
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            var probe = position + 1
            if probe < bytes.count, bytes[probe] == UInt8(ascii: "+") || bytes[probe] == UInt8(ascii: "-") { probe += 1 }
            if probe < bytes.count, isDigit(bytes[probe]) {
                isDouble = true
                position = probe
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isDouble {
            guard let value = Double(text) else { throw ConditionFailure(reason: "bad number \(text)", offset: start) }
            return .double(value)
        }
        skipUnsignedSuffix()
        guard let value = Int64(text) else {
            throw ConditionFailure(reason: "integer literal \(text) out of range", offset: start)
        }
        return .int(value)
    }

    private mutating func skipUnsignedSuffix() {
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "u") { position += 1 }
    }

    private func matchesHexPrefix() -> Bool {
        position + 1 < bytes.count && bytes[position] == UInt8(ascii: "0") && bytes[position + 1] | 0x20 == UInt8(ascii: "x")
    }

    /// Reads `'…'`, `"…"` or their triple-quoted forms; `raw` keeps backslashes as written.
    private mutating func readString(raw: Bool) throws(ConditionFailure) -> String {
        let start = position
        let quote = bytes[position]
        let triple = position + 2 < bytes.count && bytes[position + 1] == quote && bytes[position + 2] == quote
        position += triple ? 3 : 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flush(_ end: Int) {
            scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == quote, !triple || (position + 2 < bytes.count && bytes[position + 1] == quote && bytes[position + 2] == quote) {
                flush(position)
                position += triple ? 3 : 1
                return String(scalars)
            }
            if !triple, byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: "\\"), !raw {
                flush(position)
                scalars.append(try readEscape())
                runStart = position
                continue
            }
            position += 1
        }
        throw ConditionFailure(reason: "unterminated string", offset: start)
    }

    private mutating func readEscape() throws(ConditionFailure) -> Unicode.Scalar {
        let start = position
        let quotes = [UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "?")]
        switch BackslashEscape.decode(bytes, at: &position, quotes: quotes) {
        case .success(let scalar): return scalar
        case .failure(let failure): throw ConditionFailure(reason: failure.reason, offset: start)
        }
    }
}

private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

private func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
}
