import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// Issue 9 item 3: a tool's own module (compozy's `execute:`), compozy's default entrypoint
/// `./tools.ts`, and what `validate` says when either is wrong.
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(2)))
struct ToolModuleCommandTests {
    static let workflow = """
        id: wf
        tasks:
          - id: twice
            tool: double
            with: {n: 21}
        """

    @Test func withoutARuntimeBlockToolsTsIsTheEntrypoint() throws {
        let directory = try ValidateRuntimeTests.project("name: d\nworkflows:\n  - source: wf.yaml\ntools:\n  - id: double\n",
                                                         files: ["tools.ts": "export default { double: (i: {n: number}) => ({n: i.n * 2}) }\n",
                                                                 "wf.yaml": Self.workflow])
        let check = try ValidateRuntimeTests.validate(directory)
        #expect(check.status == 0, "\(check.stderr)")
        let result = try EngineCommandTests.run(["run", "wf", "--project", directory, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try JSONValue(parsing: result.stdout)["output"]?["twice"]?["output"] == ["n": 42])
    }

    @Test func executeModulesRunBesideTheEntrypointWhichWins() throws {
        let directory = try ValidateRuntimeTests.project("""
            name: m
            runtime: {type: bun, entrypoint: ./main.ts}
            workflows:
              - source: wf.yaml
            tools:
              - {id: double, execute: ./double.ts}
              - {id: named, execute: ./named.ts}
              - {id: shadowed, execute: ./double.ts}
              - {id: empty, execute: ./empty.ts}
            """, files: [
                "main.ts": "export function shadowed() { return {from: \"entrypoint\"} }\n",
                "double.ts": "export default (i: {n: number}) => ({n: i.n * 2, from: \"module\"})\n",
                "named.ts": "export function run(i: {n: number}) { return {n: i.n + 1} }\n",
                "empty.ts": "export const nothing = 1\n",
                "wf.yaml": """
                    id: wf
                    tasks:
                      - {id: a, tool: double, with: {n: 2}, on_success: {next: b}}
                      - {id: b, tool: named, with: {n: 2}, on_success: {next: c}}
                      - {id: c, tool: shadowed, on_success: {next: d}}
                      - {id: d, tool: empty}
                    """,
            ])
        let result = try EngineCommandTests.run(["run", "wf", "--project", directory, "--json"])
        let value = try JSONValue(parsing: result.stdout)
        #expect(value["output"]?["a"]?["output"] == ["n": 4, "from": "module"], "\(result.stdout)")
        #expect(value["output"]?["b"]?["output"] == ["n": 3])
        #expect(value["output"]?["c"]?["output"] == ["from": "entrypoint"])
        #expect(value["status"] == "FAILED")
        let message = value["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("tool \"empty\"") && message.contains("empty.ts exports no default function, no run and no empty"),
                "\(message)")
    }

    @Test func validateNamesAMissingModule() throws {
        let directory = try ValidateRuntimeTests.project("name: x\ntools:\n  - {id: lost, execute: ./tools/lost.ts}\n")
        let result = try ValidateRuntimeTests.validate(directory)
        #expect(result.status == 2)
        #expect(result.stderr.contains("tools[0].execute: no such file: \(directory)/tools/lost.ts"), "\(result.stderr)")
    }
}
