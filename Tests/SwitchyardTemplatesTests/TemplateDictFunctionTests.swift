import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

/// sprig's dict functions (dict_test.go, docs/dicts.md).
@Suite(.timeLimit(.minutes(1)))
struct TemplateDictFunctionTests {
    @Test func readingDicts() throws {
        #expect(try templateValue(#"{{ get (dict "a" 1) "a" }}"#) == 1)
        #expect(try templateValue(#"{{ get (dict "a" 1) "b" }}"#) == "")
        #expect(try templateValue(#"{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}"#) == [1, 3])
        #expect(try templateValue(#"{{ values (dict "b" 2 "a" 1) }}"#) == [1, 2])
        #expect(try templateValue(#"{{ dig "a" "b" "c" "none" (dict "a" (dict "b" (dict "c" "found"))) }}"#) == "found")
        #expect(try templateValue(#"{{ dig "a" "x" "none" (dict "a" (dict "b" 1)) }}"#) == "none")
    }

    @Test func changingDicts() throws {
        #expect(try templateValue(#"{{ set (dict "a" 1) "b" 2 }}"#) == ["a": 1, "b": 2])
        #expect(try templateValue(#"{{ unset (dict "a" 1 "b" 2) "a" }}"#) == ["b": 2])
        #expect(try templateValue(#"{{ pick (dict "a" 1 "b" 2 "c" 3) "a" "c" }}"#) == ["a": 1, "c": 3])
        #expect(try templateValue(#"{{ omit (dict "a" 1 "b" 2 "c" 3) "a" "c" }}"#) == ["b": 2])
        #expect(try templateOutput(#"{{ $d := dict "a" 1 }}{{ $d = set $d "b" 2 }}{{ $d.b }}"#) == "2")
    }

    /// Go's `set` changes the dict it is given: the Helm-style idiom builds a dict in a loop.
    @Test func setChangesTheVariablesDict() throws {
        let context: JSONValue = ["items": [["id": "a", "name": "Ann"], ["id": "b", "name": "Bob"]]]
        #expect(try templateOutput(#"{{ $m := dict }}{{ range .items }}{{ $_ := set $m .id .name }}{{ end }}{{ toJson $m }}"#, context)
            == #"{"a":"Ann","b":"Bob"}"#)
        #expect(try templateOutput(#"{{ $m := dict "x" 1 "y" 2 }}{{ $_ := unset $m "x" }}{{ keys $m }}"#) == #"["y"]"#)
        #expect(try templateOutput(#"{{ $m := dict "x" 1 }}{{ $_ := merge $m (dict "z" 3) }}{{ $m.z }}"#) == "3")
    }

    @Test func merging() throws {
        let context: JSONValue = [
            "dst": ["default": "default", "overwrite": "me", "key": true, "nested": ["x": 1, "blank": ""]],
            "src": ["overwrite": "overwritten", "key": false, "extra": 1, "nested": ["y": 2, "blank": "filled"]],
        ]
        // merge: the destination wins; only its missing or empty values are filled.
        #expect(try templateValue("{{ merge .dst .src }}", context) == [
            "default": "default", "overwrite": "me", "key": true, "extra": 1,
            "nested": ["x": 1, "y": 2, "blank": "filled"],
        ])
        // mergeOverwrite: a non-empty source value replaces the destination's.
        #expect(try templateValue("{{ mergeOverwrite .dst .src }}", context) == [
            "default": "default", "overwrite": "overwritten", "key": true, "extra": 1,
            "nested": ["x": 1, "y": 2, "blank": "filled"],
        ])
        #expect(try templateValue(#"{{ mustMerge (dict "a" 1) (dict "a" 2 "b" 3) }}"#) == ["a": 1, "b": 3])
    }

    @Test func errorsNameTheFunction() {
        #expect(templateError(#"{{ get (list 1) "a" }}"#)?.reason == "get: cannot get on type array (want a dict)")
        #expect(templateError(#"{{ dig "a" (dict) }}"#)?.reason == "dig: wrong number of arguments: want at least 3, got 2")
    }
}
