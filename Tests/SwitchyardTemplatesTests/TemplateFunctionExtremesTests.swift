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
        #expect(try templateOutput(#"{{ repeat 9223372036854775807 "" }}"#) == "")  // used to count to 2^63
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

    /// Every function with every combination of up to three arguments of every kind (a cheap
    /// sweep for traps the fuzzer would find): each call returns or fails, nothing else.
    @Test func everyFunctionSurvivesEveryArgumentShape() {
        let samples: [JSONValue] = [.null, true, 0, -1, .int(.max), .int(.min), 2.5, "", "a.b-1", [1, "x"], ["k": [1]]]
        var calls = 0
        for function in TemplateFunction.allCases where function != .uuidv4 {
            var shapes: [[JSONValue]] = [[]]
            for _ in 0..<3 { shapes += shapes.filter { $0.count == shapes.last!.count }.flatMap { shape in samples.map { shape + [$0] } } }
            for arguments in shapes {
                calls += 1
                _ = try? function.call(arguments, lenient: false)
            }
        }
        #expect(calls > 100_000)
    }
}
