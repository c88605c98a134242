import Foundation

/// A workflow schedule's `cron:` as compozy accepts it (`engine/workflow/validation.go`,
/// `engine/workflow/schedule/operations.go`): six fields with seconds
/// (`second minute hour day-of-month month day-of-week`, robfig/cron's parser with
/// `Second|Minute|Hour|Dom|Month|Dow`), an optional seventh year field (1970–3000),
/// the descriptors `@yearly @annually @monthly @weekly @daily @midnight @hourly`, and
/// `@every DURATION` (a Go duration). Five-field expressions are refused, as compozy refuses them.
///
/// Hand-written: no Swift cron library is on the package mirror, and robfig's grammar is small.
/// Fields take `*`, `?` (day fields), numbers, names (`JAN`–`DEC`, `SUN`–`SAT`, any case),
/// ranges `a-b`, steps `*/n`, `a/n` (a to the field's maximum), `a-b/n`, and lists of those.
public struct CronSchedule: Sendable, Hashable {
    /// When the schedule's slots fall.
    public enum Timing: Sendable, Hashable {
        /// Wall-clock fields matched in the schedule's time zone.
        case fields(CronFields)
        /// `@every`: multiples of the interval since the Unix epoch, as Temporal places them, so that
        /// every process computes the same slots.
        case interval(seconds: Int64)
    }

    /// The expression as written.
    public let expression: String
    /// Its slots.
    public let timing: Timing

    /// Parses `expression`.
    /// - Throws: `CronSyntaxError` naming what does not parse.
    public init(parsing expression: String) throws(CronSyntaxError) {
        self.expression = expression
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        if let duration = trimmed.cutPrefix("@every ") {
            timing = .interval(seconds: try Self.everySeconds(duration.trimmingCharacters(in: .whitespaces)))
            return
        }
        let normalized = Self.descriptors[trimmed] ?? trimmed
        if normalized.hasPrefix("@") { throw CronSyntaxError("unrecognized descriptor: \(trimmed)") }
        let fields = normalized.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 6 || fields.count == 7 else {
            throw CronSyntaxError("expected 6 or 7 fields (second minute hour day month weekday [year]), got \(fields.count) fields")
        }
        timing = .fields(try CronFields(fields))
    }

    /// `@hourly`.
    static let hourly = try! CronSchedule(parsing: "@hourly")

    /// compozy's `normalizeCronMacros`.
    static let descriptors: [String: String] = [
        "@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *",
        "@weekly": "0 0 0 * * 0", "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *", "@hourly": "0 0 * * * *",
    ]

    /// `@every` takes whole seconds: slots are recorded to the second.
    private static func everySeconds(_ text: String) throws(CronSyntaxError) -> Int64 {
        guard let duration = GoDuration.parse(text) else {
            throw CronSyntaxError("invalid @every duration '\(text)'")
        }
        let seconds = duration.components.seconds
        guard seconds >= 1, duration.components.attoseconds == 0 else {
            throw CronSyntaxError("@every needs a whole number of seconds, at least 1s, got '\(text)'")
        }
        return seconds
    }
}

/// Why a cron expression does not parse, in robfig/cron's words where it has them.
public struct CronSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var reason: String
    /// Creates an error.
    public init(_ reason: String) { self.reason = reason }
    /// The reason.
    public var description: String { reason }
}

/// The six (or seven) fields as bit sets of the values they admit.
public struct CronFields: Sendable, Hashable {
    var seconds: UInt64, minutes: UInt64, hours: UInt64, days: UInt64, months: UInt64, weekdays: UInt64
    /// Admitted years; nil for any year.
    var years: [ClosedRange<Int>]?
    var yearStep = 1
    /// robfig's `starBit`: a `*`/`?` day field makes the two day fields AND instead of OR.
    var daysStarred: Bool, weekdaysStarred: Bool

    init(_ fields: [String]) throws(CronSyntaxError) {
        (seconds, _) = try Self.field(fields[0], .seconds)
        (minutes, _) = try Self.field(fields[1], .minutes)
        (hours, _) = try Self.field(fields[2], .hours)
        (days, daysStarred) = try Self.field(fields[3], .days)
        (months, _) = try Self.field(fields[4], .months)
        (weekdays, weekdaysStarred) = try Self.field(fields[5], .weekdays)
        if fields.count == 7, fields[6] != "*" {
            let (ranges, step) = try Self.yearField(fields[6])
            years = ranges
            yearStep = step
        }
    }

    func admits(year: Int) -> Bool {
        guard let years else { return true }
        return years.contains { $0.contains(year) && (year - $0.lowerBound) % yearStep == 0 }
    }

    /// The range of values a field may hold, and its names.
    struct Bounds: Sendable {
        let min: Int, max: Int, names: [String: Int]
        static let seconds = Bounds(min: 0, max: 59, names: [:])
        static let minutes = Bounds(min: 0, max: 59, names: [:])
        static let hours = Bounds(min: 0, max: 23, names: [:])
        static let days = Bounds(min: 1, max: 31, names: [:])
        static let months = Bounds(min: 1, max: 12, names: [
            "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
            "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
        ])
        static let weekdays = Bounds(min: 0, max: 6, names: [
            "sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
        ])
    }

    /// robfig's `getField`/`getRange`: a list of ranges, each with an optional step.
    static func field(_ text: String, _ bounds: Bounds) throws(CronSyntaxError) -> (UInt64, Bool) {
        var bits: UInt64 = 0, starred = false
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let (range, star) = try self.range(part, bounds)
            bits |= range
            starred = starred || star
        }
        return (bits, starred)
    }

    private static func range(_ text: String, _ bounds: Bounds) throws(CronSyntaxError) -> (UInt64, Bool) {
        let rangeAndStep = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let lowAndHigh = rangeAndStep[0].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        var start: Int, end: Int, step = 1, starred = false
        if lowAndHigh[0] == "*" || lowAndHigh[0] == "?" {
            (start, end, starred) = (bounds.min, bounds.max, true)
        } else {
            start = try number(lowAndHigh[0], bounds.names)
            switch lowAndHigh.count {
            case 1: end = start
            case 2: end = try number(lowAndHigh[1], bounds.names)
            default: throw CronSyntaxError("too many hyphens: \(text)")
            }
        }
        switch rangeAndStep.count {
        case 1: break
        case 2:
            step = try number(rangeAndStep[1], [:])
            // "N/step" means "N-max/step".
            if lowAndHigh.count == 1 { end = bounds.max }
            if step > 1 { starred = false }
        default: throw CronSyntaxError("too many slashes: \(text)")
        }
        if start < bounds.min { throw CronSyntaxError("beginning of range (\(start)) below minimum (\(bounds.min)): \(text)") }
        if end > bounds.max { throw CronSyntaxError("end of range (\(end)) above maximum (\(bounds.max)): \(text)") }
        if start > end { throw CronSyntaxError("beginning of range (\(start)) beyond end of range (\(end)): \(text)") }
        if step == 0 { throw CronSyntaxError("step of range should be a positive number: \(text)") }
        var bits: UInt64 = 0
        for value in stride(from: start, through: end, by: step) { bits |= 1 << UInt64(value) }
        return (bits, starred)
    }

    private static func number(_ text: String, _ names: [String: Int]) throws(CronSyntaxError) -> Int {
        if let named = names[text.lowercased()] { return named }
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x2B }),
              let value = Int(text) else {
            throw CronSyntaxError("failed to parse int from \(text)")
        }
        if value < 0 { throw CronSyntaxError("negative number (\(value)) not allowed: \(text)") }
        return value
    }

    /// compozy's `isValidYearField`: `*`, `YYYY`, `YYYY-YYYY`, `YYYY,YYYY,…`, and `BASE/STEP`.
    private static func yearField(_ text: String) throws(CronSyntaxError) -> ([ClosedRange<Int>], Int) {
        func year(_ part: Substring) throws(CronSyntaxError) -> Int {
            guard part.utf8.count == 4, let value = Int(part), (1970...3000).contains(value) else {
                throw CronSyntaxError("invalid year field: \(text)")
            }
            return value
        }
        var base = Substring(text), step = 1
        if let slash = text.firstIndex(of: "/") {
            guard let parsed = Int(text[text.index(after: slash)...]), parsed > 0 else {
                throw CronSyntaxError("invalid year field: \(text)")
            }
            (base, step) = (text[..<slash], parsed)
        }
        if base == "*" { return ([1970...3000], step) }
        if base.contains("-") {
            let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 2 else { throw CronSyntaxError("invalid year field: \(text)") }
            let (low, high) = (try year(bounds[0]), try year(bounds[1]))
            guard low <= high else { throw CronSyntaxError("invalid year field: \(text)") }
            return ([low...high], step)
        }
        var ranges: [ClosedRange<Int>] = []
        for part in base.split(separator: ",", omittingEmptySubsequences: false) {
            let value = try year(part)
            ranges.append(value...(step == 1 ? value : 3000))
        }
        return (ranges, step)
    }
}

extension String {
    /// The rest after `prefix`, or nil when it does not start with it.
    func cutPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
