import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

/// sprig's defaults, JSON, flow and reflection functions (defaults_test.go, reflect_test.go).
@Suite(.timeLimit(.minutes(1)))
struct TemplateDefaultsFunctionTests {
    @Test func allAnyCompact() throws {
        #expect(try templateValue(#"{{ all 1 "a" (list 1) }}"#) == true)
        #expect(try templateValue(#"{{ all 1 "" }}"#) == false)
        #expect(try templateValue(#"{{ any 0 "" (list 1) }}"#) == true)
        #expect(try templateValue(#"{{ any 0 "" }}"#) == false)
        #expect(try templateValue(#"{{ compact (list 1 "" 0 "a" nil false) }}"#) == [1, "a"])
        #expect(try templateValue(#"{{ mustCompact (list "" "b") }}"#) == ["b"])
    }

    @Test func jsonForms() throws {
        let context: JSONValue = ["data": ["b": [1, 2], "a": "<x>", "e": [:]]]
        #expect(try templateOutput("{{ toPrettyJson .data }}", context) == """
            {
              "a": "<x>",
              "b": [
                1,
                2
              ],
              "e": {}
            }
            """)
        #expect(try templateOutput("{{ toRawJson .data }}", context) == #"{"a":"<x>","b":[1,2],"e":{}}"#)
        #expect(try templateOutput("{{ mustToJson .data.b }}", context) == "[1,2]")
        #expect(try templateOutput("{{ mustToPrettyJson (list) }}") == "[]")
        #expect(try templateValue(#"{{ (mustFromJson "{\"k\": 3}").k }}"#) == 3)
        #expect(try templateValue("{{ deepCopy .data }}", context) == context["data"]!)
    }

    @Test func failStopsTheRender() {
        #expect(templateError(#"{{ fail "input.name is required" }}"#)?.reason == "fail: input.name is required")
    }

    @Test func reflection() throws {
        #expect(try templateOutput(#"{{ typeOf "a" }}|{{ typeOf 1 }}|{{ typeOf 1.5 }}|{{ typeOf true }}"#) == "string|int|float64|bool")
        #expect(try templateOutput("{{ typeOf (list) }}|{{ typeOf (dict) }}|{{ typeOf nil }}") == "[]interface {}|map[string]interface {}|<nil>")
        #expect(try templateOutput("{{ kindOf (list) }}|{{ kindOf (dict) }}|{{ kindOf nil }}|{{ kindOf 2 }}") == "slice|map|invalid|int")
        #expect(try templateValue(#"{{ typeIs "string" "x" }}"#) == true)
        #expect(try templateValue(#"{{ typeIsLike "*string" "x" }}"#) == true)
        #expect(try templateValue(#"{{ kindIs "map" (dict "a" 1) }}"#) == true)
        #expect(try templateValue(#"{{ kindIs "slice" "x" }}"#) == false)
        #expect(try templateValue("{{ deepEqual (list 1 2) (list 1 2) }}") == true)
        #expect(try templateValue("{{ deepEqual 1 1.0 }}") == false)  // reflect.DeepEqual: int is not float64
        #expect(try templateValue("{{ eq 1 1.0 }}") == true)
    }
}
