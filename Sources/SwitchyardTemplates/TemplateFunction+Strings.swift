import Foundation
import SwitchyardJSON

/// sprig's string functions, plus Go's `html`, `js` and `urlquery`. Arguments in sprig's order:
/// the text last, so it can be piped in. Lengths and positions count Unicode scalars where Go
/// counts bytes (the same for ASCII; never a split character).
extension TemplateFunction {
    func callString(_ args: [JSONValue]) throws(TemplateFailure) -> JSONValue? {
        switch self {
        case .hello:
            return "Hello!"
        case .abbrev:
            try requireArguments(args, 2)
            return .string(abbreviated(textArgument(args[1]), offset: 0, width: Int(sprigInteger(args[0]))))
        case .abbrevboth:
            try requireArguments(args, 3)
            return .string(abbreviated(textArgument(args[2]), offset: Int(sprigInteger(args[0])),
                                       width: Int(sprigInteger(args[1]))))
        case .trunc:
            try requireArguments(args, 2)
            let text = Array(textArgument(args[1]).unicodeScalars)
            let count = Int(sprigInteger(args[0]))
            if count < 0, text.count + count > 0 { return .string(scalarsText(text[(text.count + count)...])) }
            if count >= 0, text.count > count { return .string(scalarsText(text[..<count])) }
            return .string(scalarsText(text[...]))
        case .title:
            try requireArguments(args, 1)
            return .string(recased(textArgument(args[0]), wordStart: { $0.uppercased() }))
        case .untitle:
            try requireArguments(args, 1)
            return .string(recased(textArgument(args[0]), wordStart: { $0.lowercased() }, spacesOnly: true))
        case .substr:
            try requireArguments(args, 3)
            let text = Array(textArgument(args[2]).unicodeScalars)
            let start = Int(clamping: sprigInteger(args[0])), end = Int(clamping: sprigInteger(args[1]))
            if start < 0 { return .string(scalarsText(text[..<Swift.min(Swift.max(end, 0), text.count)])) }
            if end < 0 || end > text.count { return .string(scalarsText(text[Swift.min(start, text.count)...])) }
            guard start <= end else { throw TemplateFailure(reason: "start \(start) is after end \(end)") }
            return .string(scalarsText(text[start..<end]))
        case .trimall, .trimAll:
            try requireArguments(args, 2)
            let cutset = Set(textArgument(args[0]).unicodeScalars)
            let text = textArgument(args[1]).unicodeScalars
            guard let first = text.firstIndex(where: { !cutset.contains($0) }),
                let last = text.lastIndex(where: { !cutset.contains($0) }) else { return "" }
            return .string(String(text[first...last]))
        case .nospace:
            try requireArguments(args, 1)
            return .string(String(String.UnicodeScalarView(textArgument(args[0]).unicodeScalars.filter {
                !$0.properties.isWhitespace
            })))
        case .initials:
            try requireArguments(args, 1)
            let words = textArgument(args[0]).split(whereSeparator: { $0.isWhitespace })
            return .string(String(words.compactMap(\.first)))
        case .swapcase:
            try requireArguments(args, 1)
            return .string(String(textArgument(args[0]).map { character -> String in
                character.isUppercase ? character.lowercased() : character.isLowercase ? character.uppercased() : String(character)
            }.joined()))
        case .shuffle:
            try requireArguments(args, 1)
            return .string(String(textArgument(args[0]).shuffled()))
        case .snakecase, .kebabcase:
            try requireArguments(args, 1)
            let words = caseWords(textArgument(args[0]))
            return .string(words.map { $0.lowercased() }.joined(separator: self == .snakecase ? "_" : "-"))
        case .camelcase:
            try requireArguments(args, 1)
            return .string(camelCased(textArgument(args[0])))
        case .wrap:
            try requireArguments(args, 2)
            return .string(wrapped(textArgument(args[1]), width: Int(sprigInteger(args[0])), newline: "\n", breakLongWords: false))
        case .wrapWith:
            try requireArguments(args, 3)
            return .string(wrapped(textArgument(args[2]), width: Int(sprigInteger(args[0])),
                                   newline: textArgument(args[1]), breakLongWords: true))
        case .cat:
            return .string(args.filter { !$0.isNull }.map(\.templateText).joined(separator: " "))
        case .indent, .nindent:
            try requireArguments(args, 2)
            let width = sprigInteger(args[0])
            guard width >= 0 else { throw TemplateFailure(reason: "negative width \(width)") }
            let text = textArgument(args[1])
            let lines = text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            try TemplateLimits.checkRepeated(Int(width), count: Int64(lines), what: "the indentation")
            let pad = String(repeating: " ", count: Int(width))
            let indented = pad + text.replacingOccurrences(of: "\n", with: "\n" + pad)
            return .string(self == .nindent ? "\n" + indented : indented)
        case .plural:
            try requireArguments(args, 3)
            return sprigInteger(args[2]) == 1 ? .string(textArgument(args[0])) : .string(textArgument(args[1]))
        case .split, .splitn:
            try requireArguments(args, self == .split ? 2 : 3)
            let separator = textArgument(args[0])
            var parts = textArgument(args[args.count - 1]).components(separatedBy: separator)
            if self == .splitn {
                let limit = Int(clamping: sprigInteger(args[1]))
                if limit == 0 { return .emptyObject }
                if limit > 0, parts.count > limit {
                    parts = Array(parts[..<(limit - 1)]) + [parts[(limit - 1)...].joined(separator: separator)]
                }
            }
            var members: [String: JSONValue] = [:]
            for (position, part) in parts.enumerated() { members["_\(position)"] = .string(part) }
            return .object(members)
        case .toStrings:
            try requireArguments(args, 1)
            guard case .array(let elements) = args[0] else { return .array([.string(args[0].templateText)]) }
            return .array(elements.map { .string($0.templateText) })
        case .sortAlpha:
            try requireArguments(args, 1)
            guard case .array(let elements) = args[0] else { return .array([.string(args[0].templateText)]) }
            return .array(elements.map(\.templateText).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { .string($0) })
        case .randAlphaNum, .randAlpha, .randAscii, .randNumeric:
            try requireArguments(args, 1)
            let count = sprigInteger(args[0])
            guard count >= 0 else { throw TemplateFailure(reason: "negative length \(count)") }
            try TemplateLimits.checkSize(Int(clamping: count), what: "the random text")
            let alphabet: [Character]
            switch self {
            case .randAlpha: alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
            case .randNumeric: alphabet = Array("0123456789")
            case .randAscii: alphabet = (32...126).map { Character(Unicode.Scalar(UInt8($0))) }
            default: alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            }
            // SystemRandomNumberGenerator reads the kernel's CSPRNG, as sprig's crypto/rand does.
            return .string(String((0..<count).map { _ in alphabet.randomElement()! }))
        case .html:
            return .string(htmlEscaped(goPrint(args)))
        case .js:
            return .string(javaScriptEscaped(goPrint(args)))
        case .urlquery:
            return .string(queryEscaped(goPrint(args)))
        default:
            return nil
        }
    }
}

private func scalarsText(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
}

/// goutils `AbbreviateFull`: "..." marks what was cut; widths under 4 (7 with an offset) leave the text alone.
private func abbreviated(_ text: String, offset requested: Int, width: Int) -> String {
    let scalars = Array(text.unicodeScalars)
    guard width >= 4, scalars.count > width else { return text }
    var offset = Swift.min(Swift.max(requested, 0), scalars.count)
    if scalars.count - offset < width - 3 { offset = scalars.count - (width - 3) }
    if offset <= 4 { return scalarsText(scalars[..<(width - 3)]) + "..." }
    guard width >= 7 else { return text }
    if offset + width - 3 < scalars.count {
        return "..." + abbreviated(scalarsText(scalars[offset...]), offset: 0, width: width - 3)
    }
    return "..." + scalarsText(scalars[(scalars.count - (width - 3))...])
}

/// Go's `strings.Title` (`spacesOnly`: goutils `Uncapitalize`, words split at whitespace only):
/// the first letter of each word goes through `wordStart`.
private func recased(_ text: String, wordStart: (String) -> String, spacesOnly: Bool = false) -> String {
    var result = ""
    var previous: Character = " "
    for character in text {
        let separator = spacesOnly
            ? previous.isWhitespace
            : !(previous.isLetter || previous.isNumber || previous == "_")  // Go: "it's" → "It'S"
        result += separator ? wordStart(String(character)) : String(character)
        previous = character
    }
    return result
}

/// The words of `snakecase`/`kebabcase`: split at non-alphanumerics, at a lower-to-upper step and
/// before the last capital of an acronym (`HTTPServer` → `HTTP`, `Server`).
private func caseWords(_ text: String) -> [String] {
    var words: [String] = []
    var current = ""
    let characters = Array(text)
    for (position, character) in characters.enumerated() {
        guard character.isLetter || character.isNumber else {
            if !current.isEmpty { words.append(current); current = "" }
            continue
        }
        if let last = current.last, character.isUppercase {
            let nextIsLower = position + 1 < characters.count && characters[position + 1].isLowercase
            if last.isLowercase || last.isNumber || (last.isUppercase && nextIsLower) {
                words.append(current)
                current = ""
            }
        }
        current.append(character)
    }
    if !current.isEmpty { words.append(current) }
    return words
}

/// xstrings `ToCamelCase`: words split at `_`, `-` and spaces, each with a capital first letter
/// and a run of capitals lowered after its first (`GOLANG_IS_GREAT` → `GolangIsGreat`);
/// leading underscores stay, and a doubled or trailing `_` leaves one.
private func camelCased(_ text: String) -> String {
    let leading = text.prefix { $0 == "_" }
    let parts = text.dropFirst(leading.count).split(omittingEmptySubsequences: false) { $0 == "_" || $0 == "-" || $0 == " " }
    var result = String(leading)
    for (position, part) in parts.enumerated() {
        if part.isEmpty {
            if position > 0, !parts[position - 1].isEmpty { result += "_" }
            continue
        }
        var previous: Character?
        for (offset, character) in part.enumerated() {
            if offset == 0 { result += character.uppercased() }
            else if character.isUppercase, previous?.isUppercase == true { result += character.lowercased() }
            else { result.append(character) }
            previous = character
        }
    }
    return result
}

/// goutils `WrapCustom`: lines broken at the last space within `width`; a longer word is cut
/// only when `breakLongWords`.
private func wrapped(_ text: String, width requested: Int, newline: String, breakLongWords: Bool) -> String {
    let width = Swift.max(requested, 1)
    let characters = Array(text)
    var result = ""
    var offset = 0
    while characters.count - offset > width {
        if characters[offset] == " " { offset += 1; continue }
        let end = Swift.min(width + offset + 1, characters.count)
        if let space = characters[offset..<end].lastIndex(of: " ") {
            result += String(characters[offset..<space]) + newline
            offset = space + 1
        } else if breakLongWords {
            result += String(characters[offset..<(offset + width)]) + newline
            offset += width
        } else if let space = characters[(offset + width)...].firstIndex(of: " ") {
            result += String(characters[offset..<space]) + newline
            offset = space + 1
        } else {
            result += String(characters[offset...])
            offset = characters.count
        }
    }
    return result + String(characters[Swift.min(offset, characters.count)...])
}

/// Go's `template.HTMLEscapeString`.
private func htmlEscaped(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "&#34;"
        case "'": result += "&#39;"
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\0": result += "\u{FFFD}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// Go's `template.JSEscapeString`.
private func javaScriptEscaped(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": result += "\\\\"
        case "'": result += "\\'"
        case "\"": result += "\\\""
        case "<", ">", "&", "=": result += String(format: "\\u%04X", scalar.value)
        default:
            if scalar.value < 0x20 { result += String(format: "\\u%04X", scalar.value) }
            else { result.unicodeScalars.append(scalar) }
        }
    }
    return result
}

/// Go's `url.QueryEscape`: unreserved bytes kept, space as `+`, the rest `%XX`.
func queryEscaped(_ text: String, spaceAsPlus: Bool = true, keep: Set<UInt8> = []) -> String {
    var result = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            result.unicodeScalars.append(Unicode.Scalar(byte))
        case UInt8(ascii: " ") where spaceAsPlus:
            result += "+"
        default:
            if keep.contains(byte) { result.unicodeScalars.append(Unicode.Scalar(byte)) }
            else { result += String(format: "%%%02X", byte) }
        }
    }
    return result
}
