import Foundation
import SwitchyardEngine
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// The lease API (`ExecutionLeasing`) on real SQLite: claims, renewals, expiry, a steal, and
/// fenced writes refused once the lease is lost. A zero TTL makes a lease expired at once, so
/// nothing here waits for a clock.
@Suite(.serialized)
struct ExecutionLeaseStoreTests {
    static let long = Duration.seconds(600)

    static func store() throws -> SQLiteExecutionStore {
        try SQLiteExecutionStore(path: TemporaryDirectory.make("switchyard-lease") + "/state.sqlite")
    }

    static func record(_ id: String, _ status: ExecutionStatus = .running, at second: Int = 0) -> WorkflowExecutionRecord {
        let time = "2026-01-02T03:04:\(second < 10 ? "0" : "")\(second).000Z"
        return WorkflowExecutionRecord(execID: id, workflowID: "wf", status: status, input: .emptyObject,
                                       createdAt: time, updatedAt: time)
    }

    static func task(_ execID: String, _ path: String) -> TaskExecutionRecord {
        TaskExecutionRecord(taskExecID: "\(execID)/\(path)", taskID: path, workflowExecID: execID, path: path,
                            parent: nil, status: .success, input: .emptyObject, output: ["done": true],
                            createdAt: Timestamp.now(), updatedAt: Timestamp.now())
    }

    @Test func claimsTakeClaimableExecutionsOldestFirstAndOnlyOnce() async throws {
        let store = try Self.store()
        let first = LeaseOwner.make(), second = LeaseOwner.make(), crashed = LeaseOwner.make()
        // The oldest is a one-shot run's (RUNNING, no lease row): a process that does not lease runs
        // it, so no claim takes it; only a resume by hand does.
        try await store.insertWorkflow(Self.record("unleased", .running, at: 0))
        try await store.insertWorkflow(Self.record("pending", .pending, at: 1))
        try await store.insertWorkflow(Self.record("running", .running, at: 2), leasedTo: crashed, ttl: .zero)
        try await store.insertWorkflow(Self.record("waiting", .waiting, at: 3), leasedTo: crashed, ttl: .zero)
        for (index, status) in [ExecutionStatus.success, .failed, .timedOut, .canceled, .paused].enumerated() {
            try await store.insertWorkflow(Self.record("done-\(index)", status, at: 4 + index))
        }
        #expect(try await store.claimExecutions(owner: first, limit: 2, ttl: Self.long) == ["pending", "running"])
        #expect(try await store.claimExecutions(owner: second, limit: 10, ttl: Self.long) == ["waiting"])
        #expect(try await store.claimExecutions(owner: second, limit: 10, ttl: Self.long).isEmpty)
        let lease = try #require(try await store.lease(execID: "pending"))
        #expect(lease.owner == first && LeaseOwner(id: first.id) == first)
        #expect(try await store.claimExecution(execID: "running", owner: second, ttl: Self.long) == false)
        #expect(try await store.claimExecution(execID: "running", owner: first, ttl: Self.long) == true)
        #expect(try await store.claimExecution(execID: "done-0", owner: second, ttl: Self.long) == false)
        #expect(try await store.claimExecution(execID: "nope", owner: second, ttl: Self.long) == nil)
        #expect(try await store.claimExecution(execID: "unleased", owner: second, ttl: Self.long) == true)
    }

    @Test func anExpiredLeaseIsStolenAndItsOldOwnerLearnsOnRenew() async throws {
        let store = try Self.store()
        let crashed = LeaseOwner.make(), survivor = LeaseOwner.make()
        try await store.insertWorkflow(Self.record("a"), leasedTo: crashed, ttl: .zero)
        try await store.insertWorkflow(Self.record("b", at: 1), leasedTo: crashed, ttl: Self.long)
        // An expired lease nobody claimed yet is still its owner's: renewing it keeps it.
        #expect(try await store.renewLeases(owner: crashed, execIDs: ["a"], ttl: .zero).isEmpty)
        #expect(try await store.claimExecutions(owner: survivor, limit: 10, ttl: Self.long) == ["a"])
        #expect(try await store.renewLeases(owner: crashed, execIDs: ["a", "b"], ttl: Self.long) == ["a"])
        #expect(try await store.lease(execID: "a")?.owner == survivor)
        #expect(try await store.lease(execID: "b")?.owner == crashed)
    }

    @Test func fencedWritesOfALostLeaseAreRefusedAndWriteNothing() async throws {
        let store = try Self.store()
        let old = LeaseOwner.make(), new = LeaseOwner.make()
        try await store.insertWorkflow(Self.record("x"), leasedTo: old, ttl: .zero)
        try await store.saveTask(Self.task("x", "one"), fencedBy: old)
        #expect(try await store.claimExecutions(owner: new, limit: 1, ttl: Self.long) == ["x"])
        let refusal = await #expect(throws: StoreError.self) { try await store.saveTask(Self.task("x", "two"), fencedBy: old) }
        #expect(refusal?.kind == .leaseLost && refusal?.message.contains(old.id) == true)
        let finish = await #expect(throws: StoreError.self) {
            try await store.updateWorkflow(execID: "x", status: .success, output: [:], error: nil, fencedBy: old)
        }
        #expect(finish?.kind == .leaseLost)
        #expect(try await store.tasks(workflowExecID: "x").map(\.path) == ["one"])
        #expect(try await store.workflow(execID: "x")?.status == .running)
        // The holder writes; its final status drops the lease, so nobody claims it again.
        try await store.saveTask(Self.task("x", "two"), fencedBy: new)
        try await store.updateWorkflow(execID: "x", status: .success, output: [:], error: nil, fencedBy: new)
        #expect(try await store.lease(execID: "x") == nil)
        #expect(try await store.claimExecutions(owner: old, limit: 1, ttl: Self.long).isEmpty)
        let twice = await #expect(throws: StoreError.self) {
            try await store.updateWorkflow(execID: "x", status: .failed, output: [:], error: nil, fencedBy: new)
        }
        let final = try await store.workflow(execID: "x")
        #expect(twice?.kind == .leaseLost && final?.status == .success)
    }

    @Test func aGroupCommitBatchRefusesOnlyTheLostOwnersCheckpoints() async throws {
        let store = try Self.store()
        let holder = LeaseOwner.make(), stranger = LeaseOwner.make()
        try await store.insertWorkflow(Self.record("y"), leasedTo: holder, ttl: Self.long)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                let owner = index % 2 == 0 ? holder : stranger
                group.addTask { (try? await store.saveTask(Self.task("y", "t\(index)"), fencedBy: owner)) != nil }
            }
            return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(outcomes == 20)
        let saved = Set(try await store.tasks(workflowExecID: "y").map(\.path))
        #expect(saved == Set((0..<40).filter { $0 % 2 == 0 }.map { "t\($0)" }))
    }

    @Test func releaseMakesExecutionsClaimableAtOnce() async throws {
        let store = try Self.store()
        let leaving = LeaseOwner.make(), staying = LeaseOwner.make()
        for index in 0..<3 { try await store.insertWorkflow(Self.record("r\(index)", at: index), leasedTo: leaving, ttl: Self.long) }
        #expect(try await store.claimExecutions(owner: staying, limit: 10, ttl: Self.long).isEmpty)
        try await store.releaseLeases(owner: leaving, execIDs: ["r0"])
        #expect(try await store.claimExecutions(owner: staying, limit: 10, ttl: Self.long) == ["r0"])
        try await store.releaseLeases(owner: leaving, execIDs: nil)
        #expect(try await store.claimExecutions(owner: staying, limit: 10, ttl: Self.long) == ["r1", "r2"])
        // Releasing another owner's lease does nothing.
        try await store.releaseLeases(owner: leaving, execIDs: nil)
        #expect(try await store.lease(execID: "r1")?.owner == staying)
    }
}
