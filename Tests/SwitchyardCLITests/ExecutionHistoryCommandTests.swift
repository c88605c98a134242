import Foundation
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// `executions show` with each task's start, end, duration and attempts; `executions list`
/// filtered by workflow and status, in pages.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ExecutionHistoryCommandTests {
    @Test func showPrintsEachTasksHistoryWithItsAttempts() throws {
        let project = try APIEventStreamTests.project()
        let run = try EngineCommandTests.run(["run", "flaky", "--project", project, "--json"])
        #expect(run.status == 1)
        let execID = try #require(try JSONValue(parsing: run.stdout)["exec_id"]?.stringValue)
        let shown = try EngineCommandTests.run(["executions", "show", execID, "--project", project, "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let state = try JSONValue(parsing: shown.stdout)
        // run --json's members stay; the history is added.
        for member in ["exec_id", "workflow_id", "status", "output", "error", "created_at", "updated_at"] {
            #expect(state[member] != nil, "\(member) in \(state)")
        }
        let task = try #require(state["tasks"]?.arrayValue?.first)
        #expect(task["attempts"] == 3 && task["status"] == "FAILED")
        let started = try #require(task["started_at"]?.stringValue), ended = try #require(task["ended_at"]?.stringValue)
        #expect(started <= ended && (task["duration_ms"]?.intValue ?? -1) >= 0)
        let text = try EngineCommandTests.run(["executions", "show", execID, "--project", project])
        #expect(text.stdout.contains("shaky  FAILED  \(started)") && text.stdout.contains("3 attempts"), "\(text.stdout)")
    }

    @Test func listFiltersByWorkflowAndStatusInPages() throws {
        let project = try APIEventStreamTests.project()
        var quick: [String] = []
        for _ in 0..<3 {
            let run = try EngineCommandTests.run(["run", "quick", "--project", project, "--json"])
            quick.append(try #require(try JSONValue(parsing: run.stdout)["exec_id"]?.stringValue))
        }
        _ = try EngineCommandTests.run(["run", "flaky", "--project", project, "--json"])
        func ids(_ flags: [String]) throws -> [String] {
            let listed = try EngineCommandTests.run(["executions", "list", "--project", project, "--json"] + flags)
            #expect(listed.status == 0, "\(flags): \(listed.stderr)")
            return try JSONValue(parsing: listed.stdout).arrayValue?.compactMap { $0["exec_id"]?.stringValue } ?? []
        }
        #expect(try ids(["--workflow", "quick"]) == quick.reversed())
        #expect(try ids(["--status", "failed"]).count == 1)
        #expect(try ids(["--workflow", "quick", "--status", "FAILED"]).isEmpty)
        let first = try ids(["--workflow", "quick", "--limit", "2"])
        let second = try ids(["--workflow", "quick", "--limit", "2", "--after", first.last ?? ""])
        #expect(first + second == quick.reversed())
        let bad = try EngineCommandTests.run(["executions", "list", "--project", project, "--status", "DONE"])
        #expect(bad.status == 2 && bad.stderr.contains("--status"), "\(bad.stderr)")
    }
}
