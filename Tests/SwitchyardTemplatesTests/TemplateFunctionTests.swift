import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

@Suite(.timeLimit(.minutes(1)))
struct TemplateFunctionTests {
    @Test func defaultAndEmpty() throws {
        #expect(try templateOutput("{{ .input.missing | default \"x\" }}") == "x")
        #expect(try templateOutput("{{ default \"x\" .input.missing }}") == "x")
        #expect(try templateOutput("{{ .input.name | default \"x\" }}") == "world")
        #expect(try templateOutput("{{ .tasks.fetch.output.blank | default \"fallback\" }}") == "fallback")
        #expect(try templateOutput("{{ .input.zero | default 7 }}") == "7")
        #expect(try templateValue("{{ .input.nothing.deeper | default 5 }}") == 5)
        #expect(try templateOutput("{{ default \"only\" }}") == "only")
        #expect(try templateValue("{{ empty .input.missing }}") == true)
        #expect(try templateValue("{{ empty .input.items }}") == false)
        #expect(try templateValue("{{ .input.empty | empty }}") == true)
        #expect(try templateValue("{{ coalesce .input.missing .input.blank \"c\" }}") == "c")
    }

    @Test func jsonFunctions() throws {
        #expect(try templateOutput("{{ toJson .input.map }}") == #"{"a":1,"b":2}"#)
        #expect(try templateOutput("{{ toJson .input.name }}") == #""world""#)
        #expect(try templateValue(#"{{ (fromJson "{\"k\": [1, 2]}").k }}"#) == [1, 2])
        #expect(try templateValue("{{ fromJson .tasks.fetch.output.json }}") == [1, 2])
        #expect(templateError("{{ fromJson \"{nope\" }}")?.reason.contains("fromJson: invalid JSON") == true)
    }

    @Test func stringFunctions() throws {
        #expect(try templateOutput("{{ upper \"abc\" }}{{ lower \"DeF\" }}") == "ABCdef")
        #expect(try templateOutput("[{{ trim .input.padded }}]") == "[hi]")
        #expect(try templateOutput("{{ quote \"a\\\"b\\n\" }}") == #""a\"b\n""#)
        #expect(try templateOutput("{{ quote 1 \"x\" }}") == #""1" "x""#)
        #expect(try templateOutput("{{ squote .input.name }}") == "'world'")
        #expect(try templateOutput("{{ join \", \" .input.items }}") == "a, b, c")
        #expect(try templateOutput("{{ .input.items | join \"-\" }}") == "a-b-c")
        #expect(try templateOutput("{{ join \"+\" .tasks.my-task.output.list }}") == "1+2+3")
        #expect(try templateValue("{{ contains \"or\" .input.name }}") == true)
        #expect(try templateValue("{{ hasPrefix \"wo\" .input.name }}|{{ hasSuffix \"x\" .input.name }}") == "true|false")
        #expect(try templateOutput("{{ replace \"o\" \"0\" .input.name }}") == "w0rld")
        #expect(try templateValue("{{ splitList \",\" \"a,b\" }}") == ["a", "b"])
        #expect(try templateOutput("{{ trimPrefix \"wo\" .input.name }}{{ trimSuffix \"ld\" .input.name }}") == "rldwor")
        #expect(try templateOutput("{{ repeat 3 \"ab\" }}") == "ababab")
        #expect(try templateOutput("{{ toString 5 }}{{ toString .input.ratio }}") == "52.5")
        #expect(try templateValue("{{ toInt \"42\" }}") == 42)
        #expect(try templateValue("{{ toInt .input.ratio }}") == 2)
        #expect(try templateValue("{{ float64 \"1.5\" }}") == 1.5)
    }

    @Test func lenCountsCharactersElementsAndMembers() throws {
        #expect(try templateValue("{{ len .input.name }}") == 5)
        #expect(try templateValue("{{ len \"héllo\" }}") == 5)
        #expect(try templateValue("{{ len .input.items }}") == 3)
        #expect(try templateValue("{{ len .input.map }}") == 2)
        #expect(templateError("{{ len 3 }}")?.reason == "len: len of integer")
    }

    @Test func indexWorksOnHyphenatedIdsArraysAndNesting() throws {
        #expect(try templateOutput("{{ index .tasks \"my-task\" \"output\" \"name\" }}") == "Ann")
        #expect(try templateValue("{{ index .tasks.my-task.output.list 1 }}") == 2)
        #expect(try templateValue("{{ index .input.items 2 }}") == "c")
        let missing = templateError("{{ index .tasks \"nope\" \"output\" }}")
        #expect(missing?.reason == #"index: missing key "nope" in .tasks"#)
        #expect(templateError("{{ index .input.items 9 }}")?.reason == "index: index out of range: 9 in .input.items")
        #expect(try templateOutput("{{ index .tasks \"nope\" \"output\" | default \"d\" }}") == "d")
    }

    @Test func ternaryAndLogic() throws {
        #expect(try templateOutput("{{ ternary \"yes\" \"no\" .tasks.fetch.output.flag }}") == "yes")
        #expect(try templateOutput("{{ .input.zero | ternary \"yes\" \"no\" }}") == "no")
        #expect(try templateValue("{{ and 1 \"x\" .input.items }}") == ["a", "b", "c"])
        #expect(try templateValue("{{ and 1 0 \"x\" }}") == 0)
        #expect(try templateValue("{{ or 0 \"\" \"z\" }}") == "z")
        #expect(try templateValue("{{ or 0 \"\" }}") == "")
        #expect(try templateValue("{{ not .input.items }}") == false)
        #expect(try templateValue("{{ not .input.missing }}") == true)
        // Short-circuit: the second argument is never evaluated, so its bad index cannot fail.
        #expect(try templateValue("{{ or .input.name (index .input.items 99) }}") == "world")
        #expect(try templateValue("{{ and .input.zero (index .input.items 99) }}") == 0)
    }

    @Test func comparisons() throws {
        #expect(try templateValue("{{ eq .input.count 3 }}") == true)
        #expect(try templateValue("{{ eq .input.big 3 }}") == true)
        #expect(try templateValue("{{ eq .input.name \"a\" \"world\" }}") == true)
        #expect(try templateValue("{{ eq .input.items .input.items }}") == true)
        #expect(try templateValue("{{ ne .input.name \"world\" }}") == false)
        #expect(try templateValue("{{ lt 2 2.5 }}|{{ le 3 3 }}|{{ gt \"b\" \"a\" }}|{{ ge 1 2 }}") == "true|true|true|false")
        #expect(templateError("{{ lt 1 \"2\" }}")?.reason == "lt: incompatible types for comparison: integer and string")
    }

    @Test func arithmetic() throws {
        #expect(try templateValue("{{ add 1 2 3 }}") == 6)
        #expect(try templateValue("{{ add 1 .input.ratio }}") == 3.5)
        #expect(try templateValue("{{ sub 10 .input.count }}") == 7)
        #expect(try templateValue("{{ mul 2 3 4 }}") == 24)
        #expect(try templateValue("{{ div 7 2 }}") == 3)
        #expect(try templateValue("{{ div 7.0 2 }}") == 3.5)
        #expect(try templateValue("{{ mod 7 3 }}") == 1)
        #expect(try templateValue("{{ add \"2\" 3 }}") == 5)
        #expect(templateError("{{ div 1 0 }}")?.reason == "div: division by zero")
        #expect(templateError("{{ add 1 .input.items }}")?.reason.hasPrefix("add: expected a number, got array") == true)
        #expect(templateError("{{ add 9223372036854775807 1 }}")?.reason == "add: integer overflow")
    }

    @Test func printfFormats() throws {
        #expect(try templateOutput(#"{{ printf "%s|%d|%v|%f|%.2f|%q|%t|%%" "s" 42 .input.map 1.5 3.14159 "q" true }}"#)
            == #"s|42|{"a":1,"b":2}|1.500000|3.14|"q"|true|%"#)
        #expect(try templateOutput(#"{{ printf "[%5s][%-5s][%05d][%+d][%x][%X][%c]" "ab" "ab" 42 7 255 255 65 }}"#)
            == "[   ab][ab   ][00042][+7][ff][FF][A]")
        #expect(try templateOutput(#"{{ printf "%.1e|%g|%d" 1234.5 0.5 .input.big }}"#) == "1.2e+03|0.5|3")
        #expect(try templateOutput(#"{{ printf "%v and %v" .input.count .input.ratio }}"#) == "3 and 2.5")
        #expect(templateError(#"{{ printf "%d %d" 1 }}"#)?.reason == "printf: missing argument for %d")
        #expect(templateError(#"{{ printf "%d" "x" }}"#)?.reason == #"printf: %d cannot format string "x""#)
        #expect(templateError(#"{{ printf "%s" 1 2 }}"#)?.reason.contains("extra argument") == true)
    }

    @Test func collections() throws {
        #expect(try templateValue("{{ list 1 \"a\" }}") == [1, "a"])
        #expect(try templateValue("{{ dict \"k\" 1 \"j\" .input.name }}") == ["k": 1, "j": "world"])
        #expect(try templateValue("{{ keys .input.map }}") == ["a", "b"])
        #expect(try templateValue("{{ hasKey .input.map \"a\" }}") == true)
        #expect(try templateValue("{{ first .input.items }}{{ last .input.items }}") == "ac")
        #expect(try templateOutput("{{ print 1 2 \"a\" \"b\" 3 }}") == "1 2ab3")
    }
}
