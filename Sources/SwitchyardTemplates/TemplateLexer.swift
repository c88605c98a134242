import SwitchyardJSON

/// Go text/template lexing, hand-written: no Go-template library exists for Swift in the package
/// mirror, and the engine only needs the action syntax below, over JSON.
///
/// The source splits into text runs and actions (`{{ … }}`). Trim markers (`{{- ` and ` -}}`)
/// remove the whitespace next to them in the neighbouring text; comments (`{{/* … */}}`) vanish.
/// Extension over Go: field names may contain inner hyphens (`.tasks.my-task.output`), as
/// compozy's plain references accept them.

/// One word inside an action.
enum TemplateToken: Equatable {
    /// `.name` (a field step).
    case field(String)
    /// A lone `.`.
    case dot
    /// `$` or `$name`.
    case variable(String)
    /// A function name or keyword (`if`, `range`, `upper`).
    case identifier(String)
    case literal(JSONValue)
    case pipe
    case leftParen
    case rightParen
    /// `:=`
    case declare
    /// `=`
    case assign
    case comma
}

/// A token with its byte offset and whether whitespace came before it (field chains need none).
struct TemplateLexeme {
    var token: TemplateToken
    var offset: Int
    /// Byte offset just past the token.
    var end: Int
    var spaceBefore: Bool
}

/// A piece of the source: literal text, or an action's tokens.
enum TemplateItem {
    case text(String)
    /// `offset` is where the action's `{{` starts; `end` where its `}}` starts.
    case action([TemplateLexeme], offset: Int, end: Int)
}

/// Splits template source into text and tokenized actions.
struct TemplateLexer {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// All items in source order.
    mutating func items() throws(TemplateFailure) -> [TemplateItem] {
        var items: [TemplateItem] = []
        var trimLeadingSpace = false
        while position < bytes.count {
            let open = find("{{", from: position)
            var textEnd = open ?? bytes.count
            let textStart = position
            var start = textStart
            if trimLeadingSpace {
                while start < textEnd, isSpace(bytes[start]) { start += 1 }
            }
            guard let open else {
                if start < textEnd { items.append(.text(string(start, textEnd))) }
                break
            }
            let trimsLeft = open + 3 < bytes.count && bytes[open + 2] == UInt8(ascii: "-")
                && isSpace(bytes[open + 3])
            if trimsLeft {
                while textEnd > start, isSpace(bytes[textEnd - 1]) { textEnd -= 1 }
            }
            if start < textEnd { items.append(.text(string(start, textEnd))) }
            position = open + (trimsLeft ? 3 : 2)
            let (item, trimsRight) = try action(startingAt: open)
            if let item { items.append(item) }
            trimLeadingSpace = trimsRight
        }
        return items
    }

    /// Reads one action after its `{{` (and trim marker); returns nil for a comment.
    private mutating func action(startingAt open: Int) throws(TemplateFailure) -> (TemplateItem?, Bool) {
        var lexemes: [TemplateLexeme] = []
        var sawSpace = skipSpace()
        if starts(with: "/*") {
            guard let close = find("*/", from: position + 2) else {
                throw failure("unclosed comment", at: open)
            }
            position = close + 2
            _ = skipSpace()
            if let trimsRight = closeDelimiter() { return (nil, trimsRight) }
            throw failure("comment ends before closing delimiter", at: position)
        }
        while true {
            if position >= bytes.count { throw failure("unclosed action", at: open) }
            let beforeClose = position
            if let trimsRight = closeDelimiter() {
                return (.action(lexemes, offset: open, end: beforeClose), trimsRight)
            }
            let token = try nextToken()
            lexemes.append(TemplateLexeme(token: token.0, offset: token.1, end: position, spaceBefore: sawSpace))
            sawSpace = skipSpace()
        }
    }

    /// Consumes `}}` or `-}}` (after the space already skipped); returns whether it trims.
    private mutating func closeDelimiter() -> Bool? {
        if starts(with: "}}") {
            position += 2
            return false
        }
        if starts(with: "-}}"), position > 0, isSpace(bytes[position - 1]) {
            position += 3
            return true
        }
        return nil
    }

    private mutating func nextToken() throws(TemplateFailure) -> (TemplateToken, Int) {
        let start = position
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "|"):
            position += 1
            return (.pipe, start)
        case UInt8(ascii: "("):
            position += 1
            return (.leftParen, start)
        case UInt8(ascii: ")"):
            position += 1
            return (.rightParen, start)
        case UInt8(ascii: ","):
            position += 1
            return (.comma, start)
        case UInt8(ascii: "="):
            position += 1
            return (.assign, start)
        case UInt8(ascii: ":"):
            guard starts(with: ":=") else { throw failure("expected :=", at: start) }
            position += 2
            return (.declare, start)
        case UInt8(ascii: "."):
            position += 1
            let name = readName(allowHyphen: true)
            return (name.isEmpty ? .dot : .field(name), start)
        case UInt8(ascii: "$"):
            position += 1
            return (.variable("$" + readName(allowHyphen: false)), start)
        case UInt8(ascii: "\""):
            return (.literal(.string(try readQuoted())), start)
        case UInt8(ascii: "`"):
            guard let close = bytes[(position + 1)...].firstIndex(of: UInt8(ascii: "`")) else {
                throw failure("unterminated raw quoted string", at: start)
            }
            let text = string(position + 1, close)
            position = close + 1
            return (.literal(.string(text)), start)
        case UInt8(ascii: "'"):
            return (.literal(try readCharacter()), start)
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return (.literal(try readNumber()), start)
        default:
            guard isNameByte(byte) else {
                let scalar = String(decoding: bytes[start..<min(start + 1, bytes.count)], as: UTF8.self)
                throw failure("unexpected \(quoteForMessage(scalar)) in action", at: start)
            }
            let name = readName(allowHyphen: false)
            switch name {
            case "true": return (.literal(.bool(true)), start)
            case "false": return (.literal(.bool(false)), start)
            case "nil": return (.literal(.null), start)
            default: return (.identifier(name), start)
            }
        }
    }

    private mutating func readName(allowHyphen: Bool) -> String {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if isNameByte(byte) {
                position += 1
            } else if allowHyphen, byte == UInt8(ascii: "-"), position > start,
                position + 1 < bytes.count, isNameByte(bytes[position + 1])
            {
                position += 1
            } else {
                break
            }
        }
        return string(start, position)
    }

    private mutating func readQuoted() throws(TemplateFailure) -> String {
        let start = position
        position += 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flush(_ end: Int) {
            scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                flush(position)
                position += 1
                return String(scalars)
            }
            if byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: "\\") {
                flush(position)
                scalars.append(try readEscape(quote: UInt8(ascii: "\"")))
                runStart = position
                continue
            }
            position += 1
        }
        throw failure("unterminated quoted string", at: start)
    }

    private mutating func readCharacter() throws(TemplateFailure) -> JSONValue {
        let start = position
        position += 1
        guard position < bytes.count else { throw failure("unterminated character constant", at: start) }
        let scalar: Unicode.Scalar
        if bytes[position] == UInt8(ascii: "\\") {
            scalar = try readEscape(quote: UInt8(ascii: "'"))
        } else {
            var end = position + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            guard let first = String(decoding: bytes[position..<end], as: UTF8.self).unicodeScalars.first else {
                throw failure("bad character constant", at: start)
            }
            scalar = first
            position = end
        }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "'") else {
            throw failure("unterminated character constant", at: start)
        }
        position += 1
        return .int(Int64(scalar.value))
    }

    /// Reads a backslash escape (Go syntax) at `position`.
    private mutating func readEscape(quote: UInt8) throws(TemplateFailure) -> Unicode.Scalar {
        let start = position
        switch BackslashEscape.decode(bytes, at: &position, quotes: [quote]) {
        case .success(let scalar): return scalar
        case .failure(let escape): throw failure(escape.reason, at: start)
        }
    }

    private mutating func readNumber() throws(TemplateFailure) -> JSONValue {
        let start = position
        if bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") { position += 1 }
        while position < bytes.count {
            let byte = bytes[position]
            let isExponentSign = (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+"))
                && (bytes[position - 1] | 0x20) == UInt8(ascii: "e") && !isHex(start)
            guard isNameByte(byte) || byte == UInt8(ascii: ".") || isExponentSign else { break }
            position += 1
        }
        var text = string(start, position).filter { $0 != "_" }
        var negative = false
        if text.hasPrefix("+") { text.removeFirst() }
        if text.hasPrefix("-") {
            negative = true
            text.removeFirst()
        }
        let lowered = text.lowercased()
        if lowered.hasPrefix("0x"), let value = Int64(lowered.dropFirst(2), radix: 16) {
            return .int(negative ? -value : value)
        }
        if let value = Int64(text) { return .int(negative ? -value : value) }
        if let value = Double(text), value.isFinite, text.first != "." {
            return .double(negative ? -value : value)
        }
        throw failure("bad number syntax: \(quoteForMessage(string(start, position)))", at: start)
    }

    private func isHex(_ start: Int) -> Bool {
        var index = start
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        return index + 1 < bytes.count && bytes[index] == UInt8(ascii: "0")
            && (bytes[index + 1] | 0x20) == UInt8(ascii: "x")
    }

    // MARK: Scanning primitives

    private func find(_ needle: StaticString, from: Int) -> Int? {
        let first = needle.utf8Start[0]
        let second = needle.utf8Start[1]
        var index = from
        while index + 1 < bytes.count {
            if bytes[index] == first, bytes[index + 1] == second { return index }
            index += 1
        }
        return nil
    }

    private func starts(with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for index in 0..<count where bytes[position + index] != prefix.utf8Start[index] { return false }
        return true
    }

    /// Skips spaces; returns whether any were skipped.
    private mutating func skipSpace() -> Bool {
        let start = position
        while position < bytes.count, isSpace(bytes[position]) { position += 1 }
        return position > start
    }

    private func string(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private func failure(_ reason: String, at offset: Int) -> TemplateFailure {
        TemplateFailure(reason: "\(reason) at \(describePosition(offset, in: bytes))")
    }
}
