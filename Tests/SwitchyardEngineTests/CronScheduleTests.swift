import Foundation
import SwitchyardEngine
import Testing

/// robfig/cron's `spec_test.go` (TestActivation, TestNext) and `parser_test.go` cases, in
/// compozy's six-field form (seconds first; robfig's five-field specs get `*` as weekday).
@Suite struct CronScheduleTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let newYork = TimeZone(identifier: "America/New_York")!

    /// `Mon Jul 9 15:04 2012`, `Mon Jul 9 15:04:05 2012` (UTC) or `2012-03-11T00:00:00-0500`.
    static func time(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = utc
        for format in ["EEE MMM d HH:mm yyyy", "EEE MMM d HH:mm:ss yyyy", "yyyy-MM-dd'T'HH:mm:ssZ"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        fatalError("bad test time \(text)")
    }

    static func next(_ spec: String, after text: String, in zone: TimeZone = utc) throws -> Date? {
        try CronSchedule(parsing: spec).nextSlot(after: time(text), in: zone)
    }

    @Test(arguments: [
        ("Mon Jul 9 15:00 2012", "0 0/15 * * * *", true), ("Mon Jul 9 15:45 2012", "0 0/15 * * * *", true),
        ("Mon Jul 9 15:40 2012", "0 0/15 * * * *", false), ("Mon Jul 9 15:05 2012", "0 5/15 * * * *", true),
        ("Mon Jul 9 15:20 2012", "0 5/15 * * * *", true), ("Mon Jul 9 15:50 2012", "0 5/15 * * * *", true),
        ("Sun Jul 15 15:00 2012", "0 0/15 * * Jul *", true), ("Sun Jul 15 15:00 2012", "0 0/15 * * Jun *", false),
        ("Sun Jul 15 08:30 2012", "0 30 08 ? Jul Sun", true), ("Sun Jul 15 08:30 2012", "0 30 08 15 Jul ?", true),
        ("Mon Jul 16 08:30 2012", "0 30 08 ? Jul Sun", false), ("Mon Jul 16 08:30 2012", "0 30 08 15 Jul ?", false),
        ("Mon Jul 9 15:00 2012", "@hourly", true), ("Mon Jul 9 15:04 2012", "@hourly", false),
        ("Mon Jul 9 15:00 2012", "@daily", false), ("Mon Jul 9 00:00 2012", "@daily", true),
        ("Mon Jul 9 00:00 2012", "@weekly", false), ("Sun Jul 8 00:00 2012", "@weekly", true),
        ("Sun Jul 8 01:00 2012", "@weekly", false), ("Sun Jul 8 00:00 2012", "@monthly", false),
        ("Sun Jul 1 00:00 2012", "@monthly", true),
        // Both day fields given: either matches.
        ("Sun Jul 15 00:00 2012", "0 * * 1,15 * Sun", true), ("Fri Jun 15 00:00 2012", "0 * * 1,15 * Sun", true),
        ("Wed Aug 1 00:00 2012", "0 * * 1,15 * Sun", true),
        // One of them a bare star: both must match (a step over 1 is no star: robfig v3).
        ("Sun Jul 15 00:00 2012", "0 * * * * Mon", false), ("Sun Jul 15 00:00 2012", "0 * * */10 * Sun", true),
        ("Mon Jul 9 00:00 2012", "0 * * 1,15 * *", false), ("Sun Jul 15 00:00 2012", "0 * * 1,15 * *", true),
        ("Sun Jul 15 00:00 2012", "0 * * */2 * Sun", true),
    ])
    func activation(_ time: String, _ spec: String, _ expected: Bool) throws {
        let at = Self.time(time)
        let next = try CronSchedule(parsing: spec).nextSlot(after: at.addingTimeInterval(-1), in: Self.utc)
        #expect((next == at) == expected, "\(spec) at \(time): next \(String(describing: next))")
    }

    @Test(arguments: [
        ("Mon Jul 9 14:45 2012", "0 0/15 * * * *", "Mon Jul 9 15:00 2012"),
        ("Mon Jul 9 14:59 2012", "0 0/15 * * * *", "Mon Jul 9 15:00 2012"),
        ("Mon Jul 9 14:59:59 2012", "0 0/15 * * * *", "Mon Jul 9 15:00 2012"),
        ("Mon Jul 9 15:45 2012", "0 20-35/15 * * * *", "Mon Jul 9 16:20 2012"),
        ("Mon Jul 9 23:46 2012", "0 */15 * * * *", "Tue Jul 10 00:00 2012"),
        ("Mon Jul 9 23:45 2012", "0 20-35/15 * * * *", "Tue Jul 10 00:20 2012"),
        ("Mon Jul 9 23:35:51 2012", "15/35 20-35/15 * * * *", "Tue Jul 10 00:20:15 2012"),
        ("Mon Jul 9 23:35:51 2012", "15/35 20-35/15 1/2 * * *", "Tue Jul 10 01:20:15 2012"),
        ("Mon Jul 9 23:35:51 2012", "15/35 20-35/15 10-12 * * *", "Tue Jul 10 10:20:15 2012"),
        ("Mon Jul 9 23:35:51 2012", "15/35 20-35/15 1/2 */2 * *", "Thu Jul 11 01:20:15 2012"),
        ("Mon Jul 9 23:35:51 2012", "15/35 20-35/15 * 9-20 * *", "Wed Jul 10 00:20:15 2012"),
        ("Mon Jul 9 23:35:51 2012", "15/35 20-35/15 * 9-20 Jul *", "Wed Jul 10 00:20:15 2012"),
        ("Mon Jul 9 23:35 2012", "0 0 0 9 Apr-Oct ?", "Thu Aug 9 00:00 2012"),
        ("Mon Jul 9 23:35 2012", "0 0 0 */5 Apr,Aug,Oct Mon", "Wed Aug 1 00:00 2012"),
        ("Mon Jul 9 23:35 2012", "0 0 0 */5 Oct Mon", "Mon Oct 1 00:00 2012"),
        ("Mon Jul 9 23:35 2012", "0 0 0 * Feb Mon", "Mon Feb 4 00:00 2013"),
        ("Mon Jul 9 23:35 2012", "0 0 0 * Feb Mon/2", "Fri Feb 1 00:00 2013"),
        ("Mon Dec 31 23:59:45 2012", "0 * * * * *", "Tue Jan 1 00:00:00 2013"),
        ("Mon Jul 9 23:35 2012", "0 0 0 29 Feb ?", "Mon Feb 29 00:00 2016"),
        ("Mon Jul 9 23:35 2012", "@yearly", "Tue Jan 1 00:00 2013"),
        ("Mon Jul 9 23:35 2012", "0 0 0 1 1 * 2015", "Thu Jan 1 00:00 2015"),
        ("Mon Jul 9 23:35 2012", "0 0 12 * * MON-FRI 2014-2016/2", "Wed Jan 1 12:00 2014"),
    ])
    func next(_ from: String, _ spec: String, _ expected: String) throws {
        #expect(try Self.next(spec, after: from) == Self.time(expected))
    }

    /// robfig's daylight-saving cases, in America/New_York: a time the change skips is skipped,
    /// an hour it repeats is seen twice.
    @Test(arguments: [
        ("2012-03-11T00:00:00-0500", "0 30 2 11 Mar ?", "2013-03-11T02:30:00-0400"),
        ("2012-03-11T00:00:00-0500", "0 0 * * * ?", "2012-03-11T01:00:00-0500"),
        ("2012-03-11T01:00:00-0500", "0 0 * * * ?", "2012-03-11T03:00:00-0400"),
        ("2012-03-11T03:00:00-0400", "0 0 * * * ?", "2012-03-11T04:00:00-0400"),
        ("2012-03-11T00:00:00-0500", "0 0 1 * * ?", "2012-03-11T01:00:00-0500"),
        ("2012-03-11T01:00:00-0500", "0 0 1 * * ?", "2012-03-12T01:00:00-0400"),
        ("2012-03-11T00:00:00-0500", "0 0 2 * * ?", "2012-03-12T02:00:00-0400"),
        ("2012-11-04T00:00:00-0400", "0 30 2 04 Nov ?", "2012-11-04T02:30:00-0500"),
        ("2012-11-04T01:45:00-0400", "0 30 1 04 Nov ?", "2012-11-04T01:30:00-0500"),
        ("2012-11-04T00:00:00-0400", "0 0 * * * ?", "2012-11-04T01:00:00-0400"),
        ("2012-11-04T01:00:00-0400", "0 0 * * * ?", "2012-11-04T01:00:00-0500"),
        ("2012-11-04T01:00:00-0500", "0 0 * * * ?", "2012-11-04T02:00:00-0500"),
        ("2012-11-04T00:00:00-0400", "0 0 1 * * ?", "2012-11-04T01:00:00-0400"),
        ("2012-11-04T01:00:00-0400", "0 0 1 * * ?", "2012-11-04T01:00:00-0500"),
        ("2012-11-04T01:00:00-0500", "0 0 1 * * ?", "2012-11-05T01:00:00-0500"),
        ("2012-11-04T00:00:00-0400", "0 0 2 * * ?", "2012-11-04T02:00:00-0500"),
        ("2012-11-04T02:00:00-0500", "0 0 2 * * ?", "2012-11-05T02:00:00-0500"),
        ("2012-11-04T00:00:00-0400", "0 0 3 3 * ?", "2012-12-03T03:00:00-0500"),
    ])
    func daylightSaving(_ from: String, _ spec: String, _ expected: String) throws {
        #expect(try Self.next(spec, after: from, in: Self.newYork) == Self.time(expected))
    }

    @Test func unsatisfiableAndPastYearsHaveNoSlot() throws {
        #expect(try Self.next("0 0 0 30 Feb ?", after: "Mon Jul 9 23:35 2012") == nil)
        #expect(try Self.next("0 0 0 31 Apr ?", after: "Mon Jul 9 23:35 2012") == nil)
        #expect(try Self.next("0 0 0 1 1 * 2011", after: "Mon Jul 9 23:35 2012") == nil)
    }

    /// `@every` slots are multiples of the interval since the epoch: the same in every process.
    @Test func everyIsAlignedToTheEpoch() throws {
        let every = try CronSchedule(parsing: "@every 15s")
        let at = Date(timeIntervalSince1970: 1_000_007.4)
        #expect(every.nextSlot(after: at, in: Self.utc) == Date(timeIntervalSince1970: 1_000_020))
        #expect(every.nextSlot(after: Date(timeIntervalSince1970: 1_000_020), in: Self.utc) == Date(timeIntervalSince1970: 1_000_035))
        #expect(try CronSchedule(parsing: "@every 1h30m").timing == .interval(seconds: 5400))
    }

    /// robfig's parser errors, and compozy's field count.
    @Test(arguments: [
        ("* * * * *", "expected 6 or 7 fields"), ("* * * * * * * *", "expected 6 or 7 fields"),
        ("60 * * * * *", "end of range (60) above maximum (59)"),
        ("* * 24 * * *", "end of range (24) above maximum (23)"),
        ("* * * 0 * *", "beginning of range (0) below minimum (1)"),
        ("* * * * 13 *", "above maximum (12)"), ("* * * * * 7", "above maximum (6)"),
        ("* 5-1 * * * *", "beginning of range (5) beyond end of range (1)"),
        ("* */0 * * * *", "step of range should be a positive number"),
        ("* 1-2-3 * * * *", "too many hyphens"), ("* */1/2 * * * *", "too many slashes"),
        ("* x * * * *", "failed to parse int from x"), ("* * * * JUNK *", "failed to parse int from JUNK"),
        ("@every soon", "invalid @every duration"), ("@every 500ms", "at least 1s"),
        ("@fortnightly", "unrecognized descriptor"), ("0 0 0 1 1 * 1969", "invalid year field"),
        ("0 0 0 1 1 * 2030-2020", "invalid year field"),
    ])
    func refused(_ spec: String, _ reason: String) {
        #expect {
            try CronSchedule(parsing: spec)
        } throws: { error in
            (error as? CronSyntaxError)?.reason.contains(reason) == true
        }
    }

    @Test func namesAreCaseInsensitiveAndListsCombine() throws {
        let spec = try CronSchedule(parsing: "0 0 9 * jan,MAR-apr mon-FRI")
        #expect(try Self.next(spec.expression, after: "Mon Jul 9 23:35 2012") == Self.time("Tue Jan 1 09:00 2013"))
        #expect(try Self.next("*/20 * * * * *", after: "Mon Jul 9 23:35:41 2012") == Self.time("Mon Jul 9 23:36:00 2012"))
    }
}
