import Foundation
import SwitchyardJSON

/// Go `fmt.Sprintf` for template `printf`, hand-written over JSON values: verbs %s %v %d %f %e
/// %g %q %t %x %X %c %%, flags `-+0 #`, width and precision (`%-8s`, `%05.2f`, `%*d` is not
/// supported). Where Go would print `%!d(string=x)` into the output, this throws instead, so a
/// bad format fails the task rather than leaking into a prompt.
func goFormat(_ format: String, _ args: [JSONValue]) throws(TemplateFailure) -> String {
    var output = ""
    var remaining = args[...]
    var scalars = format.unicodeScalars[...]
    while let scalar = scalars.popFirst() {
        guard scalar == "%" else {
            output.unicodeScalars.append(scalar)
            continue
        }
        var spec = FormatSpec()
        while let flag = scalars.first, "-+0 #".unicodeScalars.contains(flag) {
            spec.flags.insert(Character(flag))
            scalars.removeFirst()
        }
        spec.width = try readDigits(&scalars, what: "width")
        if scalars.first == "." {
            scalars.removeFirst()
            spec.precision = try readDigits(&scalars, what: "precision") ?? 0
        }
        guard let verb = scalars.popFirst() else {
            throw TemplateFailure(reason: "format ends with an incomplete verb")
        }
        if verb == "%" {
            output += "%"
            continue
        }
        guard let argument = remaining.popFirst() else {
            throw TemplateFailure(reason: "missing argument for %\(verb)")
        }
        output += try spec.format(argument, verb: Character(verb))
        try TemplateLimits.checkSize(output.utf8.count, what: "the printf result")
    }
    if !remaining.isEmpty {
        throw TemplateFailure(reason: "\(remaining.count) extra argument(s) for format \(goQuoted(format))")
    }
    return output
}

/// A width or precision; past `TemplateLimits.maxFormatWidth` it fails (before the number could
/// overflow, or the padding exhaust memory).
private func readDigits(_ scalars: inout Substring.UnicodeScalarView, what: String) throws(TemplateFailure) -> Int? {
    var value: Int?
    while let digit = scalars.first, let number = Int(String(digit)), digit.isASCII {
        value = (value ?? 0) * 10 + number
        scalars.removeFirst()
        if let value, value > TemplateLimits.maxFormatWidth {
            throw TemplateFailure(reason: "printf \(what) over the limit of \(TemplateLimits.maxFormatWidth)")
        }
    }
    return value
}

private struct FormatSpec {
    var flags: Set<Character> = []
    var width: Int?
    var precision: Int?

    func format(_ value: JSONValue, verb: Character) throws(TemplateFailure) -> String {
        switch verb {
        case "v", "s":
            var text = value.templateText
            if let precision, verb == "s" { text = String(text.unicodeScalars.prefix(precision)) }
            return pad(text)
        case "q":
            return pad(goQuoted(value.templateText))
        case "t":
            guard case .bool(let flag) = value else { throw mismatch(value, verb) }
            return pad(flag ? "true" : "false")
        case "d":
            guard let integer = value.intValue else { throw mismatch(value, verb) }
            return pad(signed(String(integer.magnitude), negative: integer < 0), numeric: true)
        case "x", "X":
            let digits: String
            if let integer = value.intValue {
                digits = signed(String(integer.magnitude, radix: 16, uppercase: verb == "X"), negative: integer < 0)
            } else if case .string(let text) = value {
                digits = text.utf8.map { String(format: verb == "X" ? "%02X" : "%02x", $0) }.joined()
            } else {
                throw mismatch(value, verb)
            }
            return pad(digits, numeric: true)
        case "c":
            guard let code = value.intValue, let scalar = Unicode.Scalar(UInt32(clamping: code)) else {
                throw mismatch(value, verb)
            }
            return pad(String(Character(scalar)))
        case "f", "F", "e", "E", "g", "G":
            guard let number = value.doubleValue else { throw mismatch(value, verb) }
            var cFormat = "%"
            for flag in "-+0 #" where flags.contains(flag) { cFormat.append(flag) }
            if let width { cFormat += String(width) }
            if let precision { cFormat += ".\(precision)" }
            cFormat.append(verb == "F" ? "f" : verb)
            return String(format: cFormat, number)
        default:
            throw TemplateFailure(reason: "unsupported verb %\(verb)")
        }
    }

    private func signed(_ digits: String, negative: Bool) -> String {
        if negative { return "-" + digits }
        if flags.contains("+") { return "+" + digits }
        if flags.contains(" ") { return " " + digits }
        return digits
    }

    private func pad(_ text: String, numeric: Bool = false) -> String {
        guard let width else { return text }
        let missing = width - text.unicodeScalars.count
        guard missing > 0 else { return text }
        if flags.contains("-") { return text + String(repeating: " ", count: missing) }
        if numeric, flags.contains("0") {
            let signs: Set<Character> = ["-", "+", " "]
            if let sign = text.first, signs.contains(sign) {
                return String(sign) + String(repeating: "0", count: missing) + text.dropFirst()
            }
            return String(repeating: "0", count: missing) + text
        }
        return String(repeating: " ", count: missing) + text
    }

    private func mismatch(_ value: JSONValue, _ verb: Character) -> TemplateFailure {
        TemplateFailure(reason: "%\(verb) cannot format \(value.typeName) \(value.jsonString)")
    }
}
