import Foundation
import Testing
import SwitchyardTestSupport

/// Issue #12 items 6 and 7: `tools call` checks the input against the tool's `input:` schema
/// before calling anything: a refused input is a usage error (exit 2, `error[invalid_input]`,
/// naming the tool and the field); an accepted one is called (a real ffi call of `strlen`).
@Suite(.timeLimit(.minutes(1)))
struct ToolSchemaCommandTests {
    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-cli-schema")
        let project = """
            name: schema
            tools:
              - id: length
                adapter: ffi
                ffi: {library: libc.so.6, symbol: strlen, parameters: [cstring], result: usize}
                input:
                  type: object
                  properties:
                    args: {type: array, items: {type: string}, minItems: 1, maxItems: 1}
                  required: [args]
            """
        try project.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func aRefusedInputExitsTwoNamingTheFieldAndAnAcceptedOneIsCalled() throws {
        let directory = try Self.project()
        let refused = try EngineCommandTests.run(["tools", "call", "length", "--project", directory,
                                                  "--input", #"{"args": [5]}"#])
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("error[invalid_input]"), "\(refused.stderr)")
        #expect(refused.stderr.contains("tool \"length\""), "\(refused.stderr)")
        #expect(refused.stderr.contains("input.args[0]"), "\(refused.stderr)")

        let accepted = try EngineCommandTests.run(["tools", "call", "length", "--project", directory,
                                                   "--input", #"{"args": ["hello"]}"#])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.contains("\"value\":5"), "\(accepted.stdout)")
    }
}
