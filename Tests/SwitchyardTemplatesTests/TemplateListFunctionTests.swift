import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

/// sprig's list functions (list_test.go, docs/lists.md).
@Suite(.timeLimit(.minutes(1)))
struct TemplateListFunctionTests {
    @Test func buildingLists() throws {
        #expect(try templateValue("{{ tuple 1 2 3 }}") == [1, 2, 3])
        #expect(try templateValue("{{ append (list 1 2) 3 }}") == [1, 2, 3])
        #expect(try templateValue("{{ push (list 1 2) 3 }}") == [1, 2, 3])
        #expect(try templateValue("{{ mustAppend (list) 1 }}") == [1])
        #expect(try templateValue("{{ prepend (list 1 2) 0 }}") == [0, 1, 2])
        #expect(try templateValue("{{ concat (list 1 2) (list 3) (list) }}") == [1, 2, 3])
        #expect(try templateValue("{{ $l := list 1 }}{{ $l = append $l 2 }}{{ $l }}") == [1, 2])
    }

    @Test func takingLists() throws {
        #expect(try templateValue("{{ mustFirst (list 1 2 3) }}") == 1)
        #expect(try templateValue("{{ mustLast (list 1 2 3) }}") == 3)
        #expect(try templateValue("{{ rest (list 1 2 3) }}") == [2, 3])
        #expect(try templateValue("{{ initial (list 1 2 3) }}") == [1, 2])
        #expect(try templateValue("{{ rest (list) }}") == [])
        #expect(try templateValue("{{ reverse (list 1 2 3) }}") == [3, 2, 1])
        #expect(try templateValue("{{ uniq (list 1 1 2 1 3) }}") == [1, 2, 3])
        #expect(try templateValue("{{ without (list 1 2 3 4) 1 3 }}") == [2, 4])
        #expect(try templateValue("{{ has 4 (list 1 2 3 4) }}") == true)
        #expect(try templateValue(#"{{ has "x" (list 1 2) }}"#) == false)
        #expect(try templateValue("{{ has 1 nil }}") == false)
        #expect(try templateValue("{{ slice (list 1 2 3 4 5) 1 3 }}") == [2, 3])
        #expect(try templateValue("{{ slice (list 1 2 3 4 5) 3 }}") == [4, 5])
        #expect(try templateValue("{{ slice (list 1 2 3) }}") == [1, 2, 3])
        #expect(try templateValue("{{ chunk 2 (list 1 2 3 4 5) }}") == [[1, 2], [3, 4], [5]])
    }

    @Test func errorsNameTheFunctionAndType() {
        #expect(templateError(#"{{ reverse "abc" }}"#)?.reason == "reverse: cannot reverse on type string (want a list)")
        #expect(templateError("{{ slice (list 1 2) 1 5 }}")?.reason == "slice: slice bounds out of range [1:5] with length 2")
        #expect(templateError("{{ chunk 0 (list 1) }}")?.reason == "chunk: chunk size must be positive, got 0")
        #expect(templateError("{{ append (list 1) }}")?.reason == "append: wrong number of arguments: want 2, got 1")
    }
}
