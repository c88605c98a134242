import Foundation
import Synchronization
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardPostgres
import SwitchyardRuntime

/// The scale-out figures of the `engine` suite (docs/SCALE-OUT.md): the same task overhead on a
/// Postgres store, and how long a claimed execution takes to start its first task.
enum StoreBench {
    /// Claimed executions per `claim_to_start_ms` figure.
    static let claims = 40

    /// The Postgres server to measure on: `$SWITCHYARD_BENCH_POSTGRES_URL`, else the test
    /// server `scripts/with-postgres.sh` exports (`$SWITCHYARD_TEST_POSTGRES_URL`).
    static var postgresURL: String? {
        let environment = ProcessInfo.processInfo.environment
        return [environment["SWITCHYARD_BENCH_POSTGRES_URL"], environment["SWITCHYARD_TEST_POSTGRES_URL"]]
            .compactMap { $0 }.first { !$0.isEmpty }
    }

    /// `pg_task_overhead_us`, `pg_task_overhead_sequential_us` and `pg_claim_to_start_ms`: the
    /// SQLite figures' workflows on a Postgres store; none without a server (said on stderr).
    static func postgresFigures(project: ProjectConfig, adapters: [String: any ToolAdapter], items: JSONValue,
                                toolCallMicros: Double) async throws -> [String: Double] {
        guard let url = postgresURL else {
            FileHandle.standardError.write(Data(
                "engine: no Postgres (set SWITCHYARD_BENCH_POSTGRES_URL or run under scripts/with-postgres.sh): pg_* figures skipped\n".utf8))
            return [:]
        }
        let store = try await PostgresExecutionStore.open(url: url)
        let engine = WorkflowEngine(project: project, adapters: adapters, store: store)
        var figures: [String: Double] = [:]
        for (workflowID, figure) in [("bench", "pg_task_overhead_us"), ("bench_sequential", "pg_task_overhead_sequential_us")] {
            figures[figure] = try await EngineBench.overhead(engine: engine, workflowID: workflowID, items: items,
                                                             toolCallMicros: toolCallMicros)
        }
        figures["pg_claim_to_start_ms"] = try await claimToStartMillis(project: project, adapters: adapters, store: store)
        await store.close()
        return figures
    }

    /// The median time from a serving process's claim query to the first task of the claimed
    /// execution starting, over `claims` queued executions: the claim (`claimExecutions`, as the
    /// recovery loop makes it), the resume (lease check, checkpoints read, status written) and
    /// the launch. The recovery loop's wait for its next round (`--lease-renew`) comes on top.
    static func claimToStartMillis(project: ProjectConfig, adapters: [String: any ToolAdapter],
                                   store: any ExecutionLeasing) async throws -> Double {
        let engine = WorkflowEngine(project: project, adapters: adapters, store: store)
        let ownership = engine.takeOwnership(store: store, configuration: OwnershipConfiguration(recovers: false))
        defer { Task { await ownership.stop(grace: .zero) } }
        var samples: [Double] = []
        for _ in 0..<claims {
            let now = Timestamp.now()
            let execID = "bench-claim-" + UUID().uuidString
            try await store.insertWorkflow(WorkflowExecutionRecord(
                execID: execID, workflowID: "bench_one", status: .pending, input: .emptyObject, createdAt: now, updatedAt: now))
            let started = TaskStartClock()
            let begin = ContinuousClock.now
            let claimed = try await store.claimExecutions(owner: ownership.owner, limit: 1, ttl: .seconds(15))
            guard claimed == [execID] else {
                throw BenchFailure("the claim took \(claimed), not the queued \(execID)")
            }
            guard case .started(let handle) = try await engine.startResume(execID: execID, observer: started.observe) else {
                throw BenchFailure("the claimed \(execID) was already finished")
            }
            let result = await handle.result()
            guard result.status == .success, let first = started.first else {
                throw BenchFailure("the claimed bench_one ended \(result.status.rawValue)")
            }
            samples.append((first - begin).seconds * 1e3)
        }
        samples.sort()
        return samples[samples.count / 2]
    }
}

/// When the first task of an execution started (the observer is called from the run's tasks).
final class TaskStartClock: Sendable {
    private let instant = Mutex<ContinuousClock.Instant?>(nil)

    var first: ContinuousClock.Instant? { instant.withLock { $0 } }

    var observe: ExecutionObserver {
        { [self] event in
            guard case .taskStarted = event else { return }
            let now = ContinuousClock.now
            instant.withLock { if $0 == nil { $0 = now } }
        }
    }
}
