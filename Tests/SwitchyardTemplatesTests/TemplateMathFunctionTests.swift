import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

/// sprig's math functions (numeric_test.go, functions_test.go, docs/math.md and mathf.md).
@Suite(.timeLimit(.minutes(1)))
struct TemplateMathFunctionTests {
    @Test func integerFunctions() throws {
        #expect(try templateValue("{{ add1 3 }}") == 4)
        #expect(try templateValue(#"{{ add1 "3" }}"#) == 4)
        #expect(try templateValue("{{ max 1 5 3 }}") == 5)
        #expect(try templateValue("{{ biggest 1 5 3 }}") == 5)
        #expect(try templateValue("{{ min 4 2 7 }}") == 2)
        #expect(try templateValue(#"{{ atoi "42" }}"#) == 42)
        #expect(try templateValue(#"{{ atoi "nope" }}"#) == 0)
        #expect(try templateValue(#"{{ int64 "0x10" }}"#) == 16)
        #expect(try templateValue("{{ int64 3.9 }}") == 3)
        #expect(try templateValue(#"{{ int64 "x" }}"#) == 0)
        #expect(try templateValue(#"{{ toDecimal "0777" }}"#) == 511)
        #expect(try templateValue(#"{{ toDecimal "8" }}"#) == 0)
    }

    @Test func floatFunctions() throws {
        #expect(try templateOutput("{{ mulf -5 -1 }}") == "5")  // compozy's tplengine_number.yaml "abs"
        #expect(try templateOutput("{{ ceil 3.1 }}") == "4")  // compozy's "ceil"
        #expect(try templateOutput("{{ floor 3.9 }}") == "3")
        #expect(try templateOutput("{{ round 123.555555 3 }}") == "123.556")
        #expect(try templateOutput("{{ round 123.55555 3 0.4 }}") == "123.556")
        #expect(try templateOutput("{{ round 2.5 0 }}") == "3")
        #expect(try templateOutput("{{ addf 1.5 2 2 }}") == "5.5")
        #expect(try templateOutput("{{ add1f 1.5 }}") == "2.5")
        #expect(try templateOutput("{{ subf 7.5 2 3 }}") == "2.5")
        #expect(try templateOutput("{{ divf 10 4 }}") == "2.5")
        #expect(try templateOutput("{{ mulf 1.5 2 2 }}") == "6")
        #expect(try templateOutput("{{ maxf 1 2.5 3 }}") == "3")
        #expect(try templateOutput("{{ minf 1.5 2 3 }}") == "1.5")
        #expect(templateError("{{ divf 1 0 }}")?.reason == "divf: division by zero")
    }

    @Test func sequences() throws {
        #expect(try templateValue("{{ until 5 }}") == [0, 1, 2, 3, 4])
        #expect(try templateValue("{{ until -3 }}") == [0, -1, -2])
        #expect(try templateValue("{{ untilStep 3 6 2 }}") == [3, 5])
        #expect(try templateValue("{{ untilStep 6 3 -1 }}") == [6, 5, 4])
        #expect(try templateValue("{{ untilStep 3 6 -1 }}") == [])
        #expect(try templateOutput("{{ range $i := until 3 }}{{ $i }}{{ end }}") == "012")
        // sprig's seq examples (docs/integer_slice.md).
        #expect(try templateOutput("{{ seq 5 }}") == "1 2 3 4 5")
        #expect(try templateOutput("{{ seq -3 }}") == "1 0 -1 -2 -3")
        #expect(try templateOutput("{{ seq 0 2 }}") == "0 1 2")
        #expect(try templateOutput("{{ seq 2 -2 }}") == "2 1 0 -1 -2")
        #expect(try templateOutput("{{ seq 0 2 10 }}") == "0 2 4 6 8 10")
        #expect(try templateOutput("{{ seq 0 -2 -5 }}") == "0 -2 -4")
        #expect(templateError("{{ until 100000000000 }}")?.reason.hasPrefix("until: 100000000000 elements is over the limit") == true)
    }

    @Test func randomInteger() throws {
        for _ in 0..<20 {
            let value = try templateValue("{{ randInt 3 6 }}")
            #expect([3, 4, 5].contains(value))
        }
        #expect(templateError("{{ randInt 5 5 }}")?.reason == "randInt: empty range [5, 5)")
    }

    @Test func compozyNumberFixture() throws {
        // test/fixtures/tplengine/tplengine_number.yaml
        for (template, expected) in [("{{ add 5 3 }}", "8"), ("{{ sub 5 3 }}", "2"), ("{{ mul 5 3 }}", "15"),
                                     ("{{ div 6 3 }}", "2"), ("{{ mulf -5 -1 }}", "5"), (#"{{ printf "%.2f" 3.14159 }}"#, "3.14"),
                                     (#"{{ printf "%.2f%%" 50.0 }}"#, "50.00%"), (#"{{ printf "$%.2f" 99.95 }}"#, "$99.95"),
                                     ("{{ ceil 3.1 }}", "4")] {
            #expect(try templateOutput(template) == expected, "\(template)")
        }
    }
}
