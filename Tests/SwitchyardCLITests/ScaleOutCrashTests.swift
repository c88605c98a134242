import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// Real `switchyard serve` processes owning executions by lease (docs/SCALE-OUT.md): one is
/// killed with SIGKILL mid-run and the executions it held are resumed by a process that claims
/// them once their leases expire — no manual `resume`. Every execution finishes once, and its
/// marker file (one line per step that ran to its end) shows no checkpointed step twice; a step
/// in flight at the kill may show twice (at-least-once for the in-flight step).
@Suite(.slow, .tags(.slow), .serialized, .timeLimit(.minutes(5)))
struct ScaleOutCrashTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/scale-out").path
    static let steps = ["s1", "s2", "s3", "s4"]
    /// Short leases so a crash is recovered in about two seconds.
    static let leaseFlags = ["--lease-ttl", "2s", "--lease-renew", "300ms", "--stop-grace", "5s"]

    struct Cluster {
        let directory: String
        let markers: String
        let marker = UUID().uuidString

        init() throws {
            directory = TemporaryDirectory.make("switchyard-scale-out")
            try FileManager.default.removeItem(atPath: directory)
            try FileManager.default.copyItem(atPath: ScaleOutCrashTests.fixtures, toPath: directory)
            markers = directory + "/markers"
            try FileManager.default.createDirectory(atPath: markers, withIntermediateDirectories: true)
        }

        func serve(_ extra: [String] = []) throws -> APIServerHarness {
            try APIServerHarness(projectDirectory: directory, arguments: ScaleOutCrashTests.leaseFlags + extra,
                                 environment: ["SWITCHYARD_TEST_MARKER": marker])
        }

        /// Starts `count` executions round-robin over `servers` (retrying a full one's 503).
        func submit(_ count: Int, to servers: [APIServerHarness], ms: Int) async throws -> [String] {
            var ids: [String] = []
            for index in 0..<count {
                for attempt in 0..<200 {
                    let server = servers[(index + attempt) % servers.count]
                    let answer = try await server.request(.POST, "/api/v0/workflows/wf/executions",
                                                          body: ["input": ["dir": .string(markers), "ms": .int(Int64(ms))]])
                    if answer.status == 202, let id = answer.envelope["data"]?["exec_id"]?.stringValue {
                        ids.append(id)
                        break
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            return ids
        }

        func lines(_ execID: String) -> [String] { ResumeAfterKillTests.lines("\(markers)/\(execID).log") }

        var totalLines: Int {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: markers)) ?? []
            return files.reduce(0) { $0 + ResumeAfterKillTests.lines("\(markers)/\($1)").count }
        }

        /// The steps the store recorded SUCCESS for, per execution (read with no server running).
        func checkpointedSteps(_ ids: [String], storeFlags: [String]) throws -> [String: Set<String>] {
            var done: [String: Set<String>] = [:]
            for id in ids {
                let shown = try EngineCommandTests.run(["executions", "show", id, "--project", directory, "--json"] + storeFlags)
                let tasks = (try? JSONValue(parsing: shown.stdout))?["tasks"]?.arrayValue ?? []
                done[id] = Set(tasks.filter { $0["status"] == "SUCCESS" }.compactMap { $0["task_id"]?.stringValue })
            }
            return done
        }

        var leftovers: [pid_t] { ResumeAfterKillTests.processes(carrying: marker) }
    }

    /// Every execution SUCCESS, each step at least once, a checkpointed one exactly once, and at
    /// most the one in-flight step of an interrupted execution twice.
    static func expectExactlyOnce(_ ids: [String], cluster: Cluster, checkpointed: [String: Set<String>],
                                  server: APIServerHarness) async throws {
        for id in ids {
            let state = try await server.waitForExecution(id) { $0["status"] == "SUCCESS" || $0["status"] == "FAILED" }
            #expect(state["status"] == "SUCCESS", "\(id): \(state)")
            let lines = cluster.lines(id)
            let counts = Dictionary(lines.map { ($0, 1) }, uniquingKeysWith: +)
            #expect(Set(lines) == Set(steps), "\(id): \(lines)")
            for step in checkpointed[id] ?? [] { #expect(counts[step] == 1, "\(id): checkpointed \(step) ran again: \(lines)") }
            #expect(lines.count <= steps.count + 1, "\(id): more than the in-flight step ran twice: \(lines)")
        }
    }

    @Test func sqliteKillDashNineThenRestartFinishesEveryExecutionOnce() async throws {
        let cluster = try Cluster()
        let first = try cluster.serve()
        let ids = try await cluster.submit(12, to: [first], ms: 250)
        #expect(ids.count == 12)
        // Mid-run: some steps done, most not.
        #expect(ResumeAfterKillTests.waitUntil(seconds: 60) { cluster.totalLines >= 12 })
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()
        #expect(ResumeAfterKillTests.waitUntil(seconds: 10) { cluster.leftovers.isEmpty }, "\(cluster.leftovers)")
        let checkpointed = try cluster.checkpointedSteps(ids, storeFlags: [])
        #expect(checkpointed.values.contains { $0.count < Self.steps.count }, "the kill came after every run ended")

        // The restarted process claims the expired leases by itself and resumes from the checkpoints.
        let second = try cluster.serve()
        try await Self.expectExactlyOnce(ids, cluster: cluster, checkpointed: checkpointed, server: second)
        let descriptors = second.openDescriptors
        #expect(second.stop() == 0)
        #expect(descriptors > 0)
        #expect(ResumeAfterKillTests.waitUntil(seconds: 10) { cluster.leftovers.isEmpty }, "\(cluster.leftovers)")
    }

    @Test func gracefulStopReleasesHeldExecutionsToAnotherProcess() async throws {
        let cluster = try Cluster()
        // A grace too short for the runs: the stop releases their leases rather than waiting.
        let leaving = try cluster.serve(["--stop-grace", "100ms"])
        let staying = try cluster.serve()
        let ids = try await cluster.submit(6, to: [leaving], ms: 400)
        #expect(ResumeAfterKillTests.waitUntil(seconds: 60) { cluster.totalLines >= 3 })
        #expect(leaving.stop() == 0)
        #expect(leaving.stderrText.contains("releasing their leases"), "\(leaving.stderrText)")
        try await Self.expectExactlyOnce(ids, cluster: cluster, checkpointed: [:], server: staying)
        #expect(staying.stop() == 0)
        #expect(ResumeAfterKillTests.waitUntil(seconds: 10) { cluster.leftovers.isEmpty }, "\(cluster.leftovers)")
    }

    /// The tasks the Postgres store recorded SUCCESS for, per execution of `ids`, in one query
    /// (`psql`, which Debian's `postgresql` installs): fast enough to read all 300 executions
    /// before a killed process's 2 s leases run out.
    static func postgresCheckpoints(_ ids: [String], url: String) throws -> [String: Set<String>] {
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        psql.arguments = ["psql", url, "-At", "-F", "\t", "-c",
                          "SELECT workflow_exec_id, task_id FROM task_executions WHERE status = 'SUCCESS'"]
        let output = Pipe()
        psql.standardOutput = output
        try psql.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        psql.waitUntilExit()
        #expect(psql.terminationStatus == 0, "psql failed")
        let wanted = Set(ids)
        var done = Dictionary(uniqueKeysWithValues: ids.map { ($0, Set<String>()) })
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count == 2, wanted.contains(fields[0]) else { continue }
            done[fields[0], default: []].insert(fields[1])
        }
        return done
    }

    /// Issue #11's test: three processes on one Postgres database, 300 executions, one SIGKILL,
    /// one graceful stop. Needs `$SWITCHYARD_TEST_POSTGRES_URL` (set by scripts/with-postgres.sh, which `make test` uses).
    @Test func postgresThreeProcessesOneKilledOneStoppedEveryExecutionOnce() async throws {
        guard let url = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_POSTGRES_URL"], !url.isEmpty else {
            print("SKIPPED postgresThreeProcessesOneKilledOneStoppedEveryExecutionOnce (no SWITCHYARD_TEST_POSTGRES_URL)")
            return
        }
        let cluster = try Cluster()
        // Each run gets its own schema-free database state: executions are told apart by id.
        let store = ["--store", url]
        let servers = try (0..<3).map { _ in try cluster.serve(store + ["--max-executions", "40"]) }
        let ids = try await cluster.submit(300, to: servers, ms: 30)
        #expect(ids.count == 300)
        #expect(ResumeAfterKillTests.waitUntil(seconds: 120) { cluster.totalLines >= 200 })
        kill(servers[0].process.processIdentifier, SIGKILL)
        servers[0].process.waitUntilExit()
        // Read at once, before the killed process's leases expire: what it checkpointed is what it
        // left, and a step checkpointed by then (anywhere) must not run again.
        let checkpointed = try Self.postgresCheckpoints(ids, url: url)
        #expect(checkpointed.values.contains { !$0.isEmpty && $0.count < Self.steps.count },
                "no execution was mid-run at the kill: \(checkpointed.values.map(\.count))")
        #expect(servers[1].stop() == 0)
        try await Self.expectExactlyOnce(ids, cluster: cluster, checkpointed: checkpointed, server: servers[2])
        #expect(servers[2].stop() == 0)
        #expect(ResumeAfterKillTests.waitUntil(seconds: 10) { cluster.leftovers.isEmpty }, "\(cluster.leftovers)")
    }
}
