import Foundation
import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates
import SwitchyardTestSupport

/// Hostile templates fail with an error naming the limit instead of crashing the process or
/// growing it without bound (issue #15 item 5).
@Suite(.timeLimit(.minutes(2)))
struct TemplateLimitTests {
    @Test func deepParenthesesFailNamingTheLimit() throws {
        let source = "{{ " + String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000) + " }}"
        let reason = onSmallStack { templateError(source)?.reason }
        #expect(reason?.contains("nesting deeper than 100 levels") == true)
        #expect(reason?.contains("column 104") == true)
    }

    @Test func deepBlocksFailNamingTheLimit() throws {
        for opening in ["{{ if true }}", "{{ with .input }}", "{{ range .input.items }}"] {
            let source = String(repeating: opening, count: 20_000) + "x" + String(repeating: "{{ end }}", count: 20_000)
            let reason = onSmallStack { templateError(source)?.reason }
            #expect(reason?.contains("nesting deeper than 100 levels of blocks and parentheses") == true, "\(opening)")
        }
    }

    @Test func nestingAtTheLimitParsesAndRenders() throws {
        let depth = Template.maxNestingDepth
        let blocks = String(repeating: "{{ if true }}", count: depth / 2)
        let parens = String(repeating: "(", count: depth / 2) + "1" + String(repeating: ")", count: depth / 2)
        let source = blocks + "{{ \(parens) }}" + String(repeating: "{{ end }}", count: depth / 2)
        let output = onSmallStack { try? templateOutput(source) }
        #expect(output == "1")
        #expect(templateError("{{ if true }}" + source + "{{ end }}")?.reason.contains("nesting deeper") == true)
    }

    @Test func hugeRepeatFailsBeforeAllocating() throws {
        let before = peakResidentBytes()
        let error = try #require(templateError(#"{{ repeat 1000000000 "x" }}"#))
        #expect(error.reason == "repeat: the repeated text (1000000000 bytes) exceeds the limit of 16777216 bytes "
            + "(16 MiB) for rendered text and built values")
        #expect(templateError(#"{{ repeat 9223372036854775807 "xy" }}"#)?.reason.contains("more than") == true)
        #expect(peakResidentBytes() - before < 64 << 20)
        #expect(try templateOutput(#"{{ repeat 3 "ab" }}"#) == "ababab")
    }

    @Test func outputAndBuiltValuesAreBounded() throws {
        let before = peakResidentBytes()
        // Doubling a string in a loop, building a shared list, padding and replacing: each stops
        // at the limit with an error naming it.
        let doubling = #"{{ $s := "x" }}{{ range 40 }}{{ $s = printf "%s%s" $s $s }}{{ end }}{{ $s }}"#
        #expect(templateError(doubling)?.reason.contains("printf: the printf result") == true)
        let concatenating = #"{{ $s := repeat 1000000 "x" }}{{ range 40 }}{{ $s }}{{ end }}"#
        #expect(templateError(concatenating)?.reason.contains("the rendered text") == true)
        let sharedList = #"{{ $l := list "xxxxxxxx" }}{{ range 40 }}{{ $l = list $l $l }}{{ end }}{{ len $l }}"#
        #expect(templateError(sharedList)?.reason.contains("list: the result exceeds the limit of 16777216") == true)
        let deepList = #"{{ $l := list }}{{ range 1000 }}{{ $l = list $l }}{{ end }}"#
        #expect(templateError(deepList)?.reason == "list: the result nests deeper than the limit of 512 levels")
        #expect(templateError(#"{{ printf "%1000000000d" 1 }}"#)?.reason == "printf: printf width over the limit of 1000000")
        #expect(templateError(#"{{ printf "%99999999999999999999999d" 1 }}"#)?.reason.contains("width over") == true)
        #expect(templateError(#"{{ printf "%.5000000f" 1.5 }}"#)?.reason.contains("precision over") == true)
        let replacing = #"{{ $s := repeat 1000000 "a" }}{{ replace "a" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" $s }}"#
        #expect(templateError(replacing)?.reason.contains("replace: the replaced text (30000000 bytes)") == true)
        let joining = #"{{ $s := repeat 9000000 "a" }}{{ join "" (list $s $s) }}"#
        // `list` or `join` refuses the 18 MB result, whichever sees it first.
        #expect(templateError(joining)?.reason.contains("limit") == true, "\(String(describing: templateError(joining)))")
        #expect(peakResidentBytes() - before < 256 << 20)
        #expect(try templateOutput(#"{{ replace "a" "bb" "xax" }}|{{ join "," (list 1 2) }}|{{ printf "%5d" 3 }}"#)
            == "xbbx|1,2|    3")
    }

    @Test func rangeOverAHugeIntegerIsCountedNotMaterialized() throws {
        let before = peakResidentBytes()
        #expect(try templateOutput("{{ range 1000000000 }}{{ if eq . 5 }}{{ break }}{{ end }}{{ end }}x") == "x")
        #expect(peakResidentBytes() - before < 64 << 20)
        let endless = "{{ range 100000 }}{{ range 100000 }}{{ end }}{{ end }}"
        #expect(templateError(endless)?.reason == "range ran more than the limit of 10000000 iterations in one render")
    }

    @Test func renderedErrorsNameTheDocumentPath() throws {
        let document: JSONValue = ["with": ["text": .string(#"{{ repeat 100000000 "ab" }}"#)]]
        #expect(throws: TemplateError.self) { try TemplateRenderer.render(document, context: .emptyObject) }
        do {
            _ = try TemplateRenderer.render(document, context: .emptyObject)
        } catch {
            #expect(error.path == "with.text")
            #expect(error.description.hasPrefix("with.text: template"))
            #expect(error.description.contains("exceeds the limit of 16777216 bytes"))
        }
    }
}
