import Foundation

/// Go's reference-time layouts (`time.Format`/`time.Parse`): `2006-01-02 15:04:05` and the rest
/// of Go's elements (`Jan`, `January`, `Mon`, `Monday`, `1`, `01`, `2`, `_2`, `02`, `002`,
/// `__2`, `15`, `3`, `03`, `4`, `04`, `5`, `05`, `06`, `2006`, `PM`, `pm`, `MST`, `-0700`,
/// `-07:00`, `-07`, `-070000`, `-07:00:00`, the `Z` forms, and fractions `.000`/`.999`/`,000`).
enum GoLayoutElement: Equatable {
    case literal(String)
    case longMonth, month, numMonth, zeroMonth
    case longWeekday, weekday
    case day, underDay, zeroDay, underYearDay, zeroYearDay
    case hour, hour12, zeroHour12, minute, zeroMinute, second, zeroSecond
    case longYear, year, upperPM, lowerPM, zoneName
    /// `Z` forms print `Z` for UTC; `colons` and `seconds` pick `-07:00`/`-070000`; `hoursOnly` is `-07`.
    case offset(utcAsZ: Bool, colons: Bool, withSeconds: Bool, hoursOnly: Bool)
    /// `.000` (fixed digits) or `.999` (trailing zeros dropped); `separator` is `.` or `,`.
    case fraction(digits: Int, trimmed: Bool, separator: Character)

    /// Splits a layout into elements, as Go's `nextStdChunk` does.
    static func parse(_ layout: String) -> [GoLayoutElement] {
        let chars = Array(layout)
        var elements: [GoLayoutElement] = []
        var literal = ""
        var index = 0
        func has(_ text: String, at position: Int) -> Bool {
            let needle = Array(text)
            return position + needle.count <= chars.count && Array(chars[position..<(position + needle.count)]) == needle
        }
        while index < chars.count {
            var matched: (GoLayoutElement, Int)?
            let character = chars[index]
            switch character {
            case "J":
                if has("January", at: index) { matched = (.longMonth, 7) } else if has("Jan", at: index) { matched = (.month, 3) }
            case "M":
                if has("Monday", at: index) { matched = (.longWeekday, 6) } else if has("Mon", at: index) { matched = (.weekday, 3) }
                else if has("MST", at: index) { matched = (.zoneName, 3) }
            case "0":
                if has("002", at: index) { matched = (.zeroYearDay, 3) }
                else if index + 1 < chars.count, let next = chars[index + 1].wholeNumberValue, (1...6).contains(next) {
                    matched = ([.zeroMonth, .zeroDay, .zeroHour12, .zeroMinute, .zeroSecond, .year][next - 1], 2)
                }
            case "1":
                matched = has("15", at: index) ? (.hour, 2) : (.numMonth, 1)
            case "2":
                matched = has("2006", at: index) ? (.longYear, 4) : (.day, 1)
            case "_":
                if has("_2006", at: index) { literal.append("_"); matched = (.longYear, 5) }
                else if has("__2", at: index) { matched = (.underYearDay, 3) }
                else if has("_2", at: index) { matched = (.underDay, 2) }
            case "3": matched = (.hour12, 1)
            case "4": matched = (.minute, 1)
            case "5": matched = (.second, 1)
            case "P": if has("PM", at: index) { matched = (.upperPM, 2) }
            case "p": if has("pm", at: index) { matched = (.lowerPM, 2) }
            case "-", "Z":
                let z = character == "Z"
                let sign = String(character)
                if has(sign + "070000", at: index) { matched = (.offset(utcAsZ: z, colons: false, withSeconds: true, hoursOnly: false), 7) }
                else if has(sign + "07:00:00", at: index) { matched = (.offset(utcAsZ: z, colons: true, withSeconds: true, hoursOnly: false), 9) }
                else if has(sign + "0700", at: index) { matched = (.offset(utcAsZ: z, colons: false, withSeconds: false, hoursOnly: false), 5) }
                else if has(sign + "07:00", at: index) { matched = (.offset(utcAsZ: z, colons: true, withSeconds: false, hoursOnly: false), 6) }
                else if has(sign + "07", at: index) { matched = (.offset(utcAsZ: z, colons: false, withSeconds: false, hoursOnly: true), 3) }
            case ".", ",":
                if index + 1 < chars.count, chars[index + 1] == "0" || chars[index + 1] == "9" {
                    let digit = chars[index + 1]
                    var end = index + 1
                    while end < chars.count, chars[end] == digit { end += 1 }
                    if end >= chars.count || chars[end].wholeNumberValue == nil {
                        matched = (.fraction(digits: end - index - 1, trimmed: digit == "9", separator: character), end - index)
                    }
                }
            default: break
            }
            if let (element, length) = matched {
                if case .longYear = element, length == 5 {
                    // "_2006" is a literal underscore before the year.
                    elements.append(.literal(literal)); literal = ""
                    elements.append(.longYear)
                } else {
                    if !literal.isEmpty { elements.append(.literal(literal)); literal = "" }
                    elements.append(element)
                }
                index += length
            } else {
                literal.append(character)
                index += 1
            }
        }
        if !literal.isEmpty { elements.append(.literal(literal)) }
        return elements.filter { $0 != .literal("") }
    }
}

extension GoTime {
    /// Go's `Time.Format(layout)`.
    func formatted(_ layout: String) -> String {
        let f = fields
        var out = ""
        func padded(_ value: Int, _ width: Int, _ pad: Character = "0") -> String {
            let digits = String(abs(value))
            return (value < 0 ? "-" : "") + String(repeating: pad, count: Swift.max(0, width - digits.count)) + digits
        }
        for element in GoLayoutElement.parse(layout) {
            switch element {
            case .literal(let text): out += text
            case .longMonth: out += goMonthNames[f.month - 1]
            case .month: out += goMonthNames[f.month - 1].prefix(3)
            case .numMonth: out += String(f.month)
            case .zeroMonth: out += padded(f.month, 2)
            case .longWeekday: out += goWeekdayNames[f.weekday]
            case .weekday: out += goWeekdayNames[f.weekday].prefix(3)
            case .day: out += String(f.day)
            case .underDay: out += padded(f.day, 2, " ")
            case .zeroDay: out += padded(f.day, 2)
            case .underYearDay: out += padded(f.yearDay, 3, " ")
            case .zeroYearDay: out += padded(f.yearDay, 3)
            case .hour: out += padded(f.hour, 2)
            case .hour12: out += String(f.hour % 12 == 0 ? 12 : f.hour % 12)
            case .zeroHour12: out += padded(f.hour % 12 == 0 ? 12 : f.hour % 12, 2)
            case .minute: out += String(f.minute)
            case .zeroMinute: out += padded(f.minute, 2)
            case .second: out += String(f.second)
            case .zeroSecond: out += padded(f.second, 2)
            case .longYear: out += padded(f.year, 4)
            case .year: out += padded(f.year % 100, 2)
            case .upperPM: out += f.hour >= 12 ? "PM" : "AM"
            case .lowerPM: out += f.hour >= 12 ? "pm" : "am"
            case .zoneName:
                if !zoneName.isEmpty { out += zoneName; break }
                // Go prints the offset, -0700 style (with seconds when there are any), for a zone without a name.
                out += offsetText(colons: false, withSeconds: offset % 60 != 0, hoursOnly: false)
            case .offset(let utcAsZ, let colons, let withSeconds, let hoursOnly):
                if utcAsZ, offset == 0 { out += "Z"; break }
                out += offsetText(colons: colons, withSeconds: withSeconds, hoursOnly: hoursOnly)
            case .fraction(let digits, let trimmed, let separator):
                var text = padded(Int(nanoseconds), 9).prefix(digits)
                if trimmed {
                    while text.last == "0" { text = text.dropLast() }
                    if text.isEmpty { break }
                }
                out += String(separator) + text
            }
        }
        return out
    }

    private func offsetText(colons: Bool, withSeconds: Bool, hoursOnly: Bool) -> String {
        let magnitude = abs(offset)
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        var text = (offset < 0 ? "-" : "+") + two(magnitude / 3600)
        if hoursOnly { return text }
        text += (colons ? ":" : "") + two(magnitude / 60 % 60)
        if withSeconds { text += (colons ? ":" : "") + two(magnitude % 60) }
        return text
    }
}
