import Foundation

/// An instant with the zone it is shown in: the template form of Go's `time.Time`.
///
/// Templates hold times as text in Go's `time.Time.String()` layout
/// (`2006-01-02 15:04:05.999999999 -0700 MST`), which is what `{{ now }}` prints in Go (less the
/// monotonic-clock suffix). `date`, `dateModify`, `unixEpoch`, `ago` read that text back.
/// Calendar arithmetic is done here (proleptic Gregorian, as Go's), not with Foundation's
/// Calendar, which switches to the Julian calendar before 1582.
struct GoTime: Equatable {
    /// Seconds since 1970-01-01 00:00:00 UTC.
    var seconds: Int64
    /// Nanoseconds within the second, 0..<1_000_000_000.
    var nanoseconds: Int64
    /// Seconds east of UTC.
    var offset: Int
    /// The zone's abbreviation (`UTC`, `CET`, `EST`); empty when only the offset is known.
    var zoneName: String

    /// Go's `layout` for `time.Time.String()`.
    static let stringLayout = "2006-01-02 15:04:05.999999999 -0700 MST"

    /// The current time in the process's zone (Go's `time.Now()`).
    static func now() -> GoTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return GoTime(seconds: Int64(spec.tv_sec), nanoseconds: Int64(spec.tv_nsec), zone: .current)
    }

    init(seconds: Int64, nanoseconds: Int64 = 0, offset: Int, zoneName: String) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.offset = offset
        self.zoneName = zoneName
    }

    /// The instant shown in `zone` (its offset and abbreviation at that instant).
    init(seconds: Int64, nanoseconds: Int64 = 0, zone: TimeZone) {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        self.init(seconds: seconds, nanoseconds: nanoseconds, offset: zone.secondsFromGMT(for: date),
                  zoneName: GoTime.abbreviation(zone, at: date))
    }

    /// Go's name for the zone at `date`: "UTC" for UTC (Foundation says "GMT"), else the tz database's.
    static func abbreviation(_ zone: TimeZone, at date: Date) -> String {
        if ["UTC", "GMT", "Etc/UTC", "Etc/GMT", "Universal", "Zulu"].contains(zone.identifier) { return "UTC" }
        if let name = GoTimeZoneNames.abbreviation(zone: zone.identifier, offset: zone.secondsFromGMT(for: date)) {
            return name
        }
        let foundation = zone.abbreviation(for: date) ?? ""
        return foundation.hasPrefix("GMT") ? "" : foundation
    }

    /// The same instant shown in `zone`.
    func converted(to zone: TimeZone) -> GoTime { GoTime(seconds: seconds, nanoseconds: nanoseconds, zone: zone) }

    /// Go's zero `time.Time`: `0001-01-01 00:00:00 +0000 UTC`.
    static let zero = GoTime(seconds: -62_135_596_800, offset: 0, zoneName: "UTC")

    /// This time moved by `nanos` nanoseconds (Go's `Time.Add`).
    func adding(nanoseconds nanos: Int64) -> GoTime {
        var copy = self
        copy.seconds &+= nanos / 1_000_000_000
        copy.nanoseconds += nanos % 1_000_000_000
        if copy.nanoseconds >= 1_000_000_000 {
            copy.seconds += 1
            copy.nanoseconds -= 1_000_000_000
        } else if copy.nanoseconds < 0 {
            copy.seconds -= 1
            copy.nanoseconds += 1_000_000_000
        }
        return copy
    }

    /// Nanoseconds from `other` to this time, clamped to Go's Duration range.
    func nanoseconds(since other: GoTime) -> Int64 {
        let (seconds, wrapped) = self.seconds.subtractingReportingOverflow(other.seconds)
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if wrapped || overflow { return (self.seconds < other.seconds) ? .min : .max }
        let (total, past) = scaled.addingReportingOverflow(nanoseconds - other.nanoseconds)
        return past ? (scaled < 0 ? .min : .max) : total
    }

    /// Civil fields in the time's own zone.
    var fields: CivilFields { CivilFields(localSeconds: seconds.addingReportingOverflow(Int64(offset)).partialValue) }
}

/// Year, month, day, clock and weekday of a count of seconds since the epoch (no zone).
struct CivilFields {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    /// 0 = Sunday.
    var weekday: Int
    /// 1-based day of the year.
    var yearDay: Int

    init(localSeconds: Int64) {
        let days = Int(localSeconds.floorDivided(by: 86_400))
        let remainder = Int(localSeconds % 86_400)  // no multiplication: it overflows near Int64's ends
        let secondOfDay = remainder < 0 ? remainder + 86_400 : remainder
        (hour, minute, second) = (secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
        (year, month, day) = civilDate(fromDays: days)
        weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday
        yearDay = days - daysFromCivil(year: year, month: 1, day: 1) + 1
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let shifted = month <= 2 ? year - 1 : year
    let era = (shifted >= 0 ? shifted : shifted - 399) / 400
    let yearOfEra = shifted - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// The proleptic Gregorian date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`).
func civilDate(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

let goMonthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                    "October", "November", "December"]
let goWeekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
