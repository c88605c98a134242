import Foundation
import Testing
@testable import SwitchyardEngine
import SwitchyardJSON

/// Issue 9 item 4: values of the `.env` layer whose names mark secrets never reach stored state or
/// error messages; the run itself sees them as they are.
@Suite(.timeLimit(.minutes(1)))
struct SecretRedactionTests {
    @Test func secretNamesAndShortValues() {
        for name in ["OPENAI_API_KEY", "github_token", "DB_PASSWORD", "Session_Cookie", "SENTRY_DSN", "AUTH_HEADER"] {
            #expect(SecretRedactor.namesSecret(name), "\(name)")
        }
        for name in ["STAGE", "GREETING", "HOME", "REGION"] { #expect(!SecretRedactor.namesSecret(name), "\(name)") }
        let redactor = SecretRedactor(secrets: ["abc", "sk-longer-secret", "sk-longer"])
        #expect(redactor.secrets == ["sk-longer-secret", "sk-longer"])
        #expect(redactor.redact("key sk-longer-secret and sk-longer; abc") == "key [REDACTED] and [REDACTED]; abc")
        #expect(redactor.redact(["a": ["sk-longer-secret"], "sk-longer": 1]) == ["a": ["[REDACTED]"], "[REDACTED]": 1])
    }

    @Test func storedInputOutputAndErrorsHoldNoSecret() async throws {
        let secret = "tok-9f8e7d6c5b4a"
        let project = try TestProject(workflows: ["wf.yaml": """
            id: wf
            tasks:
              - id: use
                tool: echo
                with: {header: "Bearer {{ .env.SERVICE_TOKEN }}", stage: "{{ .env.STAGE }}"}
                on_success: {next: leak}
              - id: leak
                tool: fail
                with: {message: "rejected {{ .env.SERVICE_TOKEN }}"}
            """], extra: [".env": "SERVICE_TOKEN=\(secret)\nSTAGE=staging-eu\n"])
        let result = try await project.run()
        #expect(result.status == .failed)
        // The run used the real value...
        #expect(result.output["use"]?["output"]?["header"] == .string("Bearer \(secret)"))
        // ...its reported error and everything stored name it redacted.
        #expect(result.error?.jsonString.contains(secret) == false, "\(result.error ?? .null)")
        let store = try SQLiteExecutionStore(path: project.storePath)
        let tasks = try await store.tasks(workflowExecID: result.execID)
        let use = try #require(tasks.first { $0.taskID == "use" })
        #expect(use.input["header"] == "Bearer [REDACTED]")
        #expect(use.input["stage"] == "staging-eu", "a value whose name marks no secret stays")
        #expect(use.output?["header"] == "Bearer [REDACTED]")
        let leak = try #require(tasks.first { $0.taskID == "leak" })
        #expect(leak.error?["message"]?.stringValue?.contains("rejected [REDACTED]") == true, "\(leak.error ?? .null)")
        let workflow = try #require(try await store.workflow(execID: result.execID))
        #expect(workflow.output?.jsonString.contains(secret) == false)
        #expect(workflow.error?.jsonString.contains(secret) == false)
        // Nothing in the store's files holds the value.
        for file in try FileManager.default.contentsOfDirectory(atPath: project.directory + "/.switchyard") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: project.directory + "/.switchyard/" + file))
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the secret")
        }
    }
}
