import Foundation
import Testing
@testable import SwitchyardEngine
import SwitchyardJSON

/// Stored signals and the notifier on a real SQLite file, opened twice as two processes would
/// (two connection pools, nothing shared in memory): exactly-once taking under two concurrent
/// takers, the accepting statuses, and wake-ups that cross from one store instance to the other.
@Suite(.timeLimit(.minutes(1)))
struct StoredSignalTests {
    static func storePair() throws -> (SQLiteExecutionStore, SQLiteExecutionStore, String) {
        let path = NSTemporaryDirectory() + "switchyard-signals-\(UUID().uuidString)/state.sqlite"
        return (try SQLiteExecutionStore(path: path), try SQLiteExecutionStore(path: path), path)
    }

    static func insert(_ store: SQLiteExecutionStore, _ execID: String, status: ExecutionStatus = .running) async throws {
        let now = Timestamp.now()
        try await store.insertWorkflow(WorkflowExecutionRecord(execID: execID, workflowID: "wf", status: status,
                                                               input: .emptyObject, createdAt: now, updatedAt: now))
    }

    static var descriptors: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1 }

    @Test func twoConcurrentTakersTakeEverySignalExactlyOnce() async throws {
        let (first, second, _) = try Self.storePair()
        try await Self.insert(first, "e1")
        for index in 0..<200 {
            let stored = try await (index.isMultiple(of: 2) ? first : second)
                .postSignal(Signal(name: "go", payload: ["n": .int(Int64(index))]), to: "e1")
            #expect(stored != nil)
        }
        // Each taker reads the pending list and takes what it can, as a wait task does; both
        // see the same rows at once and race for each of them.
        func taker(_ store: SQLiteExecutionStore, _ name: String) async throws -> [Int64] {
            var taken: [Int64] = []
            while case let pending = try await store.pendingSignals(execID: "e1"), !pending.isEmpty {
                for signal in pending where try await store.takeSignal(signal.signalID, outcome: .delivered, taker: name) {
                    taken.append(signal.signalID)
                }
            }
            return taken
        }
        async let a = taker(first, "a")
        async let b = taker(second, "b")
        let (takenByA, takenByB) = try await (a, b)
        #expect(takenByA.count + takenByB.count == 200)
        #expect(Set(takenByA).isDisjoint(with: takenByB))
        #expect(Set(takenByA + takenByB).count == 200)
        #expect(try await first.pendingSignals(execID: "e1").isEmpty)
        // Taken is final: a late taker gets nothing.
        #expect(try await second.takeSignal(try #require(takenByA.first ?? takenByB.first), outcome: .dropped, taker: "late") == false)
    }

    @Test func onlyExecutionsThatHaveNotEndedTakeSignals() async throws {
        let (store, _, _) = try Self.storePair()
        #expect(try await store.postSignal(Signal(name: "go"), to: "unknown") == nil)
        for status in ExecutionStatus.allCases {
            try await Self.insert(store, "e-\(status.rawValue)", status: status)
            let stored = try await store.postSignal(Signal(name: "go", payload: ["s": .string(status.rawValue)]),
                                                    to: "e-\(status.rawValue)")
            #expect((stored != nil) == StoredSignal.acceptingStatuses.contains(status), "\(status)")
        }
        let pending = try await store.pendingSignals(execID: "e-RUNNING")
        #expect(pending.map(\.signal) == [Signal(name: "go", payload: ["s": "RUNNING"])])
    }

    @Test func aFinishAndASignalInOneStoreWakeASubscriberOfTheOther() async throws {
        let (writer, reader, _) = try Self.storePair()
        let notifier = try #require(reader.notifier as? SQLitePollingNotifier)
        func round(_ index: Int) async throws {
            let execID = "e\(index)", other = "other\(index)"
            try await Self.insert(writer, execID)
            try await Self.insert(writer, other)
            var wakeUps = notifier.wakeUps(for: execID).makeAsyncIterator()
            #expect(notifier.isPolling)
            // The other execution's end wakes no subscriber of this one; its signal and end do, in order.
            try await writer.updateWorkflow(execID: other, status: .success, output: nil, error: nil)
            _ = try await writer.postSignal(Signal(name: "go"), to: execID)
            try await writer.updateWorkflow(execID: execID, status: .waiting, output: nil, error: nil)
            try await writer.updateWorkflow(execID: execID, status: .failed, output: nil, error: nil)
            #expect(await wakeUps.next() == ExecutionWakeUp(.signal, execID: execID))
            #expect(await wakeUps.next() == ExecutionWakeUp(.finished, execID: execID))
        }
        // The dropped stream leaves no subscriber, and the poller stops with the last one.
        func settled() async throws {
            #expect(notifier.subscriberCount == 0)
            for _ in 0..<200 where notifier.isPolling { try await Task.sleep(for: .milliseconds(10)) }
            #expect(!notifier.isPolling)
        }
        // The first round opens the pools' connections; later ones must open nothing more.
        try await round(0)
        try await settled()
        let descriptorsBefore = Self.descriptors
        for index in 1...3 {
            try await round(index)
            try await settled()
        }
        #expect(Self.descriptors == descriptorsBefore)
    }

    @Test func theLocalNotifierWakesSubscribersOfThatExecutionAndOfAll() async throws {
        let notifier = LocalExecutionNotifier()
        var one = notifier.wakeUps(for: "e1").makeAsyncIterator()
        var all = notifier.wakeUps(for: nil).makeAsyncIterator()
        await notifier.publish(ExecutionWakeUp(.finished, execID: "e2"))
        await notifier.publish(ExecutionWakeUp(.signal, execID: "e1"))
        #expect(await one.next() == ExecutionWakeUp(.signal, execID: "e1"))
        #expect(await all.next() == ExecutionWakeUp(.finished, execID: "e2"))
        #expect(await all.next() == ExecutionWakeUp(.signal, execID: "e1"))
        #expect(notifier.subscriberCount == 2)
        #expect(ExecutionWakeUp(wireText: "finished:a:b") == ExecutionWakeUp(.finished, execID: "a:b"))
        #expect(ExecutionWakeUp(wireText: ExecutionWakeUp(.task, execID: "x").wireText) == ExecutionWakeUp(.task, execID: "x"))
    }
}
