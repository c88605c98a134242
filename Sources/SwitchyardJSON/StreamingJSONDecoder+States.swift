extension StreamingJSONDecoder {
    /// Where the decoder is in the grammar, between two bytes.
    enum State: Sendable {
        case expectValue
        case expectValueOrArrayEnd
        case expectKeyOrObjectEnd
        case expectKey
        case expectColon
        case afterValue
        case inString
        case inEscape
        case inUnicodeEscape
        case inNumber
        case inLiteral
        case done
    }

    enum ContainerKind: Sendable {
        case array
        case object
    }

    /// A long string is cut into segments of this many bytes while it streams, so the bytes of
    /// the token in progress stay small whatever the string's length.
    static let segmentBytes = 64 * 1024

    mutating func consume(_ byte: UInt8) throws {
        switch state {
        case .inString:
            try consumeStringByte(byte)
        case .expectValue:
            if !Self.isWhitespace(byte) { try startValue(byte) }
        case .expectValueOrArrayEnd:
            if Self.isWhitespace(byte) { return }
            if byte == UInt8(ascii: "]") { try closeContainer(.array) } else { try startValue(byte) }
        case .expectKeyOrObjectEnd, .expectKey:
            if Self.isWhitespace(byte) { return }
            if byte == UInt8(ascii: "\"") {
                beginString(isKey: true)
            } else if byte == UInt8(ascii: "}"), case .expectKeyOrObjectEnd = state {
                try closeContainer(.object)
            } else {
                throw error("expected a string key")
            }
        case .expectColon:
            if Self.isWhitespace(byte) { return }
            guard byte == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
            state = .expectValue
        case .afterValue:
            try consumeAfterValue(byte)
        case .inEscape:
            try consumeEscape(byte)
        case .inUnicodeEscape:
            try consumeUnicodeEscapeDigit(byte)
        case .inNumber:
            if Self.isNumberByte(byte) {
                token.append(byte)
            } else {
                try completeNumber()
                try consume(byte)
            }
        case .inLiteral:
            try consumeLiteralByte(byte)
        case .done:
            if !Self.isWhitespace(byte) { throw error("unexpected data after the JSON value") }
        }
    }

    private mutating func startValue(_ byte: UInt8) throws {
        switch byte {
        case UInt8(ascii: "{"): try push(.object)
        case UInt8(ascii: "["): try push(.array)
        case UInt8(ascii: "\""): beginString(isKey: false)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            token.removeAll(keepingCapacity: true)
            token.append(byte)
            state = .inNumber
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            token.removeAll(keepingCapacity: true)
            token.append(byte)
            state = .inLiteral
        default:
            throw error("unexpected character, expected a JSON value")
        }
    }

    private mutating func consumeAfterValue(_ byte: UInt8) throws {
        if Self.isWhitespace(byte) { return }
        guard let top = containers.last else { throw error("unexpected data after the JSON value") }
        switch byte {
        case UInt8(ascii: ","): state = top == .array ? .expectValue : .expectKey
        case UInt8(ascii: "]") where top == .array: try closeContainer(.array)
        case UInt8(ascii: "}") where top == .object: try closeContainer(.object)
        default: throw error(top == .array ? "expected ',' or ']'" : "expected ',' or '}'")
        }
    }

    private mutating func push(_ kind: ContainerKind) throws {
        guard containers.count < Self.maximumDepth else {
            throw error("nesting deeper than \(Self.maximumDepth) levels")
        }
        containers.append(kind)
        switch kind {
        case .array:
            arrays.append([])
            state = .expectValueOrArrayEnd
        case .object:
            objects.append([:])
            state = .expectKeyOrObjectEnd
        }
    }

    private mutating func closeContainer(_ kind: ContainerKind) throws {
        containers.removeLast()
        switch kind {
        case .array: complete(.array(arrays.removeLast()))
        case .object: complete(.object(objects.removeLast()))
        }
    }

    /// Places a finished value in its container, or makes it the result.
    mutating func complete(_ value: JSONValue) {
        guard let top = containers.last else {
            result = value
            state = .done
            return
        }
        switch top {
        case .array: arrays[arrays.count - 1].append(value)
        case .object: objects[objects.count - 1][keys.removeLast()] = value
        }
        state = .afterValue
    }

    private mutating func consumeLiteralByte(_ byte: UInt8) throws {
        let literal: StaticString
        let value: JSONValue
        switch token[0] {
        case UInt8(ascii: "t"): (literal, value) = ("true", .bool(true))
        case UInt8(ascii: "f"): (literal, value) = ("false", .bool(false))
        default: (literal, value) = ("null", .null)
        }
        let position = token.count
        guard position < literal.utf8CodeUnitCount,
              literal.utf8Start[position] == byte
        else { throw error("invalid literal, expected \(literal)") }
        token.append(byte)
        if token.count == literal.utf8CodeUnitCount { complete(value) }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"),
             UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
