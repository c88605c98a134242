import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// `run` and `resume` under a real pseudo-terminal: what a person sees (the exec id first, the
/// counts, the route, the summary, tool log lines under their task) and Ctrl-C (a clean cancel,
/// the resume command; a second Ctrl-C exits at once, leaving the execution resumable).
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(3)))
struct TerminalDisplayTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/display").path

    static func project() throws -> String {
        let directory = TemporaryDirectory.make("switchyard-display")
        for file in ["compozy.yaml", "tools.js", "wf.yaml"] {
            try FileManager.default.copyItem(atPath: Self.fixtures + "/" + file, toPath: directory + "/" + file)
        }
        return directory
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    @Test func theTerminalShowsTheExecIDFirstThenCountsRouteLogsAndASummary() throws {
        let directory = try Self.project()
        let terminal = try PseudoTerminalRun(["run", "wf", "--project", directory, "--json"])
        let (status, stdout, screen) = terminal.finish()
        #expect(status == 0, "\(screen)")
        let execID = try #require(try JSONValue(parsing: stdout)["exec_id"]?.stringValue)
        let shown = Self.lines(screen)
        #expect(shown.first == "exec \(execID) workflow \"wf\"", "\(screen)")
        #expect(screen.contains("tasks done"))
        #expect(screen.contains("/6 tasks done"))
        #expect(screen.contains("> first"))
        #expect(screen.contains("ok pick -> fine (route \"good\")"))
        // The tool's stderr is shown under its running task, marked as its own.
        #expect(screen.contains("      | step 1 of first"))
        let summary = try #require(shown.last { $0.hasPrefix("SUCCESS workflow \"wf\" in ") }, "\(screen)")
        #expect(summary.contains("(exec \(execID))"))
        #expect(summary.contains("first ") && summary.contains("pick ") && summary.contains("fine "))
        #expect(shown.last == summary)
    }

    @Test func aFailedTaskKeepsItsToolLogUnderIt() throws {
        let directory = try Self.project()
        try "export function work() { console.error('the disk is full'); throw new Error('cannot write'); }\n"
            .write(toFile: directory + "/tools.js", atomically: true, encoding: .utf8)
        let terminal = try PseudoTerminalRun(["run", "wf", "--project", directory])
        let (status, _, screen) = terminal.finish()
        #expect(status == 1)
        let shown = Self.lines(screen)
        let failed = try #require(shown.firstIndex { $0.hasPrefix("  !! first FAILED") }, "\(screen)")
        #expect(shown.dropFirst(failed + 1).first?.contains("| the disk is full") == true, "\(screen)")
        #expect(shown.last?.hasPrefix("error: workflow \"wf\" FAILED (exec ") == true)
    }

    @Test func ctrlCCancelsCleanlyPrintsTheResumeCommandAndLeavesNoProcess() throws {
        let directory = try Self.project()
        let marker = UUID().uuidString, release = directory + "/release"
        let input = #"{"kind": "hold", "release": "\#(release)"}"#
        let terminal = try PseudoTerminalRun(["run", "wf", "--project", directory, "--input", input],
                                             environment: ["SWITCHYARD_TEST_MARKER": marker])
        #expect(terminal.waitFor { $0.contains("| holding until") }, "\(terminal.text)")
        #expect(!ResumeAfterKillTests.processes(carrying: marker).isEmpty)
        kill(terminal.process.processIdentifier, SIGINT)
        let (status, _, screen) = terminal.finish()
        #expect(status == 1, "\(screen)")
        let execID = try #require(Self.lines(screen).first?.split(separator: " ").dropFirst().first.map(String.init))
        #expect(screen.contains("canceled: exec \(execID) is CANCELED; continue it with:"), "\(screen)")
        #expect(screen.contains("  switchyard resume \(execID) --project \(directory)"), "\(screen)")
        #expect(screen.contains("error: workflow \"wf\" CANCELED (exec \(execID))"))
        #expect(ResumeAfterKillTests.waitUntil(seconds: 10) { ResumeAfterKillTests.processes(carrying: marker).isEmpty },
                "left: \(ResumeAfterKillTests.processes(carrying: marker))")

        let show = try EngineCommandTests.run(["executions", "show", execID, "--project", directory, "--json"])
        let record = try JSONValue(parsing: show.stdout)
        #expect(record["status"] == "CANCELED")
        #expect(record["error"]?["kind"] == "canceled")

        // The printed command finishes it; the tasks done before the cancel are not run again.
        #expect(FileManager.default.createFile(atPath: release, contents: Data()))
        let resumed = try EngineCommandTests.run(["resume", execID, "--project", directory, "--json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try JSONValue(parsing: resumed.stdout)["status"] == "SUCCESS")
    }

    @Test func aSecondCtrlCExitsAtOnceAndResumeFinishesTheExecution() throws {
        let directory = try Self.project()
        let marker = UUID().uuidString, release = directory + "/release"
        let input = #"{"kind": "stubborn", "release": "\#(release)"}"#
        let terminal = try PseudoTerminalRun(["run", "wf", "--project", directory, "--input", input],
                                             environment: ["SWITCHYARD_TEST_MARKER": marker])
        #expect(terminal.waitFor { $0.contains("| stubborn: blocking") }, "\(terminal.text)")
        // The first Ctrl-C is taken (the view says so) before the second one comes: two signals
        // sent together would merge into one in the kernel.
        kill(terminal.process.processIdentifier, SIGINT)
        #expect(terminal.waitFor { $0.contains("canceling: stopping the running tool calls") }, "\(terminal.text)")
        kill(terminal.process.processIdentifier, SIGINT)
        let (status, _, screen) = terminal.finish()
        #expect(status == 130, "\(screen)")
        let execID = try #require(Self.lines(screen).first?.split(separator: " ").dropFirst().first.map(String.init))
        #expect(screen.contains("switchyard: exiting at once; exec \(execID) did not finish"), "\(screen)")
        #expect(screen.contains("  switchyard resume \(execID) --project \(directory)"))
        // The Bun worker saw its host go and stopped its own process group.
        #expect(ResumeAfterKillTests.waitUntil(seconds: 10) { ResumeAfterKillTests.processes(carrying: marker).isEmpty })

        let show = try EngineCommandTests.run(["executions", "show", execID, "--project", directory, "--json"])
        let recorded = try JSONValue(parsing: show.stdout)["status"]?.stringValue
        #expect(recorded == "RUNNING" || recorded == "CANCELED", "\(show.stdout)")
        #expect(FileManager.default.createFile(atPath: release, contents: Data()))
        let resumed = try EngineCommandTests.run(["resume", execID, "--project", directory, "--json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try JSONValue(parsing: resumed.stdout)["status"] == "SUCCESS")
    }

    /// Piped stderr keeps today's lines: nothing on success; `-v` adds the exec id, task lines,
    /// log lines and the summary; `--quiet` on a terminal shows no view.
    @Test func plainAndQuietOutputs() throws {
        let directory = try Self.project()
        let plain = try EngineCommandTests.run(["run", "wf", "--project", directory])
        #expect(plain.status == 0)
        #expect(plain.stderr == "")
        let verbose = try EngineCommandTests.run(["run", "wf", "--project", directory, "-v"])
        let lines = Self.lines(verbose.stderr)
        #expect(lines.first?.hasPrefix("exec ") == true)
        #expect(lines.contains("  ... first"))
        #expect(lines.contains("  first | step 1 of first"))
        #expect(lines.contains { $0.hasPrefix("  ok pick -> fine (route \"good\")") })
        #expect(lines.last?.hasPrefix("SUCCESS workflow \"wf\" in ") == true)
        #expect(!verbose.stderr.contains("\u{1B}["))

        let quiet = try PseudoTerminalRun(["run", "wf", "--project", directory, "--quiet"]).finish()
        #expect(quiet.status == 0)
        #expect(Self.lines(quiet.screen).isEmpty, "\(quiet.screen)")
    }
}
