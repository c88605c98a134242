import Foundation
import SwitchyardJSON

/// sprig's regex functions over Foundation's `NSRegularExpression` (ICU). Go's RE2 syntax and
/// ICU's agree on what templates use (classes, groups, anchors, repetition); `(?P<name>…)` is
/// rewritten to ICU's `(?<name>…)`, and replacements expand `$1`, `${1}`, `${name}` and `$$` as
/// Go's `Regexp.Expand` does. A bad pattern is an error in the plain and `must` forms alike
/// (sprig's plain forms panic, which Go's template turns into an error too).
extension TemplateFunction {
    func callRegex(_ args: [JSONValue]) throws(TemplateFailure) -> JSONValue? {
        switch self {
        case .regexQuoteMeta:
            try requireArguments(args, 1)
            let special = Set("\\.+*?()|[]{}^$".unicodeScalars)
            var quoted = ""
            for scalar in textArgument(args[0]).unicodeScalars {
                if special.contains(scalar) { quoted += "\\" }
                quoted.unicodeScalars.append(scalar)
            }
            return .string(quoted)
        case .regexMatch, .mustRegexMatch:
            try requireArguments(args, 2)
            let text = textArgument(args[1])
            return .bool(try compiledPattern(args[0]).firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil)
        case .regexFind, .mustRegexFind:
            try requireArguments(args, 2)
            let text = textArgument(args[1])
            guard let match = try compiledPattern(args[0]).firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else {
                return ""
            }
            return .string(substring(text, match.range))
        case .regexFindAll, .mustRegexFindAll:
            try requireArguments(args, 3)
            let text = textArgument(args[1])
            let limit = sprigInteger(args[2])
            var matches = try compiledPattern(args[0]).matches(in: text, range: NSRange(text.startIndex..., in: text))
            if limit >= 0 { matches = Array(matches.prefix(Int(clamping: limit))) }
            return .array(matches.map { .string(substring(text, $0.range)) })
        case .regexReplaceAll, .mustRegexReplaceAll, .regexReplaceAllLiteral, .mustRegexReplaceAllLiteral:
            try requireArguments(args, 3)
            let pattern = try compiledPattern(args[0])
            let text = textArgument(args[1]), replacement = textArgument(args[2])
            let literal = self == .regexReplaceAllLiteral || self == .mustRegexReplaceAllLiteral
            var result = ""
            var last = text.startIndex
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let range = Range(match.range, in: text) else { continue }
                result += text[last..<range.lowerBound]
                result += literal ? replacement : expanded(replacement, match: match, in: text, pattern: pattern)
                last = range.upperBound
                try TemplateLimits.checkSize(result.utf8.count, what: "the replaced text")
            }
            return .string(result + text[last...])
        case .regexSplit, .mustRegexSplit:
            try requireArguments(args, 3)
            return .array(try splitting(textArgument(args[1]), pattern: args[0], limit: sprigInteger(args[2])).map { .string($0) })
        default:
            return nil
        }
    }
}

private func compiledPattern(_ pattern: JSONValue) throws(TemplateFailure) -> NSRegularExpression {
    let source = textArgument(pattern).replacingOccurrences(of: "(?P<", with: "(?<")
    do {
        return try NSRegularExpression(pattern: source)
    } catch {
        throw TemplateFailure(reason: "invalid regular expression \(goQuoted(textArgument(pattern)))")
    }
}

private func substring(_ text: String, _ range: NSRange) -> String {
    guard range.location != NSNotFound, let bounds = Range(range, in: text) else { return "" }
    return String(text[bounds])
}

/// Go's `Regexp.Expand`: `$name` takes the longest run of letters, digits and `_`; `${name}`
/// is braced; an unknown group expands to nothing; `$$` is a dollar.
private func expanded(_ template: String, match: NSTextCheckingResult, in text: String, pattern: NSRegularExpression) -> String {
    var result = ""
    var scalars = template.unicodeScalars[...]
    while let scalar = scalars.popFirst() {
        guard scalar == "$", let next = scalars.first else {
            result.unicodeScalars.append(scalar)
            continue
        }
        if next == "$" {
            result += "$"
            scalars.removeFirst()
            continue
        }
        var name = ""
        if next == "{" {
            guard let close = scalars.firstIndex(of: "}") else { result += "$"; continue }
            name = String(String.UnicodeScalarView(scalars[scalars.index(after: scalars.startIndex)..<close]))
            scalars = scalars[scalars.index(after: close)...]
        } else {
            let run = scalars.prefix { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
            guard !run.isEmpty else { result += "$"; continue }
            name = String(String.UnicodeScalarView(run))
            scalars = scalars.dropFirst(run.count)
        }
        if let number = Int(name) ?? captureGroupNames(pattern.pattern)[name], number <= pattern.numberOfCaptureGroups {
            result += substring(text, match.range(at: number))
        }
    }
    return result
}

/// Go's `Regexp.Split`: at most `limit` pieces (all when negative, none when 0).
private func splitting(_ text: String, pattern: JSONValue, limit: Int64) throws(TemplateFailure) -> [String] {
    if limit == 0 { return [] }
    let expression = try compiledPattern(pattern)
    if !textArgument(pattern).isEmpty, text.isEmpty { return [""] }
    var pieces: [String] = []
    var begin = text.startIndex, end = text.startIndex
    for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
        if limit > 0, pieces.count == limit - 1 { break }
        guard let range = Range(match.range, in: text) else { continue }
        end = range.lowerBound
        if range.upperBound != text.startIndex { pieces.append(String(text[begin..<end])) }
        begin = range.upperBound
    }
    if end != text.endIndex { pieces.append(String(text[begin...])) }
    return pieces
}

/// The numbers of the named groups (`(?<name>…)`), counting capture groups as ICU does: every
/// `(` that is not escaped, not in a class, and not a `(?…)` form other than a named group.
private func captureGroupNames(_ pattern: String) -> [String: Int] {
    var names: [String: Int] = [:]
    var number = 0
    var inClass = false
    var characters = Array(pattern)[...]
    while let character = characters.popFirst() {
        switch character {
        case "\\": _ = characters.popFirst()
        case "[": inClass = true
        case "]": inClass = false
        case "(" where !inClass:
            guard characters.first == "?" else { number += 1; continue }
            let rest = characters.dropFirst()
            guard rest.first == "<", let next = rest.dropFirst().first, next != "=", next != "!",
                let close = rest.firstIndex(of: ">") else { continue }
            number += 1
            names[String(rest[rest.index(after: rest.startIndex)..<close])] = number
        default: break
        }
    }
    return names
}
