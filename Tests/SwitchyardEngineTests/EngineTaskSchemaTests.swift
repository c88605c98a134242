import Foundation
import Testing
@testable import SwitchyardEngine
import SwitchyardJSON

/// Issue 9 items 2 and 6: a task's own `input`/`output` schemas are enforced when it runs (compozy's
/// `CreateState` → `ValidateInput`, `ValidateOutput` on the processed output), a tool's `with:`
/// defaults sit under each call's input, and a child's `.parent` is compozy's parent context.
@Suite(.timeLimit(.minutes(1)))
struct EngineTaskSchemaTests {
    @Test func aTaskInputThatFailsItsSchemaFailsBeforeAnyCall() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: sum
                tool: add
                with: {a: "one", b: 2}
                retries: 2
                input:
                  type: object
                  properties: {a: {type: integer}}
                  required: [a, b]
            """)
        let result = try await project.run()
        #expect(result.status == .failed)
        let message = result.error?["message"]?.stringValue ?? ""
        #expect(message.contains("task \"sum\": input does not match the task's input schema"), "\(message)")
        #expect(message.contains("input.a"), "\(message)")
        #expect(project.adapter.callCount("add") == 0)
        let tasks = try await SQLiteExecutionStore(path: project.storePath).tasks(workflowExecID: result.execID)
        #expect(tasks.first?.error?["kind"] == "invalid_input")
        #expect(tasks.first?.attempts == 0)
    }

    @Test func aTaskOutputIsCheckedAfterOutputs() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: sum
                tool: add
                with: {a: 1, b: 2}
                outputs: {total: "{{ .output.sum }}"}
                output:
                  type: object
                  properties: {total: {type: integer}}
                  required: [total]
                on_success: {next: wrong}
              - id: wrong
                tool: add
                with: {a: 1, b: 2}
                output:
                  type: object
                  required: [total]
            """)
        let result = try await project.run()
        #expect(result.status == .failed)
        let tasks = try await SQLiteExecutionStore(path: project.storePath).tasks(workflowExecID: result.execID)
        #expect(tasks.first { $0.taskID == "sum" }?.status == .success)
        let wrong = try #require(tasks.first { $0.taskID == "wrong" })
        #expect(wrong.status == .failed)
        #expect(wrong.error?["kind"] == "tool_error")
        #expect(wrong.error?["message"]?.stringValue?.contains("output does not match the task's output schema") == true)
    }

    @Test func aToolsWithDefaultsSitUnderTheCallInput() async throws {
        let project = try TestProject(workflows: ["wf.yaml": """
            id: wf
            tasks:
              - {id: sum, tool: add, with: {b: 5}}
            """], project: """
            name: test
            workflows:
              - source: wf.yaml
            tools:
              - id: add
                with: {a: 10, b: 1}
            """)
        let result = try await project.run()
        #expect(result.status == .success)
        #expect(result.output["sum"]?["output"] == ["sum": 15])
    }

    @Test func aChildSeesCompozysParentContext() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: outer
                type: composite
                with: {topic: rivers}
                tasks:
                  - id: inner
                    type: parallel
                    tasks:
                      - id: leaf
                        type: aggregate
                        outputs:
                          parent: "{{ .parent.id }}/{{ .parent.type }}/{{ .parent.status }}/{{ .parent.input.topic }}"
                          grandparent: "{{ .parent.parent.id }}/{{ .parent.parent.type }}/{{ .parent.parent.with.topic }}"
            """)
        let result = try await project.run()
        #expect(result.status == .success)
        #expect(result.output["leaf"]?["output"] == [
            "parent": "inner/parallel/RUNNING/rivers", "grandparent": "outer/composite/rivers",
        ])
    }
}
