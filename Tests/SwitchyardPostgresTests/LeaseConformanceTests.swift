import Foundation
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardPostgres
import Testing

/// The lease API (`ExecutionLeasing`) with the same assertions on SQLite and Postgres: claims
/// oldest first and once, a steal after expiry, fenced writes refused once the lease is lost,
/// release. A zero TTL makes a lease expired at once, so nothing waits for a clock.
@Suite(.serialized)
struct LeaseConformanceTests {
    static let long = Duration.seconds(600)
    static func record(_ id: String, _ status: ExecutionStatus = .running, at second: Int = 0) -> WorkflowExecutionRecord {
        StoreConformanceTests.record(id, status, at: second)
    }

    @Test(arguments: StoreKind.allCases)
    func claimsTakeClaimableExecutionsOldestFirstAndOnlyOnce(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.open()
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
            #expect(try await store.claimExecutions(owner: second, limit: 0, ttl: Self.long).isEmpty)
            let lease = try #require(try await store.lease(execID: "pending"))
            #expect(lease.owner == first)
            #expect(try await store.lease(execID: "done-0") == nil)
            #expect(try await store.claimExecution(execID: "running", owner: second, ttl: Self.long) == false)
            #expect(try await store.claimExecution(execID: "running", owner: first, ttl: Self.long) == true)
            #expect(try await store.claimExecution(execID: "done-0", owner: second, ttl: Self.long) == false)
            #expect(try await store.claimExecution(execID: "nope", owner: second, ttl: Self.long) == nil)
            #expect(try await store.claimExecution(execID: "unleased", owner: second, ttl: Self.long) == true)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anExpiredLeaseIsStolenAndItsOldOwnerLearnsOnRenew(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.open()
            let crashed = LeaseOwner.make(), survivor = LeaseOwner.make()
            try await store.insertWorkflow(Self.record("a"), leasedTo: crashed, ttl: .zero)
            try await store.insertWorkflow(Self.record("b", at: 1), leasedTo: crashed, ttl: Self.long)
            // An expired lease nobody claimed yet is still its owner's: renewing it keeps it.
            #expect(try await store.renewLeases(owner: crashed, execIDs: ["a"], ttl: .zero).isEmpty)
            #expect(try await store.claimExecutions(owner: survivor, limit: 10, ttl: Self.long) == ["a"])
            #expect(try await store.renewLeases(owner: crashed, execIDs: ["a", "b"], ttl: Self.long) == ["a"])
            #expect(try await store.lease(execID: "a")?.owner == survivor)
            #expect(try await store.lease(execID: "b")?.owner == crashed)
            #expect(try await store.renewLeases(owner: survivor, execIDs: [], ttl: Self.long).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func fencedWritesOfALostLeaseAreRefusedAndWriteNothing(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.open()
            let old = LeaseOwner.make(), new = LeaseOwner.make()
            try await store.insertWorkflow(Self.record("x"), leasedTo: old, ttl: .zero)
            try await store.saveTask(StoreConformanceTests.task("x", "one"), fencedBy: old)
            #expect(try await store.claimExecutions(owner: new, limit: 1, ttl: Self.long) == ["x"])
            let refusal = await #expect(throws: StoreError.self) {
                try await store.saveTask(StoreConformanceTests.task("x", "two"), fencedBy: old)
            }
            #expect(refusal?.kind == .leaseLost && refusal?.message.contains(old.id) == true)
            let finish = await #expect(throws: StoreError.self) {
                try await store.updateWorkflow(execID: "x", status: .success, output: [:], error: nil, fencedBy: old)
            }
            #expect(finish?.kind == .leaseLost)
            #expect(try await store.tasks(workflowExecID: "x").map(\.path) == ["one"])
            #expect(try await store.workflow(execID: "x")?.status == .running)
            // The holder writes; its final status drops the lease, so nobody claims it again.
            try await store.saveTask(StoreConformanceTests.task("x", "two"), fencedBy: new)
            try await store.updateWorkflow(execID: "x", status: .success, output: [:], error: nil, fencedBy: new)
            #expect(try await store.lease(execID: "x") == nil)
            #expect(try await store.claimExecutions(owner: old, limit: 1, ttl: Self.long).isEmpty)
            let twice = await #expect(throws: StoreError.self) {
                try await store.updateWorkflow(execID: "x", status: .failed, output: [:], error: nil, fencedBy: new)
            }
            #expect(twice?.kind == .leaseLost)
            #expect(try await store.workflow(execID: "x")?.status == .success)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentFencedCheckpointsLandOnlyForTheHolder(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.open()
            let holder = LeaseOwner.make(), stranger = LeaseOwner.make()
            try await store.insertWorkflow(Self.record("y"), leasedTo: holder, ttl: Self.long)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<40 {
                    let owner = index % 2 == 0 ? holder : stranger
                    group.addTask {
                        (try? await store.saveTask(StoreConformanceTests.task("y", "t\(index)"), fencedBy: owner)) != nil
                    }
                }
                return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(outcomes == 20)
            let saved = Set(try await store.tasks(workflowExecID: "y").map(\.path))
            #expect(saved == Set((0..<40).filter { $0 % 2 == 0 }.map { "t\($0)" }))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func releaseMakesExecutionsClaimableAtOnce(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.open()
            let leaving = LeaseOwner.make(), staying = LeaseOwner.make()
            for index in 0..<3 {
                try await store.insertWorkflow(Self.record("r\(index)", at: index), leasedTo: leaving, ttl: Self.long)
            }
            #expect(try await store.claimExecutions(owner: staying, limit: 10, ttl: Self.long).isEmpty)
            try await store.releaseLeases(owner: leaving, execIDs: ["r0"])
            #expect(try await store.claimExecutions(owner: staying, limit: 10, ttl: Self.long) == ["r0"])
            try await store.releaseLeases(owner: leaving, execIDs: nil)
            #expect(try await store.claimExecutions(owner: staying, limit: 10, ttl: Self.long) == ["r1", "r2"])
            try await store.releaseLeases(owner: leaving, execIDs: nil)
            #expect(try await store.lease(execID: "r1")?.owner == staying)
        }
    }

    /// Several processes claiming at once (here: several store instances, each its own pool)
    /// split the executions: each is claimed exactly once.
    @Test(arguments: StoreKind.allCases)
    func concurrentClaimersNeverClaimOneExecutionTwice(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let seed = try await harness.open()
            for index in 0..<60 { try await seed.insertWorkflow(Self.record(String(format: "c%02d", index), .pending, at: index % 60)) }
            var claimers: [any ExecutionLeasing] = []
            for _ in 0..<3 { claimers.append(try await harness.open()) }
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for claimer in claimers {
                    group.addTask {
                        let owner = LeaseOwner.make()
                        var mine: [String] = []
                        while true {
                            let batch = try await claimer.claimExecutions(owner: owner, limit: 4, ttl: Self.long)
                            if batch.isEmpty { return mine }
                            mine += batch
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(claimed.count == 60 && Set(claimed).count == 60)
        }
    }
}

/// Stored signals (`SignalStore`) with the same assertions on SQLite and Postgres.
@Suite(.serialized)
struct SignalStoreConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func signalsAreStoredForOpenExecutionsAndTakenOnce(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            guard let store = try await harness.open() as? any SignalStore else {
                Issue.record("\(kind) is not a SignalStore")
                return
            }
            try await store.insertWorkflow(StoreConformanceTests.record("open", .waiting))
            try await store.insertWorkflow(StoreConformanceTests.record("done", .success, at: 1))
            let first = try #require(try await store.postSignal(Signal(name: "go", payload: ["n": 1]), to: "open"))
            let second = try #require(try await store.postSignal(Signal(name: "go", payload: ["n": 2]), to: "open"))
            #expect(second.signalID > first.signalID)
            #expect(try await store.postSignal(Signal(name: "go"), to: "done") == nil)
            #expect(try await store.postSignal(Signal(name: "go"), to: "nobody") == nil)
            #expect(try await store.pendingSignals(execID: "open").map(\.signal.payload) == [["n": 1], ["n": 2]])
            #expect(try await store.takeSignal(first.signalID, outcome: .delivered, taker: "wait") == true)
            #expect(try await store.takeSignal(first.signalID, outcome: .delivered, taker: "other") == false)
            #expect(try await store.pendingSignals(execID: "open").map(\.signalID) == [second.signalID])
        }
    }
}
