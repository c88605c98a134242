import Foundation
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// `switchyard executions watch` on an execution `switchyard run` holds, with no server: it
/// follows the project's store (`--project DIR`, or the current directory when no server answers
/// at the default address), live, and exits as the run did.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct WatchStoreTests {
    /// A workflow that waits 2 s for a signal nobody sends, then ends.
    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-watch-store")
        try "name: watch\nworkflows:\n  - source: pause.yaml\n".write(toFile: directory + "/compozy.yaml", atomically: true,
                                                                      encoding: .utf8)
        try """
            id: pause
            tasks:
              - id: hold
                type: wait
                wait_for: never
                timeout: 2s
                on_timeout: after
              - id: after
                type: aggregate
                outputs: {done: true}
            """.write(toFile: directory + "/pause.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    /// The exec id of the one execution in the project's store, once there is one.
    static func onlyExecution(in project: String) async throws -> (execID: String, status: String) {
        for _ in 0..<200 {
            let listed = try EngineCommandTests.run(["executions", "list", "--project", project, "--json"])
            if let first = try? JSONValue(parsing: listed.stdout).arrayValue?.first,
               let execID = first["exec_id"]?.stringValue, let status = first["status"]?.stringValue {
                return (execID, status)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw WatchTestFailure("no execution appeared in \(project)'s store")
    }

    struct WatchTestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func watchFollowsARunningExecutionThroughTheProjectsStore() async throws {
        let project = try Self.project()
        let (run, runOut, _) = try EngineCommandTests.launch(["run", "pause", "--project", project, "--json"])
        let (execID, statusWhenFound) = try await Self.onlyExecution(in: project)
        let watched = try EngineCommandTests.run(["executions", "watch", execID, "--project", project])
        let runResult = try JSONValue(parsing: runOut.fileHandleForReading.readDataToEndOfFile())
        run.waitUntilExit()

        #expect(watched.status == run.terminationStatus, "\(watched.stderr)")
        let lines = watched.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "task_started  hold", "\(lines) (the execution was \(statusWhenFound) when watch began)")
        #expect(lines.contains { $0.hasPrefix("task_finished  hold  TIMED_OUT  ") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("task_finished  after  SUCCESS  ") }, "\(lines)")
        #expect(lines.last == "execution_finished  \(execID)  \(runResult["status"]?.stringValue ?? "?")", "\(lines)")
        #expect(lines.filter { $0.hasPrefix("execution_finished") }.count == 1)
    }

    @Test func withoutAServerWatchFallsBackToTheCurrentDirectorysStore() throws {
        let project = try Self.project()
        let run = try EngineCommandTests.run(["run", "pause", "--project", project, "--json"])
        let execID = try #require(try JSONValue(parsing: run.stdout)["exec_id"]?.stringValue)

        let watched = try EngineCommandTests.run(["executions", "watch", execID, "--json"], directory: project)
        let printed = watched.stdout
        #expect(watched.status == run.status, "\(watched.stderr)")
        let last = try JSONValue(parsing: String(printed.split(separator: "\n").last ?? ""))
        #expect(last["type"] == "execution_finished" && last["exec_id"] == .string(execID) && last["status"] == "SUCCESS")

        let unknown = try EngineCommandTests.run(["executions", "watch", "nope", "--project", project])
        #expect(unknown.status == 2 && unknown.stderr.contains("nope"), "\(unknown.stderr)")
    }
}
