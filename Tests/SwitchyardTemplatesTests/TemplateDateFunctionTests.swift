import Foundation
import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

/// sprig's date functions and Go's reference-time layouts (sprig's date_test.go, compozy's
/// tplengine_date.yaml, and Go's time.Format rules). Fixed times come from `toDate`.
@Suite(.timeLimit(.minutes(1)))
struct TemplateDateFunctionTests {
    /// 2023-01-02T15:04:05.123456789Z, the fixed `now` of compozy's date fixture (plus nanoseconds).
    private let fixed = #"(toDate "2006-01-02T15:04:05.999999999Z07:00" "2023-01-02T15:04:05.123456789Z")"#

    @Test func goLayouts() throws {
        for (layout, expected) in [
            ("2006-01-02", "2023-01-02"), ("2006", "2023"), ("01", "01"), ("02", "02"),  // compozy's fixture
            ("Mon Jan _2 15:04:05 2006", "Mon Jan  2 15:04:05 2023"),
            ("Monday, January 2, 2006 3:04 PM", "Monday, January 2, 2023 3:04 PM"),
            ("03:04:05pm 06", "03:04:05pm 23"),
            ("2006-01-02T15:04:05.000Z07:00", "2023-01-02T15:04:05.123Z"),
            ("15:04:05.999999", "15:04:05.123456"), ("05,000000000", "05,123456789"),
            ("002 __2 1/2", "002   2 1/2"), ("-07:00 -0700 -07 MST", "+00:00 +0000 +00 UTC"),
            ("20060102_150405", "20230102_150405"),
        ] {
            #expect(try templateOutput("{{ dateInZone \"\(layout)\" \(fixed) \"UTC\" }}") == expected, "\(layout)")
        }
        #expect(try templateOutput("{{ \(fixed) }}") == "2023-01-02 15:04:05.123456789 +0000 UTC")
        #expect(try templateOutput("{{ dateInZone \"2006-01-02 15:04 MST -0700\" \(fixed) \"America/New_York\" }}")
            == "2023-01-02 10:04 EST -0500")
        #expect(try templateOutput("{{ dateInZone \"15:04 MST\" \(fixed) \"Asia/Kolkata\" }}") == "20:34 IST")
    }

    @Test func sprigDateTests() throws {
        #expect(try templateOutput(#"{{ toDate "2006-01-02" "2017-12-31" | date "02/01/2006" }}"#) == "31/12/2017")
        #expect(try templateOutput(#"{{ toDate "02 Jan 06 15:04:05 MST" "13 Jun 19 20:39:39 GMT" | unixEpoch }}"#) == "1560458379")
        let zoned = #"{{ date_in_zone "02 Jan 06 15:04 -0700" .t "UTC" }}"#
        #expect(try templateOutput(zoned, ["t": 1_560_458_379]) == "13 Jun 19 20:39 +0000")
        #expect(try templateOutput(zoned, ["t": "2019-06-13 20:39:39 +0000 UTC"]) == "13 Jun 19 20:39 +0000")
        #expect(try templateOutput(#"{{ date_in_zone "02 Jan 06 15:04 -0700" 1560458379 "foobar" }}"#) == "13 Jun 19 20:39 +0000")
        #expect(try templateOutput(#"{{ htmlDateInZone 0 "UTC" }}"#) == "1970-01-01")
        for (input, rounded) in [("2h5s", "2h"), ("24h5s", "1d"), ("2400h5s", "3m"), ("-3m10s", "-3m"), ("1s", "0s")] {
            #expect(try templateOutput("{{ durationRound \"\(input)\" }}") == rounded, "durationRound \(input)")
        }
        let past = Int64(Date().timeIntervalSince1970) - 125
        #expect(try ["2m5s", "2m6s"].contains(templateOutput("{{ ago .t }}", ["t": .int(past)])))
    }

    @Test func nowAndDuration() throws {
        let now = try templateOutput("{{ now }}")
        #expect(now.wholeMatch(of: /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4} \S+/) != nil, "\(now)")
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        #expect(try templateOutput(#"{{ now | date "2006" }}"#) == String(year))
        #expect(try templateOutput(#"{{ dateInZone "2006" (now) "UTC" }}"#) == String(year))
        #expect(try templateOutput(#"{{ now | unixEpoch | int64 | add1 | date "2006" }}"#) == String(year))
        for (seconds, text) in [("95", "1m35s"), ("3665", "1h1m5s"), ("0", "0s"), ("-90", "-1m30s")] {
            #expect(try templateOutput("{{ duration \(seconds) }}") == text)
            #expect(try templateOutput("{{ duration \"\(seconds)\" }}") == text)
        }
    }

    @Test func dateModify() throws {
        #expect(try templateOutput("{{ dateInZone \"15:04:05.000\" (\(fixed) | dateModify \"-1.5h\") \"UTC\" }}") == "13:34:05.123")
        #expect(try templateOutput("{{ dateInZone \"2006-01-02\" (dateModify \"48h\" \(fixed)) \"UTC\" }}") == "2023-01-04")
        #expect(try templateOutput("{{ dateInZone \"15:04\" (date_modify \"nope\" \(fixed)) \"UTC\" }}") == "15:04")
        #expect(templateError("{{ mustDateModify \"nope\" \(fixed) }}")?.reason == #"mustDateModify: time: invalid duration "nope""#)
        #expect(templateError(#"{{ dateModify "1h" "yesterday" }}"#)?.reason
            == #"dateModify: expected a time (from now, toDate or dateModify), got string "yesterday""#)
    }

    @Test func parsingFailures() throws {
        #expect(try templateOutput(#"{{ toDate "2006-01-02" "31/12/2017" }}"#) == "0001-01-01 00:00:00 +0000 UTC")
        #expect(templateError(#"{{ mustToDate "2006-01-02" "31/12/2017" }}"#)?.reason
            == #"mustToDate: parsing time "31/12/2017" as "2006-01-02": cannot parse "31/12/2017" as "2006""#)
        #expect(templateError(#"{{ mustToDate "2006-01-02" "2017-02-30" }}"#)?.reason
            == #"mustToDate: parsing time "2017-02-30": day out of range"#)
        #expect(try templateOutput(#"{{ toDate "Jan 2 2006 3:04PM -07:00" "Mar 9 2024 1:05AM +05:30" | unixEpoch }}"#) == "1709926500")
        // Go reads a fraction after the seconds even when the layout has none.
        #expect(try templateOutput(#"{{ dateInZone "05.00" (toDate "2006-01-02 15:04:05" "2024-03-09 01:05:00.25") "UTC" }}"#) == "00.25")
    }
}
