import Foundation
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardPostgres
import Testing

/// The same assertions on every store (SQLite and Postgres): what the engine relies on from
/// `ExecutionStore`, whichever store it was given.
@Suite(.serialized)
struct StoreConformanceTests {
    static func record(_ id: String, workflow: String = "wf", _ status: ExecutionStatus = .running,
                       at second: Int = 0) -> WorkflowExecutionRecord {
        let time = "2026-01-02T03:04:\(second < 10 ? "0" : "")\(second).000Z"
        return WorkflowExecutionRecord(execID: id, workflowID: workflow, status: status, input: ["n": .int(Int64(second))],
                                       createdAt: time, updatedAt: time)
    }

    static func task(_ execID: String, _ path: String, parent: String? = nil,
                     status: ExecutionStatus = .success) -> TaskExecutionRecord {
        TaskExecutionRecord(taskExecID: "\(execID)/\(path)", taskID: path, workflowExecID: execID, path: path,
                            parent: parent, status: status, input: ["path": .string(path)], output: ["done": true],
                            createdAt: "2026-01-02T03:04:05.000Z", updatedAt: "2026-01-02T03:04:06.000Z")
    }

    @Test(arguments: StoreKind.allCases)
    func insertUpdateAndReadAWorkflow(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.open()
            let record = WorkflowExecutionRecord(
                execID: "e1", workflowID: "wf", status: .pending,
                input: ["text": "héllo \"quoted\"", "list": [1, 2.5, true, .null], "nested": ["a": ["b": "c"]]],
                createdAt: "2026-01-02T03:04:05.678Z", updatedAt: "2026-01-02T03:04:05.678Z")
            try await store.insertWorkflow(record)
            #expect(try await store.workflow(execID: "e1") == record)
            #expect(try await store.workflow(execID: "missing") == nil)
            try await store.updateWorkflow(execID: "e1", status: .failed, output: ["partial": 1], error: ["message": "boom"])
            let updated = try #require(try await store.workflow(execID: "e1"))
            #expect(updated.status == .failed && updated.output == ["partial": 1] && updated.error == ["message": "boom"])
            #expect(updated.createdAt == record.createdAt && updated.updatedAt != record.updatedAt)
            #expect(Timestamp.milliseconds(updated.updatedAt) != nil)
            // A second insert of the same id is refused, not merged.
            await #expect(throws: StoreError.self) { try await store.insertWorkflow(record) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func listsAreNewestFirstWithFiltersAndACursorInTheStore(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.open()
            // Two executions share a created_at: insertion order breaks the tie.
            let plan: [(String, String, ExecutionStatus, Int)] = [
                ("a", "wf", .success, 1), ("b", "other", .failed, 2), ("c", "wf", .failed, 3),
                ("d", "wf", .success, 3), ("e", "other", .success, 4),
            ]
            for (id, workflow, status, second) in plan {
                try await store.insertWorkflow(Self.record(id, workflow: workflow, status, at: second))
            }
            #expect(try await store.listWorkflows(limit: nil).map(\.execID) == ["e", "d", "c", "b", "a"])
            #expect(try await store.listWorkflows(limit: 2).map(\.execID) == ["e", "d"])
            #expect(try await store.listWorkflows(ExecutionListFilter(workflowID: "wf")).map(\.execID) == ["d", "c", "a"])
            #expect(try await store.listWorkflows(ExecutionListFilter(status: .success)).map(\.execID) == ["e", "d", "a"])
            #expect(try await store.listWorkflows(ExecutionListFilter(workflowID: "wf", status: .failed)).map(\.execID) == ["c"])
            let page1 = try await store.listWorkflows(ExecutionListFilter(limit: 2))
            let page2 = try await store.listWorkflows(ExecutionListFilter(limit: 2, after: page1.last?.execID))
            let page3 = try await store.listWorkflows(ExecutionListFilter(limit: 2, after: page2.last?.execID))
            #expect(page1.map(\.execID) == ["e", "d"] && page2.map(\.execID) == ["c", "b"] && page3.map(\.execID) == ["a"])
            #expect(try await store.listWorkflows(ExecutionListFilter(workflowID: "wf", after: "d")).map(\.execID) == ["c", "a"])
            #expect(try await store.listWorkflows(ExecutionListFilter(after: "unknown")).isEmpty)
            #expect(try await store.listWorkflows(ExecutionListFilter(workflowID: "none")).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tasksAreUpsertedByPlaceAndKeepTheirOrderAndHistory(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.open()
            try await store.insertWorkflow(Self.record("x"))
            try await store.saveTask(Self.task("x", "one", status: .running))
            try await store.saveTask(Self.task("x", "fan"))
            try await store.saveTask(Self.task("x", "fan/child", parent: "x/fan"))
            var finished = Self.task("x", "one")
            finished.startedAt = "2026-01-02T03:04:05.100Z"
            finished.endedAt = "2026-01-02T03:04:05.350Z"
            finished.attempts = 3
            finished.error = ["message": "first try failed", "kind": "tool"]
            try await store.saveTask(finished)
            let tasks = try await store.tasks(workflowExecID: "x")
            // Replacing `one` keeps its place: the order is that of the first save.
            #expect(tasks.map(\.path) == ["one", "fan", "fan/child"])
            #expect(tasks[0] == finished && tasks[0].durationMilliseconds == 250)
            #expect(tasks[2].parent == "x/fan" && tasks[1].parent == nil && tasks[1].attempts == 0)
            #expect(try await store.tasks(workflowExecID: "nobody").isEmpty)
            // A task of an execution the store does not have is refused.
            await #expect(throws: StoreError.self) { try await store.saveTask(Self.task("ghost", "one")) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func whatWasWrittenIsThereAfterAReopen(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let first = try await harness.open()
            try await first.insertWorkflow(Self.record("durable", .running, at: 7))
            try await first.saveTask(Self.task("durable", "step"))
            try await first.updateWorkflow(execID: "durable", status: .success, output: ["ok": true], error: nil)
            await harness.closeAll()
            let second = try await harness.open()
            let record = try #require(try await second.workflow(execID: "durable"))
            #expect(record.status == .success && record.output == ["ok": true] && record.input == ["n": 7])
            #expect(try await second.tasks(workflowExecID: "durable") == [Self.task("durable", "step")])
            #expect(try await second.listWorkflows(limit: nil).map(\.execID) == ["durable"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentCheckpointsAllLand(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.open()
            try await store.insertWorkflow(Self.record("par"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 { group.addTask { try await store.saveTask(Self.task("par", "each[\(index)]")) } }
                try await group.waitForAll()
            }
            #expect(Set(try await store.tasks(workflowExecID: "par").map(\.path)) == Set((0..<50).map { "each[\($0)]" }))
        }
    }
}
