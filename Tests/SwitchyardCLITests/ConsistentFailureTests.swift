import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// The same condition gets the same exit code in every command (CONTRACT.md: 1 ran and failed,
/// 2 usage or configuration), every `--json` error carries `error.kind`, and errors are one line
/// unless `-v`.
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(2)))
struct ConsistentFailureTests {
    static func project(entrypoint: String = "./tools.js", tools: String = "export function greet() { return {}; }\n") throws -> String {
        let directory = try EngineCommandTests.project("id: wf\ntasks:\n  - id: a\n    tool: greet\n")
        try """
            name: failures
            workflows:
              - source: wf.yaml
            runtime: {type: bun, entrypoint: \(entrypoint)}
            tools:
              - id: greet
            """.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try tools.write(toFile: directory + "/tools.js", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func aMissingEntrypointIsExitTwoInValidateRunResumeAndToolsCall() throws {
        let directory = try Self.project(entrypoint: "./missing.js")
        for arguments in [["validate"], ["run", "wf"], ["tools", "call", "greet"]] {
            let result = try EngineCommandTests.run(arguments + ["--project", directory])
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("runtime.entrypoint: no such file: \(directory)/missing.js"), "\(arguments)")
        }
        // Nothing ran: `run` recorded no execution.
        let list = try EngineCommandTests.run(["executions", "list", "--project", directory, "--json"])
        #expect(try JSONValue(parsing: list.stdout) == [])
    }

    @Test func unknownNamesAndUnloadableAdaptersAreExitTwoEverywhere() throws {
        let directory = try Self.project()
        let unknownTool = try EngineCommandTests.run(["tools", "call", "nope", "--project", directory])
        #expect(unknownTool.status == 2)
        #expect(unknownTool.stderr.hasPrefix("error[not_found]: unknown tool \"nope\""))
        let unknownWorkflow = try EngineCommandTests.run(["run", "nope", "--project", directory])
        #expect(unknownWorkflow.status == 2)
        let unknownExecution = try EngineCommandTests.run(["resume", "nope", "--project", directory])
        #expect(unknownExecution.status == 2)

        // An adapter library that cannot be loaded: exit 2 in `run` (loaded at start) and in
        // `tools call` (loaded on first use) alike.
        try """
            name: failures
            workflows:
              - source: wf.yaml
            adapters:
              - {id: broken, library: ./libbroken.so}
            tools:
              - {id: greet, adapter: broken}
            """.write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try "not an ELF file".write(toFile: directory + "/libbroken.so", atomically: true, encoding: .utf8)
        for arguments in [["run", "wf"], ["tools", "call", "greet"]] {
            let result = try EngineCommandTests.run(arguments + ["--project", directory])
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error[load]:") || result.stderr.hasPrefix("error[abi]:") || result.stderr.hasPrefix("error:"),
                    "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
    }

    @Test func everyJSONErrorCarriesAKind() throws {
        let directory = try EngineCommandTests.project(EngineCommandTests.routed)
        let failed = try EngineCommandTests.run(["run", "wf", "--project", directory, "--json", "--input", #"{"kind":"bad"}"#])
        #expect(failed.status == 1)
        let result = try JSONValue(parsing: failed.stdout)
        #expect(result["error"]?["kind"] == "tool_error")  // the `success: false` output
        let show = try EngineCommandTests.run(["executions", "show", result["exec_id"]!.stringValue!, "--project", directory, "--json"])
        #expect(try JSONValue(parsing: show.stdout)["error"] == result["error"])

        let noRoute = try EngineCommandTests.run(["run", "wf", "--project", directory, "--json", "--input", #"{"kind":"odd"}"#])
        #expect(noRoute.status == 1)
        #expect(try JSONValue(parsing: noRoute.stdout)["error"]?["kind"] == "workflow_error")

        // Refused before anything ran: one object `{"error": {kind, message}}` on stdout too.
        let refusals: [([String], String)] = [
            (["run", "ghost", "--json"], "unknown_workflow"),
            (["run", "wf", "--json", "--input", #"{"kind": 3}"#], "invalid_input"),
            (["run", "wf", "--json", "--input", "[]"], "usage"),
            (["resume", "nope", "--json"], "unknown_execution"),
            (["run", "wf", "--json", "--no-such-flag"], "usage"),
        ]
        for (arguments, kind) in refusals {
            let refused = try EngineCommandTests.run(arguments + ["--project", directory])
            #expect(refused.status == 2, "\(arguments)")
            let object = try JSONValue(parsing: refused.stdout)
            #expect(object["error"]?["kind"] == .string(kind), "\(arguments): \(refused.stdout)")
            #expect(object["error"]?["message"]?.stringValue?.isEmpty == false)
            #expect(refused.stderr.split(separator: "\n").count == 1, "\(arguments): \(refused.stderr)")
        }
        let missing = try EngineCommandTests.run(["plugin", "check", "/nonexistent/libnothing.so", "--json"])
        #expect(missing.status == 2)
        #expect(try JSONValue(parsing: missing.stdout)["error"]?["kind"]?.stringValue?.isEmpty == false)
    }

    @Test func errorsAreOneLineUnlessVerbose() throws {
        let directory = try Self.project(tools: """
            export function greet() {
              throw new Error("the tool gave up");
            }
            """)
        for arguments in [["tools", "call", "greet"], ["run", "wf"]] {
            // The default is the message alone; the stack (the error's detail) only with -v.
            let terse = try EngineCommandTests.run(arguments + ["--project", directory, "--log-level", "critical"])
            #expect(terse.status == 1)
            #expect(terse.stderr.contains("the tool gave up"), "\(arguments): \(terse.stderr)")
            #expect(!terse.stderr.contains("at greet ("), "\(arguments): \(terse.stderr)")
            #expect(terse.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("error") }, "\(arguments): \(terse.stderr)")

            let verbose = try EngineCommandTests.run(arguments + ["--project", directory, "--log-level", "critical", "-v"])
            #expect(verbose.status == 1)
            #expect(verbose.stderr.contains("at greet ("), "\(arguments): \(verbose.stderr)")
        }
    }

    /// SIGTERM (a service manager stopping it) cancels like Ctrl-C, also when stderr is not a terminal.
    @Test func sigtermCancelsAPipedRun() throws {
        let directory = try TerminalDisplayTests.project()
        let input = #"{"kind": "hold", "release": "\#(directory)/release"}"#
        let (process, out, err) = try EngineCommandTests.launch(["run", "wf", "--project", directory, "--input", input, "--json", "-v"])
        let collected = StderrLines(err)
        #expect(ResumeAfterKillTests.waitUntil(seconds: 60) { collected.text.contains("holding until") }, "\(collected.text)")
        kill(process.processIdentifier, SIGTERM)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        collected.wait()
        #expect(process.terminationStatus == 1)
        let result = try JSONValue(parsing: String(decoding: stdout, as: UTF8.self))
        #expect(result["status"] == "CANCELED")
        #expect(result["error"]?["kind"] == "canceled")
        #expect(collected.text.contains("switchyard resume \(result["exec_id"]!.stringValue!) --project \(directory)"))
    }
}

/// Reads a pipe to its end on a thread of its own, so the child never blocks on a full pipe.
final class StderrLines: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        Thread.detachNewThread { [self] in
            let handle = pipe.fileHandleForReading
            while case let chunk = handle.availableData, !chunk.isEmpty {
                lock.withLock { data.append(chunk) }
            }
            done.signal()
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    func wait() { done.wait() }
}
