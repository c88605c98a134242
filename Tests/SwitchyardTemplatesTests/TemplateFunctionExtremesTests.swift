import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

/// Extreme arguments end in a clear error or a value, never a trap or a huge allocation.
@Suite(.timeLimit(.minutes(1)))
struct TemplateFunctionExtremesTests {
    @Test func boundsAtTheIntegerLimits() throws {
        #expect(templateError("{{ untilStep -9223372036854775808 9223372036854775807 1 }}")?.reason
            == "untilStep: over 9223372036854775807 elements is over the limit of 1048576")
        #expect(templateError("{{ seq 9223372036854775807 }}")?.reason.hasPrefix("seq: ") == true)
        #expect(templateError("{{ add1 9223372036854775807 }}")?.reason == "add1: integer overflow")
        #expect(templateError("{{ randBytes 9223372036854775807 }}")?.reason.hasPrefix("randBytes: the random bytes") == true)
        #expect(templateError("{{ randAlpha 9223372036854775807 }}")?.reason.hasPrefix("randAlpha: the random text") == true)
        #expect(try templateOutput(#"{{ wrap 9223372036854775807 "a b" }}"#) == "a b")
        #expect(try templateOutput(#"{{ trunc -9223372036854775808 "abc" }}"#) == "abc")
        #expect(try templateOutput(#"{{ substr -9223372036854775808 9223372036854775807 "abc" }}"#) == "abc")
    }

    @Test func timesAtTheIntegerLimits() throws {
        #expect(try !templateOutput(#"{{ dateInZone "2006" 9223372036854775807 "UTC" }}"#).isEmpty)
        #expect(try !templateOutput(#"{{ dateInZone "2006" -9223372036854775808 "Asia/Kolkata" }}"#).isEmpty)
        #expect(try !templateOutput("{{ ago -9223372036854775808 }}").isEmpty)
        #expect(try templateOutput("{{ duration 9223372036854775807 }}").hasSuffix("s"))
        #expect(try templateOutput(#"{{ durationRound "-2562047h" }}"#) == "-292y")
        #expect(try templateValue(#"{{ semverCompare "^9223372036854775807" "1.0.0" }}"#) == false)
    }

    @Test func doublingAListHitsTheSizeLimit() {
        let doubling = #"{{ $l := list (repeat 100000 "x") }}{{ range until 40 }}{{ $l = concat $l $l }}{{ end }}"#
        #expect(templateError(doubling)?.reason.hasPrefix("concat: the result") == true)
    }
}
