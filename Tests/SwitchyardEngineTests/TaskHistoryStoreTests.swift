import Foundation
import SwitchyardEngine
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// The store's task history (start, end, attempts), its migration from a v1 file, and the list
/// filters, on real SQLite.
@Suite(.serialized)
struct TaskHistoryStoreTests {
    /// A store file written by the v1 schema (before the history columns), with one execution.
    static let v1File = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/store-v1.sqlite").path
    static let v1ExecID = "81e0d851-81ab-4820-81dd-4c75b81a12a8"

    @Test func aV1StoreFileOpensAndKeepsItsExecutions() async throws {
        let path = TemporaryDirectory.make("switchyard-v1") + "/state.sqlite"
        try FileManager.default.copyItem(atPath: Self.v1File, toPath: path)
        let store = try SQLiteExecutionStore(path: path)
        let record = try #require(try await store.workflow(execID: Self.v1ExecID))
        #expect(record.workflowID == "wf" && record.status == .success)
        let old = try #require(try await store.tasks(workflowExecID: Self.v1ExecID).first)
        #expect(old.taskID == "hi" && old.startedAt == nil && old.attempts == 0 && old.durationMilliseconds == nil)
        #expect(old.json["duration_ms"] == .null && old.json["attempts"] == 0)
        // The migrated file takes new history and opens again.
        var task = old
        task.path = "again"
        task.startedAt = "2026-01-02T03:04:05.006Z"
        task.endedAt = "2026-01-02T03:04:06.500Z"
        task.attempts = 2
        try await store.saveTask(task)
        let reopened = try SQLiteExecutionStore(path: path)
        let saved = try #require(try await reopened.tasks(workflowExecID: Self.v1ExecID).first { $0.path == "again" })
        #expect(saved.attempts == 2 && saved.durationMilliseconds == 1494)
    }

    @Test func listFiltersAndPagesInOneStableOrder() async throws {
        let store = try SQLiteExecutionStore(path: TemporaryDirectory.make("switchyard-list") + "/state.sqlite")
        var expected: [String] = []
        for index in 0..<7 {
            let id = "exec-\(index)"
            // Equal timestamps in pairs: the insertion order breaks the tie.
            let time = "2026-01-02T03:04:0\(index / 2).000Z"
            try await store.insertWorkflow(WorkflowExecutionRecord(
                execID: id, workflowID: index % 2 == 0 ? "even" : "odd", status: index % 3 == 0 ? .failed : .success,
                input: .emptyObject, createdAt: time, updatedAt: time))
            expected.insert(id, at: 0)
        }
        let wrapped = ListOnlyStore(inner: store)
        for source in [store as any ExecutionStore, wrapped] {
            func ids(_ filter: ExecutionListFilter) async throws -> [String] { try await source.listWorkflows(filter).map(\.execID) }
            #expect(try await ids(ExecutionListFilter()) == expected)
            #expect(try await ids(ExecutionListFilter(workflowID: "even")) == ["exec-6", "exec-4", "exec-2", "exec-0"])
            #expect(try await ids(ExecutionListFilter(status: .failed)) == ["exec-6", "exec-3", "exec-0"])
            #expect(try await ids(ExecutionListFilter(workflowID: "odd", status: .failed)) == ["exec-3"])
            var pages: [String] = [], after: String?
            repeat {
                let page = try await ids(ExecutionListFilter(limit: 3, after: after))
                pages += page
                after = page.count == 3 ? page.last : nil
            } while after != nil
            #expect(pages == expected)
            #expect(try await ids(ExecutionListFilter(after: "missing")).isEmpty)
        }
    }

    @Test func timestampsReadBackToMilliseconds() {
        #expect(Timestamp.milliseconds("1970-01-01T00:00:01.234Z") == 1234)
        #expect(Timestamp.milliseconds(Timestamp.format(Date(timeIntervalSince1970: 1_700_000_000.5))) == 1_700_000_000_500)
        #expect(Timestamp.milliseconds("yesterday") == nil)
    }
}

/// A store with no list query of its own: the protocol's in-memory filter answers for it.
private struct ListOnlyStore: ExecutionStore {
    let inner: SQLiteExecutionStore
    func insertWorkflow(_ record: WorkflowExecutionRecord) async throws { try await inner.insertWorkflow(record) }
    func updateWorkflow(execID: String, status: ExecutionStatus, output: JSONValue?, error: JSONValue?) async throws {
        try await inner.updateWorkflow(execID: execID, status: status, output: output, error: error)
    }
    func workflow(execID: String) async throws -> WorkflowExecutionRecord? { try await inner.workflow(execID: execID) }
    func listWorkflows(limit: Int?) async throws -> [WorkflowExecutionRecord] { try await inner.listWorkflows(limit: limit) }
    func saveTask(_ record: TaskExecutionRecord) async throws { try await inner.saveTask(record) }
    func tasks(workflowExecID: String) async throws -> [TaskExecutionRecord] { try await inner.tasks(workflowExecID: workflowExecID) }
}
