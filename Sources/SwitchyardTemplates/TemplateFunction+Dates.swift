import Foundation
import SwitchyardJSON

/// sprig's date functions. A time is text in Go's `time.Time.String()` layout (see ``GoTime``):
/// `now`, `toDate` and `dateModify` return it, and `{{ now }}` prints it as Go does. `date`
/// and its kin format a time, a Unix time in seconds (an integer), or (sprig's rule for
/// anything else) the current time. Zones are IANA names; an unknown one is UTC, as in sprig.
extension TemplateFunction {
    func callDate(_ args: [JSONValue]) throws(TemplateFailure) -> JSONValue? {
        switch self {
        case .now:
            try requireArguments(args, 0)
            return timeValue(GoTime.now())
        case .date:
            try requireArguments(args, 2)
            return .string(formattingTime(args[1]).converted(to: .current).formatted(textArgument(args[0])))
        case .dateInZone, .date_in_zone:
            try requireArguments(args, 3)
            return .string(formattingTime(args[1]).converted(to: zone(args[2])).formatted(textArgument(args[0])))
        case .htmlDate:
            try requireArguments(args, 1)
            return .string(formattingTime(args[0]).converted(to: .current).formatted("2006-01-02"))
        case .htmlDateInZone:
            try requireArguments(args, 2)
            return .string(formattingTime(args[0]).converted(to: zone(args[1])).formatted("2006-01-02"))
        case .toDate, .mustToDate:
            try requireArguments(args, 2)
            do {
                return timeValue(try GoTime.parse(textArgument(args[0]), textArgument(args[1]), zone: .current))
            } catch {
                // sprig's toDate gives Go's zero time for text that does not fit; mustToDate fails.
                if self == .toDate { return timeValue(.zero) }
                throw TemplateFailure(reason: error.message)
            }
        case .dateModify, .date_modify, .mustDateModify, .must_date_modify:
            try requireArguments(args, 2)
            let time = try typedTime(args[1])
            guard let change = GoDuration.parse(textArgument(args[0])) else {
                if self == .dateModify || self == .date_modify { return timeValue(time) }
                throw TemplateFailure(reason: "time: invalid duration \(goQuoted(textArgument(args[0])))")
            }
            return timeValue(time.adding(nanoseconds: change))
        case .ago:
            try requireArguments(args, 1)
            let elapsed = GoTime.now().nanoseconds(since: formattingTime(args[0]))
            let half: Int64 = elapsed >= 0 ? 500_000_000 : -500_000_000
            let rounded = elapsed.addingReportingOverflow(half).overflow ? elapsed
                : (elapsed + half) / 1_000_000_000 * 1_000_000_000
            return .string(GoDuration.text(rounded))
        case .duration:
            try requireArguments(args, 1)
            let seconds: Int64
            switch args[0] {
            case .int(let number): seconds = number
            case .string(let text): seconds = Int64(text) ?? 0
            default: seconds = 0
            }
            return .string(GoDuration.text(seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue))
        case .durationRound:
            try requireArguments(args, 1)
            let nanoseconds: Int64
            switch args[0] {
            case .string(let text):
                if let time = GoTime.fromTemplateText(text) { nanoseconds = GoTime.now().nanoseconds(since: time) }
                else { nanoseconds = GoDuration.parse(text) ?? 0 }
            case .int(let number): nanoseconds = number
            default: nanoseconds = 0
            }
            return .string(roughDuration(nanoseconds))
        case .unixEpoch:
            try requireArguments(args, 1)
            return .string(String(try typedTime(args[0]).seconds))
        default:
            return nil
        }
    }
}

private func timeValue(_ time: GoTime) -> JSONValue { .string(time.formatted(GoTime.stringLayout)) }

/// sprig's `formatDate` input: a time, Unix seconds, or else now.
private func formattingTime(_ value: JSONValue) -> GoTime {
    switch value {
    case .string(let text): return GoTime.fromTemplateText(text) ?? GoTime.now()
    case .int(let seconds): return GoTime(seconds: seconds, zone: .current)
    default: return GoTime.now()
    }
}

/// A time where Go's function takes `time.Time`: anything else fails, naming what was given.
private func typedTime(_ value: JSONValue) throws(TemplateFailure) -> GoTime {
    if case .string(let text) = value, let time = GoTime.fromTemplateText(text) { return time }
    throw TemplateFailure(reason: "expected a time (from now, toDate or dateModify), got \(value.typeName) \(value.jsonString)")
}

/// `time.LoadLocation`: "Local" is the process's zone, "" and unknown names are UTC.
private func zone(_ value: JSONValue) -> TimeZone {
    let name = textArgument(value)
    if name == "Local" { return .current }
    return TimeZone(identifier: name.isEmpty ? "UTC" : name) ?? TimeZone(identifier: "UTC")!
}

/// sprig's `durationRound`: the largest whole unit, y (365 days), m (30 days, as sprig writes months), d, h, m, s.
private func roughDuration(_ nanoseconds: Int64) -> String {
    let magnitude = nanoseconds.magnitude
    let second: UInt64 = 1_000_000_000, minute = 60 * second, hour = 60 * minute, day = 24 * hour
    let units: [(UInt64, String)] = [(365 * day, "y"), (30 * day, "m"), (day, "d"), (hour, "h"), (minute, "m"), (second, "s")]
    for (size, name) in units where magnitude > size {
        return (nanoseconds < 0 ? "-" : "") + "\(magnitude / size)\(name)"
    }
    return "0s"
}
