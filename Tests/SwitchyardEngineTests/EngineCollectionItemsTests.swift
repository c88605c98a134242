import Foundation
import Testing
@testable import SwitchyardEngine
import SwitchyardJSON

/// Issue 9 item 6: collection `items` as compozy reads them, the item/index variables and what
/// compozy injects into each child's `with`; item 7: malformed ones refused by validate.
@Suite(.timeLimit(.minutes(1)))
struct EngineCollectionItemsTests {
    // compozy engine/task2/collection/type_converter_test.go, TestTypeConverter_ConvertToSlice_FullWorkflow
    // and TestTypeConverter_parseRangeExpression_IntegrationTests, ported.
    @Test func convertsAsCompozysTypeConverter() throws {
        let cases: [(JSONValue, [JSONValue])] = [
            ("a..c", ["a", "b", "c"]),
            ("α..γ", ["α", "β", "γ"]),
            ("1..3", [1, 2, 3]),
            (" a .. c ", ["a", "b", "c"]),
            ("hello", ["hello"]),
            (["a", "b", "c"], ["a", "b", "c"]),
            (42, [42]),
            (.null, []),
            ("a..α", ["a..α"]),
            ("3..1", [3, 2, 1]),
            ("d..a", ["d", "c", "b", "a"]),
            ("δ..α", ["δ", "γ", "β", "α"]),
            ("x..x", ["x"]),
            ("a..Z", ["a..Z"]),
            ("[1, 2]", [1, 2]),
            ("{\"b\": 2, \"a\": 1}", [["key": "a", "value": 1], ["key": "b", "value": 2]]),
            ("\"solo\"", ["solo"]),
            ("7", [7]),
        ]
        for (input, expected) in cases {
            #expect(try CollectionItems.list(input) == expected, "items \(input.jsonString)")
        }
        #expect(throws: TaskFailure.self) { try CollectionItems.list("1..99999999") }
    }

    @Test func itemsGivenAsAJSONStringOrRangeRun() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: literal
                type: collection
                items: '["x", "y"]'
                task: {id: "lit-{{ .item }}", tool: echo, with: {v: "{{ .item }}"}}
                on_success: {next: rendered}
              - id: rendered
                type: collection
                items: "{{ .workflow.input.list }}"
                task: {id: "ren-{{ .index }}", tool: echo, with: {v: "{{ .item }}"}}
                on_success: {next: ranged}
              - id: ranged
                type: collection
                items: "1..3"
                task: {id: "num-{{ .item }}", tool: add, with: {a: "{{ .item }}", b: 10}}
            """)
        let result = try await project.run(input: ["list": "[\"p\", \"q\", \"r\"]"])
        #expect(result.status == .success, "\(String(describing: result.error))")
        #expect(result.output["literal"]?["output"]?["outputs"]?.objectValue?.keys.sorted() == ["lit-x", "lit-y"])
        #expect(result.output["ren-2"]?["output"]?["v"] == "r")
        #expect(result.output["ranged"]?["output"]?["outputs"] == ["num-1": ["sum": 11], "num-2": ["sum": 12],
                                                                   "num-3": ["sum": 13]])
    }

    @Test func itemAndIndexBesideCustomNamesAndInjectedWith() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: each
                type: collection
                items: [a, b, c]
                filter: "{{ ne .user \\"b\\" }}"
                item_var: user
                index_var: idx
                with: {shared: 1}
                task:
                  id: "c-{{ .user }}-{{ .index }}"
                  tool: echo
                  with: {custom: "{{ .user }}-{{ .idx }}", plain: "{{ .item }}-{{ .index }}", item: overridden}
            """)
        let result = try await project.run()
        #expect(result.status == .success, "\(String(describing: result.error))")
        // compozy numbers the children by their place among the kept items (expander.go createChildConfigs).
        let children = result.output["each"]?["output"]?["outputs"]
        #expect(children?.objectValue?.keys.sorted() == ["c-a-0", "c-c-1"])
        #expect(children?["c-c-1"] == [
            "shared": 1, "custom": "c-1", "plain": "c-1",
            "item": "c", "index": 1, "user": "c", "idx": 1,
        ])
    }

    @Test func malformedItemsAndVariableNamesAreValidationErrors() throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: bad_string
                type: collection
                items: "a, b"
                task: {id: x, tool: echo}
              - id: bad_number
                type: collection
                items: 5
                task: {id: y, tool: echo}
              - id: bad_vars
                type: collection
                items: [1]
                item_var: "my item"
                index_var: input
                task: {id: z, tool: echo}
              - id: fine
                type: collection
                items: '[1, 2]'
                task: {id: w, tool: echo}
            """)
        let lines = ProjectLoader.validate(directory: project.directory).problems.map(\.description)
        let file = project.path("wf.yaml")
        func has(_ path: String, _ words: String) -> Bool {
            lines.contains { $0.hasPrefix("\(file): \(path): ") && $0.contains(words) }
        }
        #expect(has("tasks[0].items", "neither a JSON array"), "\(lines)")
        #expect(has("tasks[1].items", "expected a list"), "\(lines)")
        #expect(has("tasks[2].item_var", "not a name"), "\(lines)")
        #expect(has("tasks[2].index_var", "hide"), "\(lines)")
        #expect(!lines.contains { $0.contains("tasks[3]") }, "\(lines)")
    }
}
