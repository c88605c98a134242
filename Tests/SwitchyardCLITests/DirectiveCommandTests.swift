import Foundation
import Testing
import SwitchyardJSON

/// `switchyard run` on a project whose workflow uses `$merge`/`$ref` and reads a `.env` value
/// and an exported one.
@Suite(.timeLimit(.minutes(1)))
struct DirectiveCommandTests {
    @Test func runResolvesDirectivesAndEnvironmentEndToEnd() throws {
        let directory = try EngineCommandTests.project("""
            id: wf
            description: hello
            tasks:
              - id: combine
                type: aggregate
                outputs:
                  $merge:
                    - {greeting: {$ref: "local::description"}, target: "{{ .env.TARGET }}"}
                    - {exported: "{{ .env.SWITCHYARD_C3_CLI_VALUE }}"}
            outputs:
              greeting: "{{ .tasks.combine.output.greeting }}"
              target: "{{ .tasks.combine.output.target }}"
              exported: "{{ .tasks.combine.output.exported }}"
            """)
        try "TARGET=\"from dotenv\"\n".write(toFile: directory + "/.env", atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHYARD_C3_CLI_VALUE"] = "exported"
        let result = try EngineCommandTests.run(["run", "wf", "--project", directory, "--json"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let value = try JSONValue(parsing: result.stdout)
        #expect(value["output"] == ["greeting": "hello", "target": "from dotenv", "exported": "exported"])
    }
}
