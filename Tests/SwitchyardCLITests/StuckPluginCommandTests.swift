import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// A C plugin whose `start_call` blocks (Tests/SwitchyardAdapterHostTests/Fixtures/stuck.c),
/// loaded by the built `switchyard`: `tools call --timeout` still returns at its deadline, and
/// `serve` with such calls in flight still answers and still stops on SIGTERM.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct StuckPluginCommandTests {
    /// A project whose adapter `stuck` is the fixture, built into `.switchyard/adapters`.
    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-stuck-plugin")
        let adapters = directory + "/.switchyard/adapters"
        try FileManager.default.createDirectory(atPath: adapters, withIntermediateDirectories: true)
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = [
            "cc", "-std=c99", "-shared", "-fPIC", "-fvisibility=hidden", "-I" + InstallTests.packageRoot + "/include",
            "-o", adapters + "/libstuck.so", InstallTests.packageRoot + "/Tests/SwitchyardAdapterHostTests/Fixtures/stuck.c",
            "-lpthread",
        ]
        try compiler.run()
        compiler.waitUntilExit()
        #expect(compiler.terminationStatus == 0, "cc could not build the stuck fixture")
        try """
            name: stuck-plugin
            adapters:
              - id: stuck
                library: stuck
            tools:
              - id: block_start
                adapter: stuck
              - id: ok
                adapter: stuck
            workflows:
              - source: stuck.yaml
              - source: fine.yaml
            """.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try "id: stuck\ntasks:\n  - id: a\n    tool: block_start\n"
            .write(toFile: directory + "/stuck.yaml", atomically: true, encoding: .utf8)
        try "id: fine\ntasks:\n  - id: a\n    tool: ok\noutputs:\n  ok: \"{{ .tasks.a.output.ok }}\"\n"
            .write(toFile: directory + "/fine.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    /// Lines the fixture wrote to its log: one per hook that blocked.
    static func blockedHooks(_ log: String) -> Int {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test func toolsCallWithATimeoutReturnsWhenStartCallBlocks() throws {
        let directory = try Self.project()
        let log = directory + "/blocked.log"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EngineCommandTests.binary)
        process.arguments = ["tools", "call", "block_start", "--project", directory, "--timeout", "2s"]
        process.environment = ProcessInfo.processInfo.environment.merging(["SWITCHYARD_STUCK_FIXTURE_LOG": log]) { $1 }
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let ended = ResumeAfterKillTests.waitUntil(seconds: 30) { !process.isRunning }
        if !ended { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(ended, "tools call --timeout 2s still ran 30 s later: the stuck start_call froze it")
        #expect(Self.blockedHooks(log) == 1, "start_call never blocked: the test proves nothing")
        #expect(process.terminationStatus == 1)
        // The host's warning about the abandoned thread comes first; the error line last.
        #expect(stderr.split(separator: "\n").last?.hasPrefix("error[timeout]:") == true, "\(stderr)")
        #expect(stderr.contains("start_call has not returned"), "\(stderr)")
    }

    @Test func serveAnswersAndStopsWithTwoStuckCallsInFlight() async throws {
        let directory = try Self.project()
        let log = directory + "/blocked.log"
        let server = try APIServerHarness(projectDirectory: directory, environment: ["SWITCHYARD_STUCK_FIXTURE_LOG": log])
        for _ in 0..<2 {
            #expect(try await server.request(.POST, "/api/v0/workflows/stuck/executions", body: ["input": [:]]).status == 202)
        }
        let blocked = ResumeAfterKillTests.waitUntil(seconds: 30) { Self.blockedHooks(log) == 2 }
        #expect(blocked, "the two start_calls never blocked")

        #expect(try await server.request(.GET, "/health").status == 200)
        #expect(try await server.request(.GET, "/api/v0/openapi.json").status == 200)
        // Another call into the same adapter still gets a hook thread and answers.
        let fine = try await server.request(.POST, "/api/v0/workflows/fine/executions/sync", body: ["input": [:]])
        #expect(fine.status == 200, "\(fine.envelope)")
        #expect(fine.envelope["data"]?["output"]?["ok"] == true)
        #expect(try await server.request(.GET, "/health").status == 200)

        // SIGTERM: the stuck calls are canceled, given up on after the cancel grace, and the
        // server exits (bounded, even though both hooks never return).
        server.process.terminate()
        let stopped = ResumeAfterKillTests.waitUntil(seconds: 30) { !server.process.isRunning }
        if !stopped { kill(server.process.processIdentifier, SIGKILL) }
        server.process.waitUntilExit()
        #expect(stopped, "serve did not stop within 30 s of SIGTERM: \(server.stderrText)")
        #expect(server.process.terminationStatus == 0, "\(server.stderrText)")
        #expect(server.stderrText.contains("start_call"), "\(server.stderrText)")
    }
}
