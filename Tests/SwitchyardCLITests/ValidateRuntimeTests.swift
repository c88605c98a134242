import Foundation
import Testing
import SwitchyardTestSupport

/// Issue #12 item 6: `validate` loads what a statically valid project names: the entrypoint
/// must exist and export every runtime tool (a real Bun worker describes it), every adapter the
/// tools use must load (the real textkit C plugin) and describe its tools, and a TypeScript
/// entrypoint under Node is refused. `--skip-runtime` checks the files only.
@Suite(.timeLimit(.minutes(1)), .serialized)
struct ValidateRuntimeTests {
    static func project(_ text: String, files: [String: String] = [:]) throws -> String {
        let directory = TemporaryDirectory.make("switchyard-validate-runtime")
        try text.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        for (name, body) in files { try body.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        return directory
    }

    static func validate(_ directory: String, _ extra: [String] = []) throws -> EngineCommandTests.Output {
        try EngineCommandTests.run(["validate", "--project", directory] + extra)
    }

    static let bunProject = """
        name: exports
        runtime: {type: bun, entrypoint: ./tools.js}
        adapters:
          - id: textkit
            library: textkit
        tools:
          - id: greet
          - id: farewell
          - id: word_count
            adapter: textkit
          - id: no_such_plugin_tool
            adapter: textkit
        """

    @Test func toolsTheEntrypointOrAPluginDoesNotHaveAreNamedWithWhatTheyHave() throws {
        let directory = try Self.project(Self.bunProject, files: ["tools.js": "export function greet() { return {hi: 1} }\n"])
        let result = try Self.validate(directory)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("tools[1].id: tool \"farewell\": the entrypoint ./tools.js does not export it (it has: greet)"),
                "\(result.stderr)")
        #expect(result.stderr.contains("tools[3].id: tool \"no_such_plugin_tool\": adapter \"textkit\" does not describe it"),
                "\(result.stderr)")
        #expect(!result.stderr.contains("\"greet\":"), "\(result.stderr)")
        #expect(!result.stderr.contains("\"word_count\":"), "\(result.stderr)")

        let filesOnly = try Self.validate(directory, ["--skip-runtime"])
        #expect(filesOnly.status == 0, "\(filesOnly.stderr)")
    }

    @Test func aMissingEntrypointAndTypeScriptUnderNodeAreRefused() throws {
        let missing = try Self.project("name: m\nruntime: {type: bun, entrypoint: ./gone.ts}\ntools:\n  - id: t\n")
        let result = try Self.validate(missing)
        #expect(result.status == 2)
        #expect(result.stderr.contains("runtime.entrypoint: no such file"), "\(result.stderr)")

        let node = try Self.project("name: n\nruntime: {type: node, entrypoint: ./tools.ts}\ntools:\n  - id: t\n",
                                    files: ["tools.ts": "export const t = () => ({})\n"])
        let refused = try Self.validate(node)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("Node 20 cannot load TypeScript"), "\(refused.stderr)")
    }

    @Test func aProjectWhoseToolsAreAllExportedIsValid() throws {
        let directory = try Self.project("name: ok\nruntime: {type: bun, entrypoint: ./tools.js}\ntools:\n  - id: greet\n",
                                         files: ["tools.js": "export function greet() { return {hi: 1} }\n"])
        let result = try Self.validate(directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("ok: "), "\(result.stdout)")
    }
}
