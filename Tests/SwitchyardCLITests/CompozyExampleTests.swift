import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// Issue 9's proof on real compozy projects: compozy's own examples (`Fixtures/compozy-examples`,
/// copied from github.com/compozy/compozy `examples/`; the README there lists the two edits) run
/// on the CLI and over the API, and their outputs follow compozy's semantics.
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(3)))
struct CompozyExampleTests {
    static let examples = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/compozy-examples").path

    /// A fresh copy of example `name` (runs write `.switchyard/` into the project).
    static func copy(_ name: String, from root: String = examples) throws -> String {
        let directory = TemporaryDirectory.make("switchyard-compozy-\(name)") + "/" + name
        try FileManager.default.copyItem(atPath: root + "/" + name, toPath: directory)
        return directory
    }

    /// The test's environment with a model key and the local model server's URL under the names
    /// an example's model reads (`{{ .env.PREFIX_API_KEY }}`, `{{ .env.PREFIX_API_URL }}`).
    static func modelEnvironment(_ model: FakeOpenAIServer, prefix: String, key: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment[prefix + "_API_KEY"] = key
        environment[prefix + "_API_URL"] = model.baseURL
        return environment
    }

    /// `nested-tasks`: a composite holding a parallel, a collection over the input's default list
    /// and a composite of a race and a sequential collection over a JSON-string `items`.
    static func checkNestedTasks(_ value: JSONValue, _ context: String) {
        #expect(value["status"] == "SUCCESS", "\(context)")
        let root = value["output"]?["root_composite"]?["output"]
        #expect(root?["result"] == "Nested tasks execution completed", "\(context)")
        let processed = root?["processed_items"]?.jsonString ?? ""
        for (index, item) in ["item1", "item2", "item3"].enumerated() {
            #expect(processed.contains("Processing item: \(item) at index \(index)"), "\(context): \(processed)")
        }
        let parallel = root?["parallel_results"]?.jsonString ?? ""
        #expect(parallel.contains("Parallel Task A executed") && parallel.contains("Parallel Task B executed"),
                "\(context): \(parallel)")
        #expect(parallel.contains("\"count_result\":[1,2,3]"), "\(context): \(parallel)")
        // The default workflow output lists every task, the nested ones too.
        for id in ["task_a", "task_b", "task_c", "process-0", "process-2", "final-0", "final-1", "nested_parallel"] {
            #expect(value["output"]?[id] != nil, "\(context): \(id) missing from \(value["output"]?.jsonString ?? "")")
        }
        #expect(value["output"]?["final-1"]?["output"]?["echoed_message"] == "Final processing: final2", "\(context)")
    }

    @Test func nestedTasksRunsOnTheCLI() throws {
        let directory = try Self.copy("nested-tasks")
        let result = try EngineCommandTests.run(["run", "nested-tasks", "--project", directory, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        Self.checkNestedTasks(try JSONValue(parsing: result.stdout), "CLI")
    }

    @Test func nestedTasksRunsOverTheAPI() async throws {
        let directory = try Self.copy("nested-tasks")
        let server = try APIServerHarness(projectDirectory: directory)
        defer { _ = server.stop() }
        let (status, envelope) = try await server.request(.POST, "/api/v0/workflows/nested-tasks/executions/sync",
                                                          body: ["input": [:]])
        #expect(status == 200, "\(envelope)")
        let data = envelope["data"] ?? .null
        Self.checkNestedTasks(["status": data["workflow"]?["status"] ?? .null, "output": data["output"] ?? .null], "API")
    }

    /// `signals`: the sender's signal task starts the receiver through its `triggers:` entry, with
    /// the payload as input; started by hand, the receiver's template default shows instead.
    @Test func signalsSenderStartsTheReceiverOverTheAPI() async throws {
        let directory = try Self.copy("signals")
        let server = try APIServerHarness(projectDirectory: directory)
        defer { _ = server.stop() }
        let sent = try await server.request(.POST, "/api/v0/workflows/sender/executions/sync",
                                            body: ["input": ["message": "Hello from sender!"]])
        #expect(sent.status == 200, "\(sent.envelope)")
        #expect(sent.envelope["data"]?["output"]?["send-signal"]?["output"]?["signal_dispatched"] == true,
                "\(sent.envelope)")
        var received: JSONValue = .null
        for _ in 0..<500 {
            let list = try await server.request(.GET, "/api/v0/workflows/receiver/executions").envelope
            if let first = list["data"]?["executions"]?.arrayValue?.first, first["status"] == "SUCCESS" {
                received = first
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let execID = try #require(received["exec_id"]?.stringValue, "no receiver execution: \(server.stderrText)")
        let state = try await server.request(.GET, "/api/v0/executions/workflows/\(execID)").envelope["data"] ?? .null
        #expect(state["output"]?["process-signal"]?["output"]?["logged"] == "Received: Hello from sender!", "\(state)")

        let manual = try await server.request(.POST, "/api/v0/workflows/receiver/executions/sync", body: ["input": [:]])
        #expect(manual.envelope["data"]?["output"]?["process-signal"]?["output"]?["logged"] == "Received: manually started",
                "\(manual.envelope)")
    }

    /// `prompt-only`: one model call on the project's default model (groq's OpenAI protocol, on
    /// the test's local server), the key from the environment, the prompt rendered.
    @Test func promptOnlyCallsTheDefaultModel() async throws {
        try await withFakeOpenAIServer { model in
            let directory = try Self.copy("prompt-only")
            let environment = Self.modelEnvironment(model, prefix: "GROQ", key: "gsk-prompt-only-key")
            let result = try EngineCommandTests.run(
                ["run", "prompt-only", "--project", directory, "--json", "--input", #"{"text": "Rivers carve valleys."}"#],
                environment: environment)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let value = try JSONValue(parsing: result.stdout)
            let summary = value["output"]?["analyze"]?["output"]?["summary"]?.stringValue ?? ""
            #expect(summary.hasPrefix("echo: You are a concise text analysis assistant."), "\(result.stdout)")
            #expect(summary.contains("Rivers carve valleys."), "\(summary)")
            let request = try #require(try model.requests().first)
            #expect(request["body"]?["model"] == "llama-3.3-70b-versatile")
            #expect(request["authorization"] == "Bearer gsk-prompt-only-key")
        }
    }

    /// `schedules`: its every-15-seconds schedule fires in `serve` (the tool found in
    /// `./entrypoint.ts`, which its project file does not name), and its `api.http` requests work.
    @Test func schedulesFireInServe() async throws {
        let directory = try Self.copy("schedules")
        let server = try APIServerHarness(projectDirectory: directory)
        defer { _ = server.stop() }
        let listed = try await server.request(.GET, "/api/v0/schedules")
        let schedule = listed.envelope["data"]?["schedules"]?.arrayValue?.first
        #expect(schedule?["workflow_id"] == "hello-scheduler" && schedule?["cron"] == "0,15,30,45 * * * * *", "\(listed.envelope)")
        #expect(schedule?["enabled"] == true && schedule?["timezone"] == "UTC")
        var fired: JSONValue = .null
        for _ in 0..<250 {   // a slot comes every 15 s
            let runs = try await server.request(.GET, "/api/v0/workflows/hello-scheduler/executions").envelope
            if let first = runs["data"]?["executions"]?.arrayValue?.first(where: { $0["status"] == "SUCCESS" }) {
                fired = first
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let execID = try #require(fired["exec_id"]?.stringValue, "no scheduled run: \(server.stderrText)")
        let state = try await server.request(.GET, "/api/v0/executions/workflows/\(execID)").envelope["data"] ?? .null
        #expect(state["output"]?["message"] == "Hello from scheduled workflow!", "\(state)")
        #expect(state["output"]?["status"] == "Schedule execution completed")
        let disabled = try await server.request(.PATCH, "/api/v0/schedules/hello-scheduler", body: ["enabled": false])
        #expect(disabled.status == 200 && disabled.envelope["data"]?["enabled"] == false, "\(disabled.envelope)")
        let retimed = try await server.request(.PATCH, "/api/v0/schedules/hello-scheduler", body: ["cron": "*/30 * * * * *"])
        #expect(retimed.envelope["data"]?["cron"] == "*/30 * * * * *", "\(retimed.envelope)")
    }

    /// `standalone/basic`: autoloaded agent and task resources (with compozy's `name` and
    /// `description`), an action whose output schema the model's JSON answer must meet; the
    /// workflow on the CLI, the task resource on its own over the API.
    @Test func standaloneBasicRunsItsWorkflowAndItsTask() async throws {
        try await withFakeOpenAIServer { model in
            let directory = try Self.copy("standalone-basic")
            let environment = Self.modelEnvironment(model, prefix: "OPENAI", key: "sk-standalone")
            let check = try EngineCommandTests.run(["validate", "--project", directory], environment: environment)
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            let result = try EngineCommandTests.run(
                ["run", "hello-world", "--project", directory, "--json", "--input", #"{"name": "Ada"}"#], environment: environment)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let value = try JSONValue(parsing: result.stdout)
            #expect(value["output"] == ["message": "echo: Greet the user whose name is \"Ada\"."], "\(result.stdout)")

            let server = try APIServerHarness(projectDirectory: directory, environment: environment)
            defer { _ = server.stop() }
            let task = try await server.request(.POST, "/api/v0/tasks/hello-task/executions/sync", body: ["with": ["name": "Bo"]])
            #expect(task.status == 200, "\(task.envelope)")
            #expect(task.envelope["data"]?["output"] == ["greeting": "echo: Greet the user whose name is \"Bo\"."], "\(task.envelope)")
            let missing = try await server.request(.POST, "/api/v0/tasks/hello-task/executions/sync", body: ["with": ["nom": "Bo"]])
            #expect(missing.envelope["data"]?["status"] == "FAILED")
            #expect(missing.envelope["error"]?["message"]?.stringValue?.contains("input does not match the task's input schema") == true,
                    "\(missing.envelope)")
        }
    }

    /// `database/sqlite-quickstart`: its `database: {driver: sqlite, path}` is the store the run
    /// records into, and `executions list` finds the run there.
    @Test func sqliteQuickstartRecordsIntoItsDatabaseFile() async throws {
        try await withFakeOpenAIServer { model in
            let directory = try Self.copy("sqlite-quickstart")
            let environment = Self.modelEnvironment(model, prefix: "GROQ", key: "gsk-quickstart")
            let result = try EngineCommandTests.run(
                ["run", "text-analysis", "--project", directory, "--json", "--input", #"{"text": "Tides follow the moon."}"#],
                environment: environment)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let value = try JSONValue(parsing: result.stdout)
            #expect(value["output"]?["analyze"]?["output"]?["response"]?.stringValue?.contains("Tides follow the moon.") == true,
                    "\(result.stdout)")
            #expect(FileManager.default.fileExists(atPath: directory + "/data/compozy.db"))
            #expect(!FileManager.default.fileExists(atPath: directory + "/.switchyard/state.sqlite"))
            let listed = try EngineCommandTests.run(["executions", "list", "--project", directory, "--json"], environment: environment)
            #expect(listed.stdout.contains(value["exec_id"]?.stringValue ?? "?"), "\(listed.stdout)\(listed.stderr)")
        }
    }
}
