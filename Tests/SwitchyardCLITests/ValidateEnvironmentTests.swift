import Foundation
import Testing
import SwitchyardTestSupport

/// `switchyard validate` on projects that set loader variables or declare bad tool ids
/// (issue #15 item 4): every one is printed with its file, field and name, and the exit status is 2.
@Suite(.timeLimit(.minutes(1)))
struct ValidateEnvironmentTests {
    @Test func validateRefusesLoaderVariablesAndBadToolIDs() throws {
        let directory = TemporaryDirectory.make("switchyard-cli-env")
        try """
            name: hostile
            runtime: {entrypoint: ./tools.ts, env: {BUN_OPTIONS: "--preload x.js"}}
            tools:
              - id: ok
              - {id: audited, env: {LD_AUDIT: /tmp/audit.so}}
              - id: ../outside
            workflows:
              - source: tools.yaml
            """.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try """
            id: wf
            tasks:
              - {id: a, tool: ok, env: {LD_PRELOAD: /tmp/evil.so, NODE_OPTIONS: "--require x.js"}}
            """.write(toFile: directory + "/tools.yaml", atomically: true, encoding: .utf8)
        let result = try EngineCommandTests.run(["validate", "--project", directory])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let project = directory + "/compozy.yaml", workflow = directory + "/tools.yaml"
        #expect(lines.contains("error: \(project): runtime.env.BUN_OPTIONS: BUN_OPTIONS may not be set for tools: it changes how Bun loads code"))
        #expect(lines.contains("error: \(project): tools[1].env.LD_AUDIT: LD_AUDIT may not be set for tools: it changes how the dynamic loader loads code"))
        #expect(lines.contains("error: \(project): tools[2].id: tool id \"../outside\" must not contain \"..\""))
        #expect(lines.contains("error: \(workflow): tasks[0].env.LD_PRELOAD: LD_PRELOAD may not be set for tools: it changes how the dynamic loader loads code"))
        #expect(lines.contains("error: \(workflow): tasks[0].env.NODE_OPTIONS: NODE_OPTIONS may not be set for tools: it changes how Node loads code"))
        #expect(lines.count == 5, "\(lines)")
    }
}
