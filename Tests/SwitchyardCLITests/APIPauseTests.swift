import Foundation
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// `POST …/pause` and `…/resume` on a real `switchyard serve` (issue #10 item 6, compozy's
/// pause/resume): a paused execution finishes the task it runs but starts no next one, says
/// PAUSED in the store, and goes on from there when resumed; canceled while paused, it ends
/// CANCELED.
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(2)))
struct APIPauseTests {
    static let workflow = """
        id: gated
        tasks:
          - id: hold
            type: wait
            wait_for: go
            timeout: 60s
            on_success: {next: after}
          - id: after
            type: aggregate
            outputs: {done: true}
        outputs:
          done: "{{ .tasks.after.output.done }}"
        """

    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-pause")
        try "name: pause\nworkflows:\n  - source: gated.yaml\n".write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try workflow.write(toFile: directory + "/gated.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    static func taskIDs(_ state: JSONValue) -> [String] {
        (state["task_executions"]?.arrayValue ?? []).compactMap { $0["task_id"]?.stringValue }
    }

    @Test func aPausedExecutionStartsNoNextTaskUntilResumed() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project())
        let started = try await server.request(.POST, "/api/v0/workflows/gated/executions", body: [:])
        let execID = try #require(started.envelope["data"]?["exec_id"]?.stringValue)
        let base = "/api/v0/executions/workflows/\(execID)"
        _ = try await server.waitForExecution(execID) { $0["status"] == "WAITING" }

        let paused = try await server.request(.POST, base + "/pause")
        #expect(paused.status == 202)
        #expect(paused.envelope["data"]?["status"] == "PAUSED")
        #expect(try await server.request(.GET, base).envelope["data"]?["status"] == "PAUSED")
        let twice = try await server.request(.POST, base + "/pause")
        #expect(twice.status == 409 && twice.envelope["error"]?["code"] == "ALREADY_PAUSED")

        // The running wait task takes its signal and ends; the next task does not start.
        _ = try await server.request(.POST, base + "/signals", body: ["signal_name": "go", "payload": [:]])
        let held = try await server.waitForExecution(execID) { state in
            state["task_executions"]?.arrayValue?.first { $0["task_id"] == "hold" }?["status"] == "SUCCESS"
        }
        #expect(held["status"] == "PAUSED")
        try await Task.sleep(for: .milliseconds(500))
        let still = try await server.request(.GET, base).envelope["data"] ?? .null
        #expect(Self.taskIDs(still) == ["hold"], "\(still)")
        #expect(still["status"] == "PAUSED")

        let resumed = try await server.request(.POST, base + "/resume")
        #expect(resumed.status == 202)
        let done = try await server.waitForExecution(execID) { $0["status"] == "SUCCESS" || $0["status"] == "FAILED" }
        #expect(done["status"] == "SUCCESS")
        #expect(done["output"] == ["done": true])
        #expect(Self.taskIDs(done).sorted() == ["after", "hold"])

        let over = try await server.request(.POST, base + "/pause")
        #expect(over.status == 409 && over.envelope["error"]?["code"] == "NOT_RUNNING")
        let unknown = try await server.request(.POST, "/api/v0/executions/workflows/nope/pause")
        #expect(unknown.status == 404)
        #expect(server.stop() == 0)
    }

    @Test func aPausedExecutionCanceledEndsCanceledWithoutItsNextTask() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project())
        let started = try await server.request(.POST, "/api/v0/workflows/gated/executions", body: [:])
        let execID = try #require(started.envelope["data"]?["exec_id"]?.stringValue)
        let base = "/api/v0/executions/workflows/\(execID)"
        _ = try await server.waitForExecution(execID) { $0["status"] == "WAITING" }
        #expect(try await server.request(.POST, base + "/pause").status == 202)
        _ = try await server.request(.POST, base + "/signals", body: ["signal_name": "go", "payload": [:]])
        _ = try await server.waitForExecution(execID) { state in
            state["task_executions"]?.arrayValue?.first { $0["task_id"] == "hold" }?["status"] == "SUCCESS"
        }
        #expect(try await server.request(.POST, base + "/cancel").status == 202)
        let ended = try await server.waitForExecution(execID) { $0["status"] == "CANCELED" || $0["status"] == "SUCCESS" }
        #expect(ended["status"] == "CANCELED")
        #expect(ended["task_executions"]?.arrayValue?.first { $0["task_id"] == "after" }?["status"] != "SUCCESS")
        #expect(server.stop() == 0)
    }
}
