import Foundation
import SwitchyardEngine
import SwitchyardJSON
@testable import SwitchyardPostgres
import SwitchyardTestSupport
import Testing

/// The Postgres store's LISTEN/NOTIFY notifier, with two store instances on one database (as two
/// processes would have): a write through one wakes the other's subscribers, a dropped LISTEN
/// connection (or one that stops answering) is reconnected and wakes everyone once, and close
/// leaves nothing running.
@Suite(.serialized)
struct PostgresListenNotifierTests {
    @Test func aSignalAndAFinalStatusWrittenThroughOneStoreWakeTheOthersSubscribers() async throws {
        guard let server = TestPostgres.urlOrSkip(#function) else { return }
        let (writer, waiter) = try await Self.twoListeningStores(on: server, running: "e1")

        let signals = waiter.notifier.wakeUps(for: "e1")
        #expect(try await writer.postSignal(Signal(name: "go"), to: "e1") != nil)
        #expect(await Self.first(signals) == ExecutionWakeUp(.signal, execID: "e1"))

        let finishes = waiter.notifier.wakeUps(for: "e1")
        try await writer.updateWorkflow(execID: "e1", status: .success, output: ["ok": true], error: nil)
        #expect(await Self.first(finishes) == ExecutionWakeUp(.finished, execID: "e1"))

        // The writer's own process learns through its publish; no second LISTEN was needed for it.
        #expect(writer.listenNotifier.activations == 0)
        await writer.close()
        await waiter.close()
    }

    @Test func aDroppedListenConnectionIsReconnectedAndWakesEverySubscriberOnce() async throws {
        guard let server = TestPostgres.urlOrSkip(#function) else { return }
        let (writer, waiter) = try await Self.twoListeningStores(on: server, running: "e2")
        let beforeDrop = waiter.notifier.wakeUps(for: "e2")

        // The server ends the LISTEN backend, as a restart or a network cut would.
        let terminated = try await writer.client.query("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE 'LISTEN%'
            """).collect().count
        #expect(terminated == 1)
        // NOTIFYs while nobody listened are lost: the catch-up wake-up stands for them.
        let catchUp = await Self.first(beforeDrop)
        #expect(catchUp?.execID == "e2")
        #expect(await ProcessResources.settle(within: .seconds(10)) { waiter.listenNotifier.activations == 2 })

        let afterReconnect = waiter.notifier.wakeUps(for: "e2")
        #expect(try await writer.postSignal(Signal(name: "go"), to: "e2") != nil)
        #expect(await Self.first(afterReconnect) == ExecutionWakeUp(.signal, execID: "e2"))
        await writer.close()
        await waiter.close()
    }

    @Test func aListenConnectionThatStopsAnsweringIsReplacedAndWakesEverySubscriberOnce() async throws {
        guard let server = TestPostgres.urlOrSkip(#function) else { return }
        let url = try await TestPostgres.freshDatabase(on: server)
        let writer = try await PostgresExecutionStore.open(url: url.unredacted)
        let waiter = PostgresExecutionStore(url: url, listenHeartbeat: .milliseconds(300))
        try await waiter.ready()
        try await writer.insertWorkflow(StoreConformanceTests.record("e3"))
        try await Self.startListening(waiter)
        // The LISTEN backend stops (SIGSTOP): its connection stays open and says nothing, as one
        // to a host that vanished does; no read on it would ever fail.
        let backends = try await writer.client.query("""
            SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'
            """).collect().map { try $0.decode(Int32.self) }
        let frozen = try #require(backends.first, "a LISTEN backend")
        #expect(backends.count == 1)
        #expect(kill(frozen, SIGSTOP) == 0)
        defer { kill(frozen, SIGCONT) }
        let beforeFreeze = waiter.notifier.wakeUps(for: "e3")
        #expect(await Self.first(beforeFreeze)?.execID == "e3", "the catch-up wake-up after the reconnect")
        #expect(await ProcessResources.settle(within: .seconds(10)) { waiter.listenNotifier.activations == 2 })

        let afterReconnect = waiter.notifier.wakeUps(for: "e3")
        #expect(try await writer.postSignal(Signal(name: "go"), to: "e3") != nil)
        #expect(await Self.first(afterReconnect) == ExecutionWakeUp(.signal, execID: "e3"))
        await writer.close()
        await waiter.close()
    }

    @Test func closingAListeningStoreGivesBackItsDescriptorsThreadsAndBackend() async throws {
        guard let server = TestPostgres.urlOrSkip(#function) else { return }
        let url = try await TestPostgres.freshDatabase(on: server)
        // The first client starts NIO's shared event-loop threads, which live as long as the process.
        let warmUp = try await PostgresExecutionStore.open(url: url.unredacted)
        try await Self.startListening(warmUp)
        await warmUp.close()
        _ = await ProcessResources.settle { true }
        let descriptors = ProcessResources.descriptors, threads = ProcessResources.threads
        for _ in 0..<3 {
            let store = try await PostgresExecutionStore.open(url: url.unredacted, maximumConnections: 2)
            try await Self.startListening(store)
            let held = store.notifier.wakeUps(for: nil)
            #expect(ProcessResources.descriptors > descriptors, "the LISTEN connection is open")
            await store.close()
            // Closed: a new subscriber gets local wake-ups only, no connection is opened again.
            _ = store.notifier.wakeUps(for: "late")
            #expect(store.listenNotifier.activations == 1)
            withExtendedLifetime(held) {}
        }
        let settled = await ProcessResources.settle {
            ProcessResources.descriptors <= descriptors && ProcessResources.threads <= threads
        }
        #expect(settled, "descriptors \(ProcessResources.descriptors) (before \(descriptors)), threads \(ProcessResources.threads) (before \(threads))")
        let listening = try await TestPostgres.withClient(url) { client in
            try await client.query(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%LISTEN%'").collect().count
        }
        #expect(listening == 0, "no LISTEN backend is left on the server")
    }

    /// Two stores on a fresh database, one execution `execID` RUNNING in it, the second store's
    /// LISTEN active.
    static func twoListeningStores(on server: PostgresStoreURL, running execID: String) async throws
        -> (writer: PostgresExecutionStore, waiter: PostgresExecutionStore) {
        let url = try await TestPostgres.freshDatabase(on: server)
        let writer = try await PostgresExecutionStore.open(url: url.unredacted)
        let waiter = try await PostgresExecutionStore.open(url: url.unredacted)
        try await writer.insertWorkflow(StoreConformanceTests.record(execID))
        try await startListening(waiter)
        return (writer, waiter)
    }

    /// Subscribes once so `store` starts its LISTEN connection, and waits until it is active: a
    /// subscription after this gets no catch-up wake-up, only what the database notifies.
    static func startListening(_ store: PostgresExecutionStore) async throws {
        let starter = store.notifier.wakeUps(for: "warm-up")
        let activations = store.listenNotifier.activations
        let active = await ProcessResources.settle(within: .seconds(10)) { store.listenNotifier.activations > activations }
        try #require(active, "the LISTEN connection to \(store.location) became active")
        withExtendedLifetime(starter) {}
    }

    /// The first wake-up on `stream`, or nil when none comes within `limit` (a bound on a hang,
    /// not a timing claim).
    static func first(_ stream: AsyncStream<ExecutionWakeUp>, within limit: Duration = .seconds(10)) async -> ExecutionWakeUp? {
        await withTaskGroup(of: ExecutionWakeUp?.self) { group in
            group.addTask {
                for await wakeUp in stream { return wakeUp }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
