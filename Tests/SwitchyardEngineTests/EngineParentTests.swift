import Foundation
import Testing
import SwitchyardEngine
import SwitchyardJSON

@Suite(.timeLimit(.minutes(1)))
struct EngineParentTests {
    func parallel(strategy: String, tasks: String, extra: String = "") throws -> TestProject {
        try TestProject("""
            id: wf
            tasks:
              - id: fan
                type: parallel
                strategy: \(strategy)
                \(extra)
                tasks:
            \(tasks)
            """)
    }

    @Test func parallelWaitAllSucceedsWithParentOutputShape() async throws {
        let project = try parallel(strategy: "wait_all", tasks: """
                  - {id: one, tool: add, with: {a: 1, b: 1}}
                  - {id: two, tool: add, with: {a: 2, b: 2}}
            """)
        let result = try await project.run()
        #expect(result.status == .success)
        let output = result.output["fan"]?["output"]
        #expect(output?["outputs"] == ["one": ["sum": 2], "two": ["sum": 4]])
        let progress = output?["progress_info"]
        #expect(progress?["total_children"] == 2)
        #expect(progress?["success_count"] == 2)
        #expect(progress?["failed_count"] == 0)
        #expect(progress?["completion_rate"]?.doubleValue == 1)
        #expect(progress?["overall_status"] == "SUCCESS")
    }

    @Test func parallelWaitAllFailsWhenOneFailsButRunsAll() async throws {
        let project = try parallel(strategy: "wait_all", tasks: """
                  - {id: ok, tool: sleep, with: {ms: 20}}
                  - {id: bad, tool: fail, with: {message: kaput}}
            """)
        let result = try await project.run()
        #expect(result.status == .failed)
        #expect(result.error?["message"]?.stringValue?.contains("kaput") == true)
        #expect(project.adapter.callCount("sleep") == 1)
    }

    @Test func failFastCancelsTheRest() async throws {
        let project = try parallel(strategy: "fail_fast", tasks: """
                  - {id: slow, tool: sleep, with: {ms: 30000}}
                  - {id: bad, tool: fail}
            """)
        let result = try await project.run()
        #expect(result.status == .failed)
        #expect(project.adapter.canceled.withLock { $0 } == 1)
        let tasks = try await SQLiteExecutionStore(path: project.storePath).tasks(workflowExecID: result.execID)
        #expect(tasks.first { $0.taskID == "slow" }?.status == .canceled)
        #expect(tasks.first { $0.taskID == "fan" }?.output?["progress_info"]?["canceled_count"] == 1)
    }

    @Test func bestEffortSucceedsWithOneSuccess() async throws {
        let project = try parallel(strategy: "best_effort", tasks: """
                  - {id: good, tool: echo, with: {v: 1}}
                  - {id: bad, tool: fail}
            """)
        let result = try await project.run()
        #expect(result.status == .success)
        #expect(result.output["fan"]?["output"]?["progress_info"]?["failed_count"] == 1)
    }

    @Test func raceSucceedsOnFirstSuccessAndCancelsTheRest() async throws {
        let project = try parallel(strategy: "race", tasks: """
                  - {id: slow, tool: sleep, with: {ms: 30000}}
                  - {id: quick, tool: sleep, with: {ms: 1, label: quick}}
            """)
        let result = try await project.run()
        #expect(result.status == .success)
        #expect(result.output["fan"]?["output"]?["outputs"]?["quick"]?["label"] == "quick")
        #expect(project.adapter.canceled.withLock { $0 } == 1)
    }

    @Test func maxWorkersBoundsConcurrency() async throws {
        let project = try parallel(strategy: "wait_all", tasks: """
                  - {id: a, tool: append, with: {line: a}}
                  - {id: b, tool: append, with: {line: b}}
                  - {id: c, tool: append, with: {line: c}}
            """, extra: "max_workers: 1")
        let result = try await project.run()
        #expect(result.status == .success)
        #expect(result.output["fan"]?["output"]?["progress_info"]?["success_count"] == 3)
    }

    @Test func compositeRunsChildrenInOrderAndStopsUnderFailFast() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: steps
                type: composite
                strategy: fail_fast
                tasks:
                  - {id: s1, tool: append, with: {file: "{{ .workflow.input.file }}", line: s1}}
                  - {id: s2, tool: append, with: {file: "{{ .workflow.input.file }}", line: s2}}
                  - {id: s3, tool: fail}
                  - {id: s4, tool: append, with: {file: "{{ .workflow.input.file }}", line: s4}}
            """)
        let result = try await project.run(input: ["file": .string(project.path("log"))])
        #expect(result.status == .failed)
        #expect(project.lines("log") == ["s1", "s2"])
    }

    @Test func collectionClonesTaskPerItemWithFilterVarsAndTemplatedIDs() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: each
                type: collection
                items: "{{ .workflow.input.numbers }}"
                filter: "{{ ne .n 3 }}"
                item_var: n
                index_var: i
                with: {base: 100}
                task:
                  id: "add-{{ .n }}"
                  tool: add
                  with: {a: "{{ .n }}", b: "{{ .input.base }}", i: "{{ .i }}"}
                outputs:
                  sums: "{{ toJson .output }}"
            """)
        let result = try await project.run(input: ["numbers": [1, 2, 3, 4]])
        #expect(result.status == .success)
        let sums = result.output["each"]?["output"]?["sums"]
        #expect(sums == ["add-1": ["sum": 101], "add-2": ["sum": 102], "add-4": ["sum": 104]])
        let tasks = try await SQLiteExecutionStore(path: project.storePath).tasks(workflowExecID: result.execID)
        // The kept items are numbered 0, 1, 2 (compozy's expander.go); the collection variables
        // compozy injects (item, index and the custom names) come over the child's own `with`.
        #expect(tasks.first { $0.taskID == "add-4" }?.input == [
            "a": 4, "b": 100, "base": 100, "i": 2, "n": 4, "item": 4, "index": 2,
        ])
    }

    @Test func collectionMetadataSequentialModeAndBatches() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: each
                type: collection
                mode: sequential
                batch: 2
                items: [a, b, c, d, e]
                filter: "item != 'c'"
                task:
                  id: "w-{{ .item }}"
                  tool: append
                  with: {file: "{{ .workflow.input.file }}", line: "{{ .item }}-{{ .index }}"}
            """)
        let result = try await project.run(input: ["file": .string(project.path("log"))])
        #expect(result.status == .success)
        // `.index` counts the kept items, as compozy's expander.go numbers the children.
        #expect(project.lines("log") == ["a-0", "b-1", "d-2", "e-3"])
        let output = result.output["each"]?["output"]
        #expect(output?["collection_metadata"] == ["item_count": 5, "skipped_count": 1])
        #expect(output?["progress_info"]?["total_children"] == 4)
    }

    @Test func collectionRaceAndEmptyItems() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: each
                type: collection
                strategy: race
                items: "{{ .workflow.input.items }}"
                task:
                  id: "c{{ .index }}"
                  tool: sleep
                  with: {ms: "{{ .item }}"}
            """)
        let result = try await project.run(input: ["items": [30000, 1, 30000]])
        #expect(result.status == .success)
        #expect(project.adapter.canceled.withLock { $0 } == 2)
        let empty = try await project.run(input: ["items": []])
        #expect(empty.status == .failed)  // race: no child succeeded
        #expect(empty.output["each"]?["output"]?["progress_info"]?["total_children"] == 0)
    }

    @Test func aggregateCombinesEarlierOutputs() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: a
                tool: add
                with: {a: 1, b: 2}
                on_success: {next: b}
              - id: b
                tool: add
                with: {a: 3, b: 4}
                on_success: {next: total}
              - id: total
                type: aggregate
                outputs:
                  total: "{{ add .tasks.a.output.sum .tasks.b.output.sum }}"
                  both: ["{{ .tasks.a.output.sum }}", "{{ .tasks.b.output.sum }}"]
            """)
        let result = try await project.run()
        #expect(result.output["total"]?["output"] == ["total": 10, "both": [3, 7]])
    }
}
