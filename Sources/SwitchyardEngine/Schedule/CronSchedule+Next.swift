import Foundation

extension CronSchedule {
    /// The first slot strictly after `date`, or nil when no slot comes any more (a year field
    /// whose years have passed).
    /// - Parameter timeZone: where the fields are read (`@every` is the same everywhere).
    public func nextSlot(after date: Date, in timeZone: TimeZone) -> Date? {
        switch timing {
        case .interval(let seconds):
            let now = Int64(date.timeIntervalSince1970.rounded(.down))
            let slot = (now.dividedRoundingDown(by: seconds) + 1) * seconds
            return Date(timeIntervalSince1970: TimeInterval(slot))
        case .fields(let fields):
            return fields.nextSlot(after: date, calendar: .gregorian(in: timeZone))
        }
    }
}

extension Int64 {
    fileprivate func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

extension Calendar {
    static func gregorian(in timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}

extension CronFields {
    /// Wall-clock fields of an instant in the schedule's zone.
    private struct WallClock {
        var year, month, day, hour, minute, second, weekday: Int
    }

    /// robfig/cron's `SpecSchedule.Next`, field by field from the month down, in wall-clock time
    /// of the zone: a field that does not match moves to its next value and zeroes the smaller
    /// ones. Hours and smaller advance in absolute time, so a time that a DST change skips is
    /// skipped and an hour that repeats is seen twice, as robfig does; days advance by calendar
    /// days, corrected back to midnight when a DST change moved it.
    func nextSlot(after date: Date, calendar: Calendar) -> Date? {
        func clock(_ instant: Date) -> WallClock {
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: instant)
            return WallClock(year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0,
                             minute: parts.minute ?? 0, second: parts.second ?? 0, weekday: (parts.weekday ?? 1) - 1)
        }
        func midnight(_ year: Int, _ month: Int, _ day: Int) -> Date {
            let (carriedYear, carriedMonth) = month > 12 ? (year + 1, month - 12) : (year, month)
            return calendar.date(from: DateComponents(year: carriedYear, month: carriedMonth, day: day)) ?? date
        }
        var instant = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down) + 1)
        var wall = clock(instant)
        var moved = false
        let yearLimit = wall.year + (years == nil ? 5 : 1100)
        wrap: while true {
            if wall.year > yearLimit { return nil }
            if !admits(year: wall.year) {
                instant = midnight(wall.year + 1, 1, 1)
                wall = clock(instant)
                moved = true
                continue wrap
            }
            while months & (1 << UInt64(wall.month)) == 0 {
                moved = true
                instant = midnight(wall.year, wall.month + 1, 1)
                wall = clock(instant)
                if wall.month == 1 { continue wrap }
            }
            while !dayMatches(wall.day, weekday: wall.weekday) {
                if !moved { moved = true; instant = midnight(wall.year, wall.month, wall.day) }
                instant = calendar.date(byAdding: .day, value: 1, to: instant) ?? instant.addingTimeInterval(86_400)
                wall = clock(instant)
                if wall.hour != 0 {
                    let correction = wall.hour > 12 ? 24 - wall.hour : -wall.hour
                    instant = instant.addingTimeInterval(TimeInterval(correction * 3600))
                    wall = clock(instant)
                }
                if wall.day == 1 { continue wrap }
            }
            while hours & (1 << UInt64(wall.hour)) == 0 {
                if !moved {
                    moved = true
                    instant = instant.addingTimeInterval(TimeInterval(-(wall.minute * 60 + wall.second)))
                }
                instant = instant.addingTimeInterval(3600)
                wall = clock(instant)
                if wall.hour == 0 { continue wrap }
            }
            while minutes & (1 << UInt64(wall.minute)) == 0 {
                if !moved { moved = true; instant = instant.addingTimeInterval(TimeInterval(-wall.second)) }
                instant = instant.addingTimeInterval(60)
                wall = clock(instant)
                if wall.minute == 0 { continue wrap }
            }
            while seconds & (1 << UInt64(wall.second)) == 0 {
                moved = true
                instant = instant.addingTimeInterval(1)
                wall = clock(instant)
                if wall.second == 0 { continue wrap }
            }
            return instant
        }
    }

    /// robfig's `dayMatches`: with either day field a bare `*`, both must match; else either.
    private func dayMatches(_ day: Int, weekday: Int) -> Bool {
        let dayMatch = days & (1 << UInt64(day)) != 0
        let weekdayMatch = weekdays & (1 << UInt64(weekday)) != 0
        return daysStarred || weekdaysStarred ? dayMatch && weekdayMatch : dayMatch || weekdayMatch
    }
}
