import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// Issue #12 item 2: `--log-level`, `$SWITCHYARD_LOG_LEVEL` and `--log-format` of the real
/// `switchyard` binary running real Bun tools: every stderr line one JSON object with the
/// execution's metadata, the flag over the environment over the default, and a tool writing
/// 5 MB to stderr bounded in the log with one exact "dropped" line while its result is intact.
@Suite(.timeLimit(.minutes(2)))
struct LogCommandTests {
    static let projectFile = """
        name: logs
        workflows:
          - source: wf.yaml
        runtime:
          type: bun
          entrypoint: tools.js
        tools:
          - id: chatty
          - id: flood
        """

    static let tools = """
        export default {
          chatty: () => { for (let i = 0; i < 3; i++) console.error(`chatty line ${i}`); return { ok: true }; },
          flood: (input) => {
            const filler = "x".repeat(94);
            for (let i = 0; i < input.lines; i++) console.error(`${String(i).padStart(5, "0")} ${filler}`);
            return { wrote: input.lines, tail: "intact" };
          },
        };
        """

    /// A flooding tool and a chatty one side by side: the chatty one must keep its lines.
    static let workflow = """
        id: wf
        tasks:
          - id: both
            type: parallel
            tasks:
              - id: noisy
                tool: flood
                with: {lines: 50000}
              - id: talker
                tool: chatty
        """

    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-logs")
        try Self.projectFile.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try Self.workflow.write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        try Self.tools.write(toFile: directory + "/tools.js", atomically: true, encoding: .utf8)
        return directory
    }

    /// Runs the binary with stderr in a file (a log may be larger than a pipe holds while stdout
    /// is still being read).
    static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> EngineCommandTests.Output {
        let errorPath = TemporaryDirectory.make("switchyard-logs-stderr") + "/stderr"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let errorFile = try #require(FileHandle(forWritingAtPath: errorPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EngineCommandTests.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment
            .filter { !$0.key.hasPrefix("SWITCHYARD_LOG") && !$0.key.hasPrefix("OTEL_") }.merging(extra) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errorFile
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorFile.close()
        let stderr = try String(contentsOfFile: errorPath, encoding: .utf8)
        return EngineCommandTests.Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                         stderr: stderr)
    }

    /// Every stderr line parsed as a JSON object with `ts`, `level`, `label` and `message`.
    static func jsonLines(_ stderr: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [JSONValue] {
        try stderr.split(separator: "\n").map { line in
            let value = try JSONValue(parsing: String(line))
            for key in ["ts", "level", "label", "message"] {
                #expect(value[key]?.stringValue != nil, "\(key) missing in \(line.prefix(300))", sourceLocation: sourceLocation)
            }
            return value
        }
    }

    @Test func jsonLogsCarryTheExecutionMetadataAndAFloodIsBoundedAndCounted() throws {
        let directory = try Self.project()
        let result = try Self.run(["run", "wf", "--project", directory, "--json", "--log-format", "json", "--log-level", "debug"])
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let outcome = try JSONValue(parsing: result.stdout)
        let execID = try #require(outcome["exec_id"]?.stringValue)
        // The result is intact although the tool wrote 5 MB of stderr.
        #expect(outcome["output"]?["both"]?["output"]?["outputs"]?["noisy"] == ["wrote": 50000, "tail": "intact"])

        let lines = try Self.jsonLines(result.stderr)
        let engine = lines.filter { $0["label"] == "switchyard.engine" }
        #expect(engine.allSatisfy { $0["exec_id"]?.stringValue == execID && $0["workflow_id"] == "wf" })
        #expect(engine.contains { $0["message"] == "execution started" && $0["level"] == "debug" })
        #expect(engine.contains { $0["message"] == "execution finished" && $0["status"] == "SUCCESS" && $0["level"] == "info" })
        #expect(engine.contains { $0["message"] == "task started" && $0["task_id"] == "talker" && $0["level"] == "debug" })

        // The chatty tool's lines, all three, under its own task and tool, next to the flood.
        let chatty = engine.filter { $0["tool_id"] == "chatty" }
        #expect(chatty.compactMap { $0["message"]?.stringValue } == ["chatty line 0", "chatty line 1", "chatty line 2"])
        #expect(chatty.allSatisfy { $0["task_id"] == "talker" && $0["adapter"]?.stringValue != nil && $0["level"] == "info" })

        // The flood: at most 1,000 of its 50,000 lines (100 bytes each), then one exact count.
        let flood = engine.filter { $0["tool_id"] == "flood" }
        #expect(flood.allSatisfy { $0["task_id"] == "noisy" })
        let floodLines = flood.filter { $0["message"]?.stringValue?.hasSuffix(String(repeating: "x", count: 94)) == true }
        let notices = flood.filter { $0["message"]?.stringValue?.contains("of stderr") == true }
        #expect(floodLines.count <= 1_000, "\(floodLines.count) lines of the flood logged")
        let dropped = 50_000 - floodLines.count
        #expect(notices.count == 1, "\(notices)")
        #expect(notices.first?["message"]?.stringValue?.contains("dropped \(dropped) lines (\(dropped * 100) bytes)") == true,
                "\(notices), \(floodLines.count) logged")
        #expect(notices.first?["level"] == "warning")
    }

    @Test func theFlagWinsOverTheEnvironmentWhichWinsOverTheDefault() throws {
        let directory = try Self.project()
        let arguments = ["run", "wf", "--project", directory, "--json", "--log-format", "json"]
        // Default for `run`: error. The flood's drop notice is a warning, so not even it is written.
        let byDefault = try Self.jsonLines(try Self.run(arguments).stderr)
        #expect(byDefault.allSatisfy { ["error", "critical"].contains($0["level"]?.stringValue ?? "") },
                "\(byDefault.map { $0["level"] ?? .null })")
        #expect(!byDefault.contains { $0["message"]?.stringValue?.contains("of stderr") == true })
        // The environment asks for debug: per-task lines appear.
        let fromEnvironment = try Self.jsonLines(try Self.run(arguments, environment: ["SWITCHYARD_LOG_LEVEL": "debug"]).stderr)
        #expect(fromEnvironment.contains { $0["message"] == "task started" && $0["level"] == "debug" })
        // The flag says error: over the environment's debug, not even the warning is left.
        let fromFlag = try Self.run(arguments + ["--log-level", "error"], environment: ["SWITCHYARD_LOG_LEVEL": "debug"])
        #expect(fromFlag.status == 0)
        #expect(fromFlag.stderr.isEmpty, "\(fromFlag.stderr.prefix(500))")
    }

    @Test func textLinesNameTheMetadataAsKeyValuePairs() throws {
        let directory = try Self.project()
        let result = try Self.run(["run", "wf", "--project", directory, "--json", "--log-level", "info"],
                                  environment: ["SWITCHYARD_LOG_FORMAT": "text"])
        let finished = try #require(result.stderr.split(separator: "\n").first { $0.contains("execution finished") })
        let execID = try #require(try JSONValue(parsing: result.stdout)["exec_id"]?.stringValue)
        #expect(finished.contains(" info switchyard.engine: execution finished "))
        #expect(finished.contains("exec_id=\(execID)") && finished.contains("status=SUCCESS") && finished.contains("workflow_id=wf"))
        #expect(!result.stderr.contains("execution started"), "a start is a debug line")
        #expect(result.stderr.contains("chatty line 1 adapter="))
    }

    @Test func unknownLevelsAndFormatsAreUsageErrorsNamingTheirSource() throws {
        let directory = try Self.project()
        let badFlag = try Self.run(["run", "wf", "--project", directory, "--log-level", "loud"])
        #expect(badFlag.status == 2)
        #expect(badFlag.stderr.contains("--log-level") && badFlag.stderr.contains("loud") && badFlag.stderr.contains("debug"))
        let badVariable = try Self.run(["validate", "--project", directory, "--skip-runtime"],
                                       environment: ["SWITCHYARD_LOG_LEVEL": "chatty"])
        #expect(badVariable.status == 2)
        #expect(badVariable.stderr.contains("$SWITCHYARD_LOG_LEVEL"))
        let badFormat = try Self.run(["tools", "call", "chatty", "--project", directory, "--log-format", "xml"])
        #expect(badFormat.status == 2)
        #expect(badFormat.stderr.contains("--log-format") && badFormat.stderr.contains("json"))
    }
}
