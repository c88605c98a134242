import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

/// sprig's regex functions (regex_test.go, docs/strings.md).
@Suite(.timeLimit(.minutes(1)))
struct TemplateRegexFunctionTests {
    @Test func matchingAndFinding() throws {
        #expect(try templateValue(#"{{ regexMatch "^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[A-Za-z]{2,}$" "test@acme.com" }}"#) == true)
        #expect(try templateValue(#"{{ regexMatch "[a-z]+" "hello" }}"#) == true)  // compozy's engine_test.go
        #expect(try templateValue(#"{{ mustRegexMatch "^x" "abc" }}"#) == false)
        #expect(try templateValue(#"{{ regexFindAll "[2,4,6,8]" "123456789" -1 }}"#) == ["2", "4", "6", "8"])
        #expect(try templateValue(#"{{ regexFindAll "[2,4,6,8]" "123456789" 2 }}"#) == ["2", "4"])
        #expect(try templateOutput(#"{{ regexFind "[a-zA-Z][1-9]" "abcd1234" }}"#) == "d1")
        #expect(try templateOutput(#"{{ regexFind "z" "abc" }}"#) == "")
    }

    @Test func replacing() throws {
        #expect(try templateOutput(#"{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}"#) == "-W-xxW-")
        #expect(try templateOutput(#"{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}"#) == "---")  // $1W is group "1W"
        #expect(try templateOutput(#"{{ regexReplaceAll "(?P<word>\\w+)" "hi there" "<${word}>" }}"#) == "<hi> <there>")
        #expect(try templateOutput(#"{{ regexReplaceAll "a" "banana" "$$" }}"#) == "b$n$n$")
        #expect(try templateOutput(#"{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}"#) == "-${1}-${1}-")
    }

    @Test func splittingAndQuoting() throws {
        #expect(try templateValue(#"{{ regexSplit "z+" "pizza" -1 }}"#) == ["pi", "a"])
        #expect(try templateValue(#"{{ regexSplit "z+" "pizza" 1 }}"#) == ["pizza"])
        #expect(try templateValue(#"{{ regexSplit "a" "banana" 2 }}"#) == ["b", "nana"])
        #expect(try templateValue(#"{{ regexSplit "," "" -1 }}"#) == [""])
        #expect(try templateValue(#"{{ regexSplit "," "a,b" 0 }}"#) == [])
        #expect(try templateOutput(#"{{ regexQuoteMeta "1.2.3+[x]" }}"#) == #"1\.2\.3\+\[x\]"#)
    }

    @Test func aBadPatternNamesItself() {
        #expect(templateError(#"{{ regexMatch "a(" "x" }}"#)?.reason == #"regexMatch: invalid regular expression "a(""#)
        #expect(templateError(#"{{ mustRegexFind "[" "x" }}"#)?.reason == #"mustRegexFind: invalid regular expression "[""#)
    }
}
