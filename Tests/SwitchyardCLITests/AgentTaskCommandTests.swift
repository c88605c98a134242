import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// An agent task run by `switchyard run`: the project's default model (the offline `mock`
/// provider) asks for a real textkit tool call, gets its result and answers in the action's
/// output schema.
@Suite(.timeLimit(.minutes(1)))
struct AgentTaskCommandTests {
    static let projectFile = """
        name: agents-cli
        workflows:
          - source: wf.yaml
        models:
          - id: offline
            provider: mock
            model: deterministic
            default: true
        adapters:
          - id: textkit
            library: textkit
        tools:
          - id: word_count
            adapter: textkit
            description: Counts words.
            input:
              type: object
              properties: {text: {type: string}}
              required: [text]
        """

    static let workflow = """
        id: wf
        agents:
          - id: counter
            instructions: You count words with the tools you have.
            tools: [word_count]
            actions:
              - id: count
                prompt: Use word_count on the text.
                output:
                  type: object
                  properties:
                    words: {type: integer}
                  required: [words]
        tasks:
          - id: ask
            agent: counter
            action: count
            with:
              text: "{{ .workflow.input.text }}"
        outputs:
          words: "{{ .tasks.ask.output.words }}"
        """

    @Test func anAgentTaskCallsAToolAndAnswersInItsSchema() throws {
        let directory = TemporaryDirectory.make("switchyard-agent")
        try Self.projectFile.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try Self.workflow.write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)

        let result = try EngineCommandTests.run(
            ["run", "wf", "--project", directory, "--json", "--input", #"{"text": "one two three four"}"#])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let value = try JSONValue(parsing: result.stdout)
        #expect(value["status"] == "SUCCESS")
        // 4 comes only from the C plugin's answer: the mock model copies the tool result.
        #expect(value["output"] == ["words": 4])
    }

    /// compozy's action-level `tools`: the action, not the agent, names the tool.
    @Test func anActionsOwnToolsAreOfferedToo() throws {
        let directory = TemporaryDirectory.make("switchyard-agent")
        try Self.projectFile.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        let actionTools = Self.workflow
            .replacingOccurrences(of: "    tools: [word_count]\n", with: "")
            .replacingOccurrences(of: "        prompt: Use word_count on the text.\n",
                                  with: "        prompt: Use word_count on the text.\n        tools: [word_count]\n")
        #expect(actionTools != Self.workflow)
        try actionTools.write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        let result = try EngineCommandTests.run(
            ["run", "wf", "--project", directory, "--json", "--input", #"{"text": "one two three"}"#])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try JSONValue(parsing: result.stdout)["output"] == ["words": 3])
    }

    @Test func anUnknownActionFailsTheTaskNamingIt() throws {
        let directory = TemporaryDirectory.make("switchyard-agent")
        try Self.projectFile.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try Self.workflow.replacingOccurrences(of: "action: count", with: "action: tally")
            .write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        let result = try EngineCommandTests.run(["run", "wf", "--project", directory, "--json", "--input", #"{"text": "a"}"#])
        #expect(result.status != 0)
        #expect((result.stdout + result.stderr).contains("tally"))
    }
}
