import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// Runs the built `switchyard` executable (beside the test bundle) on temporary projects.
/// The workflows here need no tools (aggregate, router, wait), so they run without adapters.
@Suite(.timeLimit(.minutes(1)))
struct EngineCommandTests {
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("switchyard").path

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func project(_ workflow: String) throws -> String {
        let directory = TemporaryDirectory.make("switchyard-cli")
        try "name: cli\nworkflows:\n  - source: wf.yaml\n".write(toFile: directory + "/compozy.yaml", atomically: true, encoding: .utf8)
        try workflow.write(toFile: directory + "/wf.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    /// Starts `executable` (the built `switchyard` unless named) with `arguments`, in `directory`
    /// and with `environment` when given (else the test's own), stdout and stderr piped.
    static func launch(_ arguments: [String], executable: String = binary, environment: [String: String]? = nil,
                       directory: String? = nil) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs as `launch` does, to its end: its status and output.
    static func run(_ arguments: [String], executable: String = binary, environment: [String: String]? = nil,
                    directory: String? = nil) throws -> Output {
        let (process, out, err) = try launch(arguments, executable: executable, environment: environment,
                                             directory: directory)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    static let routed = """
        id: wf
        config:
          input:
            type: object
            properties:
              kind: {type: string, default: good}
        tasks:
          - id: pick
            type: router
            condition: "{{ .workflow.input.kind }}"
            routes: {good: fine, bad: broken}
          - id: fine
            type: aggregate
            outputs: {kind: "{{ .workflow.input.kind }}"}
          - id: broken
            type: aggregate
            outputs: {success: false}
        outputs:
          result: "{{ .tasks.fine.output.kind }}"
        """

    @Test func runJSONPrintsExactlyTheResultObjectAndExitCodes() throws {
        let directory = try Self.project(Self.routed)
        let ok = try Self.run(["run", "wf", "--project", directory, "--json"])
        #expect(ok.status == 0)
        let value = try JSONValue(parsing: ok.stdout)
        #expect(Set(value.objectValue?.keys.map { $0 } ?? []) == ["exec_id", "workflow_id", "status", "output", "error"])
        #expect(value["status"] == "SUCCESS")
        #expect(value["output"] == ["result": "good"])
        #expect(value["error"] == .null)

        let failed = try Self.run(["run", "wf", "--project", directory, "--json", "--input", #"{"kind":"bad"}"#])
        #expect(failed.status == 1)
        let failure = try JSONValue(parsing: failed.stdout)
        #expect(failure["status"] == "FAILED")
        #expect(failure["error"]?["message"]?.stringValue?.contains("broken") == true)

        let bad = try Self.run(["run", "wf", "--project", directory, "--input", #"{"kind": 3}"#])
        #expect(bad.status == 2)
        #expect(bad.stderr.split(separator: "\n").count == 1)
        #expect(bad.stderr.contains("--input") && bad.stderr.contains("input.kind"))

        let notJSON = try Self.run(["run", "wf", "--project", directory, "--input", "{nope"])
        #expect(notJSON.status == 2)
        #expect(notJSON.stderr.hasPrefix("error: --input: not valid JSON"))

        let unknown = try Self.run(["run", "ghost", "--project", directory])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown workflow \"ghost\""))

        let list = try Self.run(["executions", "list", "--project", directory, "--json"])
        #expect(list.status == 0)
        let entries = try JSONValue(parsing: list.stdout).arrayValue ?? []
        #expect(entries.count == 2)
        #expect(entries.first?["status"] == "FAILED")  // newest first
        #expect(Set(entries.first?.objectValue?.keys.map { $0 } ?? []) == ["exec_id", "workflow_id", "status", "created_at", "updated_at"])

        let show = try Self.run(["executions", "show", value["exec_id"]!.stringValue!, "--project", directory, "--json"])
        // run --json's members, the same; show adds the history (created_at, updated_at, tasks).
        let shown = try JSONValue(parsing: show.stdout)
        for (member, expected) in value.objectValue ?? [:] { #expect(shown[member] == expected, "\(member)") }
        let missing = try Self.run(["executions", "show", "nope", "--project", directory])
        #expect(missing.status == 2)
    }

    @Test func validateListsEveryProblemWithFileAndPath() throws {
        let directory = try Self.project("""
            id: wf
            tasks:
              - id: a
                type: aggregate
                outputs: {x: "{{ .broken "}
                on_success: {next: nowhere}
              - id: a
                type: aggregate
                timeout: forever
                outputs: {}
            """)
        let result = try Self.run(["validate", "--project", directory])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let file = directory + "/wf.yaml"
        #expect(lines.contains { $0.contains("\(file): tasks[0].outputs.x: template error") })
        #expect(lines.contains { $0.contains("\(file): tasks[0].on_success.next: unknown task id \"nowhere\"") })
        #expect(lines.contains { $0.contains("\(file): tasks[1].id: duplicate task id \"a\"") })
        #expect(lines.contains { $0.contains("\(file): tasks[1].timeout: bad duration") })

        let good = try Self.run(["validate", "--project", try Self.project(Self.routed)])
        #expect(good.status == 0)
    }

    @Test func killDashNineThenResumeFinishesWithoutRerunningCompletedTasks() throws {
        let directory = try Self.project("""
            id: wf
            tasks:
              - id: first
                type: aggregate
                outputs: {n: 1}
                on_success: {next: hold}
              - id: hold
                type: wait
                wait_for: never
                timeout: 1s
                on_timeout: last
              - id: last
                type: aggregate
                outputs: {after: "{{ .tasks.first.output.n }}"}
            """)
        let (process, _, _) = try Self.launch(["run", "wf", "--project", directory, "--json"])
        var execID: String?
        while execID == nil {
            let list = try Self.run(["executions", "list", "--project", directory, "--json"])
            if let entry = (try? JSONValue(parsing: list.stdout))?.arrayValue?.first, entry["status"] == "WAITING" {
                execID = entry["exec_id"]?.stringValue
            }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let before = try Self.run(["executions", "show", execID!, "--project", directory])
        let firstLine = before.stdout.split(separator: "\n").first { $0.hasPrefix("  first ") }
        #expect(firstLine != nil)

        let resumed = try Self.run(["resume", execID!, "--project", directory, "--json"])
        #expect(resumed.status == 0)
        let value = try JSONValue(parsing: resumed.stdout)
        #expect(value["status"] == "SUCCESS")
        #expect(value["output"]?["last"]?["output"] == ["after": 1])
        let after = try Self.run(["executions", "show", execID!, "--project", directory])
        // The completed task's checkpoint (its timestamp) is untouched: it did not run again.
        #expect(after.stdout.split(separator: "\n").first { $0.hasPrefix("  first ") } == firstLine)
    }
}
