import Foundation
@testable import SwitchyardEngine
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// An engine that owns executions by lease, on real SQLite: `--max-executions` bounds what it
/// claims (a start above it is queued PENDING), a drained engine claims nothing, and a lost
/// lease stops the run with nothing more recorded. Rounds are driven by hand (`tick`), the
/// renewer's own interval being far away.
@Suite(.serialized)
struct ExecutionOwnershipLeaseTests {
    static let workflow = """
        id: wf
        tasks:
          - id: hold
            tool: append
            with: {file: "{{ .workflow.input.log }}", line: "hold", block_unless_exists: "{{ .workflow.input.gate }}"}
            on_success: {next: after}
          - id: after
            tool: append
            with: {file: "{{ .workflow.input.log }}", line: "after"}
        """

    static func manual(_ max: Int = 64, ttl: Duration = .seconds(600), recovers: Bool = true) -> OwnershipConfiguration {
        OwnershipConfiguration(ttl: ttl, renewInterval: .seconds(3600), maxExecutions: max, recovers: recovers)
    }

    static func queue(_ store: SQLiteExecutionStore, _ id: String, input: JSONValue) async throws {
        let now = Timestamp.now()
        try await store.insertWorkflow(WorkflowExecutionRecord(execID: id, workflowID: "wf", status: .pending, input: input,
                                                               createdAt: now, updatedAt: now))
    }

    static func eventually(_ condition: () async throws -> Bool) async rethrows -> Bool {
        for _ in 0..<1000 {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return try await condition()
    }

    @Test func maxExecutionsBoundsClaimsAndAStartAboveItIsQueuedThenRuns() async throws {
        let project = try TestProject(Self.workflow)
        let store = try SQLiteExecutionStore(path: project.storePath)
        let input: JSONValue = ["log": .string(project.path("log")), "gate": .string(project.path("gate"))]
        for index in 0..<5 { try await Self.queue(store, "queued-\(index)", input: input) }
        let engine = try project.engine(store: store)
        let ownership = engine.takeOwnership(store: store, configuration: Self.manual(2))
        #expect(await Self.eventually { engine.runningExecutions.count == 2 })
        #expect(Set(ownership.heldExecutions) == ["queued-0", "queued-1"])
        let above = try await engine.start(workflowID: "wf", input: input)
        #expect(try await store.workflow(execID: above.execID)?.status == .pending)
        #expect(try await store.lease(execID: above.execID) == nil)
        #expect(engine.runningExecutions.count == 2)

        #expect(FileManager.default.createFile(atPath: project.path("gate"), contents: Data()))
        #expect(try await Self.eventually {
            await ownership.tick()
            return try await store.listWorkflows(limit: nil).allSatisfy { $0.status == .success }
        })
        #expect(await above.result().status == .success)
        #expect(project.lines("log").filter { $0 == "after" }.count == 6)
        let leftLease = try await store.lease(execID: "queued-4")
        #expect(ownership.heldExecutions.isEmpty && leftLease == nil)
        await ownership.stop(grace: .zero)
    }

    @Test func aDrainedEngineClaimsNothingAndQueuesNewStarts() async throws {
        let project = try TestProject(Self.workflow)
        let store = try SQLiteExecutionStore(path: project.storePath)
        let input: JSONValue = ["log": .string(project.path("log")), "gate": .string(project.path("gate"))]
        let engine = try project.engine(store: store)
        let ownership = engine.takeOwnership(store: store, configuration: Self.manual())
        ownership.drain()
        try await Self.queue(store, "waiting-for-room", input: input)
        await ownership.tick()
        #expect(ownership.heldExecutions.isEmpty && engine.runningExecutions.isEmpty)
        let started = try await engine.start(workflowID: "wf", input: input)
        #expect(try await store.workflow(execID: started.execID)?.status == .pending)
        // Another process picks both up.
        let other = try project.engine(store: store)
        let taker = other.takeOwnership(store: store, configuration: Self.manual())
        #expect(FileManager.default.createFile(atPath: project.path("gate"), contents: Data()))
        #expect(await started.result().status == .success)
        #expect(try await Self.eventually { try await store.workflow(execID: "waiting-for-room")?.status == .success })
        await taker.stop(grace: .zero)
        await ownership.stop(grace: .zero)
    }

    @Test func aLostLeaseStopsTheRunAndNothingMoreIsRecorded() async throws {
        let project = try TestProject(Self.workflow)
        let store = try SQLiteExecutionStore(path: project.storePath)
        let input: JSONValue = ["log": .string(project.path("log")), "gate": .string(project.path("gate"))]
        let engine = try project.engine(store: store)
        // A zero TTL: the lease is expired at once, so another owner can steal it now.
        let ownership = engine.takeOwnership(store: store, configuration: Self.manual(ttl: .zero, recovers: false))
        let handle = try await engine.start(workflowID: "wf", input: input)
        #expect(await Self.eventually { project.lines("log") == ["hold"] })
        let thief = LeaseOwner.make()
        #expect(try await store.claimExecutions(owner: thief, limit: 1, ttl: .seconds(600)) == [handle.execID])
        await ownership.tick()
        let result = await handle.result()
        #expect(result.status != .success)
        #expect(result.error?["message"]?.stringValue?.contains("lease lost") == true, "\(result)")
        // The run stopped: the next task never ran, and neither a task end nor a final status was written.
        #expect(project.lines("log") == ["hold"])
        #expect(try await store.workflow(execID: handle.execID)?.status == .running)
        #expect(try await store.tasks(workflowExecID: handle.execID).map(\.status) == [.running])
        #expect(try await store.lease(execID: handle.execID)?.owner == thief)
        #expect(engine.runningExecutions.isEmpty && ownership.heldExecutions.isEmpty)
        await ownership.stop(grace: .zero)
    }
}
