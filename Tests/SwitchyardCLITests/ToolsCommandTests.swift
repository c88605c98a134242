import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// `switchyard tools call`, `plugin check` and `validate` on real adapters: the textkit C plugin
/// and the ffi adapter calling libz, loaded by the built `switchyard` executable.
@Suite(.timeLimit(.minutes(1)))
struct ToolsCommandTests {
    static let projectFile = """
        name: tools-cli
        adapters:
          - id: textkit
            library: textkit
        tools:
          - id: word_count
            adapter: textkit
          - id: sleep
            adapter: textkit
          - id: crc32
            adapter: ffi
            ffi: {library: libz.so.1, symbol: crc32, parameters: [u64, buffer, u32], result: u64}
        """

    static func project(_ file: String = projectFile) throws -> String {
        let directory = TemporaryDirectory.make("switchyard-tools")
        try file.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    static func call(_ tool: String, _ arguments: [String] = [], in directory: String) throws -> EngineCommandTests.Output {
        try EngineCommandTests.run(["tools", "call", tool, "--project", directory] + arguments)
    }

    @Test func aCPluginToolPrintsItsOutputObject() throws {
        let result = try Self.call("word_count", ["--input", #"{"text": "one two three"}"#], in: try Self.project())
        #expect(result.status == 0)
        #expect(try JSONValue(parsing: result.stdout) == ["words": 3, "chars": 13])
    }

    @Test func anFFIToolCallsTheSystemLibrary() throws {
        let result = try Self.call("crc32", ["--input", #"{"args": [0, "hello", 5]}"#], in: try Self.project())
        #expect(result.status == 0)
        #expect(try JSONValue(parsing: result.stdout) == ["value": 907060870, "out": []])
    }

    @Test func failuresPrintOneErrorLineWithTheirKind() throws {
        let directory = try Self.project()
        // An unknown tool is a usage error, as an unknown workflow is in `run`.
        let unknown = try Self.call("nope", in: directory)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("error[not_found]: unknown tool \"nope\""))
        #expect(unknown.stderr.contains("word_count"))

        let badInput = try Self.call("word_count", ["--input", #"{"text": 5}"#], in: directory)
        #expect(badInput.status == 1)
        #expect(badInput.stderr.hasPrefix("error[invalid_input]:"))
        #expect(badInput.stderr.contains("text"))

        let timedOut = try Self.call("sleep", ["--input", #"{"ms": 5000}"#, "--timeout", "100ms"], in: directory)
        #expect(timedOut.status == 1)
        #expect(timedOut.stderr.hasPrefix("error[timeout]:"))

        let wrongArgs = try Self.call("crc32", ["--input", #"{"args": [0]}"#], in: directory)
        #expect(wrongArgs.status == 1)
        #expect(wrongArgs.stderr.hasPrefix("error[invalid_input]:"))

        // A tool naming an adapter the project does not declare is a configuration error.
        let ghostProject = try Self.project(Self.projectFile + "\n  - id: haunted\n    adapter: ghost\n")
        let undeclared = try Self.call("haunted", in: ghostProject)
        #expect(undeclared.status == 2)
        #expect(undeclared.stderr.contains("tools[3].adapter"))
        #expect(undeclared.stderr.contains("ghost"))
    }

    @Test func usageErrorsExitTwoNamingTheFlag() throws {
        let directory = try Self.project()
        let badJSON = try Self.call("word_count", ["--input", "{nope"], in: directory)
        #expect(badJSON.status == 2)
        #expect(badJSON.stderr.contains("--input"))
        let badTimeout = try Self.call("word_count", ["--timeout", "soon"], in: directory)
        #expect(badTimeout.status == 2)
        #expect(badTimeout.stderr.contains("--timeout"))
        let noProject = try EngineCommandTests.run(["tools", "call", "x", "--project", directory + "/absent"])
        #expect(noProject.status == 2)
        #expect(noProject.stderr.split(separator: "\n").count == 1)
    }

    /// The engine no longer checks the runtime's own options: the Bun adapter does, and a
    /// refusal is still a configuration error (exit 2) naming the field, in `run` as in `tools call`.
    @Test func aRuntimeOptionTheAdapterRefusesIsAConfigurationError() throws {
        let directory = try Self.project("""
            name: bad-runtime
            runtime: {type: bun, entrypoint: tools.js, mode: sometimes}
            tools:
              - id: hello
            workflows:
              - source: wf.yaml
            """)
        try "export default { hello: () => ({}) };\n".write(toFile: directory + "/tools.js", atomically: true, encoding: .utf8)
        try "id: wf\ntasks:\n  - id: a\n    tool: hello\n".write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        for result in [try Self.call("hello", in: directory),
                       try EngineCommandTests.run(["run", "wf", "--project", directory])] {
            #expect(result.status == 2)
            #expect(result.stderr.contains("`mode` must be pooled or per_call, got \"sometimes\""), "\(result.stderr)")
        }
    }

    @Test func pluginCheckPassesTextkitAndRefusesAMissingFile() throws {
        let library = URL(fileURLWithPath: EngineCommandTests.binary).deletingLastPathComponent()
            .appendingPathComponent("libtextkit.so").path
        let check = try EngineCommandTests.run(["plugin", "check", library])
        #expect(check.status == 0)
        #expect(check.stdout.contains("ok"))
        #expect(!check.stdout.contains("FAIL"))
        let missing = try EngineCommandTests.run(["plugin", "check", "/nonexistent/libnothing.so"])
        #expect(missing.status == 2)
    }
}
