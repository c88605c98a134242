import Foundation
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardPostgres
import Testing

/// `ScheduleStore` on SQLite and Postgres: a slot is recorded once however many claimers race for
/// it (store instances on the same data stand for processes), and the overlap decision is taken
/// with the claim.
@Suite(.serialized)
struct ScheduleStoreConformanceTests {
    static func schedules(_ harness: StoreHarness) async throws -> any ScheduleStore {
        try #require(try await harness.open().scheduleStore)
    }

    static func execution(_ id: String, _ status: ExecutionStatus) -> WorkflowExecutionRecord {
        let now = Timestamp.now()
        return WorkflowExecutionRecord(execID: id, workflowID: "wf", status: status, input: .emptyObject,
                                       createdAt: now, updatedAt: now)
    }

    @Test(arguments: StoreKind.allCases)
    func racingClaimersRecordASlotOnce(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let stores = [try await Self.schedules(harness), try await Self.schedules(harness), try await Self.schedules(harness)]
            for round in 0..<5 {
                let slot = "2026-01-02T03:04:0\(round)Z"
                let winners = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<24 {
                        let store = stores[index % stores.count]
                        group.addTask {
                            try await store.claimScheduleSlot(workflowID: "wf", slot: slot, execID: "exec-\(round)",
                                                              policy: .allow) == nil ? 0 : 1
                        }
                    }
                    return try await group.reduce(0, +)
                }
                #expect(winners == 1, "slot \(slot)")
            }
            // Another workflow's slot at the same time is its own.
            #expect(try await stores[0].claimScheduleSlot(workflowID: "other", slot: "2026-01-02T03:04:00Z",
                                                          execID: "x", policy: .allow)?.outcome == .started)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func skipHoldsSlotsBackWhileAScheduledExecutionRuns(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await Self.schedules(harness)
            let first = try await store.claimScheduleSlot(workflowID: "wf", slot: "2026-01-02T03:04:00Z", execID: "e0", policy: .skip)
            #expect(first?.outcome == .started)
            // Claimed, not recorded yet: the claimer is starting it; it counts as running.
            #expect(try await store.claimScheduleSlot(workflowID: "wf", slot: "2026-01-02T03:04:01Z", execID: "e1",
                                                      policy: .skip)?.outcome == .skipped)
            try await store.insertWorkflow(Self.execution("e0", .running))
            #expect(try await store.runningScheduledExecutions(workflowID: "wf") == ["e0"])
            #expect(try await store.claimScheduleSlot(workflowID: "wf", slot: "2026-01-02T03:04:02Z", execID: "e2",
                                                      policy: .skip)?.outcome == .skipped)
            // allow and cancel_other start beside it.
            #expect(try await store.claimScheduleSlot(workflowID: "wf", slot: "2026-01-02T03:04:03Z", execID: "e3",
                                                      policy: .allow)?.outcome == .started)
            try await store.insertWorkflow(Self.execution("e3", .success))
            try await store.updateWorkflow(execID: "e0", status: .success, output: nil, error: nil)
            #expect(try await store.runningScheduledExecutions(workflowID: "wf").isEmpty)
            #expect(try await store.claimScheduleSlot(workflowID: "wf", slot: "2026-01-02T03:04:04Z", execID: "e4",
                                                      policy: .skip)?.outcome == .started)
            try await store.insertWorkflow(Self.execution("e4", .failed))
            let last = try #require(try await store.lastStartedScheduleSlot(workflowID: "wf"))
            #expect(last.slot.slot == "2026-01-02T03:04:04Z" && last.slot.execID == "e4" && last.status == .failed)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func bufferOneKeepsTheNewestSlotUntilTheRunEnds(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await Self.schedules(harness)
            _ = try await store.claimScheduleSlot(workflowID: "wf", slot: "2026-01-02T03:04:00Z", execID: "e0", policy: .bufferOne)
            try await store.insertWorkflow(Self.execution("e0", .running))
            #expect(try await store.claimScheduleSlot(workflowID: "wf", slot: "2026-01-02T03:04:01Z", execID: "e1",
                                                      policy: .bufferOne)?.outcome == .buffered)
            #expect(try await store.claimScheduleSlot(workflowID: "wf", slot: "2026-01-02T03:04:02Z", execID: "e2",
                                                      policy: .bufferOne)?.outcome == .buffered)
            #expect(try await store.startBufferedScheduleSlot(workflowID: "wf") == nil)
            try await store.updateWorkflow(execID: "e0", status: .success, output: nil, error: nil)
            let other = try await Self.schedules(harness)
            async let taken = store.startBufferedScheduleSlot(workflowID: "wf")
            async let alsoTaken = other.startBufferedScheduleSlot(workflowID: "wf")
            let started = [try await taken, try await alsoTaken].compactMap { $0 }
            #expect(started.map(\.execID) == ["e2"], "the newest buffered slot, once")
            #expect(try await store.startBufferedScheduleSlot(workflowID: "wf") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func overridesAreKeptReplacedAndRemoved(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await Self.schedules(harness)
            #expect(try await store.scheduleOverrides().isEmpty)
            let override = ScheduleOverride(workflowID: "wf", enabled: false, declarationDigest: "d1", modifiedAt: Timestamp.now())
            try await store.saveScheduleOverride(override)
            #expect(try await Self.schedules(harness).scheduleOverrides() == ["wf": override])
            var changed = override
            changed.cron = "@every 5s"
            changed.enabled = nil
            changed.deleted = true
            try await store.saveScheduleOverride(changed)
            #expect(try await store.scheduleOverrides() == ["wf": changed])
            try await store.removeScheduleOverride(workflowID: "wf")
            #expect(try await store.scheduleOverrides().isEmpty)
        }
    }
}

extension ScheduleStoreConformanceTests {
    /// A slot claimed by a process that ended before recording its execution is found, and only
    /// until the execution is recorded.
    @Test(arguments: StoreKind.allCases)
    func claimedSlotsWithoutAnExecutionAreFound(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await Self.schedules(harness)
            _ = try await store.claimScheduleSlot(workflowID: "wf", slot: "2026-01-02T03:04:00Z", execID: "e0", policy: .allow)
            _ = try await store.claimScheduleSlot(workflowID: "wf", slot: "2026-01-02T03:04:01Z", execID: "e1", policy: .allow)
            try await store.insertWorkflow(Self.execution("e1", .running))
            let window = (after: Timestamp.format(Date().addingTimeInterval(-60)), before: Timestamp.format(Date().addingTimeInterval(1)))
            let found = try await store.unstartedScheduleSlots(workflowID: "wf", recordedAfter: window.after, before: window.before)
            #expect(found.map(\.execID) == ["e0"])
            #expect(try await store.unstartedScheduleSlots(workflowID: "wf", recordedAfter: window.before,
                                                           before: window.before).isEmpty)
            try await store.insertWorkflow(Self.execution("e0", .running))
            #expect(try await store.unstartedScheduleSlots(workflowID: "wf", recordedAfter: window.after,
                                                           before: window.before).isEmpty)
        }
    }
}
