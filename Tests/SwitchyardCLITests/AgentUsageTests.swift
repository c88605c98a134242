import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// Token usage as compozy reports it (issue #10 item 1): each agent task's record carries the
/// `usage` its model calls reported (`source: "task"`), and the execution the sum per provider
/// and model (`source: "workflow"`), in `executions show --json` and over the API. The models are
/// real HTTP servers on loopback: an OpenAI-compatible one and Anthropic's Messages API
/// (`Fixtures/fake_openai.py`), each reached through a `provider:model`-free project model.
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(2)))
struct AgentUsageTests {
    static func project(baseURL: String) -> String {
        """
        name: usage
        workflows:
          - source: wf.yaml
        models:
          - id: gpt
            provider: openai
            model: echo
            api_key: "{{ .env.FAKE_KEY }}"
            api_url: \(baseURL)
            default: true
          - id: claude
            provider: anthropic
            model: claude-echo
            api_key: "{{ .env.FAKE_KEY }}"
            api_url: \(baseURL)
        """
    }

    static let workflow = """
        id: wf
        agents:
          - id: writer
            instructions: Be terse.
          - id: critic
            model: claude
            instructions: Be terse.
        tasks:
          - id: first
            agent: writer
            prompt: "Say {{ .workflow.input.word }}"
            on_success: {next: second}
          - id: second
            agent: critic
            prompt: Judge it
            on_success: {next: third}
          - id: third
            agent: writer
            prompt: Again
        """

    func makeProject(_ server: FakeOpenAIServer) throws -> String {
        let directory = TemporaryDirectory.make("switchyard-usage")
        try Self.project(baseURL: server.baseURL).write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try Self.workflow.write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    /// The usage every check expects: two OpenAI calls (10 + 5, 2 reasoning each) and one
    /// Anthropic call (20 + 7).
    static func expectExecutionUsage(_ usage: JSONValue?) {
        #expect(usage == [
            ["provider": "anthropic", "model": "claude-echo", "prompt_tokens": 20, "completion_tokens": 7,
             "total_tokens": 27, "agent_ids": ["critic"], "source": "workflow"],
            ["provider": "openai", "model": "echo", "prompt_tokens": 20, "completion_tokens": 10,
             "total_tokens": 30, "reasoning_tokens": 4, "agent_ids": ["writer"], "source": "workflow"],
        ])
    }

    @Test func showJSONCarriesEachTasksUsageAndTheExecutionsSum() async throws {
        try await withFakeOpenAIServer { server in
            let directory = try makeProject(server)
            let environment = ProcessInfo.processInfo.environment.merging(["FAKE_KEY": "sk-usage"]) { $1 }
            let run = try EngineCommandTests.run(["run", "wf", "--project", directory, "--json", "--input", #"{"word": "hi"}"#],
                                                 environment: environment)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let execID = try #require(try JSONValue(parsing: run.stdout)["exec_id"]?.stringValue)
            let shown = try EngineCommandTests.run(["executions", "show", execID, "--project", directory, "--json"])
            #expect(shown.status == 0, "stderr: \(shown.stderr)")
            let state = try JSONValue(parsing: shown.stdout)
            let tasks = state["tasks"]?.arrayValue ?? []
            let byID = Dictionary(tasks.map { ($0["task_id"]?.stringValue ?? "", $0) }, uniquingKeysWith: { $1 })
            #expect(byID["second"]?["usage"] == [[
                "provider": "anthropic", "model": "claude-echo", "prompt_tokens": 20, "completion_tokens": 7,
                "total_tokens": 27, "agent_ids": ["critic"], "source": "task",
            ]])
            #expect(byID["first"]?["usage"]?[0]?["total_tokens"] == 15)
            Self.expectExecutionUsage(state["usage"])
            // The rendered key went to the providers and stayed out of the stored state.
            let requests = try server.requests()
            #expect(requests.count == 3)
            #expect(requests.allSatisfy { $0["authorization"] == "Bearer sk-usage" || $0["x_api_key"] == "sk-usage" })
            #expect(!shown.stdout.contains("sk-usage"))
        }
    }

    @Test func theAPIReturnsTheExecutionsUsage() async throws {
        try await withFakeOpenAIServer { server in
            let directory = try makeProject(server)
            let api = try APIServerHarness(projectDirectory: directory, environment: ["FAKE_KEY": "sk-usage"])
            defer { _ = api.stop() }
            let started = try await api.request(.POST, "/api/v0/workflows/wf/executions", body: ["input": ["word": "hi"]])
            #expect(started.status == 202)
            let execID = try #require(started.envelope["data"]?["exec_id"]?.stringValue)
            let state = try await api.waitForExecution(execID) { $0["status"] == "SUCCESS" || $0["status"] == "FAILED" }
            #expect(state["status"] == "SUCCESS", "\(state)")
            Self.expectExecutionUsage(state["usage"])
        }
    }
}
