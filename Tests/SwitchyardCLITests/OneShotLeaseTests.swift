import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// A one-shot `switchyard run` leases its execution (docs/SCALE-OUT.md): while it lives, a
/// `resume` elsewhere is refused naming it; when it dies, a `serve` on the same store resumes the
/// execution by itself once the lease expires, from its checkpoints (and a `resume` on this host
/// takes it at once: `ResumeAfterKillTests`).
@Suite(.slow, .tags(.slow), .serialized, .timeLimit(.minutes(3)))
struct OneShotLeaseTests {
    @Test func aResumeOfAnExecutionALiveRunHoldsIsRefusedNamingTheRun() throws {
        let run = try GatedRun()
        defer { if run.process.isRunning { kill(run.process.processIdentifier, SIGKILL) } }
        #expect(run.waitForGate())
        let execID = try run.execID()

        let refused = try EngineCommandTests.run(["resume", execID, "--project", run.directory, "--json"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("owned by another process"), "stderr: \(refused.stderr)")
        #expect(refused.stderr.contains("held by \(run.process.processIdentifier)-"), "stderr: \(refused.stderr)")
        #expect(ResumeAfterKillTests.lines(run.log) == ["one", "item-a", "item-b", "item-c", "gate"],
                "the refused resume ran something")

        // The run itself is untouched and finishes.
        #expect(FileManager.default.createFile(atPath: run.release, contents: Data()))
        run.process.waitUntilExit()
        #expect(run.process.terminationStatus == 0)
        #expect(ResumeAfterKillTests.lines(run.log) == ["one", "item-a", "item-b", "item-c", "gate", "last-ONE"])
    }

    @Test func aKilledRunIsResumedByAServeOnTheSameStoreWithoutAManualResume() async throws {
        let run = try GatedRun()
        #expect(run.waitForGate())
        kill(run.process.processIdentifier, SIGKILL)
        run.process.waitUntilExit()
        #expect(ResumeAfterKillTests.waitUntil(seconds: 10) { run.leftovers.isEmpty }, "\(run.leftovers)")
        let execID = try run.execID()
        #expect(FileManager.default.createFile(atPath: run.release, contents: Data()))

        // The run's lease (15 s) expires unrenewed; the server claims it and continues from the
        // checkpoints: completed tasks are not run again, only the interrupted gate.
        let server = try APIServerHarness(projectDirectory: run.directory, arguments: ["--lease-renew", "300ms"],
                                          environment: ["SWITCHYARD_TEST_MARKER": run.marker])
        let state = try await server.waitForExecution(execID) { $0["status"] == "SUCCESS" || $0["status"] == "FAILED" }
        #expect(state["status"] == "SUCCESS", "\(state)")
        #expect(ResumeAfterKillTests.lines(run.log) == ["one", "item-a", "item-b", "item-c", "gate", "gate", "last-ONE"])
        #expect(server.stop() == 0)
        #expect(ResumeAfterKillTests.waitUntil(seconds: 10) { run.leftovers.isEmpty }, "\(run.leftovers)")
    }
}

/// A `switchyard run` of the resume fixture (Fixtures/resume), held at its gate task until
/// `release` exists; its Bun workers carry `marker` (`ResumeAfterKillTests.processes(carrying:)`).
struct GatedRun {
    let directory = TemporaryDirectory.make("switchyard-gated-run")
    let marker = UUID().uuidString
    var log: String { directory + "/executions.log" }
    var release: String { directory + "/release" }
    let process = Process()

    init() throws {
        try FileManager.default.removeItem(atPath: directory)
        try FileManager.default.copyItem(atPath: ResumeAfterKillTests.fixtures, toPath: directory)
        let input = JSONValue.object(["log": .string(log), "release": .string(release)]).jsonString
        process.executableURL = URL(fileURLWithPath: EngineCommandTests.binary)
        process.arguments = ["run", "wf", "--project", directory, "--input", input, "--json"]
        process.environment = ProcessInfo.processInfo.environment.merging(["SWITCHYARD_TEST_MARKER": marker]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func waitForGate() -> Bool { ResumeAfterKillTests.waitUntil(seconds: 30) { ResumeAfterKillTests.lines(log).contains("gate") } }

    func execID() throws -> String {
        let list = try EngineCommandTests.run(["executions", "list", "--project", directory, "--json"])
        let entry = try #require(try JSONValue(parsing: list.stdout).arrayValue?.first, "\(list.stdout)")
        return try #require(entry["exec_id"]?.stringValue)
    }

    var leftovers: [pid_t] { ResumeAfterKillTests.processes(carrying: marker) }
}
