import Foundation
import Testing
@testable import SwitchyardEngine
import SwitchyardJSON

/// Issue 9 item 6: the shapes compozy's v0 engine gives a workflow's default output, a parent's
/// children in templates, and `.status` in output templates.
@Suite(.timeLimit(.minutes(1)))
struct EngineCompozyShapeTests {
    static let fanWorkflow = """
        id: wf
        tasks:
          - id: first
            tool: add
            with: {a: 1, b: 1}
            on_success: {next: fan}
          - id: fan
            type: parallel
            tasks:
              - {id: one, tool: add, with: {a: 1, b: 2}}
              - {id: two, tool: add, with: {a: 2, b: 2}}
        """

    @Test func defaultOutputListsEveryTaskWithParentStateIDAndExecutionType() async throws {
        let project = try TestProject(Self.fanWorkflow)
        let result = try await project.run()
        #expect(result.status == .success)
        let tasks = try await SQLiteExecutionStore(path: project.storePath).tasks(workflowExecID: result.execID)
        let fanExecID = try #require(tasks.first { $0.taskID == "fan" }?.taskExecID)
        let output = try #require(result.output.objectValue)
        #expect(output.keys.sorted() == ["fan", "first", "one", "two"])
        #expect(output["first"] == ["output": ["sum": 2]])
        #expect(output["one"] == ["output": ["sum": 3], "parent_state_id": .string(fanExecID)])
        #expect(output["two"] == ["output": ["sum": 4], "parent_state_id": .string(fanExecID)])
        #expect(output["fan"]?["execution_type"] == "parallel")
        #expect(output["fan"]?["parent_state_id"] == nil)
        #expect(output["fan"]?["output"]?["outputs"] == ["one": ["sum": 3], "two": ["sum": 4]])
    }

    @Test func defaultOutputOfAFailedRunListsWhatRan() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: fan
                type: composite
                tasks:
                  - {id: ok, tool: add, with: {a: 1, b: 1}}
                  - {id: bad, tool: fail}
            """)
        let result = try await project.run()
        #expect(result.status == .failed)
        #expect(result.output.objectValue?.keys.sorted() == ["bad", "fan", "ok"])
        #expect(result.output["ok"]?["output"] == ["sum": 2])
        #expect(result.output["fan"]?["execution_type"] == nil)
    }

    @Test func parentOutputsSeeChildrenUnderTasksAndChildrenAndStatus() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: fan
                type: parallel
                tasks:
                  - {id: one, tool: add, with: {a: 1, b: 2}}
                  - {id: two, tool: add, with: {a: 2, b: 2}}
                outputs:
                  from_tasks: "{{ .tasks.one.output.sum }}"
                  from_children: "{{ .children.two.output.sum }}"
                  child_status: "{{ .children.one.status }}"
                  status: "{{ .status }}"
                  workflow_status: "{{ .workflow.status }}"
                on_success: {next: after}
              - id: after
                tool: echo
                with:
                  two: "{{ .tasks.fan.children.two.output.sum }}"
                  ids: "{{ keys .tasks.fan.children | sortAlpha | join \\",\\" }}"
                  child_id: "{{ .tasks.fan.children.one.id }}"
            """)
        let result = try await project.run()
        #expect(result.status == .success, "\(String(describing: result.error))")
        #expect(result.output["fan"]?["output"] == ["from_tasks": 3, "from_children": 4, "child_status": "SUCCESS",
                                                   "status": "SUCCESS", "workflow_status": "RUNNING"])
        #expect(result.output["after"]?["output"] == ["two": 4, "ids": "one,two", "child_id": "one"])
    }

    @Test func nestedParentsNestTheirChildren() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: outer
                type: composite
                tasks:
                  - id: inner
                    type: parallel
                    tasks:
                      - {id: leaf, tool: add, with: {a: 5, b: 5}}
                on_success: {next: after}
              - id: after
                tool: echo
                with:
                  leaf: "{{ .tasks.outer.children.inner.children.leaf.output.sum }}"
                  inner_status: "{{ .tasks.outer.children.inner.status }}"
            """)
        let result = try await project.run()
        #expect(result.status == .success, "\(String(describing: result.error))")
        #expect(result.output["after"]?["output"] == ["leaf": 10, "inner_status": "SUCCESS"])
        let tasks = try await SQLiteExecutionStore(path: project.storePath).tasks(workflowExecID: result.execID)
        let innerExecID = tasks.first { $0.taskID == "inner" }?.taskExecID
        #expect(result.output["leaf"]?["parent_state_id"]?.stringValue == innerExecID)
        #expect(result.output["inner"]?["execution_type"] == "parallel")
    }

    @Test func workflowOutputsSeeStatusAndExecutionIdentifiers() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: only
                tool: echo
                with: {status: "{{ .workflow.status }}"}
            outputs:
              status: "{{ .status }}"
              live: "{{ .workflow.status }}"
              during: "{{ .tasks.only.output.status }}"
              id: "{{ .workflow_id }}"
              exec: "{{ .workflow_exec_id }}"
            """)
        let result = try await project.run()
        #expect(result.status == .success, "\(String(describing: result.error))")
        #expect(result.output == ["status": "SUCCESS", "live": "SUCCESS", "during": "RUNNING", "id": "wf",
                                  "exec": .string(result.execID)])
    }

    @Test func aResumedParentKeepsItsChildrenForTemplatesAndTheDefaultOutput() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: fan
                type: parallel
                tasks:
                  - {id: one, tool: add, with: {a: 1, b: 2}}
                  - {id: two, tool: add, with: {a: 2, b: 2}}
                on_success: {next: gate}
              - id: gate
                tool: append
                with: {file: "{{ .workflow.input.log }}", line: gate, block_unless_exists: "{{ .workflow.input.gate }}"}
                on_success: {next: after}
              - id: after
                tool: echo
                with: {two: "{{ .tasks.fan.children.two.output.sum }}"}
            """)
        let input: JSONValue = ["log": .string(project.path("log")), "gate": .string(project.path("gate"))]
        let crashing = FreezableStore(try SQLiteExecutionStore(path: project.storePath))
        let handle = try await project.engine(store: crashing).start(workflowID: "wf", input: input)
        guard try await crashing.waitForCrashPoint(handle, checkpoints: 3, logLine: "gate", in: project) else { return }
        crashing.freeze()
        handle.cancel()
        _ = await handle.result()
        _ = FileManager.default.createFile(atPath: project.path("gate"), contents: nil)
        let result = try await project.engine().resume(execID: handle.execID)
        #expect(result.status == .success, "\(String(describing: result.error))")
        #expect(result.output["after"]?["output"] == ["two": 4])
        let tasks = try await SQLiteExecutionStore(path: project.storePath).tasks(workflowExecID: result.execID)
        let fanExecID = tasks.first { $0.taskID == "fan" }?.taskExecID
        #expect(result.output["one"]?["parent_state_id"]?.stringValue == fanExecID)
        #expect(result.output["fan"]?["execution_type"] == "parallel")
    }
}
