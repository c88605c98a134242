import Foundation
import Testing
@testable import SwitchyardEngine
import SwitchyardJSON

/// The project's `.env` (godotenv syntax), its precedence under project, workflow and task
/// `env:`, and directives in a project run end to end.
@Suite(.timeLimit(.minutes(1)))
struct DotEnvTests {
    @Test func godotenvSyntax() throws {
        let text = """
            # a comment
            export PLAIN=value
            SPACED = spaced value # trailing comment
            SINGLE='literal $PLAIN # kept'
            DOUBLE="line\\nbreak and ${PLAIN}"
            EXPANDED=$PLAIN-$HOME_DIR
            COLON: yaml style
            MULTI="first
            second"

            EMPTY=
            """
        let values = try DotEnvFile.parse(text, file: ".env", environment: ["HOME_DIR": "/home/x"])
        #expect(values == [
            "PLAIN": "value", "SPACED": "spaced value", "SINGLE": "literal $PLAIN # kept",
            "DOUBLE": "line\nbreak and value", "EXPANDED": "value-/home/x", "COLON": "yaml style",
            "MULTI": "first\nsecond", "EMPTY": "",
        ])
        #expect(throws: ConfigError(file: ".env", path: "line 2", reason: "expected KEY=VALUE")) {
            try DotEnvFile.parse("A=1\nnot an assignment\n", file: ".env")
        }
    }

    @Test func exportedWinsOverDotEnvAndDeclaredEnvWinsOverBoth() throws {
        let project = try TestProject(workflows: ["wf.yaml": """
            id: wf
            config:
              env: {FROM_WORKFLOW: workflow, SHARED: workflow}
            tasks:
              - id: a
                tool: echo
                with: {key: "{{ .env.API_KEY }}", file: "{{ .env.FILE_ONLY }}", shared: "{{ .env.SHARED }}",
                       exported: "{{ .env.SWITCHYARD_C3_EXPORTED }}"}
            """], extra: [".env": "API_KEY=from-file\nFILE_ONLY=file\nSHARED=file\nLD_PRELOAD=/evil.so\n"])
        var loaded = try project.load()
        let environment = ["API_KEY": "exported", "SWITCHYARD_C3_EXPORTED": "yes", "UNRELATED_SECRET": "hidden"]
        loaded.env = [:]
        #expect(DotEnvFile.apply(to: &loaded, projectFile: project.path("compozy.yaml"), environment: environment).isEmpty)
        #expect(loaded.env == ["API_KEY": "exported", "FILE_ONLY": "file", "SHARED": "file", "SWITCHYARD_C3_EXPORTED": "yes"])
    }

    @Test func aProjectUsingDirectivesAndDotEnvRuns() async throws {
        let project = try TestProject(workflows: ["wf.yaml": """
            id: wf
            tasks:
              - id: a
                tool: echo
                with:
                  $merge:
                    - $ref: 'local::tasks.#(id=="template").with'
                    - {target: "{{ .env.TARGET }}", tag: {$ref: "global::name"}}
                final: true
              - id: template
                tool: echo
                with: {text: hello, target: world}
            """], extra: [".env": "TARGET=dotenv\n"])
        let result = try await project.run()
        #expect(result.status == .success)
        // The test adapter echoes its input and the environment the tool was given.
        #expect(result.output["a"]?["output"] == ["text": "hello", "target": "dotenv", "tag": "test", "env": ["TARGET": "dotenv"]])
    }

    @Test func aBrokenReferenceIsAValidationErrorWithItsChain() throws {
        let project = try TestProject("""
            id: wf
            shared: {tool: {$ref: "local::missing.tool"}}
            tasks:
              - {id: a, $ref: "local::shared.tool"}
            """)
        let problems = ProjectLoader.validate(directory: project.directory).problems.map(\.description)
        #expect(problems.contains("\(project.path("wf.yaml")): shared.tool: $ref local::missing.tool: "
            + "path missing.tool not found in local scope"))
    }
}
