import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// Kill `switchyard run` with SIGKILL mid-workflow, then `switchyard resume`: every completed
/// task (Bun tools, a C-plugin tool, collection children) has left exactly one line in the log,
/// so none ran again; the interrupted one runs again; the workflow finishes; no process is left.
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(2)))
struct ResumeAfterKillTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/resume").path

    @Test func killDashNineThenResumeRunsNoCompletedToolAgain() throws {
        let run = try GatedRun()
        let process = run.process, directory = run.directory, log = run.log, release = run.release, marker = run.marker
        let gateReached = run.waitForGate()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(gateReached)
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(Self.lines(log) == ["one", "item-a", "item-b", "item-c", "gate"])
        // The Bun worker holding the gate call saw its stdin end without a drain: it stopped its
        // process group itself, long before the call would have been released.
        #expect(Self.waitUntil(seconds: 5) { Self.processes(carrying: marker).isEmpty },
                "left after the host died: \(Self.processes(carrying: marker))")

        let list = try EngineCommandTests.run(["executions", "list", "--project", directory, "--json"])
        let entry = try #require(try JSONValue(parsing: list.stdout).arrayValue?.first)
        #expect(entry["status"] == "RUNNING")
        let execID = try #require(entry["exec_id"]?.stringValue)

        #expect(FileManager.default.createFile(atPath: release, contents: Data()))
        let resumed = try EngineCommandTests.run(["resume", execID, "--project", directory, "--json"])
        #expect(resumed.status == 0)
        let result = try JSONValue(parsing: resumed.stdout)
        #expect(result["status"] == "SUCCESS")
        #expect(result["exec_id"] == .string(execID))
        // Completed tasks left one line each; only the interrupted gate ran twice.
        #expect(Self.lines(log) == ["one", "item-a", "item-b", "item-c", "gate", "gate", "last-ONE"])

        #expect(Self.waitUntil(seconds: 10) { Self.processes(carrying: marker).isEmpty })
        for pid in Self.processes(carrying: marker) { kill(pid, SIGKILL) }
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// Processes whose environment carries `SWITCHYARD_TEST_MARKER=marker`.
    static func processes(carrying marker: String) -> [pid_t] {
        let needle = Data("SWITCHYARD_TEST_MARKER=\(marker)".utf8)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), pid != getpid(),
                  let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ"),
                  environment.range(of: needle) != nil
            else { return nil }
            return pid
        }
    }
}
