import Foundation
import SwitchyardJSON
import Testing
import SwitchyardTestSupport

/// `switchyard serve`: a real server process, real HTTP on loopback, the docs/HTTP-API.md routes.
@Suite(.serialized, .slow, .tags(.slow), .timeLimit(.minutes(2)))
struct APIServerTests {
    static let workflows = [
        "quick.yaml": """
            id: quick
            tasks:
              - id: hi
                type: aggregate
                outputs: {greeting: "hello {{ .workflow.input.name }}"}
            outputs:
              greeting: "{{ .tasks.hi.output.greeting }}"
            """,
        "waiter.yaml": """
            id: waiter
            tasks:
              - id: hold
                type: wait
                wait_for: go
                timeout: 60s
            outputs:
              who: "{{ .tasks.hold.output.signal.payload.who }}"
            """,
    ]

    /// A project with the workflows above.
    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-api")
        let sources = workflows.keys.sorted().map { "  - source: \($0)" }.joined(separator: "\n")
        try "name: api\nworkflows:\n\(sources)\n".write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        for (file, text) in workflows { try text.write(toFile: directory + "/" + file, atomically: true, encoding: .utf8) }
        return directory
    }

    @Test func syncAndAsyncWorkflowExecutions() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project())
        let sync = try await server.request(.POST, "/api/v0/workflows/quick/executions/sync", body: ["input": ["name": "ada"]])
        #expect(sync.status == 200)
        #expect(sync.envelope["status"] == 200 && sync.envelope["error"] == .null)
        #expect(sync.envelope["data"]?["output"] == ["greeting": "hello ada"])
        #expect(sync.envelope["data"]?["workflow"]?["status"] == "SUCCESS")

        let started = try await server.request(.POST, "/api/v0/workflows/quick/executions", body: ["input": ["name": "bo"]])
        #expect(started.status == 202)
        let execID = try #require(started.envelope["data"]?["exec_id"]?.stringValue)
        #expect(started.envelope["data"]?["exec_url"] == .string("/api/v0/executions/workflows/\(execID)"))
        #expect(started.envelope["data"]?["workflow_id"] == "quick")
        let state = try await server.waitForExecution(execID) { $0["status"] == "SUCCESS" }
        #expect(state["output"] == ["greeting": "hello bo"])
        #expect(state["created_at"]?.stringValue != nil && state["task_executions"]?.arrayValue?.count == 1)
        // compozy's workflow.State beside it: `workflow_exec_id` and `tasks` keyed by task id.
        #expect(state["workflow_exec_id"] == .string(execID))
        #expect(state["tasks"]?["hi"]?["status"] == "SUCCESS" && state["tasks"]?["hi"]?["workflow_id"] == "quick", "\(state)")
        #expect(state["tasks"]?["hi"]?["output"] == ["greeting": "hello bo"])

        let listed = try await server.request(.GET, "/api/v0/executions/workflows")
        #expect(listed.envelope["data"]?.arrayValue?.contains { $0["exec_id"] == .string(execID) } == true)
        _ = try await server.request(.POST, "/api/v0/workflows/quick/executions/sync", body: ["input": ["name": "al"]])
        let one = try await server.request(.GET, "/api/v0/executions/workflows?limit=1")
        #expect(one.status == 200 && one.envelope["data"]?.arrayValue?.count == 1, "\(one.envelope)")
        let bad = try await server.request(.GET, "/api/v0/executions/workflows?limit=zero")
        #expect(bad.status == 400 && bad.envelope["error"]?["message"]?.stringValue?.contains("`limit`") == true)
        #expect(server.stop() == 0)
    }

    @Test func signalsReachAWaitingExecution() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project())
        let started = try await server.request(.POST, "/api/v0/workflows/waiter/executions", body: [:])
        let execID = try #require(started.envelope["data"]?["exec_id"]?.stringValue)
        _ = try await server.waitForExecution(execID) { $0["status"] == "WAITING" }
        let signal = try await server.request(.POST, "/api/v0/executions/workflows/\(execID)/signals",
                                              body: ["signal_name": "go", "payload": ["who": "bob"]])
        #expect(signal.status == 202, "\(signal.envelope)")
        let state = try await server.waitForExecution(execID) { $0["status"] == "SUCCESS" }
        #expect(state["output"] == ["who": "bob"])
        // Finished: nothing is waiting for a signal or a cancel any more.
        let late = try await server.request(.POST, "/api/v0/executions/workflows/\(execID)/signals", body: ["signal_name": "go"])
        #expect(late.status == 409 && late.envelope["error"]?["code"] == "NOT_RUNNING")
        let unknown = try await server.request(.POST, "/api/v0/executions/workflows/nope/cancel")
        #expect(unknown.status == 404 && unknown.envelope["error"]?["kind"] == "unknown_execution")
        #expect(server.stop() == 0)
    }

    @Test func aSyncTimeoutAnswers408AndTheRunCanBeCanceled() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project())
        let sync = try await server.request(.POST, "/api/v0/workflows/waiter/executions/sync", body: ["timeout": 0.5])
        #expect(sync.status == 408)
        #expect(sync.envelope["error"]?["code"] == "TIMEOUT")
        let execID = try #require(sync.envelope["data"]?["exec_id"]?.stringValue)
        // The partial state: still going, as the store has it.
        #expect(["RUNNING", "WAITING"].contains(sync.envelope["data"]?["workflow"]?["status"]?.stringValue ?? ""))
        let cancel = try await server.request(.POST, "/api/v0/executions/workflows/\(execID)/cancel")
        #expect(cancel.status == 202)
        let state = try await server.waitForExecution(execID) { $0["status"] == "CANCELED" }
        #expect(state["status"] == "CANCELED")
        #expect(server.stop() == 0)
    }

    @Test func aServerCrashLeavesAnExecutionTheNextServerResumes() async throws {
        let project = try Self.project()
        // A short lease: the dead server's lease expires a second after the kill (docs/SCALE-OUT.md).
        let first = try APIServerHarness(projectDirectory: project, arguments: ["--lease-ttl", "1s", "--lease-renew", "300ms"])
        let started = try await first.request(.POST, "/api/v0/workflows/waiter/executions", body: [:])
        let execID = try #require(started.envelope["data"]?["exec_id"]?.stringValue)
        _ = try await first.waitForExecution(execID) { $0["status"] == "WAITING" }
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()

        let second = try APIServerHarness(projectDirectory: project)
        let stranded = try await second.request(.GET, "/api/v0/executions/workflows/\(execID)")
        #expect(stranded.envelope["data"]?["status"] == "WAITING")
        // Refused while the dead server's lease lasts; then resumed here (or already claimed by
        // this server's recovery loop, which answers ALREADY_RUNNING without naming another owner).
        var resumed = try await second.request(.POST, "/api/v0/executions/workflows/\(execID)/resume")
        for _ in 0..<100 where resumed.status != 202 {
            if resumed.envelope["error"]?["message"]?.stringValue?.contains("owned by another process") != true { break }
            try await Task.sleep(for: .milliseconds(100))
            resumed = try await second.request(.POST, "/api/v0/executions/workflows/\(execID)/resume")
        }
        #expect(resumed.status == 202 || resumed.envelope["error"]?["code"] == "ALREADY_RUNNING", "\(resumed.envelope)")
        let again = try await second.request(.POST, "/api/v0/executions/workflows/\(execID)/resume")
        #expect(again.status == 409 && again.envelope["error"]?["code"] == "ALREADY_RUNNING")
        _ = try await second.waitForExecution(execID) { $0["status"] == "WAITING" }
        let signal = try await second.request(.POST, "/api/v0/executions/workflows/\(execID)/signals",
                                              body: ["signal_name": "go", "payload": ["who": "after a crash"]])
        #expect(signal.status == 202)
        let state = try await second.waitForExecution(execID) { $0["status"] == "SUCCESS" }
        #expect(state["output"] == ["who": "after a crash"])
        let finished = try await second.request(.POST, "/api/v0/executions/workflows/\(execID)/resume")
        #expect(finished.status == 409 && finished.envelope["error"]?["code"] == "ALREADY_FINISHED", "\(finished.envelope)")
        let unknown = try await second.request(.POST, "/api/v0/executions/workflows/nope/resume")
        #expect(unknown.status == 404)
        #expect(second.stop() == 0)
    }

    @Test func badRequestsNameWhatIsWrong() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project())
        let notJSON = try await server.request(.POST, "/api/v0/workflows/quick/executions", rawBody: "{nope")
        #expect(notJSON.status == 400 && notJSON.envelope["error"]?["code"] == "BAD_REQUEST")
        let badInput = try await server.request(.POST, "/api/v0/workflows/quick/executions", body: ["input": [1]])
        #expect(badInput.status == 400 && (badInput.envelope["error"]?["message"]?.stringValue ?? "").contains("`input`"))
        let tooLong = try await server.request(.POST, "/api/v0/workflows/quick/executions/sync", body: ["timeout": 301])
        #expect(tooLong.status == 400 && (tooLong.envelope["error"]?["message"]?.stringValue ?? "").contains("timeout"))
        let unknown = try await server.request(.POST, "/api/v0/workflows/missing/executions", body: [:])
        #expect(unknown.status == 404 && unknown.envelope["error"]?["kind"] == "unknown_workflow")
        let noName = try await server.request(.POST, "/api/v0/executions/workflows/x/signals", body: ["payload": [:]])
        #expect(noName.status == 400 && (noName.envelope["error"]?["message"]?.stringValue ?? "").contains("signal_name"))
        #expect(server.stop() == 0)
    }

    @Test func anAPIKeyGuardsEveryRouteButHealth() async throws {
        let server = try APIServerHarness(projectDirectory: try Self.project(), apiKey: "s3cret")
        #expect(try await server.request(.GET, "/health", key: .some(nil)).status == 200)
        let missing = try await server.request(.GET, "/api/v0/openapi.json", key: .some(nil))
        #expect(missing.status == 401 && missing.envelope["error"]?["code"] == "UNAUTHORIZED")
        #expect(try await server.request(.GET, "/api/v0/openapi.json", key: "s3cre").status == 401)
        // The scheme is case-insensitive (RFC 7235); only Bearer carries the key.
        for scheme in ["bearer", "BEARER", "Bearer "] {
            #expect(try await server.request(.GET, "/api/v0/openapi.json", scheme: scheme).status == 200, "\(scheme)")
        }
        #expect(try await server.request(.GET, "/api/v0/openapi.json", scheme: "Basic").status == 401)
        let document = try await server.request(.GET, "/api/v0/openapi.json")
        #expect(document.status == 200)
        #expect(document.envelope["openapi"] == "3.0.3")
        #expect(document.envelope["paths"]?["/workflows/{id}/executions/sync"]?["post"] != nil)
        #expect(server.stop() == 0)
    }
}
