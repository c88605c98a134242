import Foundation
import Testing
import SwitchyardJSON
import SwitchyardTestSupport

/// Two real `switchyard serve` processes on one store behave as one (docs/SCALE-OUT.md,
/// cross-process events): a signal posted to one reaches the wait task the other holds; a wait
/// on one for an execution the other runs answers with its result; a signal posted while no
/// process holds the execution is stored and taken when it resumes; an event stream on one shows
/// the tasks the other runs as they start and end, woken by the store's notifier. On SQLite
/// always; on Postgres when `$SWITCHYARD_TEST_POSTGRES_URL` is set.
@Suite(.slow, .tags(.slow), .timeLimit(.minutes(2)))
struct CrossProcessEventTests {
    static let workflow = """
        id: wf
        tasks:
          - id: hold
            type: wait
            wait_for: approve
            condition: "signal.payload.ok == true"
            timeout: 90s
            on_success: {next: done}
          - id: done
            type: aggregate
            outputs: {who: "{{ .tasks.hold.output.signal.payload.who }}"}
        outputs:
          who: "{{ .tasks.done.output.who }}"
        """

    /// Two waits in a row: the execution stays open between the steps of the event-stream test.
    static let steps = """
        id: wf
        tasks:
          - id: first
            type: wait
            wait_for: one
            timeout: 90s
            on_success: {next: second}
          - id: second
            type: wait
            wait_for: two
            timeout: 90s
            final: true
        """

    /// `--store URL` for the Postgres runs; nil (and the test skipped) without a server.
    static func storeArguments(_ backend: String) -> [String]? {
        guard backend == "postgres" else { return [] }
        guard let url = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_POSTGRES_URL"], !url.isEmpty else {
            print("SKIPPED CrossProcessEventTests on postgres (no SWITCHYARD_TEST_POSTGRES_URL)")
            return nil
        }
        return ["--store", url]
    }

    /// Starts `wf` on `server` and returns its id once it waits for the signal.
    static func startWaiting(on server: APIServerHarness) async throws -> String {
        let started = try await server.request(.POST, "/api/v0/workflows/wf/executions", body: ["input": [:]])
        #expect(started.status == 202, "\(started.envelope)")
        let execID = try #require(started.envelope["data"]?["exec_id"]?.stringValue)
        let state = try await server.waitForExecution(execID) { $0["status"] == "WAITING" }
        #expect(state["status"] == "WAITING")
        return execID
    }

    static func signal(_ server: APIServerHarness, _ execID: String, ok: Bool, who: String) async throws -> Int {
        try await server.request(.POST, "/api/v0/executions/workflows/\(execID)/signals",
                                 body: ["signal_name": "approve", "payload": ["ok": .bool(ok), "who": .string(who)]]).status
    }

    /// One round: A holds the wait; B's wait request answers once B's signal reached A's task.
    static func crossRound(holder: APIServerHarness, other: APIServerHarness) async throws {
        let execID = try await startWaiting(on: holder)
        async let waited = other.request(.POST, "/api/v0/executions/workflows/\(execID)/wait", body: ["timeout": 60])
        // A signal whose condition fails is dropped; the wait goes on.
        #expect(try await signal(other, execID, ok: false, who: "mallory") == 202)
        #expect(try await signal(other, execID, ok: true, who: "bee") == 202)
        let (status, envelope) = try await waited
        #expect(status == 200, "\(envelope)")
        #expect(envelope["data"]?["workflow"]?["status"] == "SUCCESS")
        #expect(envelope["data"]?["output"]?["who"] == "bee")
        // The holder's own wait answers from memory with the same result.
        let local = try await holder.request(.POST, "/api/v0/executions/workflows/\(execID)/wait", body: ["timeout": 5])
        #expect(local.envelope["data"]?["output"]?["who"] == "bee")
        // Ended: no more signals, from either process.
        #expect(try await signal(other, execID, ok: true, who: "late") == 409)
    }

    @Test(arguments: ["sqlite", "postgres"])
    func aSignalAndAWaitCrossProcesses(backend: String) async throws {
        guard let store = Self.storeArguments(backend) else { return }
        let directory = try EngineCommandTests.project(Self.workflow)
        let first = try APIServerHarness(projectDirectory: directory, arguments: store)
        let second = try APIServerHarness(projectDirectory: directory, arguments: store)
        try await Self.crossRound(holder: first, other: second)
        try await Self.crossRound(holder: second, other: first)
        // Steady state: more rounds in each direction leave no descriptor behind in either. A
        // store pool opens reader connections lazily, up to its bound, whenever reads overlap, so
        // a batch of rounds may add a few once; a leak adds some in every batch. Up to four
        // batches are run until one leaves both counts where they were.
        var descriptors = (first.openDescriptors, second.openDescriptors)
        var steady = false
        for _ in 0..<4 where !steady {
            for _ in 0..<2 {
                try await Self.crossRound(holder: first, other: second)
                try await Self.crossRound(holder: second, other: first)
            }
            let now = (first.openDescriptors, second.openDescriptors)
            steady = now == descriptors
            descriptors = now
        }
        #expect(steady, "descriptors still growing after four batches of rounds: \(descriptors)")
        let unknown = try await second.request(.POST, "/api/v0/executions/workflows/nope/wait", body: ["timeout": 1])
        #expect(unknown.status == 404)
        #expect(first.stop() == 0)
        #expect(second.stop() == 0)
    }

    /// The stream on the watcher reads the store once at its start; the fallback poll and the
    /// heartbeat (which also reads) are an hour, so every later event it shows came from a
    /// wake-up of the store's notifier: a task ending and the next one starting (the execution
    /// still open), then the final status. Without the wake-ups the stream stalls and its read
    /// times out (checked: listening for `finished` only fails both backends).
    @Test(arguments: ["sqlite", "postgres"])
    func anEventStreamOnOneProcessShowsLiveTheTasksTheOtherRuns(backend: String) async throws {
        guard let store = Self.storeArguments(backend) else { return }
        let directory = try EngineCommandTests.project(Self.steps)
        let quiet = store + ["--event-fallback-poll", "1h"]
        let runner = try APIServerHarness(projectDirectory: directory, arguments: quiet)
        let watcher = try APIServerHarness(projectDirectory: directory, arguments: quiet,
                                           environment: ["SWITCHYARD_EVENT_HEARTBEAT": "1h"])
        let started = try await runner.request(.POST, "/api/v0/workflows/wf/executions", body: ["input": [:]])
        let execID = try #require(started.envelope["data"]?["exec_id"]?.stringValue, "\(started.envelope)")
        _ = try await runner.waitForExecution(execID) { $0["status"] == "WAITING" }
        var stream = try await EventStreamClient(port: watcher.port, execID: execID)
        #expect(stream.status == 200)
        let opening = try await stream.events { $0.type == "task_started" && $0.data["path"] == "first" }
        #expect(opening.last?.data["exec_id"] == .string(execID))
        func send(_ name: String) async throws {
            let sent = try await runner.request(.POST, "/api/v0/executions/workflows/\(execID)/signals",
                                                body: ["signal_name": .string(name), "payload": [:]])
            #expect(sent.status == 202, "\(sent.envelope)")
        }
        try await send("one")
        let step = try await stream.events { $0.type == "task_started" && $0.data["path"] == "second" }
        #expect(step.map(\.type) == ["task_finished", "task_started"], "\(step)")
        #expect(step.first?.data["path"] == "first")
        try await send("two")
        let rest = try await stream.all()
        #expect(rest.map(\.type) == ["task_finished", "execution_finished"], "\(rest)")
        #expect(rest.last?.data["status"] == "SUCCESS")
        let events = opening + step + rest
        #expect(events.map(\.id) == Array(1...events.count))
        #expect(runner.stop() == 0)
        #expect(watcher.stop() == 0)
    }

    @Test(arguments: ["sqlite", "postgres"])
    func aSignalSentWhileNoProcessHoldsTheExecutionIsTakenWhenItResumes(backend: String) async throws {
        guard let store = Self.storeArguments(backend) else { return }
        let directory = try EngineCommandTests.project(Self.workflow)
        let holder = try APIServerHarness(projectDirectory: directory, arguments: store)
        let execID = try await Self.startWaiting(on: holder)
        kill(holder.process.processIdentifier, SIGKILL)
        _ = holder.stop()
        let other = try APIServerHarness(projectDirectory: directory, arguments: store)
        // Nobody holds it now: the signal is stored (202), not refused.
        #expect(try await Self.signal(other, execID, ok: true, who: "stored") == 202)
        // Resumed here (by hand, or by lease recovery once the dead holder's lease expired).
        var resumed = false
        for _ in 0..<300 where !resumed {
            let answer = try await other.request(.POST, "/api/v0/executions/workflows/\(execID)/resume")
            let code = answer.envelope["error"]?["code"]?.stringValue
            resumed = answer.status == 202 || code == "ALREADY_RUNNING" || code == "ALREADY_FINISHED"
            if !resumed { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(resumed)
        let waited = try await other.request(.POST, "/api/v0/executions/workflows/\(execID)/wait", body: ["timeout": 60])
        #expect(waited.status == 200, "\(waited.envelope)")
        #expect(waited.envelope["data"]?["output"]?["who"] == "stored")
        #expect(other.stop() == 0)
    }
}
