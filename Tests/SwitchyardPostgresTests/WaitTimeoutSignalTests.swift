import Foundation
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardTestSupport
import Testing

/// A wait task whose timeout fires while the store is taking a signal for it: the taken signal
/// is delivered to the wait (it is marked taken, so nothing else can ever get it), on SQLite and
/// Postgres. Every wait here is bounded, so a hang is a failure that names where it stopped.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct WaitTimeoutSignalTests {
    static let workflow = """
        id: waiter
        tasks:
          - id: hold
            type: wait
            wait_for: go
            timeout: 300ms
        """

    static func engine(on store: any ExecutionStore) throws -> WorkflowEngine {
        let directory = TemporaryDirectory.make("switchyard-wait-timeout")
        try "name: waits\nversion: \"1\"\nworkflows:\n  - source: waiter.yaml\n"
            .write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try workflow.write(toFile: directory + "/waiter.yaml", atomically: true, encoding: .utf8)
        return WorkflowEngine(project: try ProjectLoader.load(directory: directory), adapters: [:], store: store)
    }

    /// Polls (at most 10 s) until `execID` is WAITING.
    static func untilWaiting(_ store: any ExecutionStore, _ execID: String) async throws -> Bool {
        for _ in 0..<2000 {
            if try await store.workflow(execID: execID)?.status == .waiting { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    @Test(arguments: StoreKind.allCases)
    func aSignalTakenWhileTheTimeoutFiresIsDeliveredToTheWait(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let real = try #require(try await harness.open() as? any SignalStore & NotifyingStore)
            // The take commits at once and answers 1 s later: the 300 ms timeout fires in between.
            let store = SlowTakingStore(real, answerDelay: .seconds(1))
            let engine = try Self.engine(on: store)
            let handle = try await engine.start(workflowID: "waiter")
            #expect(try await Self.untilWaiting(store, handle.execID), "the wait never started")
            #expect(try await engine.postSignal(Signal(name: "go", payload: ["n": 1]), to: handle.execID))
            let result = try #require(await handle.result(waitingAtMost: .seconds(30)), "the run did not end in 30 s")
            // The signal was taken (nothing pending), so the wait must have it.
            #expect(try await real.pendingSignals(execID: handle.execID).isEmpty)
            #expect(result.status == .success, "\(result.error ?? .null)")
            #expect(result.output["hold"]?["output"]?["signal"]?["payload"] == ["n": 1])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aWaitWithoutASignalStillTimesOutAndItsEndRefusesLateSignals(_ kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let real = try #require(try await harness.open() as? any SignalStore & NotifyingStore)
            let engine = try Self.engine(on: SlowTakingStore(real, answerDelay: .seconds(1)))
            let handle = try await engine.start(workflowID: "waiter")
            let result = try #require(await handle.result(waitingAtMost: .seconds(30)), "the run did not end in 30 s")
            #expect(result.status == .failed)
            #expect(result.output["hold"]?["output"]?["timed_out"] == true)
            // The execution has ended: a later signal is refused, not taken by the ended wait.
            #expect(try await engine.postSignal(Signal(name: "go"), to: handle.execID) == false)
        }
    }
}
