import Testing
import SwitchyardEngine
import SwitchyardJSON
import SwitchyardRuntime
import SwitchyardTestSupport

/// Issue #12 item 6: a tool's `input:` schema is checked before the call (`invalid_input`, naming
/// the field, and the tool is never called) and its `output:` schema after (`tool_error`).
@Suite(.timeLimit(.minutes(1)))
struct ToolSchemaEnforcementTests {
    static let project = """
        name: schemas
        workflows:
          - source: wf.yaml
        tools:
          - id: echo
            input:
              type: object
              properties: {text: {type: string}}
              required: [text]
          - id: add
            output:
              type: object
              properties: {sum: {type: string}}
        """

    func run(tool: String, with: JSONValue) async throws -> (WorkflowResult, TestProject) {
        let workflow = """
            id: wf
            tasks:
              - id: call
                tool: \(tool)
                with: \(with.jsonString)
            """
        let project = try TestProject(workflows: ["wf.yaml": workflow], project: Self.project)
        return (try await project.run(), project)
    }

    @Test func anInputTheSchemaRefusesFailsTheTaskNamingTheFieldWithoutCallingTheTool() async throws {
        let (result, project) = try await run(tool: "echo", with: ["text": 42])
        #expect(result.status == .failed)
        let message = result.error?["message"]?.stringValue ?? ""
        #expect(message.contains("input.text"), "\(message)")
        #expect(message.contains("tool \"echo\""), "\(message)")
        #expect(result.error?["kind"]?.stringValue == "invalid_input", "\(String(describing: result.error))")
        #expect(project.adapter.callCount("echo") == 0)
    }

    @Test func anInputTheSchemaAcceptsIsCalled() async throws {
        let (result, project) = try await run(tool: "echo", with: ["text": "hi"])
        #expect(result.status == .success, "\(String(describing: result.error))")
        #expect(project.adapter.callCount("echo") == 1)
    }

    @Test func anOutputTheSchemaRefusesFailsTheTaskAfterTheCall() async throws {
        let (result, project) = try await run(tool: "add", with: ["a": 1, "b": 2])
        #expect(result.status == .failed)
        let message = result.error?["message"]?.stringValue ?? ""
        #expect(message.contains("output.sum"), "\(message)")
        #expect(project.adapter.callCount("add") == 1)
    }
}
