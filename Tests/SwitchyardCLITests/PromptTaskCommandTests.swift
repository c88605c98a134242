import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// Issue 9 item 6: a prompt-only basic task (compozy's `engine/task/fixtures/basic_task_prompt_only.yaml`:
/// a `prompt` and no agent or tool) is one model call on the project's default model, or on its
/// `model_config`; item 7: without either, `validate` names the task.
@Suite(.timeLimit(.minutes(1)))
struct PromptTaskCommandTests {
    static func project(models: String, tasks: String) throws -> String {
        let directory = TemporaryDirectory.make("switchyard-prompt")
        try """
            name: prompt-only
            workflows:
              - source: wf.yaml
            \(models)
            """.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try """
            id: wf
            tasks:
            \(tasks)
            """.write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    static let defaultModel = """
        models:
          - id: offline
            provider: mock
            model: deterministic
            default: true
        """

    @Test func aPromptAloneRunsOnTheDefaultModel() throws {
        let directory = try Self.project(models: Self.defaultModel, tasks: """
              - id: text-analysis-prompt
                type: basic
                prompt: "Analyze the following text for sentiment and key themes"
                with:
                  text: "{{ .workflow.input.text }}"
                outputs:
                  summary: "{{ .output.response }}"
            """)
        let result = try EngineCommandTests.run(
            ["run", "wf", "--project", directory, "--json", "--input", #"{"text": "a fine day"}"#])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let value = try JSONValue(parsing: result.stdout)
        #expect(value["status"] == "SUCCESS")
        let summary = value["output"]?["text-analysis-prompt"]?["output"]?["summary"]?.stringValue ?? ""
        #expect(summary.hasPrefix("mock response to: Analyze the following text"), "\(result.stdout)")
    }

    @Test func modelConfigChoosesTheModel() throws {
        let models = Self.defaultModel + """

              - id: scripted
                provider: mock
                model: scripted
                params: {response: from the named model}
            """
        let directory = try Self.project(models: models, tasks: """
              - id: inline
                prompt: say something
                model_config: {provider: mock, model: scripted, params: {response: from the inline model}}
                on_success: {next: named}
              - id: named
                prompt: say something
                model_config: scripted
            """)
        let result = try EngineCommandTests.run(["run", "wf", "--project", directory, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let value = try JSONValue(parsing: result.stdout)
        #expect(value["output"]?["inline"]?["output"] == ["response": "from the inline model"])
        #expect(value["output"]?["named"]?["output"] == ["response": "from the named model"])
    }

    @Test func withoutAModelValidateNamesTheTask() throws {
        let directory = try Self.project(models: "", tasks: """
              - id: lonely
                prompt: say something
              - id: misnamed
                prompt: say something
                model_config: nowhere
            """)
        let result = try EngineCommandTests.run(["validate", "--project", directory])
        #expect(result.status != 0)
        let text = result.stdout + result.stderr
        #expect(text.contains("wf.yaml: tasks[0].prompt: a prompt-only task needs model_config"), "\(text)")
        #expect(text.contains("wf.yaml: tasks[1].model_config: unknown model \"nowhere\""), "\(text)")
    }

    /// compozy's model resolution for agent tasks too: the task's `model_config` first, then the
    /// agent's own model; an unknown id is a `validate` error at the task.
    @Test func modelConfigOverridesTheAgentsModel() throws {
        let models = Self.defaultModel + """

              - id: scripted
                provider: mock
                model: scripted
                params: {response: from the task's model}
            """
        let directory = try Self.project(models: models, tasks: """
              - id: own
                agent: helper
                prompt: say something
                on_success: {next: overridden}
              - id: overridden
                agent: helper
                prompt: say something
                model_config: scripted
            agents:
              - id: helper
                model: offline
                instructions: Help.
            """)
        let result = try EngineCommandTests.run(["run", "wf", "--project", directory, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let value = try JSONValue(parsing: result.stdout)
        #expect(value["output"]?["own"]?["output"]?["response"]?.stringValue?.hasPrefix("mock response to:") == true, "\(result.stdout)")
        #expect(value["output"]?["overridden"]?["output"] == ["response": "from the task's model"])

        let wrong = try Self.project(models: models, tasks: """
              - {id: t, agent: helper, prompt: hi, model_config: nowhere}
            agents:
              - {id: helper, model: offline, instructions: Help.}
            """)
        let check = try EngineCommandTests.run(["validate", "--project", wrong])
        #expect(check.status != 0)
        #expect((check.stdout + check.stderr).contains("wf.yaml: tasks[0].model_config: unknown model \"nowhere\""))
    }

    /// A task's `agent:` written as a whole agent (compozy's task fixtures, and what
    /// `$use: agent(…)` produces) declares it; `validate` checks its keys like a declared one's.
    @Test func anInlineAgentIsDeclaredByItsTask() throws {
        let models = Self.defaultModel + """

              - id: scripted
                provider: mock
                model: scripted
                params: {response: from the inline agent}
            """
        let directory = try Self.project(models: models, tasks: """
              - id: ask
                prompt: say something
                agent: {id: inliner, model: scripted, instructions: Be brief.}
                on_success: {next: again}
              - id: again
                prompt: say it again
                agent: inliner
            """)
        let result = try EngineCommandTests.run(["run", "wf", "--project", directory, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let value = try JSONValue(parsing: result.stdout)
        #expect(value["output"]?["ask"]?["output"] == ["response": "from the inline agent"], "\(result.stdout)")
        #expect(value["output"]?["again"]?["output"] == ["response": "from the inline agent"])

        let typo = try Self.project(models: models, tasks: """
              - {id: t, prompt: hi, agent: {id: x, model: scripted, instrucions: Be brief.}}
            """)
        let check = try EngineCommandTests.run(["validate", "--project", typo])
        #expect(check.status != 0)
        #expect((check.stdout + check.stderr).contains("tasks[0].agent.instrucions: unknown key in an agent (did you mean \"instructions\"?)"),
                "\(check.stdout)\(check.stderr)")
    }
}
