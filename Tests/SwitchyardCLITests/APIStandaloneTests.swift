import Foundation
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// `POST /api/v0/tasks|agents/{id}/executions[/sync]` on a real server: a textkit tool task and an
/// agent on the offline `mock` model, each run on its own.
@Suite(.serialized, .slow, .tags(.slow), .timeLimit(.minutes(2)))
struct APIStandaloneTests {
    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-api-standalone")
        try AgentTaskCommandTests.projectFile.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        let count = "  - id: count\n    tool: word_count\n    with: {text: \"never from the request\"}\noutputs:\n"
        try AgentTaskCommandTests.workflow.replacingOccurrences(of: "outputs:\n", with: count)
            .write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func aTaskRunsAloneSyncOrNot() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project())
        let sync = try await server.request(.POST, "/api/v0/tasks/count/executions/sync", body: ["with": ["text": "one two three"]])
        #expect(sync.status == 200, "\(sync.envelope)")
        let data = try #require(sync.envelope["data"])
        #expect(data["status"] == "SUCCESS" && data["output"]?["words"] == 3)
        #expect(data["state"] == nil, "the state is read only with ?include=state")

        let withState = try await server.request(.POST, "/api/v0/tasks/count/executions/sync?include=state",
                                                 body: ["with": ["text": "a b"]])
        let state = try #require(withState.envelope["data"]?["state"])
        #expect(state["workflow_id"] == "task:count" && state["status"] == "SUCCESS")
        #expect(state["task_executions"]?.arrayValue?.count == 1)

        let started = try await server.request(.POST, "/api/v0/tasks/count/executions", body: ["with": ["text": "x y z w"]])
        #expect(started.status == 202 && started.envelope["data"]?["task_id"] == "count")
        let execID = try #require(started.envelope["data"]?["exec_id"]?.stringValue)
        let finished = try await server.waitForExecution(execID) { $0["status"] == "SUCCESS" }
        #expect(finished["output"]?["words"] == 4)

        let unknown = try await server.request(.POST, "/api/v0/tasks/nope/executions/sync", body: [:])
        #expect(unknown.status == 404 && unknown.envelope["error"]?["kind"] == "unknown_task")
        #expect(server.stop() == 0)
    }

    @Test func anAgentRunsAloneOnItsModel() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project())
        let sync = try await server.request(.POST, "/api/v0/agents/counter/executions/sync",
                                            body: ["action": "count", "with": ["text": "one two three four"]])
        #expect(sync.status == 200, "\(sync.envelope)")
        // 4 comes only from the C plugin's answer, which the mock model copies.
        #expect(sync.envelope["data"]?["output"] == ["words": 4])

        let neither = try await server.request(.POST, "/api/v0/agents/counter/executions/sync", body: ["with": [:]])
        #expect(neither.status == 400 && neither.envelope["error"]?["code"] == "INVALID_INPUT")
        let unknown = try await server.request(.POST, "/api/v0/agents/nobody/executions", body: ["prompt": "hi"])
        #expect(unknown.status == 404 && unknown.envelope["error"]?["kind"] == "unknown_agent")
        #expect(server.stop() == 0)
    }
}
