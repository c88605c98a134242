import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// Issue 9's end-to-end project (`Fixtures/compozy-e2e`): autoloaded resources (schema, tool,
/// agent, task) used by id, schemas by id, `$ref`/`$use`/`$merge`, a tool `execute:` module, `.env`
/// and exported variables under workflow `config.env`, sprig functions, a parallel holding a
/// collection over a JSON-string `items` with `item_var`/`index_var`, parent `outputs:` over
/// `.tasks`/`.children`/`.status`, an agent action, a router, a signal task whose signal starts
/// another workflow through its trigger, a wait with a processor answered by that workflow, and a
/// prompt-only task; run on the CLI and over the API, with the model a local OpenAI-protocol server.
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(3)))
struct CompozyEndToEndTests {
    static let fixture = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").path
    static let secret = "sk-e2e-0123456789abcdef"

    static func environment(_ model: FakeOpenAIServer) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["E2E_API_URL"] = model.baseURL
        return environment
    }

    /// What both runs must answer, and what the model server must have seen.
    static func check(_ value: JSONValue, model: FakeOpenAIServer, _ context: String) throws {
        #expect(value["status"] == "SUCCESS", "\(context): \(value)")
        let output = value["output"] ?? .null
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        let expected: JSONValue = [
            "topic": "RIVER DELTAS", "stage": "workflow", "project": "e2e-digest", "greeting": "hello from dotenv",
            "slug": "river-deltas", "year": .string(String(year)), "loud": "RIVER DELTAS!", "words": 3, "count": 3,
            "shouted": "ALPHA! BETA! GAMMA! ", "parallel_status": "SUCCESS",
            "summary": "echo: Summarize RIVER DELTAS! for stage workflow\n\nInput: {\"text\":\"RIVER DELTAS!\"}", "route": "announce",
            "ack_by": "RIVER DELTAS?!", "brief": "echo: Write one line about river deltas", "status": "SUCCESS",
        ]
        #expect(output == expected, "\(context): \(output)")
        let requests = try model.requests()
        #expect(requests.count == 2, "\(context): \(requests)")
        #expect(requests.allSatisfy { $0["authorization"] == .string("Bearer \(secret)") }, "\(context)")
        let system = requests.first?["body"]?["messages"]?.arrayValue?.first { $0["role"] == "system" }
        #expect(system?["content"]?.stringValue?.contains("about river deltas; greet with hello from dotenv") == true,
                "\(context): \(system ?? .null)")
    }

    /// The project's `.switchyard/` files never hold the model key the `loud` task was given.
    static func checkNoSecretStored(_ directory: String) throws {
        let state = directory + "/.switchyard"
        for file in try FileManager.default.contentsOfDirectory(atPath: state) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: state + "/" + file))
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the key")
        }
    }

    @Test func everyConstructRunsOnTheCLI() async throws {
        try await withFakeOpenAIServer { model in
            let directory = try CompozyExampleTests.copy("compozy-e2e", from: Self.fixture)
            let check = try EngineCommandTests.run(["validate", "--project", directory], environment: Self.environment(model))
            #expect(check.status == 0, "validate: \(check.stdout) \(check.stderr)")
            let result = try EngineCommandTests.run(
                ["run", "digest", "--project", directory, "--json", "--input", #"{"topic": "river deltas"}"#],
                environment: Self.environment(model))
            #expect(result.status == 0, "stderr: \(result.stderr)")
            try Self.check(try JSONValue(parsing: result.stdout), model: model, "CLI")
            #expect(!result.stderr.contains(Self.secret))
            try Self.checkNoSecretStored(directory)
        }
    }

    @Test func everyConstructRunsOverTheAPI() async throws {
        try await withFakeOpenAIServer { model in
            let directory = try CompozyExampleTests.copy("compozy-e2e", from: Self.fixture)
            let server = try APIServerHarness(projectDirectory: directory, environment: Self.environment(model))
            defer { _ = server.stop() }
            let (status, envelope) = try await server.request(.POST, "/api/v0/workflows/digest/executions/sync",
                                                              body: ["input": ["topic": "river deltas"]])
            #expect(status == 200, "\(envelope)")
            let data = envelope["data"] ?? .null
            try Self.check(["status": data["workflow"]?["status"] ?? .null, "output": data["output"] ?? .null],
                           model: model, "API")
            // The signal started the archive workflow once, with the payload as its input.
            let archive = try await server.request(.GET, "/api/v0/workflows/archive/executions").envelope
            let runs = archive["data"]?["executions"]?.arrayValue ?? []
            #expect(runs.count == 1, "\(archive)")
            // The autoloaded task resource runs on its own too.
            let task = try await server.request(.POST, "/api/v0/tasks/shout_topic/executions/sync",
                                                body: ["with": ["word": "estuaries"]])
            #expect(task.envelope["data"]?["output"]?["loud"] == "ESTUARIES?", "\(task.envelope)")
            // An agent run on its own: its instructions and action prompt render, while the
            // request's own prompt and input are data, never templates.
            let agent = try await server.request(.POST, "/api/v0/agents/writer/executions/sync", body: [
                "action": "summarize", "prompt": "Keep {{ .env.GREETING }} literal", "with": ["text": "{{ .env.STAGE }}"],
            ])
            #expect(agent.status == 200, "\(agent.envelope)")
            let last = try #require(try model.requests().last)
            let messages = last["body"]?["messages"]?.arrayValue ?? []
            let user = messages.last { $0["role"] == "user" }?["content"]?.stringValue ?? ""
            #expect(user.contains("Summarize {{ .env.STAGE }} for stage workflow"), "\(user)")
            #expect(user.contains("Keep {{ .env.GREETING }} literal"), "\(user)")
            #expect(messages.first?["content"] == "You write digests about anything; greet with hello from dotenv.")
            #expect(!server.stderrText.contains(Self.secret))
            try Self.checkNoSecretStored(directory)
        }
    }
}
