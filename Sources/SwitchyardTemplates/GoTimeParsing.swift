import Foundation
import SwitchyardJSON

/// Why a value did not fit a layout, in Go's words (`parsing time "x" as "2006": cannot parse "x" as "2006"`).
struct GoTimeParseError: Error {
    var message: String
}

extension GoTime {
    /// Go's `time.ParseInLocation(layout, value, zone)`: the zone applies when the value names
    /// none; a zone abbreviation is read as `zone`'s when it matches it, as UTC for `UTC`, and
    /// otherwise keeps its name with a zero offset (Go's fabricated location).
    static func parse(_ layout: String, _ value: String, zone: TimeZone) throws(GoTimeParseError) -> GoTime {
        var parser = GoTimeParser(text: Array(value), layout: layout, value: value)
        return try parser.run(GoLayoutElement.parse(layout), zone: zone)
    }

    /// Reads the text form templates keep times in (`GoTime.stringLayout`, or RFC 3339), nil for other text.
    static func fromTemplateText(_ text: String) -> GoTime? {
        guard text.count >= 19, text.first?.isNumber == true else { return nil }
        if let time = try? parse(stringLayout, text, zone: .current) { return time }
        return try? parse("2006-01-02T15:04:05.999999999Z07:00", text, zone: .current)
    }
}

private struct GoTimeParser {
    var text: [Character]
    var position = 0
    let layout: String
    let value: String

    init(text: [Character], layout: String, value: String) {
        self.text = text
        self.layout = layout
        self.value = value
    }

    func failure(_ element: String) -> GoTimeParseError {
        let rest = String(text[Swift.min(position, text.count)...])
        return GoTimeParseError(message: "parsing time \(goQuoted(value)) as \(goQuoted(layout)): cannot parse \(goQuoted(rest)) as \(goQuoted(element))")
    }

    /// `count` digits exactly, or (`upTo`) one to `count` digits.
    mutating func number(_ count: Int, upTo: Bool = false, element: String) throws(GoTimeParseError) -> Int {
        var digits = 0, result = 0
        let start = position
        while digits < count, position < text.count, let digit = text[position].wholeNumberValue, text[position].isASCII {
            result = result * 10 + digit
            digits += 1
            position += 1
        }
        guard digits == count || (upTo && digits > 0) else {
            position = start  // Go reports the text from where the element began
            throw failure(element)
        }
        return result
    }

    mutating func word(from names: [String], length: Int?, element: String) throws(GoTimeParseError) -> Int {
        for (index, name) in names.enumerated() {
            let candidate = length.map { String(name.prefix($0)) } ?? name
            let end = position + candidate.count
            if end <= text.count, String(text[position..<end]).lowercased() == candidate.lowercased() {
                position = end
                return index
            }
        }
        throw failure(element)
    }

    mutating func run(_ elements: [GoLayoutElement], zone: TimeZone) throws(GoTimeParseError) -> GoTime {
        var (year, month, day, hour, minute, second, nanos) = (1, 1, 1, 0, 0, 0, 0)
        var yearDay = -1
        var pm: Bool?
        var offset: Int?
        var zoneName: String?
        for (index, element) in elements.enumerated() {
            switch element {
            case .literal(let literal):
                for character in literal {
                    if character == " " {
                        guard position >= text.count || text[position] == " " else { throw failure(literal) }
                        while position < text.count, text[position] == " " { position += 1 }
                        continue
                    }
                    guard position < text.count, text[position] == character else { throw failure(literal) }
                    position += 1
                }
            case .longYear: year = try number(4, element: "2006")
            case .year:
                let short = try number(2, element: "06")
                year = short >= 69 ? 1900 + short : 2000 + short
            case .longMonth: month = try word(from: goMonthNames, length: nil, element: "January") + 1
            case .month: month = try word(from: goMonthNames, length: 3, element: "Jan") + 1
            case .numMonth: month = try number(2, upTo: true, element: "1")
            case .zeroMonth: month = try number(2, element: "01")
            case .longWeekday: _ = try word(from: goWeekdayNames, length: nil, element: "Monday")
            case .weekday: _ = try word(from: goWeekdayNames, length: 3, element: "Mon")
            case .day: day = try number(2, upTo: true, element: "2")
            case .underDay:
                if position < text.count, text[position] == " " { position += 1 }
                day = try number(2, upTo: true, element: "_2")
            case .zeroDay: day = try number(2, element: "02")
            case .zeroYearDay: yearDay = try number(3, element: "002")
            case .underYearDay:
                while position < text.count, text[position] == " " { position += 1 }
                yearDay = try number(3, upTo: true, element: "__2")
            case .hour: hour = try number(2, upTo: true, element: "15")
            case .hour12: hour = try number(2, upTo: true, element: "3")
            case .zeroHour12: hour = try number(2, element: "03")
            case .minute: minute = try number(2, upTo: true, element: "4")
            case .zeroMinute: minute = try number(2, element: "04")
            case .second, .zeroSecond:
                second = try number(2, upTo: element == .second, element: element == .second ? "5" : "05")
                // Go reads a fraction after the seconds even when the layout has none.
                let fractionFollows: Bool = {
                    guard index + 1 < elements.count, case .fraction = elements[index + 1] else { return false }
                    return true
                }()
                if !fractionFollows, position + 1 < text.count, text[position] == "." || text[position] == ",",
                    text[position + 1].isNumber
                {
                    position += 1
                    nanos = fraction()
                }
            case .upperPM, .lowerPM:
                let marker = try word(from: ["AM", "PM"], length: nil, element: element == .upperPM ? "PM" : "pm")
                pm = marker == 1
            case .fraction(let digits, let trimmed, let separator):
                if trimmed {
                    guard position < text.count, text[position] == "." || text[position] == "," else { continue }
                    position += 1
                    nanos = fraction()
                } else {
                    guard position < text.count, text[position] == separator else { throw failure(String(separator)) }
                    position += 1
                    let start = position
                    nanos = fraction()
                    guard position - start == digits else { throw failure(".000") }
                }
            case .offset(let utcAsZ, let colons, let withSeconds, let hoursOnly):
                if utcAsZ, position < text.count, text[position] == "Z" {
                    position += 1
                    offset = 0
                    zoneName = "UTC"
                    continue
                }
                guard position < text.count, text[position] == "+" || text[position] == "-" else { throw failure("-07:00") }
                let negative = text[position] == "-"
                position += 1
                var total = try number(2, element: "-07") * 3600
                if !hoursOnly {
                    if colons { try expect(":") }
                    total += try number(2, element: "-0700") * 60
                    if withSeconds {
                        if colons { try expect(":") }
                        total += try number(2, element: "-070000")
                    }
                }
                offset = negative ? -total : total
            case .zoneName:
                let start = position
                // An abbreviation, or the numeric offset Go prints for a zone without one (`+0530`).
                while position < text.count, text[position].isUppercase || text[position].isNumber
                    || text[position] == "+" || text[position] == "-" { position += 1 }
                guard position - start >= 3 else { throw failure("MST") }
                zoneName = String(text[start..<position])
            }
        }
        guard position == text.count else {
            throw GoTimeParseError(message: "parsing time \(goQuoted(value)): extra text: \(goQuoted(String(text[position...])))")
        }
        if let pm {
            guard (1...12).contains(hour) else { throw GoTimeParseError(message: "parsing time \(goQuoted(value)): hour out of range") }
            if pm, hour < 12 { hour += 12 } else if !pm, hour == 12 { hour = 0 }
        }
        if yearDay >= 0 {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            guard yearDay >= 1, yearDay <= (leap ? 366 : 365) else {
                throw GoTimeParseError(message: "parsing time \(goQuoted(value)): day-of-year out of range")
            }
            (_, month, day) = civilDate(fromDays: daysFromCivil(year: year, month: 1, day: 1) + yearDay - 1)
        }
        guard (1...12).contains(month) else { throw GoTimeParseError(message: "parsing time \(goQuoted(value)): month out of range") }
        let monthLength = civilDate(fromDays: daysFromCivil(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1, day: 1) - 1).day
        guard (1...monthLength).contains(day) else { throw GoTimeParseError(message: "parsing time \(goQuoted(value)): day out of range") }
        guard hour < 24, minute < 60, second < 60 else {
            throw GoTimeParseError(message: "parsing time \(goQuoted(value)): \(hour >= 24 ? "hour" : minute >= 60 ? "minute" : "second") out of range")
        }
        let local = Int64(daysFromCivil(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        if let offset {
            let instant = local - Int64(offset)
            let date = Date(timeIntervalSince1970: TimeInterval(instant))
            let name = zone.secondsFromGMT(for: date) == offset ? GoTime.abbreviation(zone, at: date) : (zoneName ?? "")
            return GoTime(seconds: instant, nanoseconds: Int64(nanos), offset: offset, zoneName: offset == 0 && zoneName == "UTC" ? "UTC" : name)
        }
        if let zoneName {
            if zoneName == "UTC" || zoneName == "GMT" { return GoTime(seconds: local, nanoseconds: Int64(nanos), offset: 0, zoneName: "UTC") }
            let guess = local - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local))))
            let date = Date(timeIntervalSince1970: TimeInterval(guess))
            if GoTime.abbreviation(zone, at: date) == zoneName {
                return GoTime(seconds: guess, nanoseconds: Int64(nanos), offset: zone.secondsFromGMT(for: date), zoneName: zoneName)
            }
            return GoTime(seconds: local, nanoseconds: Int64(nanos), offset: 0, zoneName: zoneName)
        }
        // No zone in the value: the wall clock is in `zone`, at the offset it has then.
        let first = local - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local))))
        let settled = local - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(first))))
        return GoTime(seconds: settled, nanoseconds: Int64(nanos), zone: zone)
    }

    mutating func expect(_ character: Character) throws(GoTimeParseError) {
        guard position < text.count, text[position] == character else { throw failure(String(character)) }
        position += 1
    }

    /// Digits of a fraction of a second, as nanoseconds (past nine digits ignored).
    mutating func fraction() -> Int {
        var nanos = 0, digits = 0
        while position < text.count, let digit = text[position].wholeNumberValue, text[position].isASCII {
            if digits < 9 { nanos = nanos * 10 + digit; digits += 1 }
            position += 1
        }
        while digits < 9 { nanos *= 10; digits += 1 }
        return nanos
    }
}
